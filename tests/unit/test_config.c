// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for config/: precedence, origins, warnings, trust of a tree's
 * .mmreview, value errors, redaction. Run from the repository root; every
 * file is written under a fresh mkdtemp() directory, with $HOME,
 * $XDG_CONFIG_HOME and $MMREVIEW_SYSTEM_CONFIG pointing into it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/config/"

struct env {
	char dir[64];
	struct sbuf warnings; /* one per line */
	struct sbuf list; /* "key=value\torigin" per line */
	struct config *cfg;
};

/* --- helpers -------------------------------------------------------------- */

static char *tpath(struct env *e, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", e->dir, name);
	return sbuf_detach(&sb, NULL);
}

static void mkdirs(const char *path)
{
	char *p = strdup(path);
	char *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	mkdir(p, 0700);
	free(p);
}

/* Write text to dir/name, making the directories on the way. */
static char *put(struct env *e, const char *name, const char *text)
{
	char *path = tpath(e, name);
	char *dir = strdup(path);
	FILE *f;

	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	free(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *slurp(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&sb, buf, n);
	fclose(f);
	return sbuf_detach(&sb, NULL);
}

/* Copy a fixture to dir/name; returns the new path (free it). */
static char *put_fixture(struct env *e, const char *fixture, const char *name)
{
	char *text = slurp(fixture);
	char *path = put(e, name, text);

	free(text);
	return path;
}

static void collect_warning(const char *text, void *ctx)
{
	struct env *e = ctx;

	assert_null(strchr(text, '\n'));
	sbuf_addf(&e->warnings, "%s\n", text);
}

static int collect_entry(const char *key, const char *value, const char *origin,
			 void *ctx)
{
	struct env *e = ctx;

	sbuf_addf(&e->list, "%s%s%s\t%s\n", key, value ? "=" : "",
		  value ? value : "", origin);
	return 0;
}

/* Lines of text holding needle. */
static size_t count_lines(const char *text, const char *needle)
{
	size_t n = 0;

	for (; (text = strstr(text, needle)); text += strlen(needle))
		n++;
	return n;
}

/*
 * The warnings of config_check(), less the "not yet supported" ones
 * (test_not_yet_supported counts those).
 */
static size_t check(struct env *e)
{
	size_t n;

	sbuf_reset(&e->warnings);
	n = config_check(e->cfg, collect_warning, e);
	return n - count_lines(e->warnings.buf, "is not yet supported");
}

static void list(struct env *e)
{
	sbuf_reset(&e->list);
	assert_int_equal(config_foreach(e->cfg, collect_entry, e), 0);
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void assert_string_value(struct env *e, const char *key,
				const char *want)
{
	const char *v;

	assert_int_equal(config_get_string(e->cfg, key, &v), 0);
	assert_string_equal(v, want);
}

static void assert_unset(struct env *e, const char *key)
{
	const char *v = "x";

	assert_int_equal(config_get_string(e->cfg, key, &v), MMR_ENOTFOUND);
	assert_null(v);
	assert_null(config_origin_of(e->cfg, key));
}

/* Origin "file:" + dir/name. */
static void assert_origin_file(struct env *e, const char *key, const char *name)
{
	char *path = tpath(e, name);
	const char *o = config_origin_of(e->cfg, key);

	assert_non_null(o);
	assert_true(!strncmp(o, "file:", 5));
	assert_string_equal(o + 5, path);
	free(path);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char *p;

	snprintf(e->dir, sizeof(e->dir), "/tmp/mmr-config-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	sbuf_init(&e->warnings, 0);
	sbuf_init(&e->list, 0);
	p = tpath(e, "home");
	setenv("HOME", p, 1);
	free(p);
	p = tpath(e, "xdg");
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	p = tpath(e, "etc/config");
	setenv("MMREVIEW_SYSTEM_CONFIG", p, 1);
	free(p);
	if (config_new(&e->cfg))
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	config_free(e->cfg);
	nftw(e->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	sbuf_release(&e->warnings);
	sbuf_release(&e->list);
	free(e);
	return 0;
}

/* --- precedence and origins ----------------------------------------------- */

/* Every level, from the system file to -c, in the standard layout. */
static void load_all_levels(struct env *e)
{
	char *p, *file;

	free(put_fixture(e, FIXTURES "system.conf", "etc/config"));
	free(put_fixture(e, FIXTURES "global.conf", "xdg/mmreview/config"));
	free(put_fixture(e, FIXTURES "tree.mmreview", "linux/.mmreview"));
	mkdirs((p = tpath(e, "linux/tools/mmreview")));
	free(p);
	file = put_fixture(e, FIXTURES "file.conf", "extra.conf");
	assert_int_equal(config_add_override(e->cfg, "post.from=cli@x.org"), 0);
	p = tpath(e, "linux");
	assert_int_equal(config_load_default(e->cfg, p, file), 0);
	assert_int_equal(config_add_override(e->cfg, "Review.Format=sarif"), 0);
	free(p);
	free(file);
}

static void test_precedence(void **state)
{
	struct env *e = *state;
	char *want;
	long n;

	load_all_levels(e);
	assert_string_value(e, "review.kernel-tree", "/srv/linux");
	assert_origin_file(e, "review.kernel-tree", "etc/config");
	assert_string_value(e, "lore.inbox", "sys-inbox");
	assert_string_value(e, "lore.url", "https://global.example");
	assert_origin_file(e, "lore.url", "xdg/mmreview/config");
	assert_string_value(e, "rule.src-dst-swap.enabled", "false");
	assert_origin_file(e, "rule.src-dst-swap.enabled", "linux/.mmreview");
	assert_string_value(e, "rule.src-dst-swap.severity", "error");
	assert_string_value(e, "rule.Lock-Order.severity", "info");
	assert_unset(e, "rule.lock-order.severity");
	assert_int_equal(config_get_int(e->cfg, "daemon.interval", 0, &n), 0);
	assert_int_equal(n, 300);
	assert_origin_file(e, "daemon.interval", "extra.conf");
	assert_string_value(e, "post.from", "cli@x.org");
	assert_string_equal(config_origin_of(e->cfg, "post.from"),
			    "command line:");
	assert_string_value(e, "review.format", "sarif");
	assert_string_value(e, "REVIEW.FORMAT", "sarif");

	want = tpath(e, "linux/tools/mmreview");
	assert_string_value(e, "rules.directory", want);
	free(want);
}

static void test_later_override_wins(void **state)
{
	struct env *e = *state;

	assert_int_equal(config_add_override(e->cfg, "lore.url=a"), 0);
	assert_int_equal(config_add_override(e->cfg, "lore.url=b"), 0);
	assert_int_equal(config_add_override(e->cfg, "lore.inbox="), 0);
	assert_string_value(e, "lore.url", "b");
	assert_string_value(e, "lore.inbox", "");
}

static int collect_value(const char *value, void *payload)
{
	sbuf_addf(payload, "%s;", value ? value : "(none)");
	return 0;
}

static int stop_at_b(const char *value, void *payload)
{
	collect_value(value, payload);
	return value && !strcmp(value, "b") ? 7 : 0;
}

static void test_all_values(void **state)
{
	struct env *e = *state;
	char *glob = put(e, "xdg/mmreview/config",
			 "[lore]\n\turl = a\n\turl = b\n\tsettle = 1\n");
	char *extra = put(e, "extra.conf", "[lore]\nurl = c\nurl\nurl = d\n");
	struct sbuf got = SBUF_INIT;

	assert_int_equal(
		config_get_all(e->cfg, "lore.url", collect_value, &got), 0);
	assert_string_equal(got.buf, "");
	assert_int_equal(config_add_file(e->cfg, glob, CONFIG_GLOBAL), 0);
	assert_int_equal(
		config_get_all(e->cfg, "lore.url", collect_value, &got), 0);
	assert_string_equal(got.buf, "a;b;");
	assert_string_value(e, "lore.url", "b");
	sbuf_reset(&got);
	assert_int_equal(config_get_all(e->cfg, "lore.url", stop_at_b, &got),
			 7);
	assert_string_equal(got.buf, "a;b;");

	/* a higher file replaces the values, in the order written */
	assert_int_equal(config_add_file(e->cfg, extra, CONFIG_FILE), 0);
	sbuf_reset(&got);
	assert_int_equal(
		config_get_all(e->cfg, "LORE.URL", collect_value, &got), 0);
	assert_string_equal(got.buf, "c;(none);d;");

	/* and so do the -c overrides, all of them */
	assert_int_equal(config_add_override(e->cfg, "lore.url=x"), 0);
	assert_int_equal(config_add_override(e->cfg, "lore.url=y"), 0);
	sbuf_reset(&got);
	assert_int_equal(
		config_get_all(e->cfg, "lore.url", collect_value, &got), 0);
	assert_string_equal(got.buf, "x;y;");
	sbuf_reset(&got);
	assert_int_equal(
		config_get_all(e->cfg, "lore.settle", collect_value, &got), 0);
	assert_string_equal(got.buf, "1;");
	sbuf_release(&got);
	free(glob);
	free(extra);
}

static void test_show_origin_list(void **state)
{
	struct env *e = *state;
	char *sys = tpath(e, "etc/config");
	char *glob = tpath(e, "xdg/mmreview/config");
	struct sbuf want = SBUF_INIT;

	load_all_levels(e);
	list(e);
	sbuf_addf(&want, "daemon.interval=300\tfile:%s/extra.conf\n", e->dir);
	sbuf_addf(&want, "daemon.state=~/state.db\tfile:%s\n", glob);
	sbuf_addf(&want, "lore.inbox=sys-inbox\tfile:%s\n", sys);
	sbuf_addf(&want, "lore.url=https://global.example\tfile:%s\n", glob);
	sbuf_addf(&want, "post.from=cli@x.org\tcommand line:\n");
	sbuf_addf(&want, "review.format=sarif\tcommand line:\n");
	sbuf_addf(&want, "review.kernel-tree=/srv/linux\tfile:%s\n", sys);
	sbuf_addf(&want, "rule.Lock-Order.severity=info\tfile:%s/linux/%s\n",
		  e->dir, ".mmreview");
	sbuf_addf(&want, "rule.src-dst-swap.enabled=false\tfile:%s/linux/%s\n",
		  e->dir, ".mmreview");
	sbuf_addf(&want, "rule.src-dst-swap.severity=error\tfile:%s\n", glob);
	sbuf_addf(&want,
		  "rules.directory=%s/linux/tools/mmreview\tfile:%s/linux/%s\n",
		  e->dir, e->dir, ".mmreview");
	assert_string_equal(e->list.buf, want.buf);
	sbuf_release(&want);
	free(sys);
	free(glob);
}

static void test_home_when_no_xdg(void **state)
{
	struct env *e = *state;

	unsetenv("XDG_CONFIG_HOME");
	free(put(e, "home/.config/mmreview/config", "[lore]\ninbox = h\n"));
	free(put(e, "xdg/mmreview/config", "[lore]\ninbox = x\n"));
	assert_int_equal(config_load_default(e->cfg, NULL, NULL), 0);
	assert_string_value(e, "lore.inbox", "h");
	assert_origin_file(e, "lore.inbox", "home/.config/mmreview/config");
}

static void test_missing_files(void **state)
{
	struct env *e = *state;
	char *top = tpath(e, "no-tree");
	char *extra = tpath(e, "no-such.conf");

	assert_int_equal(config_load_default(e->cfg, top, NULL), 0);
	list(e);
	assert_string_equal(e->list.buf, "");
	assert_int_equal(config_add_file(e->cfg, extra, CONFIG_FILE),
			 MMR_ENOTFOUND);
	assert_true(contains(mmr_error_last(), extra));
	free(top);
	free(extra);
}

static void test_file_errors(void **state)
{
	struct env *e = *state;
	char *dir = tpath(e, "home");
	char *file = put(e, "a.conf", "[lore]\n\tinbox = a\n");
	char *other = put(e, "b.conf", "[lore]\n\tinbox = b\n");

	mkdirs(dir);
	assert_int_equal(config_add_file(e->cfg, dir, CONFIG_FILE), MMR_EIO);
	assert_true(contains(mmr_error_last(), "not a regular file"));
	assert_int_equal(config_add_file(e->cfg, file, CONFIG_FILE), 0);
	assert_int_equal(config_add_file(e->cfg, other, CONFIG_FILE),
			 MMR_EUSAGE);
	assert_int_equal(config_add_file(e->cfg, other, CONFIG_COMMAND_LINE),
			 MMR_EUSAGE);
	assert_string_value(e, "lore.inbox", "a");
	free(dir);
	free(file);
	free(other);
}

static void test_malformed_file(void **state)
{
	struct env *e = *state;
	char *path = put_fixture(e, FIXTURES "malformed.conf", "bad.conf");
	struct sbuf want = SBUF_INIT;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), MMR_EIO);
	sbuf_addf(&want, "%s:3", path);
	assert_true(contains(mmr_error_last(), "cannot read config file"));
	assert_true(contains(mmr_error_last(), want.buf));
	/* nothing of it is kept, and the level is still free */
	assert_unset(e, "lore.url");
	free(put(e, "bad.conf", "[lore]\n\turl = fixed\n"));
	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), 0);
	assert_string_value(e, "lore.url", "fixed");
	sbuf_release(&want);
	free(path);
}

static void test_too_large(void **state)
{
	struct env *e = *state;
	char *path = tpath(e, "big.conf");
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), CONFIG_MAX_FILE_SIZE + 1), 0);
	fclose(f);
	assert_int_equal(config_add_file(e->cfg, path, CONFIG_FILE),
			 MMR_ELIMIT);
	free(path);
}

/* --- overrides and keys --------------------------------------------------- */

static void test_override_usage(void **state)
{
	struct env *e = *state;
	static const char *const bad[] = {
		"lore.url",    "=x",	      "lore=x",
		".url=x",      "lore.=x",     "lore..url=x",
		"lore.1url=x", "lo re.url=x", "lore.u_rl=x",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(config_add_override(e->cfg, bad[i]),
				 MMR_EUSAGE);
	assert_true(contains(mmr_error_last(), "invalid key"));
	assert_int_equal(config_add_override(e->cfg, "Rule.My.Id.Enabled=no"),
			 0);
	assert_int_equal(config_add_override(e->cfg, "a.b=c=d"), 0);
	assert_string_value(e, "rule.My.Id.enabled", "no");
	assert_string_value(e, "a.b", "c=d");
	assert_true(config_key_is_known("rule.My.Id.enabled"));
	assert_false(config_key_is_known("rule..enabled"));
	assert_false(config_key_is_known("rule.enabled"));
	assert_false(config_key_is_known("rules.enabled"));
}

static void test_unknown_keys(void **state)
{
	struct env *e = *state;
	char *path = put_fixture(e, FIXTURES "unknown.conf", "u.conf");
	struct sbuf want = SBUF_INIT;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_FILE), 0);
	assert_int_equal(config_add_override(e->cfg, "foo.bar=1"), 0);
	assert_int_equal(check(e), 3);
	sbuf_addf(&want, "unknown key 'foo.bar' in command line\n");
	sbuf_addf(&want, "unknown key 'frobnicate.level' in file:%s\n", path);
	sbuf_addf(&want, "unknown key 'review.colour' in file:%s\n", path);
	assert_string_equal(e->warnings.buf, want.buf);
	/* a rule's option: the rule loader, which knows the rules, checks it */
	assert_true(config_key_is_known("rule.x.enable"));
	assert_string_value(e, "rule.x.enable", "false");
	/* unknown keys are still readable */
	assert_string_value(e, "frobnicate.level", "3");
	sbuf_release(&want);
	free(path);
}

/* --- trust of a tree's .mmreview ------------------------------------------ */

static void test_tree_ignored_keys(void **state)
{
	struct env *e = *state;
	static const char *const ignored[] = {
		"rules.plugin",	   "smtp.url",	   "smtp.pass",
		"post.enabled",	   "post.from",	   "lore.url",
		"daemon.interval", "daemon.state", "review.kernel-tree",
		"review.format",   "evil.key",
	};
	char *path = put_fixture(e, FIXTURES "tree.mmreview", "t/.mmreview");
	size_t i;
	bool b;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_TREE), 0);
	assert_int_equal(check(e), sizeof(ignored) / sizeof(*ignored));
	list(e);
	for (i = 0; i < sizeof(ignored) / sizeof(*ignored); i++) {
		struct sbuf w = SBUF_INIT;

		sbuf_addf(&w,
			  "ignoring '%s' from untrusted %s: only rule settings "
			  "are read from a tree\n",
			  ignored[i], path);
		assert_true(contains(e->warnings.buf, w.buf));
		assert_unset(e, ignored[i]);
		sbuf_reset(&w);
		sbuf_addf(&w, "%s=", ignored[i]);
		assert_false(contains(e->list.buf, w.buf));
		sbuf_release(&w);
	}
	assert_false(contains(e->list.buf, "evil"));
	assert_false(contains(e->list.buf, "stolen"));
	assert_int_equal(config_get_bool(e->cfg, "post.enabled", false, &b), 0);
	assert_false(b);
	/* tools/mmreview does not exist: the lexical check is enough */
	assert_true(contains(e->list.buf, "rules.directory="));
	free(path);
}

/* A tree's .mmreview setting rules.directory to value. */
static void try_tree_dir(struct env *e, const char *value, bool accepted)
{
	struct sbuf text = SBUF_INIT;
	struct config *cfg;
	char *path;

	sbuf_addf(&text, "[rules]\n\tdirectory = %s\n", value);
	path = put(e, "tree/.mmreview", text.buf);
	assert_int_equal(config_new(&cfg), 0);
	config_free(e->cfg);
	e->cfg = cfg;
	assert_int_equal(config_add_file(e->cfg, path, CONFIG_TREE), 0);
	assert_int_equal(check(e), !accepted);
	list(e);
	if (accepted) {
		assert_non_null(config_origin_of(e->cfg, "rules.directory"));
	} else {
		assert_true(contains(e->warnings.buf,
				     "ignoring 'rules.directory' from "
				     "untrusted"));
		assert_true(contains(e->warnings.buf, "stay inside the tree"));
		assert_unset(e, "rules.directory");
		assert_string_equal(e->list.buf, "");
	}
	sbuf_release(&text);
	free(path);
}

static void test_tree_rules_directory(void **state)
{
	struct env *e = *state;
	char *p;

	try_tree_dir(e, "rules", true);
	try_tree_dir(e, "./a/b/", true);
	try_tree_dir(e, "a..b", true);
	try_tree_dir(e, "..", false);
	try_tree_dir(e, "../x", false);
	try_tree_dir(e, "a/../../x", false);
	try_tree_dir(e, "a/..", false);
	try_tree_dir(e, "/etc", false);
	try_tree_dir(e, "\"\"", false);

	/* a symbolic link out of the tree */
	p = tpath(e, "tree/out");
	assert_int_equal(symlink("/tmp", p), 0);
	free(p);
	try_tree_dir(e, "out", false);
	try_tree_dir(e, "out/x", false);

	/* trusted files may point anywhere */
	assert_int_equal(config_add_override(e->cfg, "rules.directory=../x"),
			 0);
	assert_string_value(e, "rules.directory", "../x");
}

static void test_tree_warning_is_printable(void **state)
{
	struct env *e = *state;
	char *path = put(e, "t/.mmreview", "[smtp \"a\tb\x1b[2J\"]\n\tx = 1\n");

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_TREE), 0);
	assert_int_equal(check(e), 1);
	assert_null(strchr(e->warnings.buf, '\x1b'));
	assert_null(strchr(e->warnings.buf, '\t'));
	free(path);
}

/* "ignoring <path>: <why>" for the tree file at path, and nothing else. */
static void assert_tree_file_ignored(struct env *e, const char *path,
				     const char *why)
{
	struct sbuf want = SBUF_INIT;

	sbuf_addf(&want, "ignoring %s: ", path);
	assert_int_equal(check(e), 1);
	assert_true(!strncmp(e->warnings.buf, want.buf, want.len));
	assert_true(contains(e->warnings.buf, why));
	list(e);
	assert_string_equal(e->list.buf, "");
	sbuf_release(&want);
}

static void test_tree_include_ignored(void **state)
{
	struct env *e = *state;
	static const char *const texts[] = {
		"[include]\n\tpath = ../inc.conf\n",
		"  [ Include ]\n\tpath = ../inc.conf\n",
		"[includeIf \"gitdir:/\"]\n\tpath = ../inc.conf\n",
		"\t[INCLUDEIF \"onbranch:x\"]\n\tpath = ../inc.conf\n",
		/* libgit2 takes a second header on the line */
		"[rule \"b\"] [include]\n\tpath = ../inc.conf\n",
		"\xef\xbb\xbf[include]\n\tpath = ../inc.conf\n",
	};
	char *inc = put(e, "inc.conf", "[rule \"a\"]\n\tenabled = true\n");
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct sbuf text = SBUF_INIT;
		struct config *cfg;
		char *path;

		sbuf_addf(&text, "[rule \"b\"]\n\tenabled = true\n%s",
			  texts[i]);
		path = put(e, "t/.mmreview", text.buf);
		assert_int_equal(config_new(&cfg), 0);
		config_free(e->cfg);
		e->cfg = cfg;
		assert_int_equal(config_add_file(e->cfg, path, CONFIG_TREE), 0);
		assert_tree_file_ignored(e, path,
					 "[include] is not read from a tree");
		assert_unset(e, "rule.a.enabled");
		assert_unset(e, "rule.b.enabled");
		sbuf_release(&text);
		free(path);
	}
	/* names that only start like it are fine */
	free(put(e, "t/.mmreview",
		 "[includes]\n\tx = 1\n[rule \"include\"]\n\tenabled = no\n"));
	config_free(e->cfg);
	assert_int_equal(config_new(&e->cfg), 0);
	free(inc);
	inc = tpath(e, "t/.mmreview");
	assert_int_equal(config_add_file(e->cfg, inc, CONFIG_TREE), 0);
	assert_string_value(e, "rule.include.enabled", "no");
	free(inc);
}

static void test_tree_fifo_ignored(void **state)
{
	struct env *e = *state;
	char *dir = tpath(e, "t");
	char *fifo = tpath(e, "t/fifo");
	char *path = tpath(e, "t/.mmreview");
	char *inc = put(e, "t/inc.mmreview", "[include]\n\tpath = fifo\n");
	char *user = put(e, "xdg/mmreview/config", "[lore]\n\tmode = u\n");

	mkdirs(dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* a FIFO named as the tree file, or through a symbolic link */
	assert_int_equal(config_add_file(e->cfg, fifo, CONFIG_TREE), 0);
	assert_tree_file_ignored(e, fifo, "not a regular file");
	config_free(e->cfg);
	assert_int_equal(config_new(&e->cfg), 0);
	assert_int_equal(symlink("fifo", path), 0);
	assert_int_equal(config_load_default(e->cfg, dir, NULL), 0);
	assert_string_value(e, "lore.mode", "u");
	assert_int_equal(check(e), 1);
	assert_true(contains(e->warnings.buf, "not a regular file"));
	/* an include of it is not followed */
	config_free(e->cfg);
	assert_int_equal(config_new(&e->cfg), 0);
	assert_int_equal(config_add_file(e->cfg, inc, CONFIG_TREE), 0);
	assert_tree_file_ignored(e, inc, "[include] is not read from a tree");
	/* any other origin: still an error, without hanging */
	assert_int_equal(config_add_file(e->cfg, fifo, CONFIG_FILE), MMR_EIO);
	assert_true(contains(mmr_error_last(), "not a regular file"));
	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), MMR_EIO);
	free(dir);
	free(fifo);
	free(path);
	free(inc);
	free(user);
}

static void test_tree_syntax_error_ignored(void **state)
{
	struct env *e = *state;
	char *path = put(e, "t/.mmreview",
			 "[rule \"a\"]\n\tenabled = true\n[rule \"x\x1b[2J\n");
	char *top = tpath(e, "t");
	char *big = tpath(e, "t2/.mmreview");
	FILE *f;

	free(put(e, "etc/config", "[lore]\n\tmode = sys\n"));
	assert_int_equal(config_load_default(e->cfg, top, NULL), 0);
	assert_string_value(e, "lore.mode", "sys");
	assert_unset(e, "rule.a.enabled");
	assert_int_equal(check(e), 1);
	assert_true(contains(e->warnings.buf, "ignoring "));
	assert_true(contains(e->warnings.buf, path));
	assert_null(strchr(e->warnings.buf, '\x1b'));
	/* a later tree file replaces the warning */
	free(top);
	top = tpath(e, "t2");
	mkdirs(top);
	f = fopen(big, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), CONFIG_MAX_FILE_SIZE + 1), 0);
	fclose(f);
	config_free(e->cfg);
	assert_int_equal(config_new(&e->cfg), 0);
	assert_int_equal(config_add_file(e->cfg, big, CONFIG_TREE), 0);
	assert_int_equal(check(e), 1);
	assert_true(contains(e->warnings.buf, "larger than"));
	free(put(e, "t2/.mmreview", "[rule \"a\"]\n\tenabled = no\n"));
	assert_int_equal(config_add_file(e->cfg, big, CONFIG_TREE), 0);
	assert_int_equal(check(e), 0);
	assert_string_value(e, "rule.a.enabled", "no");
	free(path);
	free(top);
	free(big);
}

/* --- values --------------------------------------------------------------- */

static void test_bool_int_enum(void **state)
{
	struct env *e = *state;
	static const char *const formats[] = { "text", "json", "sarif", "email",
					       NULL };
	char *path = put_fixture(e, FIXTURES "values.conf", "v.conf");
	const char *s;
	bool b;
	long n;
	int i;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), 0);

	assert_int_equal(config_get_bool(e->cfg, "post.enabled", false, &b),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "'post.enabled'"));
	assert_true(contains(mmr_error_last(), "'maybe'"));
	assert_true(contains(mmr_error_last(), path));
	assert_int_equal(config_get_bool(e->cfg, "post.dry-run", false, &b), 0);
	assert_true(b);
	assert_int_equal(config_get_string(e->cfg, "post.dry-run", &s),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "has no value"));
	assert_int_equal(config_get_bool(e->cfg, "post.unset", true, &b), 0);
	assert_true(b);

	assert_int_equal(config_get_int(e->cfg, "daemon.interval", 7, &n),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "'daemon.interval'"));
	assert_true(contains(mmr_error_last(), "'12x'"));
	assert_true(contains(mmr_error_last(), path));
	assert_int_equal(config_get_int(e->cfg, "daemon.unset", 7, &n), 0);
	assert_int_equal(n, 7);

	assert_int_equal(config_get_enum(e->cfg, "review.format", formats, 0,
					 &i),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "'pdf'"));
	assert_true(contains(mmr_error_last(), "text, json, sarif, email"));

	assert_int_equal(config_add_override(e->cfg, "post.enabled=Yes"), 0);
	assert_int_equal(config_add_override(e->cfg, "daemon.interval=2k"), 0);
	assert_int_equal(config_add_override(e->cfg, "review.format=email"), 0);
	assert_int_equal(config_get_bool(e->cfg, "post.enabled", false, &b), 0);
	assert_true(b);
	assert_int_equal(config_get_int(e->cfg, "daemon.interval", 7, &n), 0);
	assert_int_equal(n, 2048);
	assert_int_equal(
		config_get_enum(e->cfg, "review.format", formats, 0, &i), 0);
	assert_int_equal(i, 3);

	assert_int_equal(config_add_override(e->cfg, "daemon.interval=-"), 0);
	assert_int_equal(config_get_int(e->cfg, "daemon.interval", 7, &n),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "command line"));
	free(path);
}

static void test_path(void **state)
{
	struct env *e = *state;
	char *want = tpath(e, "home/state.db");
	char *p;

	assert_int_equal(config_add_override(e->cfg, "daemon.state=~/state.db"),
			 0);
	assert_int_equal(config_add_override(e->cfg, "lore.url=~bob/x"), 0);
	assert_int_equal(config_add_override(e->cfg, "lore.inbox=rel/x"), 0);
	assert_int_equal(config_get_path(e->cfg, "daemon.state", &p), 0);
	assert_string_equal(p, want);
	free(p);
	assert_int_equal(config_get_path(e->cfg, "lore.inbox", &p), 0);
	assert_string_equal(p, "rel/x");
	free(p);
	assert_int_equal(config_get_path(e->cfg, "lore.url", &p), MMR_EINVAL);
	assert_null(p);
	assert_int_equal(config_get_path(e->cfg, "review.kernel-tree", &p),
			 MMR_ENOTFOUND);
	free(want);
}

static int collect_path(const char *path, enum config_origin origin,
			const char *where, void *payload)
{
	struct env *e = payload;

	sbuf_addf(&e->list, "%s %d %s\n", path, (int)origin, where);
	return 0;
}

static int stop_at_second(const char *path, enum config_origin origin,
			  const char *where, void *payload)
{
	int *n = payload;

	(void)path;
	(void)origin;
	(void)where;
	return ++*n == 2 ? 7 : 0;
}

/* Keys given several times: each value, lowest precedence first. */
static void test_paths(void **state)
{
	struct env *e = *state;
	char *global = put(e, "global.conf",
			   "[rules]\n\tdirectory = /g/one\n"
			   "\tdirectory = ~/two\n\tplugin = /g/p.so\n");
	char *file = put(e, "file.conf", "[rules]\n\tdirectory = /f/three\n");
	char *home = tpath(e, "home");
	struct sbuf want = SBUF_INIT;
	int n = 0;

	assert_int_equal(config_add_override(e->cfg, "rules.directory=/c/4"),
			 0);
	assert_int_equal(config_add_file(e->cfg, file, CONFIG_FILE), 0);
	assert_int_equal(config_add_file(e->cfg, global, CONFIG_GLOBAL), 0);
	sbuf_reset(&e->list);
	assert_int_equal(config_get_paths(e->cfg, "Rules.Directory",
					  collect_path, e),
			 0);
	sbuf_addf(&want, "/g/one %d file:%s\n", CONFIG_GLOBAL, global);
	sbuf_addf(&want, "%s/two %d file:%s\n", home, CONFIG_GLOBAL, global);
	sbuf_addf(&want, "/f/three %d file:%s\n", CONFIG_FILE, file);
	sbuf_addf(&want, "/c/4 %d command line\n", CONFIG_COMMAND_LINE);
	assert_string_equal(e->list.buf, want.buf);
	/* the single-value getters still see the last one */
	assert_string_value(e, "rules.directory", "/c/4");

	assert_int_equal(config_get_paths(e->cfg, "rules.directory",
					  stop_at_second, &n),
			 7);
	sbuf_reset(&e->list);
	assert_int_equal(
		config_get_paths(e->cfg, "rules.nothing", collect_path, e), 0);
	assert_string_equal(e->list.buf, "");
	assert_int_equal(config_add_override(e->cfg, "rules.plugin"),
			 MMR_EUSAGE);
	assert_int_equal(config_add_override(e->cfg, "rules.plugin="), 0);
	assert_int_equal(config_get_paths(e->cfg, "rules.plugin", collect_path,
					  e),
			 MMR_EINVAL);
	sbuf_release(&want);
	free(home);
	free(global);
	free(file);
}

static void test_redaction(void **state)
{
	struct env *e = *state;
	char *path = put_fixture(e, FIXTURES "secrets.conf", "s.conf");
	long n;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), 0);
	assert_int_equal(config_add_override(e->cfg, "smtp.Password=pw2"), 0);
	assert_int_equal(
		config_add_override(e->cfg, "smtp.pass-file=/run/pass"), 0);
	list(e);
	/* where the password is kept is no secret */
	assert_true(contains(e->list.buf, "smtp.pass-file=/run/pass\t"));
	assert_false(config_key_is_secret("smtp.pass-file"));
	assert_true(contains(e->list.buf, "smtp.pass=<redacted>\t"));
	assert_true(contains(e->list.buf, "lore.api-token=<redacted>\t"));
	assert_true(contains(e->list.buf, "x.password=<redacted>\t"));
	assert_true(contains(e->list.buf, "smtp.password=<redacted>\t"));
	assert_true(contains(e->list.buf, "smtp.url=smtps://mail.example\t"));
	assert_true(contains(e->list.buf, "smtp.user=bot\t"));
	assert_false(contains(e->list.buf, "hunter2"));
	assert_false(contains(e->list.buf, "abc123"));
	assert_false(contains(e->list.buf, "=pw"));
	assert_string_value(e, "smtp.pass", "hunter2");
	/* nor in error messages */
	assert_int_equal(config_get_int(e->cfg, "smtp.pass", 0, &n),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "'smtp.pass'"));
	assert_false(contains(mmr_error_last(), "hunter2"));
	assert_true(config_key_is_secret("a.GitHubToken"));
	assert_false(config_key_is_secret("smtp.passive"));
	free(path);
}

static void test_url_redaction(void **state)
{
	struct env *e = *state;
	char *path = put_fixture(e, FIXTURES "secrets.conf", "s.conf");
	bool b;

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_GLOBAL), 0);
	assert_int_equal(config_add_override(
				 e->cfg,
				 "smtp.url=smtps://alice:hunter2@mail.x:465/"),
			 0);
	assert_int_equal(
		config_add_override(e->cfg, "lore.URL=https://u:t@ok@lore/a@b"),
		0);
	assert_int_equal(config_add_override(e->cfg, "x.y.url=bob@host"), 0);
	assert_int_equal(config_add_override(e->cfg,
					     "z.url=https://h/p?q=a:b@c#d@e"),
			 0);
	list(e);
	assert_true(contains(e->list.buf,
			     "smtp.url=smtps://<redacted>@mail.x:465/\t"));
	assert_true(contains(e->list.buf,
			     "lore.url=https://<redacted>@lore/a@b\t"));
	assert_true(contains(e->list.buf, "x.y.url=<redacted>@host\t"));
	assert_true(contains(e->list.buf, "z.url=https://h/p?q=a:b@c#d@e\t"));
	assert_false(contains(e->list.buf, "hunter2"));
	assert_false(contains(e->list.buf, "alice"));
	assert_false(contains(e->list.buf, "u:t"));
	/* the getter has the real value */
	assert_string_value(e, "smtp.url", "smtps://alice:hunter2@mail.x:465/");
	/* and error text does not */
	assert_int_equal(config_get_bool(e->cfg, "smtp.url", false, &b),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "<redacted>@mail.x"));
	assert_false(contains(mmr_error_last(), "hunter2"));
	free(path);
}

/* --- the example file ----------------------------------------------------- */

/* The example with every ';' example line switched on. */
static char *example_enabled(void)
{
	char *text = slurp("config/mmreview.conf.example");
	struct sbuf sb = SBUF_INIT;
	char *line = text, *nl;

	for (; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (*line == ';')
			line++;
		sbuf_add(&sb, line, nl - line);
		sbuf_addch(&sb, '\n');
		if (!*nl)
			break;
	}
	free(text);
	return sbuf_detach(&sb, NULL);
}

/* Keys accepted before they work say so, each once; working ones do not. */
static void test_not_yet_supported(void **state)
{
	struct env *e = *state;

	assert_int_equal(config_add_override(e->cfg, "rules.plugin=/x.so"), 0);
	assert_int_equal(config_add_override(e->cfg, "rules.directory=/x"), 0);
	assert_int_equal(config_add_override(e->cfg, "daemon.interval=5"), 0);
	assert_int_equal(config_add_override(e->cfg, "post.from=a@b.org"), 0);
	assert_int_equal(config_add_override(e->cfg, "review.format=json"), 0);
	assert_int_equal(config_add_override(e->cfg, "rule.x.enabled=no"), 0);
	sbuf_reset(&e->warnings);
	/* every key works now, rules.* too (custom rules) */
	assert_int_equal(config_check(e->cfg, collect_warning, e), 0);
	assert_true(config_key_is_supported("rules.plugin"));
	assert_true(config_key_is_supported("rules.directory"));
	assert_true(config_key_is_supported("rule.x.an-option"));
	assert_false(contains(e->warnings.buf, "daemon.interval"));
	assert_false(contains(e->warnings.buf, "post.from"));
	assert_false(contains(e->warnings.buf, "review.format"));
	assert_true(config_key_is_supported("rule.x.severity"));
	assert_true(config_key_is_supported("lore.url"));
	assert_false(config_key_is_supported("lore.inbox"));
	assert_false(config_key_is_supported("no.such"));
}

static void test_example_documents_every_key(void **state)
{
	struct env *e = *state;
	static const char *const keys[] = {
		"review.kernel-tree",
		"review.format",
		"rule.role-swap.enabled",
		"rule.role-swap.severity",
		"rule.comment-mismatch.enabled",
		"rule.comment-mismatch.severity",
		"rule.pte-map-unchecked.functions",
		"rules.directory",
		"rules.plugin",
		"lore.url",
		"lore.mode",
		"lore.settle",
		"lore.ignore-from",
		"lore.timeout",
		"lore.connect-timeout",
		"lore.retries",
		"daemon.interval",
		"daemon.state-dir",
		"post.mode",
		"post.outbox",
		"post.from",
		"post.reply-to",
		"post.list",
		"post.cc",
		"post.ignore-from",
		"post.only-from",
		"post.min-severity",
		"post.max-per-hour",
		"post.archive-wait",
		"smtp.url",
		"smtp.starttls",
		"smtp.user",
		"smtp.pass-file",
		"smtp.connect-timeout",
		"smtp.timeout",
	};
	char *raw = put_fixture(e, "config/mmreview.conf.example", "raw.conf");
	char *text = example_enabled();
	char *path = put(e, "example.conf", text);
	size_t i;

	/* as shipped, it parses and sets nothing */
	assert_int_equal(config_add_file(e->cfg, raw, CONFIG_GLOBAL), 0);
	list(e);
	assert_string_equal(e->list.buf, "");

	assert_int_equal(config_add_file(e->cfg, path, CONFIG_FILE), 0);
	assert_int_equal(check(e), 0);
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		assert_true(config_key_is_known(keys[i]));
		assert_non_null(config_origin_of(e->cfg, keys[i]));
	}
	free(raw);
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_precedence),
		T(test_later_override_wins),
		T(test_all_values),
		T(test_show_origin_list),
		T(test_home_when_no_xdg),
		T(test_missing_files),
		T(test_file_errors),
		T(test_malformed_file),
		T(test_too_large),
		T(test_override_usage),
		T(test_unknown_keys),
		T(test_tree_ignored_keys),
		T(test_tree_rules_directory),
		T(test_tree_warning_is_printable),
		T(test_tree_include_ignored),
		T(test_tree_fifo_ignored),
		T(test_tree_syntax_error_ignored),
		T(test_bool_int_enum),
		T(test_path),
		T(test_paths),
		T(test_redaction),
		T(test_url_redaction),
		T(test_not_yet_supported),
		T(test_example_documents_every_key),
#undef T
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
