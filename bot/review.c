// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "diff.h"
#include "mail.h"
#include "mbox.h"
#include "review.h"
#include "rule.h"
#include "sbuf.h"
#include "source.h"
#include "util.h"

/* Bytes looked at to tell a mail from a plain diff. */
#define REVIEW_PEEK 4096
/* Parents looked at for a kernel tree around the current directory. */
#define REVIEW_MAX_DEPTH 64

static const char expected[] =
	"expected an mbox of patches, a patch file (git format-patch) or a "
	"diff (git diff, git show)";

/* --- rules from the config ---------------------------------------------- */

struct rule_config {
	const struct config *cfg;
	struct rule_set *rules;
	review_warn_fn warn;
	void *payload;
	int error;
	const struct review_rules_opts *opts;
};

/* Text from a config file, made safe for a terminal. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Whether a value comes from the .mmreview of the tree under review. */
static bool from_tree(const char *origin)
{
	size_t n = strlen(origin), t = strlen("/" CONFIG_TREE_NAME);

	return n > t && !strcmp(origin + n - t, "/" CONFIG_TREE_NAME);
}

static void rule_warn(struct rule_config *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rule_warn(struct rule_config *rc, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (!rc->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printable(msg);
	rc->warn(msg, rc->payload);
}

/*
 * An origin as config writes it ("file:/path", "command line:") without
 * the colon that would follow it in a message.
 */
static void origin_text(char *buf, size_t len, const char *origin)
{
	size_t n = strlen(origin);

	if (n && origin[n - 1] == ':')
		n--;
	snprintf(buf, len, "%.*s", (int)n, origin);
}

/* rule.<id>.<name>: an option of the rule. */
static void apply_rule_option(struct rule_config *rc, const char *key,
			      const char *id, const char *name,
			      const char *where)
{
	const char *value = NULL;

	config_get_string(rc->cfg, key, &value);
	if (rule_set_set_option(rc->rules, id, name, value) < 0)
		rule_warn(rc, "unknown key '%s' in %s: %s", key, where,
			  mmr_error_last());
}

/* rule.<id>.enabled, rule.<id>.severity and the rule's options. */
static int apply_rule_key(const char *key, const char *value,
			  const char *origin, void *ctx)
{
	/* In the order of enum rule_severity. */
	static const char *const severities[] = { "info", "warning", "error",
						  NULL };
	struct rule_config *rc = ctx;
	const char *dot = strrchr(key, '.');
	char id[128], where[1024];
	bool on;
	int sev;

	(void)value;
	if (strncmp(key, "rule.", 5) || dot == key + 4 ||
	    (size_t)(dot - key - 5) >= sizeof(id))
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)(dot - key - 5), key + 5);
	origin_text(where, sizeof(where), origin);
	if (!rule_set_find(rc->rules, id)) {
		rule_warn(rc,
			  "no rule '%s' (set in %s; see 'mmreview rules "
			  "list')",
			  id, where);
		return 0;
	}
	if (!strcmp(dot, ".enabled")) {
		if (config_get_bool(rc->cfg, key, true, &on) < 0)
			goto bad;
		rule_set_enable(rc->rules, id, on);
	} else if (!strcmp(dot, ".severity")) {
		if (config_get_enum(rc->cfg, key, severities, RULE_WARNING,
				    &sev) < 0)
			goto bad;
		rule_set_set_severity(rc->rules, id, (enum rule_severity)sev);
	} else {
		apply_rule_option(rc, key, id, dot + 1, where);
	}
	return 0;
bad:
	/* A tree's .mmreview is a stranger's: its mistakes only warn. */
	if (from_tree(origin)) {
		rule_warn(rc, "ignoring %s", mmr_error_last());
		return 0;
	}
	rc->error = MMR_EINVAL;
	return 1; /* stop: the message is the error's */
}

/* A rule file or plugin that did not load, to the caller. */
static void rule_problem(const struct rule_problem *p, void *arg)
{
	struct rule_config *rc = arg;

	if (rc->opts && rc->opts->problem)
		rc->opts->problem(p, rc->payload);
	else if (p->line)
		rule_warn(rc, "%s:%u:%u: %s", p->path, p->line, p->column,
			  p->message);
	else
		rule_warn(rc, "%s: %s", p->path, p->message);
}

static int load_plugin(const char *path, enum config_origin origin,
		       const char *where, void *arg)
{
	struct rule_config *rc = arg;

	/* A tree's plugin would run a stranger's code: never. */
	if (origin == CONFIG_TREE)
		rule_warn(rc,
			  "ignoring the plugin '%s' from %s: plugins are never "
			  "loaded from a tree",
			  path, where);
	else
		rule_set_load_plugin(rc->rules, path, rule_problem, rc);
	return 0;
}

static int load_dir(const char *path, enum config_origin origin,
		    const char *where, void *arg)
{
	struct rule_config *rc = arg;

	(void)where;
	rule_set_load_dir(rc->rules, path,
			  origin == CONFIG_TREE ? RULE_LOAD_UNTRUSTED : 0,
			  rule_problem, rc);
	return 0;
}

/* Every rule but the built-in ones; MMR_EINVAL for a bad config value. */
static int load_more_rules(struct rule_config *rc)
{
	size_t i;

	rule_set_load_shipped(rc->rules, rule_problem, rc);
	if (config_get_paths(rc->cfg, "rules.plugin", load_plugin, rc) < 0 ||
	    config_get_paths(rc->cfg, "rules.directory", load_dir, rc) < 0)
		return MMR_EINVAL;
	for (i = 0; rc->opts && i < rc->opts->ndirs; i++)
		rule_set_load_dir(rc->rules, rc->opts->dirs[i], 0, rule_problem,
				  rc);
	return 0;
}

int review_rules_load(struct rule_set **out, const struct config *cfg,
		      const struct review_rules_opts *opts,
		      review_warn_fn warn_fn, void *payload)
{
	struct rule_config rc = {
		cfg, rule_set_new(), warn_fn, payload, 0, opts
	};
	char msg[1024];

	*out = NULL;
	rc.error = load_more_rules(&rc);
	if (!rc.error)
		config_foreach(cfg, apply_rule_key, &rc);
	if (rc.error) {
		snprintf(msg, sizeof(msg), "%s", mmr_error_last());
		printable(msg);
		rule_set_free(rc.rules);
		return mmr_error_set(rc.error, "%s", msg);
	}
	*out = rc.rules;
	return 0;
}

/* --- the kernel tree ------------------------------------------------------ */

static bool is_dir(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sub) >=
	    sizeof(path))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int review_min_severity(const struct config *cfg, enum rule_severity *out)
{
	/* In the order of enum rule_severity. */
	static const char *const names[] = { "info", "warning", "error", NULL };
	int v, err;

	err = config_get_enum(cfg, "post.min-severity", names, RULE_WARNING,
			      &v);
	if (err < 0)
		return err;
	*out = (enum rule_severity)v;
	return 0;
}

bool review_is_kernel_tree(const char *dir)
{
	return is_dir(dir, "mm") && is_dir(dir, "include/linux");
}

char *review_find_tree(const char *dir)
{
	char *path = realpath(dir, NULL), *slash;
	int depth;

	for (depth = 0; path && depth < REVIEW_MAX_DEPTH; depth++) {
		if (review_is_kernel_tree(path))
			return path;
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
	}
	free(path);
	return NULL;
}

int review_tree_open(struct source **out, const char *dir)
{
	struct stat st;

	*out = NULL;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return mmr_error_set(MMR_ENOTFOUND,
				     "kernel tree '%s' is not a directory",
				     dir);
	if (!review_is_kernel_tree(dir))
		return mmr_error_set(MMR_ENOTFOUND,
				     "'%s' is not a kernel tree: expected a "
				     "directory with mm/ and include/linux/",
				     dir);
	return source_open(out, dir);
}

/* --- input files ------------------------------------------------------------ */

struct review_file {
	FILE *f;
	bool close;
	char *name;
	size_t read; /* bytes handed to the reader */
	char peek[REVIEW_PEEK]; /* the first bytes, read ahead */
	size_t npeek, off;
	bool peek_error;
	struct mbox *mb;
};

static ssize_t file_read(void *ctx, char *buf, size_t len)
{
	struct review_file *rf = ctx;
	size_t n;

	if (rf->off < rf->npeek) {
		n = rf->npeek - rf->off < len ? rf->npeek - rf->off : len;
		memcpy(buf, rf->peek + rf->off, n);
		rf->off += n;
		rf->read += n;
		return (ssize_t)n;
	}
	if (rf->read >= REVIEW_MAX_INPUT)
		return mmr_error_set(MMR_ELIMIT,
				     "'%s' is larger than %zu bytes", rf->name,
				     REVIEW_MAX_INPUT);
	n = fread(buf, 1, len, rf->f);
	if (!n && (ferror(rf->f) || rf->peek_error))
		return mmr_error_set(MMR_EIO, "cannot read '%s': %s", rf->name,
				     strerror(errno));
	rf->read += n;
	return (ssize_t)n;
}

int review_file_open(struct review_file **out, const char *path)
{
	struct review_file *rf;
	struct stat st;

	*out = NULL;
	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode))
		return mmr_error_set(MMR_EINVAL, "'%s' is a directory: %s",
				     path, expected);
	rf = xcalloc(1, sizeof(*rf));
	if (!strcmp(path, "-")) {
		rf->f = stdin;
		rf->name = xstrdup("<stdin>");
	} else {
		rf->f = fopen(path, "rb");
		if (!rf->f) {
			int e = errno;

			free(rf);
			return mmr_error_set(MMR_ENOTFOUND,
					     "cannot open '%s': %s", path,
					     strerror(e));
		}
		rf->close = true;
		rf->name = xstrdup(path);
	}
	rf->npeek = fread(rf->peek, 1, sizeof(rf->peek), rf->f);
	rf->peek_error = ferror(rf->f);
	rf->mb = mbox_new(file_read, rf, false);
	*out = rf;
	return 0;
}

void review_file_close(struct review_file *rf)
{
	if (!rf)
		return;
	mbox_free(rf->mb);
	if (rf->close)
		fclose(rf->f);
	free(rf->name);
	free(rf);
}

const char *review_file_name(const struct review_file *rf)
{
	return rf->name;
}

struct mbox *review_file_mbox(struct review_file *rf)
{
	return rf->mb;
}

/*
 * A file that is no mail: output of git diff, git show or diff -u, or a
 * patch with a free-text description first (quilt). A mail starts with an
 * mbox "From " line or a header field (DEP-3's "Description:" too).
 */
static bool is_plain_diff(const struct review_file *rf)
{
	const char *s = rf->peek, *end = rf->peek + rf->npeek;
	size_t n;

	while (s < end && (*s == '\n' || *s == '\r'))
		s++;
	n = (size_t)(end - s);
	if (!n)
		return false;
	if (mmr_starts_with(s, n, "Index: "))
		return true;
	return !mmr_starts_with(s, n, "From ") && !mail_field_line(s, n);
}

/* The whole of a plain diff, bounded by what one diff may be. */
static int read_whole(struct review_file *rf, struct sbuf *sb)
{
	char buf[65536];
	ssize_t n;

	sbuf_init(sb, DIFF_MAX_INPUT);
	while ((n = file_read(rf, buf, sizeof(buf))) > 0)
		if (sbuf_add(sb, buf, (size_t)n))
			break;
	if (n < 0)
		return n;
	if (sbuf_failed(sb))
		return mmr_error_set(MMR_ELIMIT,
				     "'%s': a diff larger than %zu bytes",
				     rf->name, DIFF_MAX_INPUT);
	return 0;
}

static int add_plain_diff(struct series *s, struct review_file *rf)
{
	struct sbuf sb;
	int error = read_whole(rf, &sb);

	if (!error)
		error = series_add_diff(s, sb.buf, sb.len);
	sbuf_release(&sb);
	return error;
}

/* The messages of an mbox; one that cannot be read is recorded. */
static int add_messages(struct series *s, struct review_file *rf, size_t *nmsg)
{
	struct mail *m;
	char line[1200];
	int ret;

	while ((ret = mbox_next(rf->mb, &m)) != 0) {
		++*nmsg;
		if (ret < 0) {
			snprintf(line, sizeof(line), "%s: %s", rf->name,
				 mmr_error_last());
			series_add_unreadable(s, line);
			if (ret == MMR_EIO)
				return 0;
			continue;
		}
		ret = series_add_message(s, m);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int add_file(struct series *s, const char *path)
{
	struct review_file *rf;
	char msg[1200];
	size_t nmsg = 0;
	int error;

	error = review_file_open(&rf, path);
	if (error < 0)
		return error;
	series_begin_input(s, rf->name);
	if (is_plain_diff(rf)) {
		nmsg = 1;
		error = add_plain_diff(s, rf);
	} else {
		error = add_messages(s, rf, &nmsg);
	}
	if (!series_end_input(s) && !error) {
		if (!rf->npeek && !rf->peek_error)
			snprintf(msg, sizeof(msg), "'%s' is empty: %s",
				 rf->name, expected);
		else
			snprintf(msg, sizeof(msg),
				 "no patch in '%s' (%zu message%s, none "
				 "with a diff to review): %s",
				 rf->name, nmsg, nmsg == 1 ? "" : "s",
				 expected);
		series_add_unreadable(s, msg);
	}
	review_file_close(rf);
	return error;
}

int review_add_files(struct series *s, const char *const *paths, size_t n,
		     const struct review_hooks *h)
{
	size_t i;
	int error = 0;

	(void)h;
	for (i = 0; i < n && !error; i++)
		error = add_file(s, paths[i]);
	return error;
}

int review_add_range(struct series *s, const char *range,
		     const struct review_hooks *h)
{
	return series_add_git_range(s, range, h ? h->warn : NULL,
				    h ? h->payload : NULL);
}

int review_run(struct series *s, const struct rule_set *rules,
	       struct source *tree, const struct review_hooks *h)
{
	return series_review(s, rules, tree, h ? h->progress : NULL,
			     h ? h->payload : NULL);
}
