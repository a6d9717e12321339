// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the parts of bot/lore*.c that need no server: names,
 * times, the store, gzip, Atom feeds, reading an epoch and the settings.
 * The server is exercised by tests/tap/t003*-lore-*.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>
#include <zlib.h>

#include "testlib.h"

#include "config.h"
#include "lore-priv.h"
#include "lore.h"
#include "sbuf.h"
#include "util.h"

#define FIX "tests/fixtures/lore/"

static char *tmpdir(void)
{
	char *dir = xstrdup("/tmp/mmreview-lore.XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void rm_rf(char *dir)
{
	struct sbuf cmd = SBUF_INIT;

	sbuf_addf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.buf), 0);
	sbuf_release(&cmd);
	free(dir);
}

/* --- names and times ------------------------------------------------------- */

static void assert_escape(const char *id, const char *want)
{
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(lore_msgid_escape(&sb, id), 0);
	assert_string_equal(sb.buf, want);
	sbuf_release(&sb);
}

static void test_escape(void **state)
{
	(void)state;
	assert_escape("20250101.1234-1-a@x.org", "20250101.1234-1-a@x.org");
	assert_escape("a/b+c%d@x", "a%2Fb%2Bc%25d@x");
	assert_escape("a b?c#d&e=f@x", "a%20b%3Fc%23d%26e%3Df@x");
	assert_escape("\xc3\xa9@x", "%C3%A9@x");
}

static void assert_target(const char *arg, const char *inbox, const char *msgid)
{
	char *i, *m;

	assert_int_equal(lore_parse_target(arg, &i, &m), 0);
	if (inbox)
		assert_string_equal(i, inbox);
	else
		assert_null(i);
	assert_string_equal(m, msgid);
	free(i);
	free(m);
}

static void test_target(void **state)
{
	char *i = (char *)1, *m = (char *)1;

	(void)state;
	assert_target("<a@x.org>", NULL, "a@x.org");
	assert_target(" id:a@x.org\n", NULL, "a@x.org");
	assert_target("a+b/c@x.org", NULL, "a+b/c@x.org");
	assert_target("https://lore.kernel.org/linux-mm/a@x.org/T/#u",
		      "https://lore.kernel.org/linux-mm", "a@x.org");
	assert_target("https://lore.kernel.org/linux-mm/a%2Fb%2Bc%25d@x/",
		      "https://lore.kernel.org/linux-mm", "a/b+c%d@x");
	assert_target("http://127.0.0.1:8080/mm-test/p@x/raw?x=1",
		      "http://127.0.0.1:8080/mm-test", "p@x");
	assert_target("https://lore.kernel.org/r/a@x.org",
		      "https://lore.kernel.org/all", "a@x.org");
	assert_target("https://h/lists/mm/a@x", "https://h/lists/mm", "a@x");
	assert_int_equal(lore_parse_target("https://lore.kernel.org/linux-mm/",
					   &i, &m),
			 MMR_EINVAL);
	assert_null(i);
	assert_null(m);
	assert_int_equal(lore_parse_target("https://h/a@x", &i, &m),
			 MMR_EINVAL);
	assert_int_equal(lore_parse_target("", &i, &m), MMR_EINVAL);
	assert_int_equal(lore_parse_target("<>", &i, &m), MMR_EINVAL);
	assert_int_equal(lore_parse_target("a b@x", &i, &m), MMR_EINVAL);
	assert_int_equal(lore_parse_target("a\x01@x", &i, &m), MMR_EINVAL);
}

static void test_time(void **state)
{
	(void)state;
	assert_int_equal(lore_parse_time("2025-03-03T10:00:01Z"), 1740996001);
	assert_int_equal(lore_parse_time("2025-03-03t10:00:01.25+01:00"),
			 1740996001 - 3600);
	assert_int_equal(lore_parse_time("2025-03-03 10:00"), 1740996000);
	assert_int_equal(lore_parse_time("2025-03-03"), 1740960000);
	assert_int_equal(lore_parse_time("2025-03-03T10:00:01-0130"),
			 1740996001 + 5400);
	assert_int_equal(lore_parse_time("2025-3-3"), -1);
	assert_int_equal(lore_parse_time("2025-13-03"), -1);
	assert_int_equal(lore_parse_time("2025-03-03T25:00"), -1);
	assert_int_equal(lore_parse_time("2025-03-03X"), -1);
	assert_int_equal(lore_parse_time("yesterday"), -1);
	assert_int_equal(lore_parse_time(""), -1);
}

/* --- the store ------------------------------------------------------------- */

static int collect(const char *key, const char *value, size_t len, void *arg)
{
	struct sbuf *sb = arg;

	/* each returns in no order: the test puts one key per namespace */
	sbuf_addf(sb, "%s=%.*s;", key, (int)len, value);
	return 0;
}

static void test_store(void **state)
{
	char *dir = tmpdir();
	struct lore_store *st;
	struct sbuf v = SBUF_INIT, path = SBUF_INIT;
	FILE *f;

	(void)state;
	assert_int_equal(lore_store_open_dir(&st, dir), 0);
	assert_int_equal(lore_store_get(st, "ns", "k", &v), MMR_ENOTFOUND);
	assert_int_equal(lore_store_put(st, "ns", "a/b c@x", "1\n2", 3), 0);
	assert_int_equal(lore_store_put(st, "ns", "a/b c@x", "v\0w", 3), 0);
	assert_int_equal(lore_store_get(st, "ns", "a/b c@x", &v), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.buf, "v\0w", 3);
	assert_int_equal(lore_store_put(st, "other", "k", "", 0), 0);
	assert_int_equal(lore_store_get(st, "other", "k", &v), 0);
	assert_int_equal(v.len, 0);
	/* a stray file is not a key */
	sbuf_addf(&path, "%s/other/README", dir);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	sbuf_reset(&v);
	assert_int_equal(lore_store_each(st, "other", collect, &v), 0);
	assert_string_equal(v.buf, "k=;");
	assert_int_equal(lore_store_each(st, "none", collect, &v), 0);
	assert_int_equal(lore_store_del(st, "other", "k"), 0);
	assert_int_equal(lore_store_del(st, "other", "k"), 0);
	assert_int_equal(lore_store_get(st, "other", "k", &v), MMR_ENOTFOUND);
	assert_int_equal(lore_store_put(st, "../x", "k", "", 0), MMR_EINVAL);
	assert_int_equal(lore_store_put(st, "ns", "a\nb", "", 0), MMR_EINVAL);
	lore_store_free(st);
	sbuf_release(&v);
	sbuf_release(&path);
	rm_rf(dir);
}

/* --- gzip ------------------------------------------------------------------- */

static void gzip(struct sbuf *out, const char *in, size_t len)
{
	z_stream zs = { 0 };
	char buf[65536];

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = (Bytef *)buf;
		zs.avail_out = sizeof(buf);
		deflate(&zs, Z_FINISH);
		sbuf_add(out, buf, sizeof(buf) - zs.avail_out);
	} while (!zs.avail_out);
	deflateEnd(&zs);
}

static void test_gunzip(void **state)
{
	struct sbuf z = SBUF_INIT, out = SBUF_INIT;
	char *zeros = xcalloc(1, 4 << 20);

	(void)state;
	gzip(&z, "From a\n", 7);
	gzip(&z, "From b\n", 7);
	assert_true(lore__is_gzip(z.buf, z.len));
	assert_false(lore__is_gzip("From", 4));
	/* two members, as a server may send them */
	assert_int_equal(lore__gunzip(z.buf, z.len, &out, 1024), 0);
	assert_string_equal(out.buf, "From a\nFrom b\n");
	assert_int_equal(lore__gunzip(z.buf, z.len - 3, &out, 1024),
			 MMR_EINVAL);
	assert_int_equal(lore__gunzip("\x1f\x8bxxxxxxxxxxxx", 14, &out, 1024),
			 MMR_EINVAL);
	/* a bomb: 4 MiB of zeros in a few KiB stops at the bound */
	sbuf_reset(&z);
	gzip(&z, zeros, 4 << 20);
	assert_true(z.len < 8192);
	assert_int_equal(lore__gunzip(z.buf, z.len, &out, 1 << 20), MMR_ELIMIT);
	assert_int_equal(lore__gunzip(z.buf, z.len, &out, 4 << 20), 0);
	assert_int_equal(out.len, 4 << 20);
	free(zeros);
	sbuf_release(&z);
	sbuf_release(&out);
}

/* --- Atom ------------------------------------------------------------------- */

static void test_atom(void **state)
{
	struct lore__entry *e;
	size_t n, len;
	char *feed = test_need_file(FIX "new.atom", &len);
	static const char dtd[] =
		"<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY a \"aaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
		"<link href=\"http://h/i/&b;@x/\"/></entry></feed>";
	static const char other[] = "<feed><entry><link href=\"http://h/i/"
				    "a@x/\"/></entry></feed>";

	(void)state;
	assert_int_equal(lore__atom_parse("u", feed, len, &e, &n), 0);
	/* the entry without a usable link is left out */
	assert_int_equal(n, 3);
	assert_string_equal(e[0].msgid, "p1/x+y%z@example.org");
	assert_int_equal(e[0].updated, 1740996001);
	assert_string_equal(e[1].msgid, "cover1@example.org");
	assert_string_equal(e[2].msgid, "nodate@example.org");
	assert_int_equal(e[2].updated, -1);
	lore__entries_free(e, n);
	assert_int_equal(lore__atom_parse("u", dtd, strlen(dtd), &e, &n),
			 MMR_EINVAL);
	assert_true(strstr(mmr_error_last(), "DTD") != NULL);
	/* no Atom namespace: not an Atom feed, no entries */
	assert_int_equal(lore__atom_parse("u", other, strlen(other), &e, &n),
			 0);
	assert_int_equal(n, 0);
	lore__entries_free(e, n);
	assert_int_equal(lore__atom_parse("u", "<feed", 5, &e, &n), MMR_EINVAL);
	assert_int_equal(lore__atom_parse("u", "", 0, &e, &n), MMR_EINVAL);
	free(feed);
}

/* --- reading an epoch --------------------------------------------------------- */

/* A commit on master whose tree holds one blob named name. */
static void commit_blob(git_repository *repo, const char *name,
			const char *text, git_time_t when, git_oid *out)
{
	git_treebuilder *tb;
	git_signature *sig;
	git_oid blob, tree, parent;
	git_tree *t;
	git_commit *p = NULL;
	bool has_parent =
		!git_reference_name_to_id(&parent, repo, "refs/heads/master");

	assert_int_equal(git_blob_create_from_buffer(&blob, repo, text,
						     strlen(text)),
			 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	if (name)
		assert_int_equal(git_treebuilder_insert(NULL, tb, name, &blob,
							GIT_FILEMODE_BLOB),
				 0);
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	git_treebuilder_free(tb);
	assert_int_equal(git_tree_lookup(&t, repo, &tree), 0);
	assert_int_equal(git_signature_new(&sig, "A", "a@x", when, 0), 0);
	if (has_parent)
		assert_int_equal(git_commit_lookup(&p, repo, &parent), 0);
	assert_int_equal(git_commit_create_v(out, repo, "refs/heads/master",
					     sig, sig, NULL, "m", t,
					     has_parent ? 1 : 0, p),
			 0);
	git_commit_free(p);
	git_tree_free(t);
	git_signature_free(sig);
}

struct seen {
	struct sbuf text;
	int stop_at; /* return 1 at this message (1-based); 0: never */
	int n;
};

static int on_msg(const struct lore_msg *m, void *arg)
{
	struct seen *s = arg;

	if (++s->n == s->stop_at)
		return 1;
	sbuf_addf(&s->text, "%s%.*s|", m->deleted ? "-" : "", (int)m->len,
		  m->raw);
	assert_false(m->mboxrd);
	assert_non_null(strstr(m->where, "commit "));
	return 0;
}

static void test_epoch_read(void **state)
{
	char *dir = tmpdir();
	git_repository *repo;
	git_oid ids[5];
	char hex[5][GIT_OID_HEXSZ + 1], last[GIT_OID_HEXSZ + 1] = "";
	struct seen s = { SBUF_INIT, 0, 0 };
	int i;

	(void)state;
	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	/* an empty epoch has nothing */
	assert_int_equal(lore_epoch_read(dir, NULL, 0, on_msg, &s, last), 0);
	assert_string_equal(last, "");
	commit_blob(repo, "m", "one", 1000, &ids[0]);
	commit_blob(repo, "m", "two", 3000, &ids[1]);
	commit_blob(repo, "d", "one", 2000, &ids[2]);
	commit_blob(repo, NULL, "", 4000, &ids[3]);
	commit_blob(repo, "m", "five", 5000, &ids[4]);
	for (i = 0; i < 5; i++)
		git_oid_tostr(hex[i], sizeof(hex[i]), &ids[i]);

	assert_int_equal(lore_epoch_read(dir, NULL, 0, on_msg, &s, last), 0);
	assert_string_equal(s.text.buf, "one|two|-one|five|");
	assert_string_equal(last, hex[4]);
	sbuf_reset(&s.text);
	assert_int_equal(lore_epoch_read(dir, hex[1], 0, on_msg, &s, last), 0);
	assert_string_equal(s.text.buf, "-one|five|");
	/* since: by commit time (the Date of the message) */
	sbuf_reset(&s.text);
	assert_int_equal(lore_epoch_read(dir, NULL, 2500, on_msg, &s, last), 0);
	assert_string_equal(s.text.buf, "two|five|");
	/* a callback that stops: last is the one before */
	sbuf_reset(&s.text);
	s.n = 0;
	s.stop_at = 2;
	assert_int_equal(lore_epoch_read(dir, NULL, 0, on_msg, &s, last), 1);
	assert_string_equal(s.text.buf, "one|");
	assert_string_equal(last, hex[0]);
	/* nothing new: last stays */
	snprintf(last, sizeof(last), "x");
	assert_int_equal(lore_epoch_read(dir, hex[4], 0, on_msg, &s, last), 0);
	assert_string_equal(last, "x");
	assert_int_equal(lore_epoch_read(dir,
					 "0123456789012345678901234567890123456"
					 "789",
					 0, on_msg, &s, last),
			 MMR_ENOTFOUND);
	assert_int_equal(lore_epoch_read("/nonexistent", NULL, 0, on_msg, &s,
					 last),
			 MMR_EIO);
	git_repository_free(repo);
	git_libgit2_shutdown();
	sbuf_release(&s.text);
	rm_rf(dir);
}

/* --- settings ------------------------------------------------------------------ */

static void test_settings(void **state)
{
	struct config *cfg;
	struct lore_settings ls;

	(void)state;
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(config_new(&cfg), 0);
	assert_int_equal(lore_settings_load(&ls, cfg), 0);
	assert_int_equal(ls.nurls, 1);
	assert_string_equal(ls.urls[0], LORE_DEFAULT_URL);
	assert_int_equal(ls.opts.mode, LORE_GIT);
	assert_int_equal(ls.settle, 600);
	assert_int_equal(ls.opts.retries, LORE_DEFAULT_RETRIES);
	assert_string_equal(ls.state_dir, "/home/u/.local/state/mmreview");
	lore_settings_release(&ls);

	config_add_override(cfg, "lore.url=https://a.example/x");
	config_add_override(cfg, "lore.url=http://127.0.0.1:1/y/");
	config_add_override(cfg, "lore.mode=atom");
	config_add_override(cfg, "lore.settle=5");
	config_add_override(cfg, "lore.ignore-from=bot@x.org");
	config_add_override(cfg, "lore.retries=0");
	config_add_override(cfg, "daemon.state-dir=~/st");
	assert_int_equal(lore_settings_load(&ls, cfg), 0);
	assert_int_equal(ls.nurls, 2);
	assert_string_equal(ls.urls[1], "http://127.0.0.1:1/y/");
	assert_int_equal(ls.opts.mode, LORE_ATOM);
	assert_int_equal(ls.settle, 5);
	assert_int_equal(ls.opts.retries, 0);
	assert_int_equal(ls.nignore_from, 1);
	assert_string_equal(ls.opts.state_dir, "/home/u/st");
	lore_settings_release(&ls);

	config_add_override(cfg, "lore.mode=rss");
	assert_int_equal(lore_settings_load(&ls, cfg), MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "lore.mode"));
	lore_settings_release(&ls);
	config_add_override(cfg, "lore.mode=git");
	config_add_override(cfg, "lore.settle=-1");
	assert_int_equal(lore_settings_load(&ls, cfg), MMR_EINVAL);
	lore_settings_release(&ls);
	config_add_override(cfg, "lore.settle=1");
	config_add_override(cfg, "lore.url=file:///etc");
	assert_int_equal(lore_settings_load(&ls, cfg), MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "file:///etc"));
	lore_settings_release(&ls);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_gunzip),
		cmocka_unit_test(test_atom),
		cmocka_unit_test(test_epoch_read),
		cmocka_unit_test(test_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
