// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bot/state: the schema and its migration, bad files, the
 * lock, every status transition, the outbox's uniqueness, the status
 * counts, and a process killed in the middle of a transaction. Each test
 * works in a fresh mkdtemp() directory. The test reads and writes the
 * database with SQLite directly where it plays an older mmreview, another
 * program or a careless hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "sbuf.h"
#include "state.h"
#include "testlib.h"
#include "util.h"

struct env {
	char dir[64];
	char *db; /* dir/state.db */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct sbuf sb = SBUF_INIT;

	test_tmpdir(e->dir, sizeof(e->dir), "state");
	sbuf_addf(&sb, "%s/%s", e->dir, STATE_DB_NAME);
	e->db = sbuf_detach(&sb, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	test_rmtree(e->dir);
	free(e->db);
	free(e);
	return 0;
}

static bool contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

static struct state *open_daemon(struct env *e)
{
	struct state *st = NULL;

	if (state_open(&st, e->dir, STATE_OPEN_DAEMON) < 0)
		fail_msg("state_open: %s", mmr_error_last());
	return st;
}

/* Run SQL on the database file behind the module's back. */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* The first column of the first row, as an integer; -1 on an error. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

/* The error of a raw statement that must fail, "" when it did not. */
static char *raw_fails(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL, *out;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	sqlite3_exec(db, sql, NULL, NULL, &err);
	out = strdup(err ? err : "");
	sqlite3_free(err);
	sqlite3_close(db);
	return out;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void add_message(struct state *st, const char *id, int want)
{
	struct state_message m = {
		.message_id = id,
		.inbox = "http://127.0.0.1/mm-test",
		.epoch = 0,
		.commit = "0123456789abcdef0123456789abcdef01234567",
		.date = 1700000000,
	};

	assert_int_equal(state_message_add(st, &m, 1700000100), want);
}

/* --- the schema and opening ------------------------------------------------- */

static void test_fresh(void **state)
{
	struct env *e = *state;
	struct sbuf sub = SBUF_INIT;
	struct state *st;
	bool seen;

	/* a directory that does not exist yet, two levels down */
	sbuf_addf(&sub, "%s/a/b", e->dir);
	assert_int_equal(state_open(&st, sub.buf, STATE_OPEN_DAEMON), 0);
	assert_true(contains(state_path(st), "/a/b/state.db"));
	add_message(st, "m1@x", 1);
	add_message(st, "m1@x", 0);
	state_free(st);

	assert_int_equal(state_open(&st, sub.buf, STATE_OPEN_DAEMON), 0);
	assert_int_equal(state_message_seen(st, "m1@x", &seen), 0);
	assert_true(seen);
	assert_int_equal(state_message_seen(st, "m2@x", &seen), 0);
	assert_false(seen);
	assert_int_equal(raw_int(state_path(st), "PRAGMA user_version"),
			 STATE_SCHEMA_VERSION);
	assert_int_equal(raw_int(state_path(st), "PRAGMA application_id"),
			 STATE_APPLICATION_ID);
	/* WAL is a property of the file: a plain connection sees it */
	assert_int_equal(raw_int(state_path(st), "SELECT journal_mode = 'wal'"
						 " FROM pragma_journal_mode"),
			 1);
	state_free(st);
	sbuf_release(&sub);
}

/* The schema of version 1 as mmreview released it: a database to upgrade. */
static const char schema_v1[] =
	"CREATE TABLE messages (message_id TEXT PRIMARY KEY NOT NULL"
	" CHECK (message_id <> ''), inbox TEXT NOT NULL, epoch INTEGER,"
	" git_commit TEXT, feed_entry TEXT, date INTEGER, seen_at INTEGER NOT"
	" NULL, CHECK ((git_commit IS NULL) <> (feed_entry IS NULL)),"
	" CHECK ((git_commit IS NULL) = (epoch IS NULL)));"
	"CREATE TABLE cursors (inbox TEXT NOT NULL, epoch INTEGER NOT NULL"
	" CHECK (epoch >= 0), git_commit TEXT NOT NULL, updated INTEGER NOT"
	" NULL, PRIMARY KEY (inbox, epoch));"
	"CREATE TABLE notes (name TEXT PRIMARY KEY NOT NULL, at INTEGER NOT"
	" NULL, text TEXT);"
	"INSERT INTO messages VALUES ('old@x', 'http://i', NULL, NULL,"
	" 'tag:entry', 5, 6);"
	"INSERT INTO cursors VALUES ('http://i', 1, 'abc', 7);"
	"INSERT INTO notes VALUES ('fetch', 1234, NULL);"
	"PRAGMA application_id = 1835889270;" /* 0x6d6d7276 */
	"PRAGMA user_version = 1;";

static void test_migrate(void **state)
{
	struct env *e = *state;
	struct state_status status;
	struct state *st;
	char *commit;
	int64_t id;
	bool seen;

	raw_exec(e->db, schema_v1);
	st = open_daemon(e);
	assert_int_equal(raw_int(e->db, "PRAGMA user_version"),
			 STATE_SCHEMA_VERSION);
	/* what version 1 had is still there */
	assert_int_equal(state_message_seen(st, "old@x", &seen), 0);
	assert_true(seen);
	assert_int_equal(state_cursor_get(st, "http://i", 1, &commit), 0);
	assert_string_equal(commit, "abc");
	free(commit);
	assert_int_equal(state_status(st, 0, &status), 0);
	assert_int_equal(status.last_fetch, 1234);
	/* and what came later works */
	assert_int_equal(state_series_add(st, "s", 1, 2, 10, &id), 1);
	assert_int_equal(state_series_set_status(st, id, STATE_SERIES_READY,
						 NULL, 11),
			 0);
	state_free(st);
}

/* A migration that cannot run leaves the old version whole. */
static void test_migrate_fails_whole(void **state)
{
	struct env *e = *state;
	struct state *st;

	raw_exec(e->db, schema_v1);
	/* a table in the way of version 2's */
	raw_exec(e->db, "CREATE TABLE series (x);");
	assert_int_equal(state_open(&st, e->dir, STATE_OPEN_DAEMON), MMR_EIO);
	assert_true(contains(mmr_error_last(), e->db));
	assert_true(contains(mmr_error_last(), "from version 1"));
	assert_true(contains(mmr_error_last(), "already exists"));
	assert_int_equal(raw_int(e->db, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM sqlite_schema"
					" WHERE name = 'findings'"),
			 0);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM messages"), 1);
}

/* Open must fail with a message naming the file and the reason. */
static void assert_refused(struct env *e, enum state_open_mode mode, int code,
			   const char *why)
{
	struct state *st = (struct state *)1;

	assert_int_equal(state_open(&st, e->dir, mode), code);
	assert_null(st);
	if (!contains(mmr_error_last(), e->db) ||
	    !contains(mmr_error_last(), why))
		fail_msg("got '%s', want '%s' and '%s'", mmr_error_last(),
			 e->db, why);
}

static void test_not_a_database(void **state)
{
	struct env *e = *state;
	char junk[8192];
	size_t i, len;
	char *after;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(e->db, junk, sizeof(junk));
	assert_refused(e, STATE_OPEN_DAEMON, MMR_EIO, "not a database");
	assert_refused(e, STATE_OPEN_READ, MMR_EIO, "not a database");
	/* never reset: the bytes are as they were */
	after = test_need_file(e->db, &len);
	assert_int_equal(len, sizeof(junk));
	assert_memory_equal(after, junk, len);
	free(after);
}

static void test_damaged(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	char *text, *after;
	size_t i, len, len2;
	int fd;

	for (i = 0; i < 300; i++) {
		char id[32];

		snprintf(id, sizeof(id), "m%zu@x", i);
		add_message(st, id, 1);
	}
	state_free(st);
	raw_exec(e->db, "PRAGMA wal_checkpoint(TRUNCATE)");
	/* keep the header page, scribble over the b-tree pages after it */
	text = test_need_file(e->db, &len);
	assert_true(len > 4 * 4096);
	fd = open(e->db, O_WRONLY);
	assert_true(fd >= 0);
	memset(text, 0x5a, len);
	assert_int_equal(pwrite(fd, text, len - 4096, 4096), len - 4096);
	close(fd);
	free(text);
	text = test_need_file(e->db, &len);
	assert_refused(e, STATE_OPEN_DAEMON, MMR_EIO, "malformed");
	after = test_need_file(e->db, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(after, text, len);
	free(after);
	free(text);
}

static void test_foreign(void **state)
{
	struct env *e = *state;

	raw_exec(e->db, "CREATE TABLE moz_places (url TEXT);"
			"INSERT INTO moz_places VALUES ('x');");
	assert_refused(e, STATE_OPEN_DAEMON, MMR_EIO,
		       "not an mmreview state database");
	assert_true(contains(mmr_error_last(), "application_id 0x00000000"));
	assert_refused(e, STATE_OPEN_READ, MMR_EIO,
		       "not an mmreview state database");
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM moz_places"), 1);
	assert_int_equal(raw_int(e->db, "PRAGMA user_version"), 0);
}

static void test_foreign_id(void **state)
{
	struct env *e = *state;

	/* another program's id, no tables at all */
	raw_exec(e->db, "PRAGMA application_id = 42;");
	assert_refused(e, STATE_OPEN_DAEMON, MMR_EIO, "0x0000002a");
}

static void test_newer(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);

	state_free(st);
	raw_exec(e->db, "PRAGMA user_version = 99;");
	assert_refused(e, STATE_OPEN_DAEMON, MMR_EIO, "schema version 99");
	assert_int_equal(raw_int(e->db, "PRAGMA user_version"), 99);
}

static void test_read_mode(void **state)
{
	struct env *e = *state;
	struct state *st, *rd;
	struct state_status status;
	bool seen;

	assert_refused(e, STATE_OPEN_READ, MMR_ENOTFOUND, "has the daemon run");
	raw_exec(e->db, schema_v1);
	assert_refused(e, STATE_OPEN_READ, MMR_EINVAL, "schema version 1");
	assert_int_equal(raw_int(e->db, "PRAGMA user_version"), 1);

	st = open_daemon(e);
	add_message(st, "m@x", 1);
	/* a reader beside the daemon: no lock, sees what is committed */
	assert_int_equal(state_open(&rd, e->dir, STATE_OPEN_READ), 0);
	assert_int_equal(state_message_seen(rd, "m@x", &seen), 0);
	assert_true(seen);
	assert_int_equal(state_status(rd, 0, &status), 0);
	assert_int_equal(state_note_fetch(rd, 5), MMR_EIO);
	assert_true(contains(mmr_error_last(), e->db));
	state_free(rd);
	state_free(st);

	/* and with no daemon running (no -wal or -shm file left) */
	assert_int_equal(state_open(&rd, e->dir, STATE_OPEN_READ), 0);
	assert_int_equal(state_message_seen(rd, "m@x", &seen), 0);
	assert_true(seen);
	state_free(rd);
}

/* --- the lock ------------------------------------------------------------------ */

static void test_lock(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e), *second;
	char pid[32];
	pid_t child;
	int status;

	snprintf(pid, sizeof(pid), "pid %ld", (long)getpid());
	assert_int_equal(state_open(&second, e->dir, STATE_OPEN_DAEMON),
			 MMR_EIO);
	assert_null(second);
	assert_true(contains(mmr_error_last(), "in use by another mmreview"));
	assert_true(contains(mmr_error_last(), pid));
	assert_true(contains(mmr_error_last(), e->dir));

	/* another process is refused too */
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		int rc = state_open(&second, e->dir, STATE_OPEN_DAEMON);

		_exit(rc == MMR_EIO && contains(mmr_error_last(), pid) ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* released on close */
	state_free(st);
	st = open_daemon(e);
	state_free(st);
}

/* --- messages and cursors ---------------------------------------------------- */

static void test_messages(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct state_message feed = {
		.message_id = "f@x",
		.inbox = "http://127.0.0.1/mm-test",
		.epoch = -1,
		.feed_entry = "http://127.0.0.1/mm-test/f@x/",
		.date = -1,
	};
	struct state_message both = feed;
	char *commit;

	assert_int_equal(state_message_add(st, &feed, 9), 1);
	assert_int_equal(raw_int(e->db, "SELECT date IS NULL AND epoch IS NULL"
					" FROM messages"),
			 1);
	both.commit = "abc";
	both.epoch = 0;
	assert_int_equal(state_message_add(st, &both, 9), MMR_EINVAL);
	both.commit = NULL;
	both.feed_entry = NULL;
	assert_int_equal(state_message_add(st, &both, 9), MMR_EINVAL);
	both = feed;
	both.message_id = "";
	assert_int_equal(state_message_add(st, &both, 9), MMR_EINVAL);

	assert_int_equal(state_cursor_get(st, "http://i", 0, &commit), 0);
	assert_null(commit);
	assert_int_equal(state_cursor_set(st, "http://i", 0, "aaa", 1), 0);
	assert_int_equal(state_cursor_set(st, "http://i", 0, "bbb", 2), 0);
	assert_int_equal(state_cursor_set(st, "http://i", 1, "ccc", 2), 0);
	assert_int_equal(state_cursor_get(st, "http://i", 0, &commit), 0);
	assert_string_equal(commit, "bbb");
	free(commit);
	assert_int_equal(state_cursor_set(st, "http://i", -1, "x", 2),
			 MMR_EINVAL);
	state_free(st);
}

/* --- series --------------------------------------------------------------------- */

struct series_seen {
	size_t n;
	int64_t id;
	unsigned seen, expected, version;
	enum state_series_status status;
	char reason[64];
	char key[64];
};

static int note_series(const struct state_series *s, void *payload)
{
	struct series_seen *out = payload;

	out->n++;
	out->id = s->id;
	out->seen = s->seen;
	out->expected = s->expected;
	out->version = s->version;
	out->status = s->status;
	snprintf(out->reason, sizeof(out->reason), "%s",
		 s->reason ? s->reason : "");
	snprintf(out->key, sizeof(out->key), "%s", s->key);
	return 0;
}

static void test_series_parts(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct series_seen got = { 0 };
	int64_t id, again, v2;

	assert_int_equal(state_series_add(st, "cover@x", 1, 0, 10, &id), 1);
	assert_int_equal(state_series_add(st, "cover@x", 1, 3, 11, &again), 0);
	assert_int_equal(again, id);
	assert_int_equal(state_series_add(st, "cover@x", 2, 3, 11, &v2), 1);
	assert_true(v2 != id);
	assert_int_equal(state_series_add(st, "", 1, 3, 11, &v2), MMR_EINVAL);
	assert_int_equal(state_series_add(st, "k", 0, 3, 11, &v2), MMR_EINVAL);

	assert_int_equal(state_series_add_part(st, id, 0, "c@x", 12), 1);
	assert_int_equal(state_series_add_part(st, id, 1, "p1@x", 12), 1);
	assert_int_equal(state_series_add_part(st, id, 1, "other@x", 13), 0);
	assert_int_equal(state_series_add_part(st, id, 3, "p3@x", 13), 1);
	assert_int_equal(state_series_add_part(st, 999, 1, "p@x", 13),
			 MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "FOREIGN KEY"));

	assert_int_equal(state_series_get(st, id, note_series, &got), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.key, "cover@x");
	assert_int_equal(got.version, 1);
	assert_int_equal(got.seen, 2); /* the cover letter is not a part */
	assert_int_equal(got.expected, 3);
	assert_int_equal(got.status, STATE_SERIES_WAITING);
	assert_int_equal(state_series_get(st, 999, note_series, &got),
			 MMR_ENOTFOUND);
	state_free(st);
}

static const enum state_series_status all_series[] = {
	STATE_SERIES_WAITING,
	STATE_SERIES_READY,
	STATE_SERIES_REVIEWED,
	STATE_SERIES_FAILED,
};

/* Bring a new series to status by allowed steps. */
static int64_t series_at(struct state *st, enum state_series_status status,
			 int n)
{
	char key[32];
	int64_t id;

	snprintf(key, sizeof(key), "s%d", n);
	assert_int_equal(state_series_add(st, key, 1, 1, 1, &id), 1);
	if (status == STATE_SERIES_FAILED)
		assert_int_equal(state_series_set_status(st, id, status,
							 "does not apply", 2),
				 0);
	if (status == STATE_SERIES_READY || status == STATE_SERIES_REVIEWED)
		assert_int_equal(state_series_set_status(
					 st, id, STATE_SERIES_READY, NULL, 2),
				 0);
	if (status == STATE_SERIES_REVIEWED)
		assert_int_equal(
			state_series_set_status(st, id, status, NULL, 3), 0);
	return id;
}

static void test_series_transitions(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	size_t i, j;
	int n = 0;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			enum state_series_status from = all_series[i];
			enum state_series_status to = all_series[j];
			bool ok = (from == STATE_SERIES_WAITING &&
				   (to == STATE_SERIES_READY ||
				    to == STATE_SERIES_FAILED)) ||
				  (from == STATE_SERIES_READY &&
				   (to == STATE_SERIES_REVIEWED ||
				    to == STATE_SERIES_FAILED));
			int64_t id = series_at(st, from, n++);
			struct series_seen got = { 0 };
			const char *reason =
				to == STATE_SERIES_FAILED ? "too large" : NULL;
			int rc =
				state_series_set_status(st, id, to, reason, 50);

			if (ok != (rc == 0))
				fail_msg("%s -> %s gave %d: %s",
					 state_series_status_name(from),
					 state_series_status_name(to), rc,
					 mmr_error_last());
			if (!ok)
				assert_true(contains(mmr_error_last(),
						     "cannot go from"));
			assert_int_equal(
				state_series_get(st, id, note_series, &got), 0);
			assert_int_equal(got.status, ok ? to : from);
			if (ok && to == STATE_SERIES_FAILED)
				assert_string_equal(got.reason, "too large");
		}
	}
	/* a failure needs its reason, and only a failure has one */
	assert_int_equal(state_series_set_status(st, series_at(st, 0, n++),
						 STATE_SERIES_FAILED, NULL, 5),
			 MMR_EINVAL);
	assert_int_equal(state_series_set_status(st, series_at(st, 0, n++),
						 STATE_SERIES_READY, "x", 5),
			 MMR_EINVAL);
	assert_int_equal(state_series_set_status(st, 999, STATE_SERIES_READY,
						 NULL, 5),
			 MMR_ENOTFOUND);
	state_free(st);
}

/* The database refuses what the code would never do. */
static void test_series_backstop(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	char *err;

	series_at(st, STATE_SERIES_REVIEWED, 1);
	state_free(st);
	err = raw_fails(e->db, "UPDATE series SET status = 'ready'");
	assert_true(contains(err, "series status transition not allowed"));
	free(err);
	err = raw_fails(e->db, "UPDATE series SET status = 'bogus'");
	assert_true(contains(err, "not allowed") || contains(err, "CHECK"));
	free(err);
}

static void test_findings(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct state_finding f = {
		.patch_id = "p1@x",
		.rule = "role-swap",
		.severity = "warning",
		.path = "mm/memory.c",
		.line = 10,
		.column = 5,
		.message = "Was the change intentional?",
	};
	int64_t id = series_at(st, STATE_SERIES_READY, 1);
	size_t n;

	assert_int_equal(state_finding_add(st, id, &f), 0);
	f.line = 20;
	assert_int_equal(state_finding_add(st, id, &f), 0);
	assert_int_equal(state_findings_count(st, "p1@x", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(state_findings_count(st, "p2@x", &n), 0);
	assert_int_equal(n, 0);
	f.severity = "fatal";
	assert_int_equal(state_finding_add(st, id, &f), MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "role-swap"));
	f.severity = "info";
	assert_int_equal(state_finding_add(st, 999, &f), MMR_EINVAL);
	state_free(st);
}

/* --- the outbox ------------------------------------------------------------------ */

static const char reply_text[] = "From: bot@x\nMessage-ID: <r1@x>\n\nHi\n";
static const char *const two_rcpt[] = { "a@x", "b@y" };

static struct state_reply reply_for(const char *reply_id, const char *patch_id)
{
	struct state_reply r = {
		.reply_id = reply_id,
		.patch_id = patch_id,
		.sender = "bot@x",
		.rcpt = two_rcpt,
		.nrcpt = 2,
		.msg = reply_text,
		.len = sizeof(reply_text) - 1,
	};

	return r;
}

struct reply_seen {
	int64_t id;
	char reply_id[64], patch_id[64], rcpt[128], last_error[128];
	struct sbuf msg;
	enum state_outbox_status status;
	unsigned attempts;
	time_t sent_at, updated;
};

static int note_reply(const struct state_reply *r, void *payload)
{
	struct reply_seen *out = payload;
	size_t i;

	out->id = r->id;
	snprintf(out->reply_id, sizeof(out->reply_id), "%s", r->reply_id);
	snprintf(out->patch_id, sizeof(out->patch_id), "%s", r->patch_id);
	out->rcpt[0] = '\0';
	for (i = 0; i < r->nrcpt; i++) {
		size_t len = strlen(out->rcpt);

		snprintf(out->rcpt + len, sizeof(out->rcpt) - len, "%s;",
			 r->rcpt[i]);
	}
	snprintf(out->last_error, sizeof(out->last_error), "%s",
		 r->last_error ? r->last_error : "");
	sbuf_reset(&out->msg);
	sbuf_add(&out->msg, r->msg, r->len);
	out->status = r->status;
	out->attempts = r->attempts;
	out->sent_at = r->sent_at;
	out->updated = r->updated;
	return 0;
}

static void test_outbox_queue(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct state_reply r = reply_for("r1@x", "p1@x");
	struct reply_seen got = { .msg = SBUF_INIT };
	static const char *const bad_rcpt[] = { "a@x", "b@y\nRCPT TO:<c@z>" };
	int64_t id, again;
	char *err;

	assert_int_equal(state_outbox_add(st, &r, 100, &id), 1);
	assert_int_equal(state_outbox_get(st, id, note_reply, &got), 0);
	assert_string_equal(got.reply_id, "r1@x");
	assert_string_equal(got.patch_id, "p1@x");
	assert_string_equal(got.rcpt, "a@x;b@y;");
	assert_int_equal(got.msg.len, sizeof(reply_text) - 1);
	assert_memory_equal(got.msg.buf, reply_text, got.msg.len);
	assert_int_equal(got.status, STATE_OUTBOX_PENDING);
	assert_int_equal(got.attempts, 0);
	assert_int_equal(got.sent_at, 0);

	/* the same patch again, even with another reply: nothing new */
	r.reply_id = "r1-other@x";
	assert_int_equal(state_outbox_add(st, &r, 101, &again), 0);
	assert_int_equal(again, id);
	/* a reply id already used for another patch */
	r = reply_for("r1@x", "p2@x");
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "cannot queue reply r1@x"));
	/* bad envelopes */
	r = reply_for("r3@x", "p3@x");
	r.nrcpt = 0;
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_EINVAL);
	r.rcpt = bad_rcpt;
	r.nrcpt = 2;
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_EINVAL);
	r = reply_for("r3@x", "p3@x");
	r.nrcpt = STATE_MAX_RCPT + 1;
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_ELIMIT);
	r = reply_for("r3@x", "p3@x");
	r.len = STATE_MAX_REPLY + 1;
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_ELIMIT);
	r = reply_for("r3@x", "p3@x");
	r.sender = "bot@x\r\nDATA";
	assert_int_equal(state_outbox_add(st, &r, 101, &again), MMR_EINVAL);
	state_free(st);

	/* the constraint holds below the code, too */
	err = raw_fails(e->db, "INSERT INTO outbox (reply_id, patch_id, sender,"
			       " recipients, message, created, updated) VALUES"
			       " ('r9@x', 'p1@x', 's', 'a@x', 'm', 1, 1)");
	assert_true(contains(err, "UNIQUE constraint failed: outbox.patch_id"));
	free(err);
	err = raw_fails(e->db, "UPDATE outbox SET message = 'other'");
	assert_true(contains(err, "never changed"));
	free(err);
	sbuf_release(&got.msg);
}

static const enum state_outbox_status all_outbox[] = {
	STATE_OUTBOX_PENDING,
	STATE_OUTBOX_SENDING,
	STATE_OUTBOX_SENT,
	STATE_OUTBOX_FAILED,
};

static int outbox_to(struct state *st, int64_t id, enum state_outbox_status to,
		     time_t now)
{
	switch (to) {
	case STATE_OUTBOX_SENDING:
		return state_outbox_claim(st, id, now);
	case STATE_OUTBOX_SENT:
		return state_outbox_sent(st, id, now);
	case STATE_OUTBOX_PENDING:
		return state_outbox_retry(st, id, "connection refused", now);
	default:
		return state_outbox_fail(st, id, "550 no such user", now);
	}
}

/* A new reply brought to status by allowed steps. */
static int64_t reply_at(struct state *st, enum state_outbox_status status,
			int n)
{
	char rid[32], pid[32];
	struct state_reply r;
	int64_t id;

	snprintf(rid, sizeof(rid), "r%d@x", n);
	snprintf(pid, sizeof(pid), "p%d@x", n);
	r = reply_for(rid, pid);
	assert_int_equal(state_outbox_add(st, &r, 1, &id), 1);
	if (status != STATE_OUTBOX_PENDING)
		assert_int_equal(state_outbox_claim(st, id, 2), 0);
	if (status == STATE_OUTBOX_SENT || status == STATE_OUTBOX_FAILED)
		assert_int_equal(outbox_to(st, id, status, 3), 0);
	return id;
}

static void test_outbox_transitions(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct reply_seen got = { .msg = SBUF_INIT };
	size_t i, j;
	int n = 0;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			enum state_outbox_status from = all_outbox[i];
			enum state_outbox_status to = all_outbox[j];
			bool ok = (from == STATE_OUTBOX_PENDING &&
				   to == STATE_OUTBOX_SENDING) ||
				  (from == STATE_OUTBOX_SENDING &&
				   to != STATE_OUTBOX_SENDING);
			int64_t id = reply_at(st, from, n++);
			int rc = outbox_to(st, id, to, 50);

			if (ok != (rc == 0))
				fail_msg("%s -> %s gave %d: %s",
					 state_outbox_status_name(from),
					 state_outbox_status_name(to), rc,
					 mmr_error_last());
			if (!ok)
				assert_true(contains(mmr_error_last(),
						     "cannot go to"));
			assert_int_equal(
				state_outbox_get(st, id, note_reply, &got), 0);
			assert_int_equal(got.status, ok ? to : from);
			assert_int_equal(got.sent_at != 0,
					 got.status == STATE_OUTBOX_SENT);
		}
	}
	assert_int_equal(state_outbox_claim(st, 999, 1), MMR_ENOTFOUND);
	state_free(st);
	sbuf_release(&got.msg);
}

static void test_outbox_attempts(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct reply_seen got = { .msg = SBUF_INIT };
	int64_t id = reply_at(st, STATE_OUTBOX_PENDING, 1), ids[8];
	int64_t second = reply_at(st, STATE_OUTBOX_PENDING, 2);
	char *err;
	size_t n;

	assert_int_equal(
		state_outbox_list(st, STATE_OUTBOX_PENDING, ids, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_true(ids[0] == id && ids[1] == second);
	assert_int_equal(
		state_outbox_list(st, STATE_OUTBOX_PENDING, ids, 1, &n), 0);
	assert_int_equal(n, 1);

	assert_int_equal(state_outbox_claim(st, id, 10), 0);
	assert_int_equal(state_outbox_retry(st, id, "connection refused", 11),
			 0);
	assert_int_equal(state_outbox_claim(st, id, 20), 0);
	assert_int_equal(state_outbox_get(st, id, note_reply, &got), 0);
	assert_int_equal(got.attempts, 2);
	assert_string_equal(got.last_error, "connection refused");
	assert_int_equal(
		state_outbox_list(st, STATE_OUTBOX_SENDING, ids, 8, &n), 0);
	assert_true(n == 1 && ids[0] == id);
	assert_int_equal(state_outbox_sent(st, id, 21), 0);
	assert_int_equal(state_outbox_get(st, id, note_reply, &got), 0);
	assert_int_equal(got.sent_at, 21);
	assert_int_equal(state_outbox_sent_since(st, 21, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(state_outbox_sent_since(st, 22, &n), 0);
	assert_int_equal(n, 0);
	state_free(st);
	err = raw_fails(e->db, "DELETE FROM outbox WHERE status = 'sent'");
	assert_true(contains(err, "is kept"));
	free(err);
	sbuf_release(&got.msg);
}

/* --- transactions ------------------------------------------------------------ */

static void test_transactions(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct state_reply r = reply_for("r1@x", "p1@x");
	int64_t id, reply;
	bool seen;

	/* a step: findings, reply and status together, or nothing */
	assert_int_equal(state_begin(st), 0);
	assert_int_equal(state_begin(st), MMR_EUSAGE);
	id = series_at(st, STATE_SERIES_READY, 1);
	assert_int_equal(state_outbox_add(st, &r, 5, &reply), 1);
	assert_int_equal(state_series_set_status(st, id, STATE_SERIES_REVIEWED,
						 NULL, 5),
			 0);
	state_rollback(st);
	assert_int_equal(state_series_get(st, id, note_series,
					  &(struct series_seen){ 0 }),
			 MMR_ENOTFOUND);
	assert_int_equal(
		state_outbox_get(st, reply, note_reply,
				 &(struct reply_seen){ .msg = SBUF_INIT }),
		MMR_ENOTFOUND);

	/* a failed write inside undoes itself, the rest commits */
	assert_int_equal(state_begin(st), 0);
	add_message(st, "kept@x", 1);
	assert_int_equal(state_series_add_part(st, 999, 1, "x@x", 1),
			 MMR_EINVAL);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_message_seen(st, "kept@x", &seen), 0);
	assert_true(seen);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM series_parts"),
			 0);
	state_free(st);
}

/* --- the store of named values ------------------------------------------------------ */

static int each_note(const char *key, const char *value, size_t len,
		     void *payload)
{
	struct sbuf *sb = payload;

	sbuf_addf(sb, "%s=%.*s;", key, (int)len, value);
	return 0;
}

/* A callback that deletes what it is given, as the assembler's does. */
static int each_delete(const char *key, const char *value, size_t len,
		       void *payload)
{
	(void)value;
	(void)len;
	return state_store_del(payload, "ns", key);
}

static void test_store(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct sbuf v = SBUF_INIT;
	const char bin[] = { 'a', '\0', 'b' };

	assert_int_equal(state_store_get(st, "ns", "k", &v), MMR_ENOTFOUND);
	assert_int_equal(state_store_put(st, "ns", "k", "one", 3), 0);
	assert_int_equal(state_store_put(st, "ns", "k", "two", 3), 0);
	assert_int_equal(state_store_put(st, "ns", "b", bin, 3), 0);
	assert_int_equal(state_store_put(st, "other", "k", "", 0), 0);
	assert_int_equal(state_store_get(st, "ns", "k", &v), 0);
	assert_string_equal(v.buf, "two");
	assert_int_equal(state_store_get(st, "ns", "b", &v), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.buf, bin, 3);
	assert_int_equal(state_store_put(st, "", "k", "x", 1), MMR_EINVAL);
	assert_int_equal(state_store_put(st, "ns", "big", "x",
					 STATE_MAX_VALUE + 1),
			 MMR_ELIMIT);
	sbuf_reset(&v);
	assert_int_equal(state_store_each(st, "other", each_note, &v), 0);
	assert_string_equal(v.buf, "k=;");

	/* in a transaction: undone with it */
	assert_int_equal(state_begin(st), 0);
	assert_int_equal(state_store_put(st, "ns", "k", "three", 5), 0);
	assert_int_equal(state_store_del(st, "ns", "b"), 0);
	state_rollback(st);
	assert_int_equal(state_store_get(st, "ns", "k", &v), 0);
	assert_string_equal(v.buf, "two");
	assert_int_equal(state_store_get(st, "ns", "b", &v), 0);

	/* each reads first: its callback may delete every key */
	assert_int_equal(state_store_each(st, "ns", each_delete, st), 0);
	assert_int_equal(raw_int(e->db,
				 "SELECT count(*) FROM store WHERE ns = 'ns'"),
			 0);
	assert_int_equal(state_store_del(st, "ns", "gone"), 0);
	sbuf_release(&v);
	state_free(st);
}

static void test_clear_waiting(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	int64_t w, r;

	w = series_at(st, STATE_SERIES_WAITING, 1);
	r = series_at(st, STATE_SERIES_READY, 2);
	assert_int_equal(state_series_add_part(st, w, 1, "w1@x", 1), 1);
	assert_int_equal(state_series_add_part(st, r, 1, "r1@x", 1), 1);
	assert_int_equal(state_series_clear_waiting(st), 0);
	assert_int_equal(state_series_get(st, w, note_series,
					  &(struct series_seen){ 0 }),
			 MMR_ENOTFOUND);
	assert_int_equal(state_series_get(st, r, note_series,
					  &(struct series_seen){ 0 }),
			 0);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM series_parts"),
			 1);
	state_free(st);
}

/* --- status ------------------------------------------------------------------------ */

static void test_status(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct state_status s;
	char long_error[3000];
	int64_t id;

	assert_int_equal(state_status(st, 0, &s), 0);
	assert_int_equal(s.waiting + s.ready + s.pending + s.sent, 0);
	assert_int_equal(s.last_fetch, 0);
	assert_string_equal(s.last_error, "");

	series_at(st, STATE_SERIES_WAITING, 1);
	series_at(st, STATE_SERIES_WAITING, 2);
	series_at(st, STATE_SERIES_READY, 3);
	series_at(st, STATE_SERIES_REVIEWED, 4); /* at time 3 */
	id = series_at(st, STATE_SERIES_READY, 5);
	assert_int_equal(state_series_set_status(st, id, STATE_SERIES_REVIEWED,
						 NULL, 100),
			 0);
	series_at(st, STATE_SERIES_FAILED, 6);
	reply_at(st, STATE_OUTBOX_PENDING, 1);
	reply_at(st, STATE_OUTBOX_SENDING, 2);
	reply_at(st, STATE_OUTBOX_SENT, 3);
	reply_at(st, STATE_OUTBOX_SENT, 4);
	reply_at(st, STATE_OUTBOX_FAILED, 5);
	assert_int_equal(state_note_fetch(st, 77), 0);
	assert_int_equal(state_note_fetch(st, 88), 0);
	memset(long_error, 'e', sizeof(long_error) - 1);
	long_error[sizeof(long_error) - 1] = '\0';
	assert_int_equal(state_note_error(st, 90, long_error), 0);

	assert_int_equal(state_status(st, 50, &s), 0);
	assert_int_equal(s.waiting, 2);
	assert_int_equal(s.ready, 1);
	assert_int_equal(s.reviewed_today, 1);
	assert_int_equal(s.failed_today, 0);
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.sending, 1);
	assert_int_equal(s.sent, 2);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.sent_today, 0);
	assert_int_equal(s.last_fetch, 88);
	assert_int_equal(s.last_error_at, 90);
	assert_int_equal(strlen(s.last_error), STATE_MAX_TEXT);
	assert_int_equal(state_status(st, 0, &s), 0);
	assert_int_equal(s.reviewed_today, 2);
	assert_int_equal(s.failed_today, 1);
	assert_int_equal(s.sent_today, 2);
	state_free(st);
}

struct count_cb {
	size_t n;
	char first[64];
};

static int count_series(const struct state_series *s, void *payload)
{
	struct count_cb *c = payload;

	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s", s->key);
	return c->n == 2 ? 7 : 0; /* stop after two */
}

static void test_series_foreach(void **state)
{
	struct env *e = *state;
	struct state *st = open_daemon(e);
	struct count_cb c = { 0 };

	series_at(st, STATE_SERIES_WAITING, 1);
	series_at(st, STATE_SERIES_WAITING, 2);
	series_at(st, STATE_SERIES_WAITING, 3);
	series_at(st, STATE_SERIES_READY, 4);
	assert_int_equal(state_series_foreach(st, STATE_SERIES_WAITING,
					      count_series, &c),
			 7);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.first, "s1");
	memset(&c, 0, sizeof(c));
	assert_int_equal(state_series_foreach(st, STATE_SERIES_READY,
					      count_series, &c),
			 0);
	assert_int_equal(c.n, 1);
	state_free(st);
}

/* --- a crash -------------------------------------------------------------------- */

#define CRASH_BATCH 50

/*
 * The child commits batches of CRASH_BATCH messages, one transaction each,
 * telling the parent after each commit; in batch stop_in it stops in the
 * middle of the transaction (or never, for -1) and waits to be killed.
 */
static void crash_child(struct env *e, int fd, int stop_in)
{
	struct state *st;
	int batch, i;

	if (state_open(&st, e->dir, STATE_OPEN_DAEMON) < 0)
		_exit(2);
	for (batch = 0;; batch++) {
		if (state_begin(st) < 0)
			_exit(3);
		for (i = 0; i < CRASH_BATCH; i++) {
			struct state_message m = {
				.message_id = NULL,
				.inbox = "http://i",
				.feed_entry = "e",
			};
			char id[48];

			snprintf(id, sizeof(id), "b%d-%d@x", batch, i);
			m.message_id = id;
			if (state_message_add(st, &m, 1) != 1)
				_exit(4);
			if (batch == stop_in && i == CRASH_BATCH / 2) {
				if (write(fd, "m", 1) != 1)
					_exit(5);
				pause();
			}
		}
		if (state_commit(st) < 0)
			_exit(6);
		if (write(fd, "c", 1) != 1)
			_exit(7);
	}
}

/* Kill a child at some point; returns the batches it said were committed. */
static int crash_once(struct env *e, int stop_in, int commits_before_kill)
{
	int fds[2], committed = 0, status;
	char c;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[0]);
		crash_child(e, fds[1], stop_in);
	}
	close(fds[1]);
	while (read(fds[0], &c, 1) == 1) {
		if (c == 'c')
			committed++;
		if (c == 'm' || committed == commits_before_kill)
			break;
	}
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	while (read(fds[0], &c, 1) == 1) /* said just before the kill */
		committed += c == 'c';
	close(fds[0]);
	return committed;
}

static void assert_consistent(struct env *e, int committed_at_least)
{
	struct state *st;
	long long n;

	/* the lock died with the child; the database opens and checks */
	st = open_daemon(e);
	state_free(st);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM"
					" pragma_quick_check WHERE"
					" quick_check <> 'ok'"),
			 0);
	n = raw_int(e->db, "SELECT count(*) FROM messages");
	if (n % CRASH_BATCH || n < (long long)committed_at_least * CRASH_BATCH)
		fail_msg("%lld messages after %d batches of %d", n,
			 committed_at_least, CRASH_BATCH);
	/* whole batches only: for every last message, its first one */
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM messages"
					" WHERE message_id LIKE '%-0@x'") *
				 CRASH_BATCH,
			 n);
}

static void test_crash_mid_transaction(void **state)
{
	struct env *e = *state;
	int committed = crash_once(e, 3, -1);

	assert_int_equal(committed, 3);
	assert_consistent(e, 3);
	assert_int_equal(raw_int(e->db, "SELECT count(*) FROM messages"),
			 3 * CRASH_BATCH);
}

/* Killed wherever it happens to be, commits included, several times. */
static void test_crash_anywhere(void **state)
{
	struct env *e = *state;
	int round, total = 0;

	for (round = 0; round < 8; round++) {
		char sql[64];
		int committed;

		/* batch names start over each round */
		snprintf(sql, sizeof(sql), "DELETE FROM messages");
		if (round)
			raw_exec(e->db, sql);
		committed = crash_once(e, -1, 1 + round % 3);
		total += committed;
		assert_consistent(e, committed);
	}
	assert_true(total >= 8);
}

/* --- where the state lives --------------------------------------------------- */

static void test_state_dir(void **state)
{
	struct env *e = *state;
	struct config *cfg;
	char *dir;

	(void)e;
	assert_int_equal(config_new(&cfg), 0);
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("STATE_DIRECTORY");
	assert_int_equal(state_dir(cfg, &dir), 0);
	assert_string_equal(dir, "/home/u/.local/state/mmreview");
	free(dir);
	setenv("XDG_STATE_HOME", "/xdg", 1);
	assert_int_equal(state_dir(cfg, &dir), 0);
	assert_string_equal(dir, "/xdg/mmreview");
	free(dir);
	setenv("STATE_DIRECTORY", "/var/lib/mmreview:/var/lib/other", 1);
	assert_int_equal(state_dir(cfg, &dir), 0);
	assert_string_equal(dir, "/var/lib/mmreview");
	free(dir);
	assert_int_equal(config_add_override(cfg, "daemon.state-dir=~/st"), 0);
	assert_int_equal(state_dir(cfg, &dir), 0);
	assert_string_equal(dir, "/home/u/st");
	free(dir);
	config_free(cfg);
	unsetenv("STATE_DIRECTORY");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(state_dir(NULL, &dir), MMR_ENOTFOUND);
	assert_null(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_fresh),
		T(test_migrate),
		T(test_migrate_fails_whole),
		T(test_not_a_database),
		T(test_damaged),
		T(test_foreign),
		T(test_foreign_id),
		T(test_newer),
		T(test_read_mode),
		T(test_lock),
		T(test_messages),
		T(test_series_parts),
		T(test_series_transitions),
		T(test_series_backstop),
		T(test_findings),
		T(test_outbox_queue),
		T(test_outbox_transitions),
		T(test_outbox_attempts),
		T(test_transactions),
		T(test_status),
		T(test_series_foreach),
		T(test_crash_mid_transaction),
		T(test_crash_anywhere),
		T(test_state_dir),
		T(test_store),
		T(test_clear_waiting),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
