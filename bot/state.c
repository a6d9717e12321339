// SPDX-License-Identifier: GPL-2.0
/*
 * state: the daemon's SQLite database. See state.h for the rules; the
 * schema is the list of migrations below, each taking the database from
 * user_version i to i + 1, never edited once released.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "sbuf.h"
#include "state.h"
#include "util.h"

struct state {
	sqlite3 *db;
	char *path;
	int lock_fd; /* -1 when not holding the lock */
};

/* --- the schema --------------------------------------------------------- */

/* 0 -> 1: what the fetcher records. */
static const char migrate_fetch[] =
	"CREATE TABLE messages ("
	" message_id TEXT PRIMARY KEY NOT NULL CHECK (message_id <> ''),"
	" inbox TEXT NOT NULL,"
	" epoch INTEGER,"
	" git_commit TEXT,"
	" feed_entry TEXT,"
	" date INTEGER,"
	" seen_at INTEGER NOT NULL,"
	" CHECK ((git_commit IS NULL) <> (feed_entry IS NULL)),"
	" CHECK ((git_commit IS NULL) = (epoch IS NULL)));"
	"CREATE TABLE cursors ("
	" inbox TEXT NOT NULL,"
	" epoch INTEGER NOT NULL CHECK (epoch >= 0),"
	" git_commit TEXT NOT NULL,"
	" updated INTEGER NOT NULL,"
	" PRIMARY KEY (inbox, epoch));"
	"CREATE TABLE notes ("
	" name TEXT PRIMARY KEY NOT NULL,"
	" at INTEGER NOT NULL,"
	" text TEXT);";

/* 1 -> 2: series, their parts, and the findings of their patches. */
static const char migrate_series[] =
	"CREATE TABLE series ("
	" id INTEGER PRIMARY KEY,"
	" key TEXT NOT NULL CHECK (key <> ''),"
	" version INTEGER NOT NULL CHECK (version > 0),"
	" expected INTEGER NOT NULL CHECK (expected >= 0),"
	" status TEXT NOT NULL DEFAULT 'waiting'"
	"  CHECK (status IN ('waiting', 'ready', 'reviewed', 'failed')),"
	" reason TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" UNIQUE (key, version),"
	" CHECK ((status = 'failed') = (reason IS NOT NULL)));"
	"CREATE INDEX series_status ON series (status, updated);"
	"CREATE TABLE series_parts ("
	" series_id INTEGER NOT NULL REFERENCES series (id),"
	" part INTEGER NOT NULL CHECK (part >= 0),"
	" message_id TEXT NOT NULL,"
	" seen_at INTEGER NOT NULL,"
	" PRIMARY KEY (series_id, part));"
	"CREATE TABLE findings ("
	" id INTEGER PRIMARY KEY,"
	" series_id INTEGER NOT NULL REFERENCES series (id),"
	" patch_id TEXT NOT NULL,"
	" rule TEXT NOT NULL,"
	" severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),"
	" path TEXT NOT NULL,"
	" line INTEGER NOT NULL,"
	" col INTEGER NOT NULL,"
	" message TEXT NOT NULL);"
	"CREATE INDEX findings_patch ON findings (patch_id);"
	"CREATE TRIGGER series_transition BEFORE UPDATE OF status ON series"
	" WHEN NOT ((OLD.status = 'waiting' AND NEW.status IN ('ready', 'failed'))"
	"  OR (OLD.status = 'ready' AND NEW.status IN ('reviewed', 'failed')))"
	" BEGIN SELECT RAISE(ABORT, 'series status transition not allowed'); END;";

/*
 * 2 -> 3: the outbox. One reply per patch version (patch_id UNIQUE); a
 * queued reply never changes and one that may have gone out is never
 * deleted.
 */
static const char migrate_outbox[] =
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" reply_id TEXT NOT NULL UNIQUE CHECK (reply_id <> ''),"
	" patch_id TEXT NOT NULL UNIQUE CHECK (patch_id <> ''),"
	" series_id INTEGER REFERENCES series (id),"
	" sender TEXT NOT NULL,"
	" recipients TEXT NOT NULL CHECK (recipients <> ''),"
	" message BLOB NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (status IN ('pending', 'sending', 'sent', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" sent_at INTEGER,"
	" CHECK ((status = 'sent') = (sent_at IS NOT NULL)));"
	"CREATE INDEX outbox_status ON outbox (status, id);"
	"CREATE INDEX outbox_sent_at ON outbox (sent_at)"
	" WHERE sent_at IS NOT NULL;"
	"CREATE TRIGGER outbox_transition BEFORE UPDATE OF status ON outbox"
	" WHEN NOT ((OLD.status = 'pending' AND NEW.status = 'sending')"
	"  OR (OLD.status = 'sending'"
	"   AND NEW.status IN ('sent', 'pending', 'failed')))"
	" BEGIN SELECT RAISE(ABORT, 'outbox status transition not allowed'); END;"
	"CREATE TRIGGER outbox_frozen BEFORE UPDATE OF reply_id, patch_id,"
	" sender, recipients, message ON outbox"
	" BEGIN SELECT RAISE(ABORT, 'a queued reply is never changed'); END;"
	"CREATE TRIGGER outbox_kept BEFORE DELETE ON outbox"
	" WHEN OLD.status IN ('sending', 'sent')"
	" BEGIN SELECT RAISE(ABORT, 'a reply that may have gone out is kept');"
	" END;";

/*
 * 3 -> 4: small named values the daemon's other modules keep here (the
 * lore client's positions, the assembler's pool), so that a fetch and the
 * series it feeds are committed together.
 */
static const char migrate_store[] = "CREATE TABLE store ("
				    " ns TEXT NOT NULL CHECK (ns <> ''),"
				    " key TEXT NOT NULL,"
				    " value BLOB NOT NULL,"
				    " PRIMARY KEY (ns, key));";

static const char *const migrations[STATE_SCHEMA_VERSION] = {
	migrate_fetch,
	migrate_series,
	migrate_outbox,
	migrate_store,
};

static const char *const series_names[] = {
	[STATE_SERIES_WAITING] = "waiting",
	[STATE_SERIES_READY] = "ready",
	[STATE_SERIES_REVIEWED] = "reviewed",
	[STATE_SERIES_FAILED] = "failed",
};

static const char *const outbox_names[] = {
	[STATE_OUTBOX_PENDING] = "pending",
	[STATE_OUTBOX_SENDING] = "sending",
	[STATE_OUTBOX_SENT] = "sent",
	[STATE_OUTBOX_FAILED] = "failed",
};

#define NAMES(a) (sizeof(a) / sizeof(*(a)))

const char *state_series_status_name(enum state_series_status s)
{
	return (unsigned)s < NAMES(series_names) ? series_names[s] : "?";
}

const char *state_outbox_status_name(enum state_outbox_status s)
{
	return (unsigned)s < NAMES(outbox_names) ? outbox_names[s] : "?";
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* --- statements ----------------------------------------------------------- */

static int db_fail(struct state *st, const char *what)
{
	const char *msg = st->db ? sqlite3_errmsg(st->db) : "out of memory";
	int rc = st->db ? sqlite3_errcode(st->db) : SQLITE_NOMEM;

	if (what)
		return mmr_error_set(
			rc == SQLITE_CONSTRAINT ? MMR_EINVAL : MMR_EIO,
			"state database '%s': %s: %s", st->path, what, msg);
	return mmr_error_set(rc == SQLITE_CONSTRAINT ? MMR_EINVAL : MMR_EIO,
			     "state database '%s': %s", st->path, msg);
}

/*
 * Prepare sql with its parameters bound as fmt says, one letter each:
 * 's' a string (NULL binds NULL), 'i' an int64_t, 'o' an int64_t that
 * binds NULL when negative, 'b' a blob (pointer and size_t). The statement
 * is finalised on error.
 */
static int stmt_vnew(struct state *st, sqlite3_stmt **out, const char *sql,
		     const char *fmt, va_list ap)
{
	sqlite3_stmt *s = NULL;
	int i, rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	for (i = 0; rc == SQLITE_OK && fmt[i]; i++) {
		if (fmt[i] == 's') {
			rc = sqlite3_bind_text(s, i + 1,
					       va_arg(ap, const char *), -1,
					       SQLITE_TRANSIENT);
		} else if (fmt[i] == 'i' || fmt[i] == 'o') {
			int64_t v = va_arg(ap, int64_t);

			rc = fmt[i] == 'o' && v < 0 ?
				     sqlite3_bind_null(s, i + 1) :
				     sqlite3_bind_int64(s, i + 1, v);
		} else {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(s, i + 1, p ? p : "", n,
						 SQLITE_TRANSIENT);
		}
	}
	if (rc != SQLITE_OK) {
		int error = db_fail(st, NULL);

		sqlite3_finalize(s);
		*out = NULL;
		return error;
	}
	*out = s;
	return 0;
}

static int stmt_new(struct state *st, sqlite3_stmt **out, const char *sql,
		    const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = stmt_vnew(st, out, sql, fmt, ap);
	va_end(ap);
	return error;
}

/* 1 for a row, 0 when done, or a negative code. */
static int stmt_step(struct state *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(st, NULL);
}

/*
 * Run sql once: the first column of the first row in *col (may be NULL),
 * the rows it changed in *changes (may be NULL). 1 when a row came, 0 when
 * none (as for every INSERT or UPDATE), or a negative code.
 */
static int db_step(struct state *st, int64_t *col, int *changes,
		   const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = stmt_vnew(st, &s, sql, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (error > 0 && col)
		*col = sqlite3_column_int64(s, 0);
	if (error >= 0 && changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return error;
}

static int db_exec(struct state *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, NULL);
	return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* --- transactions -------------------------------------------------------- */

/*
 * One step: its own transaction, or a savepoint inside the caller's
 * (state_begin()), so that a failed step undoes only itself.
 */
static int step_begin(struct state *st, bool *outer)
{
	*outer = sqlite3_get_autocommit(st->db);
	return db_exec(st, *outer ? "BEGIN IMMEDIATE" : "SAVEPOINT step");
}

static int step_end(struct state *st, bool outer, int error)
{
	if (error < 0) {
		/* Keep the step's message over the rollback's. */
		sqlite3_exec(st->db,
			     outer ? "ROLLBACK" :
				     "ROLLBACK TO step; RELEASE step",
			     NULL, NULL, NULL);
		return error;
	}
	error = db_exec(st, outer ? "COMMIT" : "RELEASE step");
	if (error < 0 && outer)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

int state_begin(struct state *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return mmr_error_set(MMR_EUSAGE,
				     "state database '%s': a transaction is "
				     "open already",
				     st->path);
	return db_exec(st, "BEGIN IMMEDIATE");
}

int state_commit(struct state *st)
{
	int error = db_exec(st, "COMMIT");

	if (error < 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

void state_rollback(struct state *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- opening ---------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", dir, name);
	return sbuf_detach(&sb, NULL);
}

int state_dir(const struct config *cfg, char **out)
{
	const char *env;
	int error = cfg ? config_get_path(cfg, "daemon.state-dir", out) :
			  MMR_ENOTFOUND;

	if (error != MMR_ENOTFOUND)
		return error;
	mmr_error_clear();
	env = getenv("STATE_DIRECTORY");
	if (env && *env == '/') {
		/* systemd lists one directory per StateDirectory=, ':'-separated */
		*out = xstrndup(env, strcspn(env, ":"));
		return 0;
	}
	env = getenv("XDG_STATE_HOME");
	if (env && *env == '/') {
		*out = path_join(env, "mmreview");
		return 0;
	}
	env = getenv("HOME");
	if (env && *env) {
		*out = path_join(env, ".local/state/mmreview");
		return 0;
	}
	*out = NULL;
	return mmr_error_set(MMR_ENOTFOUND,
			     "no state directory: set daemon.state-dir or "
			     "$HOME");
}

/* mkdir -p, 0700 for what it creates. */
static int make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *s;
	int error = 0;

	for (s = p + 1;; s++) {
		char c = *s;

		if (c && c != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			error = mmr_error_set(MMR_EIO,
					      "cannot create state directory "
					      "'%s': %s",
					      p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return error;
}

/* The lock file's flock: one daemon per state directory. */
static int take_lock(struct state *st, const char *dir)
{
	char *path = path_join(dir, STATE_LOCK_NAME);
	char pid[32];
	ssize_t n;
	int len, error = 0;

	st->lock_fd =
		open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (st->lock_fd < 0) {
		error = mmr_error_set(MMR_EIO, "cannot open lock file '%s': %s",
				      path, strerror(errno));
		goto out;
	}
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		n = pread(st->lock_fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			error = mmr_error_set(MMR_EIO,
					      "state directory '%s' is in use "
					      "by another mmreview daemon "
					      "(pid %s, lock '%s')",
					      dir, *pid ? pid : "unknown",
					      path);
		else
			error = mmr_error_set(MMR_EIO, "cannot lock '%s': %s",
					      path, strerror(e));
		close(st->lock_fd);
		st->lock_fd = -1;
		goto out;
	}
	/* Who holds it, for the next one's message. */
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(st->lock_fd, 0) < 0 ||
	    pwrite(st->lock_fd, pid, len, 0) != len)
		error = mmr_error_set(MMR_EIO,
				      "cannot write lock file '%s': %s", path,
				      strerror(errno));
out:
	free(path);
	return error;
}

/* A file that is not ours, or ours from a newer mmreview, is refused. */
static int check_identity(struct state *st, int64_t *version, bool *empty)
{
	int64_t app = 0, objects = 0;
	int error;

	error = db_step(st, &app, NULL, "PRAGMA application_id", "");
	if (error >= 0)
		error = db_step(st, version, NULL, "PRAGMA user_version", "");
	if (error >= 0)
		error = db_step(st, &objects, NULL,
				"SELECT count(*) FROM sqlite_schema", "");
	if (error < 0)
		return error;
	*empty = !app && !*version && !objects;
	if (!*empty && app != STATE_APPLICATION_ID)
		return mmr_error_set(
			MMR_EIO,
			"state database '%s': not an mmreview "
			"state database (application_id 0x%08llx, "
			"%lld schema objects); move it away or set "
			"daemon.state-dir",
			st->path, (unsigned long long)(uint32_t)app,
			(long long)objects);
	if (*version > STATE_SCHEMA_VERSION)
		return mmr_error_set(MMR_EIO,
				     "state database '%s': schema version %lld "
				     "is newer than this mmreview's (%d)",
				     st->path, (long long)*version,
				     STATE_SCHEMA_VERSION);
	return 0;
}

/* A pragma whose one-line answer must be want; else MMR_EIO "what: answer". */
static int pragma_expect(struct state *st, const char *sql, const char *want,
			 const char *what)
{
	sqlite3_stmt *s;
	int error = stmt_new(st, &s, sql, "");

	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (error > 0) {
		const char *got = col_text(s, 0) ? col_text(s, 0) : "";

		error = !strcmp(got, want) ?
				0 :
				mmr_error_set(MMR_EIO,
					      "state database '%s': %s: %s",
					      st->path, what, got);
	}
	sqlite3_finalize(s);
	return error;
}

static int set_pragmas(struct state *st)
{
	int error = pragma_expect(st, "PRAGMA journal_mode = WAL", "wal",
				  "cannot use WAL, the journal mode is");

	if (error < 0)
		return error;
	return db_exec(st, "PRAGMA synchronous = FULL;"
			   "PRAGMA foreign_keys = ON");
}

/* Bring the schema from version to STATE_SCHEMA_VERSION, atomically. */
static int migrate(struct state *st, int64_t version)
{
	struct sbuf sql = SBUF_INIT;
	int64_t v = version;
	int error = 0;

	if (version == STATE_SCHEMA_VERSION)
		return 0;
	error = db_exec(st, "BEGIN IMMEDIATE");
	for (; !error && v < STATE_SCHEMA_VERSION; v++)
		error = db_exec(st, migrations[v]);
	if (!error) {
		sbuf_addf(
			&sql,
			"PRAGMA application_id = %d; PRAGMA user_version = %d",
			STATE_APPLICATION_ID, STATE_SCHEMA_VERSION);
		error = db_exec(st, sql.buf);
	}
	if (!error)
		error = db_exec(st, "COMMIT");
	if (error < 0) {
		mmr_error_prefix("cannot upgrade schema from version %lld "
				 "to %d",
				 (long long)version, STATE_SCHEMA_VERSION);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sbuf_release(&sql);
	return error;
}

static int open_db(struct state *st, enum state_open_mode mode)
{
	int flags = SQLITE_OPEN_NOFOLLOW;
	int64_t version = 0;
	bool empty;
	int error;

	flags |= mode == STATE_OPEN_DAEMON ?
			 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
			 SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(st->path, &st->db, flags, NULL) != SQLITE_OK)
		return db_fail(st, "cannot open");
	sqlite3_busy_timeout(st->db, STATE_BUSY_TIMEOUT_MS);
	error = check_identity(st, &version, &empty);
	if (error < 0)
		return error;
	if (mode == STATE_OPEN_READ) {
		if (version != STATE_SCHEMA_VERSION)
			return mmr_error_set(
				MMR_EINVAL,
				"state database '%s': schema "
				"version %lld, %d expected (the "
				"daemon upgrades it when it starts)",
				st->path, (long long)version,
				STATE_SCHEMA_VERSION);
		return db_exec(st, "PRAGMA query_only = ON");
	}
	error = empty ? 0 :
			pragma_expect(st, "PRAGMA quick_check(1)", "ok",
				      "damaged");
	if (!error)
		error = set_pragmas(st);
	if (!error)
		error = migrate(st, version);
	return error;
}

int state_open(struct state **out, const char *dir, enum state_open_mode mode)
{
	struct state *st = xcalloc(1, sizeof(*st));
	struct stat sb;
	int error = 0;

	*out = NULL;
	st->lock_fd = -1;
	st->path = path_join(dir, STATE_DB_NAME);
	if (mode == STATE_OPEN_DAEMON) {
		error = make_dirs(dir);
		if (!error)
			error = take_lock(st, dir);
	} else if (stat(st->path, &sb) < 0) {
		error = mmr_error_set(errno == ENOENT ? MMR_ENOTFOUND : MMR_EIO,
				      "no state database '%s': %s%s", st->path,
				      strerror(errno),
				      errno == ENOENT ? " (has the daemon "
							"run?)" :
							"");
	}
	if (!error)
		error = open_db(st, mode);
	if (error < 0) {
		state_free(st);
		return error;
	}
	*out = st;
	return 0;
}

void state_free(struct state *st)
{
	if (!st)
		return;
	if (st->db)
		sqlite3_close_v2(st->db);
	if (st->lock_fd >= 0)
		close(st->lock_fd); /* releases the flock */
	free(st->path);
	free(st);
}

const char *state_path(const struct state *st)
{
	return st->path;
}

/* --- messages seen -------------------------------------------------------- */

static bool blank(const char *s)
{
	return !s || !*s;
}

static int bad_input(struct state *st, const char *what)
{
	return mmr_error_set(MMR_EINVAL, "state database '%s': %s", st->path,
			     what);
}

int state_message_add(struct state *st, const struct state_message *m,
		      time_t now)
{
	int changes = 0, error;

	if (blank(m->message_id) || blank(m->inbox))
		return bad_input(st,
				 "a message needs a Message-ID and an inbox");
	if (blank(m->commit) == blank(m->feed_entry) ||
	    (!blank(m->commit) && m->epoch < 0))
		return bad_input(st,
				 "a message comes from an epoch's commit or "
				 "from a feed entry");
	error = db_step(st, NULL, &changes,
			"INSERT INTO messages (message_id, inbox, epoch,"
			" git_commit, feed_entry, date, seen_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (message_id) DO NOTHING",
			"ssossoi", m->message_id, m->inbox,
			(int64_t)(blank(m->commit) ? -1 : m->epoch),
			blank(m->commit) ? NULL : m->commit,
			blank(m->commit) ? m->feed_entry : NULL,
			(int64_t)m->date, (int64_t)now);
	return error < 0 ? error : changes > 0;
}

int state_message_seen(struct state *st, const char *message_id, bool *seen)
{
	int64_t one;
	int error = db_step(st, &one, NULL,
			    "SELECT 1 FROM messages WHERE message_id = ?", "s",
			    message_id);

	*seen = error > 0;
	return error < 0 ? error : 0;
}

int state_cursor_set(struct state *st, const char *inbox, int epoch,
		     const char *commit, time_t now)
{
	if (blank(inbox) || blank(commit) || epoch < 0)
		return bad_input(st, "a cursor needs an inbox, an epoch and a "
				     "commit");
	return db_step(st, NULL, NULL,
		       "INSERT INTO cursors (inbox, epoch, git_commit, updated)"
		       " VALUES (?, ?, ?, ?) ON CONFLICT (inbox, epoch)"
		       " DO UPDATE SET git_commit = excluded.git_commit,"
		       " updated = excluded.updated",
		       "sisi", inbox, (int64_t)epoch, commit, (int64_t)now);
}

int state_cursor_get(struct state *st, const char *inbox, int epoch,
		     char **commit)
{
	sqlite3_stmt *s;
	int error = stmt_new(st, &s,
			     "SELECT git_commit FROM cursors"
			     " WHERE inbox = ? AND epoch = ?",
			     "si", inbox, (int64_t)epoch);

	*commit = NULL;
	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (error > 0)
		*commit = xstrdup(col_text(s, 0));
	sqlite3_finalize(s);
	return error < 0 ? error : 0;
}

/* --- series ------------------------------------------------------------------ */

int state_series_add(struct state *st, const char *key, unsigned version,
		     unsigned expected, time_t now, int64_t *id)
{
	bool outer;
	int created = 0, error;

	if (blank(key) || !version)
		return bad_input(st, "a series needs a key and a version");
	error = step_begin(st, &outer);
	if (error < 0)
		return error;
	error = db_step(st, id, NULL,
			"SELECT id FROM series WHERE key = ? AND version = ?",
			"si", key, (int64_t)version);
	if (error > 0 && expected)
		error = db_step(st, NULL, NULL,
				"UPDATE series SET expected = ?, updated = ?"
				" WHERE id = ? AND expected <> ?1",
				"iii", (int64_t)expected, (int64_t)now, *id);
	else if (!error) {
		error = db_step(st, NULL, NULL,
				"INSERT INTO series (key, version, expected,"
				" created, updated) VALUES (?, ?, ?, ?, ?4)",
				"siii", key, (int64_t)version,
				(int64_t)expected, (int64_t)now);
		*id = sqlite3_last_insert_rowid(st->db);
		created = 1;
	}
	error = step_end(st, outer, error < 0 ? error : 0);
	return error < 0 ? error : created;
}

int state_series_add_part(struct state *st, int64_t id, unsigned part,
			  const char *message_id, time_t now)
{
	int changes = 0, error;

	if (blank(message_id))
		return bad_input(st, "a part needs a Message-ID");
	error = db_step(st, NULL, &changes,
			"INSERT INTO series_parts (series_id, part, message_id,"
			" seen_at) VALUES (?, ?, ?, ?)"
			" ON CONFLICT (series_id, part) DO NOTHING",
			"iisi", id, (int64_t)part, message_id, (int64_t)now);
	if (error < 0)
		mmr_error_prefix("series %lld part %u", (long long)id, part);
	return error < 0 ? error : changes > 0;
}

static bool series_may_move(enum state_series_status from,
			    enum state_series_status to)
{
	if (from == STATE_SERIES_WAITING)
		return to == STATE_SERIES_READY || to == STATE_SERIES_FAILED;
	if (from == STATE_SERIES_READY)
		return to == STATE_SERIES_REVIEWED || to == STATE_SERIES_FAILED;
	return false;
}

/* The status of a row of table (series or outbox), as an index of names. */
static int row_status(struct state *st, const char *sql, int64_t id,
		      const char *const *names, size_t n, const char *what)
{
	sqlite3_stmt *s;
	int error = stmt_new(st, &s, sql, "i", id);

	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (!error)
		error = mmr_error_set(MMR_ENOTFOUND,
				      "state database '%s': no %s %lld",
				      st->path, what, (long long)id);
	else if (error > 0 &&
		 (error = name_index(names, n, col_text(s, 0))) < 0)
		error = bad_input(st, "unknown status in the database");
	sqlite3_finalize(s);
	return error;
}

/* Cut text to STATE_MAX_TEXT bytes, at a character boundary. */
static const char *cut_text(const char *text, char *buf)
{
	size_t n;

	if (!text || strlen(text) <= STATE_MAX_TEXT)
		return text;
	n = STATE_MAX_TEXT;
	while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

int state_series_set_status(struct state *st, int64_t id,
			    enum state_series_status status, const char *reason,
			    time_t now)
{
	char cut[STATE_MAX_TEXT + 1];
	bool outer;
	int from, error;

	if ((unsigned)status >= NAMES(series_names) ||
	    blank(reason) != (status != STATE_SERIES_FAILED))
		return bad_input(st, "a series fails with a reason, and only "
				     "then");
	error = step_begin(st, &outer);
	if (error < 0)
		return error;
	from = error = row_status(st, "SELECT status FROM series WHERE id = ?",
				  id, series_names, NAMES(series_names),
				  "series");
	if (error >= 0 && !series_may_move(from, status))
		error = mmr_error_set(MMR_EINVAL,
				      "state database '%s': series %lld cannot "
				      "go from %s to %s",
				      st->path, (long long)id,
				      series_names[from], series_names[status]);
	if (error >= 0)
		error = db_step(st, NULL, NULL,
				"UPDATE series SET status = ?, reason = ?,"
				" updated = ? WHERE id = ?",
				"ssii", series_names[status],
				cut_text(reason, cut), (int64_t)now, id);
	return step_end(st, outer, error < 0 ? error : 0);
}

#define SERIES_SELECT                                                         \
	"SELECT s.id, s.key, s.version, (SELECT count(*) FROM series_parts p" \
	" WHERE p.series_id = s.id AND p.part > 0), s.expected, s.status,"    \
	" s.reason, s.created, s.updated FROM series s "

/* Call cb for each row of s (finalised here); *rows counts them. */
static int series_walk(struct state *st, sqlite3_stmt *s, state_series_cb cb,
		       void *payload, size_t *rows)
{
	int error;

	*rows = 0;
	while ((error = stmt_step(st, s)) > 0) {
		struct state_series row = {
			.id = sqlite3_column_int64(s, 0),
			.key = col_text(s, 1),
			.version = sqlite3_column_int(s, 2),
			.seen = sqlite3_column_int(s, 3),
			.expected = sqlite3_column_int(s, 4),
			.status = name_index(series_names, NAMES(series_names),
					     col_text(s, 5)),
			.reason = col_text(s, 6),
			.created = sqlite3_column_int64(s, 7),
			.updated = sqlite3_column_int64(s, 8),
		};

		(*rows)++;
		error = cb(&row, payload);
		if (error)
			break;
	}
	sqlite3_finalize(s);
	return error;
}

int state_series_get(struct state *st, int64_t id, state_series_cb cb,
		     void *payload)
{
	sqlite3_stmt *s;
	size_t rows;
	int error = stmt_new(st, &s, SERIES_SELECT "WHERE s.id = ?", "i", id);

	if (error < 0)
		return error;
	error = series_walk(st, s, cb, payload, &rows);
	if (!error && !rows)
		error = mmr_error_set(MMR_ENOTFOUND,
				      "state database '%s': no series %lld",
				      st->path, (long long)id);
	return error;
}

int state_series_foreach(struct state *st, enum state_series_status status,
			 state_series_cb cb, void *payload)
{
	sqlite3_stmt *s;
	size_t rows;
	int error;

	if ((unsigned)status >= NAMES(series_names))
		return bad_input(st, "unknown series status");
	error = stmt_new(st, &s,
			 SERIES_SELECT "WHERE s.status = ? ORDER BY s.created,"
				       " s.id",
			 "s", series_names[status]);
	return error < 0 ? error : series_walk(st, s, cb, payload, &rows);
}

int state_series_clear_waiting(struct state *st)
{
	bool outer;
	int error = step_begin(st, &outer);

	if (error < 0)
		return error;
	error = db_exec(st, "DELETE FROM series_parts WHERE series_id IN"
			    " (SELECT id FROM series WHERE status = 'waiting');"
			    "DELETE FROM series WHERE status = 'waiting'");
	return step_end(st, outer, error);
}

/* --- findings -------------------------------------------------------------------- */

int state_finding_add(struct state *st, int64_t series_id,
		      const struct state_finding *f)
{
	int error;

	if (blank(f->patch_id) || blank(f->rule) || !f->path || !f->message)
		return bad_input(st, "a finding needs a patch, a rule, a path "
				     "and a message");
	error = db_step(st, NULL, NULL,
			"INSERT INTO findings (series_id, patch_id, rule,"
			" severity, path, line, col, message)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			"issssiis", series_id, f->patch_id, f->rule,
			f->severity, f->path, (int64_t)f->line,
			(int64_t)f->column, f->message);
	if (error < 0)
		mmr_error_prefix("finding %s of %s", f->rule, f->patch_id);
	return error;
}

int state_findings_count(struct state *st, const char *patch_id, size_t *n)
{
	int64_t count = 0;
	int error = db_step(st, &count, NULL,
			    "SELECT count(*) FROM findings WHERE patch_id = ?",
			    "s", patch_id);

	*n = (size_t)count;
	return error < 0 ? error : 0;
}

/* --- the outbox ------------------------------------------------------------ */

/* The recipients, one per line; MMR_EINVAL or MMR_ELIMIT when bad. */
static int join_rcpt(struct state *st, const struct state_reply *r,
		     struct sbuf *out)
{
	size_t i;

	if (!r->nrcpt)
		return bad_input(st, "a reply needs a recipient");
	if (r->nrcpt > STATE_MAX_RCPT)
		return mmr_error_set(MMR_ELIMIT,
				     "state database '%s': reply %s has %zu "
				     "recipients, more than %d",
				     st->path, r->reply_id, r->nrcpt,
				     STATE_MAX_RCPT);
	for (i = 0; i < r->nrcpt; i++) {
		if (blank(r->rcpt[i]) || strpbrk(r->rcpt[i], "\r\n"))
			return bad_input(st, "a recipient is empty or has a "
					     "line break");
		sbuf_addf(out, "%s%s", i ? "\n" : "", r->rcpt[i]);
	}
	return 0;
}

int state_outbox_add(struct state *st, const struct state_reply *r, time_t now,
		     int64_t *id)
{
	struct sbuf rcpt = SBUF_INIT;
	bool outer;
	int created = 0, error;

	if (blank(r->reply_id) || blank(r->patch_id) || blank(r->sender) ||
	    strpbrk(r->sender, "\r\n") || !r->msg || !r->len)
		return bad_input(st, "a reply needs its Message-ID, the "
				     "patch's, a sender and a message");
	if (r->len > STATE_MAX_REPLY)
		return mmr_error_set(MMR_ELIMIT,
				     "state database '%s': reply %s is larger "
				     "than %zu bytes",
				     st->path, r->reply_id, STATE_MAX_REPLY);
	error = join_rcpt(st, r, &rcpt);
	if (error < 0)
		goto out;
	error = step_begin(st, &outer);
	if (error < 0)
		goto out;
	error = db_step(st, id, NULL,
			"SELECT id FROM outbox WHERE patch_id = ?", "s",
			r->patch_id);
	if (!error) {
		error = db_step(st, NULL, NULL,
				"INSERT INTO outbox (reply_id, patch_id,"
				" series_id, sender, recipients, message,"
				" created, updated) VALUES (?, ?, ?, ?, ?, ?,"
				" ?, ?7)",
				"ssossbi", r->reply_id, r->patch_id,
				r->series_id > 0 ? r->series_id : (int64_t)-1,
				r->sender, rcpt.buf, r->msg, r->len,
				(int64_t)now);
		*id = sqlite3_last_insert_rowid(st->db);
		created = !error;
	} else if (error > 0) {
		error = 0; /* that patch has its reply already */
	}
	if (error < 0)
		mmr_error_prefix("cannot queue reply %s", r->reply_id);
	error = step_end(st, outer, error);
	if (!error)
		error = created;
out:
	sbuf_release(&rcpt);
	return error;
}

/*
 * Move reply id from status from to status to, in one statement; set
 * counts the attempt (to sending), error is kept when not NULL.
 */
static int outbox_move(struct state *st, int64_t id,
		       enum state_outbox_status from,
		       enum state_outbox_status to, const char *error_text,
		       time_t now)
{
	char cut[STATE_MAX_TEXT + 1];
	int changes = 0, now_status;
	int error = db_step(st, NULL, &changes,
			    "UPDATE outbox SET status = ?1, updated = ?2,"
			    " attempts = attempts + (?1 = 'sending'),"
			    " sent_at = CASE WHEN ?1 = 'sent' THEN ?2 END,"
			    " last_error = coalesce(?3, last_error)"
			    " WHERE id = ?4 AND status = ?5",
			    "sisis", outbox_names[to], (int64_t)now,
			    cut_text(error_text, cut), id, outbox_names[from]);

	if (error < 0 || changes)
		return error;
	now_status = row_status(st, "SELECT status FROM outbox WHERE id = ?",
				id, outbox_names, NAMES(outbox_names), "reply");
	if (now_status < 0)
		return now_status;
	return mmr_error_set(MMR_EINVAL,
			     "state database '%s': reply %lld is %s: it cannot "
			     "go to %s",
			     st->path, (long long)id, outbox_names[now_status],
			     outbox_names[to]);
}

int state_outbox_claim(struct state *st, int64_t id, time_t now)
{
	return outbox_move(st, id, STATE_OUTBOX_PENDING, STATE_OUTBOX_SENDING,
			   NULL, now);
}

int state_outbox_sent(struct state *st, int64_t id, time_t now)
{
	return outbox_move(st, id, STATE_OUTBOX_SENDING, STATE_OUTBOX_SENT,
			   NULL, now);
}

int state_outbox_retry(struct state *st, int64_t id, const char *error,
		       time_t now)
{
	return outbox_move(st, id, STATE_OUTBOX_SENDING, STATE_OUTBOX_PENDING,
			   error, now);
}

int state_outbox_fail(struct state *st, int64_t id, const char *error,
		      time_t now)
{
	return outbox_move(st, id, STATE_OUTBOX_SENDING, STATE_OUTBOX_FAILED,
			   error ? error : "failed", now);
}

/* Call cb with the row s points at, its recipients split. */
static int reply_row(sqlite3_stmt *s, state_reply_cb cb, void *payload)
{
	char *rcpt = xstrdup(col_text(s, 5) ? col_text(s, 5) : "");
	const char **list = xcalloc(STATE_MAX_RCPT, sizeof(*list));
	struct state_reply r = {
		.id = sqlite3_column_int64(s, 0),
		.reply_id = col_text(s, 1),
		.patch_id = col_text(s, 2),
		.series_id = sqlite3_column_int64(s, 3),
		.sender = col_text(s, 4),
		.rcpt = list,
		.msg = sqlite3_column_blob(s, 6),
		.len = sqlite3_column_bytes(s, 6),
		.status = name_index(outbox_names, NAMES(outbox_names),
				     col_text(s, 7)),
		.attempts = sqlite3_column_int(s, 8),
		.last_error = col_text(s, 9),
		.created = sqlite3_column_int64(s, 10),
		.updated = sqlite3_column_int64(s, 11),
		.sent_at = sqlite3_column_int64(s, 12),
	};
	char *p = rcpt;
	int error;

	while (*p && r.nrcpt < STATE_MAX_RCPT) {
		list[r.nrcpt++] = p;
		p += strcspn(p, "\n");
		if (*p)
			*p++ = '\0';
	}
	error = cb(&r, payload);
	free(list);
	free(rcpt);
	return error;
}

int state_outbox_get(struct state *st, int64_t id, state_reply_cb cb,
		     void *payload)
{
	sqlite3_stmt *s;
	int error = stmt_new(st, &s,
			     "SELECT id, reply_id, patch_id, series_id, sender,"
			     " recipients, message, status, attempts,"
			     " last_error, created, updated, sent_at"
			     " FROM outbox WHERE id = ?",
			     "i", id);

	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (!error)
		error = mmr_error_set(MMR_ENOTFOUND,
				      "state database '%s': no reply %lld",
				      st->path, (long long)id);
	else if (error > 0)
		error = reply_row(s, cb, payload);
	sqlite3_finalize(s);
	return error;
}

int state_outbox_list(struct state *st, enum state_outbox_status status,
		      int64_t *ids, size_t max, size_t *n)
{
	sqlite3_stmt *s;
	int error;

	*n = 0;
	if ((unsigned)status >= NAMES(outbox_names))
		return bad_input(st, "unknown reply status");
	error = stmt_new(st, &s,
			 "SELECT id FROM outbox WHERE status = ? ORDER BY id"
			 " LIMIT ?",
			 "si", outbox_names[status], (int64_t)max);
	if (error < 0)
		return error;
	while (*n < max && (error = stmt_step(st, s)) > 0)
		ids[(*n)++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return error < 0 ? error : 0;
}

int state_outbox_sent_since(struct state *st, time_t since, size_t *n)
{
	int64_t count = 0;
	int error = db_step(st, &count, NULL,
			    "SELECT count(*) FROM outbox WHERE sent_at >= ?",
			    "i", (int64_t)since);

	*n = (size_t)count;
	return error < 0 ? error : 0;
}

/* --- the store of named values --------------------------------------------- */

static int check_store_key(struct state *st, const char *ns, const char *key)
{
	if (blank(ns) || !key)
		return bad_input(st,
				 "a stored value needs a namespace and a key");
	return 0;
}

int state_store_get(struct state *st, const char *ns, const char *key,
		    struct sbuf *value)
{
	sqlite3_stmt *s;
	int error = check_store_key(st, ns, key);

	if (!error)
		error = stmt_new(
			st, &s,
			"SELECT value FROM store WHERE ns = ? AND key = ?",
			"ss", ns, key);
	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (error > 0) {
		sbuf_reset(value);
		error = sbuf_add(value, sqlite3_column_blob(s, 0),
				 sqlite3_column_bytes(s, 0));
	} else if (!error) {
		error = MMR_ENOTFOUND;
	}
	sqlite3_finalize(s);
	return error;
}

int state_store_put(struct state *st, const char *ns, const char *key,
		    const void *value, size_t len)
{
	int error = check_store_key(st, ns, key);

	if (!error && len > STATE_MAX_VALUE)
		error = mmr_error_set(MMR_ELIMIT,
				      "state database '%s': a value of %zu "
				      "bytes for '%s' (at most %zu)",
				      st->path, len, key, STATE_MAX_VALUE);
	if (error < 0)
		return error;
	return db_step(st, NULL, NULL,
		       "INSERT INTO store (ns, key, value) VALUES (?, ?, ?)"
		       " ON CONFLICT (ns, key) DO UPDATE SET"
		       " value = excluded.value",
		       "ssb", ns, key, value, len);
}

int state_store_del(struct state *st, const char *ns, const char *key)
{
	int error = check_store_key(st, ns, key);

	if (error < 0)
		return error;
	return db_step(st, NULL, NULL,
		       "DELETE FROM store WHERE ns = ? AND key = ?", "ss", ns,
		       key);
}

struct store_row {
	char *key;
	char *value;
	size_t len;
};

int state_store_each(struct state *st, const char *ns, state_store_cb cb,
		     void *payload)
{
	struct store_row *rows = NULL;
	size_t n = 0, alloc = 0, i;
	sqlite3_stmt *s;
	int error = check_store_key(st, ns, "");

	if (!error)
		error = stmt_new(st, &s,
				 "SELECT key, value FROM store WHERE ns = ?"
				 " ORDER BY key",
				 "s", ns);
	if (error < 0)
		return error;
	/* read them all first: cb may change the table */
	while ((error = stmt_step(st, s)) > 0) {
		XGROW(rows, alloc, n + 1);
		rows[n].key = xstrdup(col_text(s, 0));
		rows[n].len = sqlite3_column_bytes(s, 1);
		rows[n].value = xmalloc(rows[n].len + 1);
		memcpy(rows[n].value,
		       sqlite3_column_blob(s, 1) ? sqlite3_column_blob(s, 1) :
						   "",
		       rows[n].len);
		rows[n].value[rows[n].len] = '\0';
		n++;
	}
	sqlite3_finalize(s);
	for (i = 0; i < n; i++) {
		if (!error)
			error = cb(rows[i].key, rows[i].value, rows[i].len,
				   payload);
		free(rows[i].key);
		free(rows[i].value);
	}
	free(rows);
	return error;
}

/* --- status ------------------------------------------------------------------ */

static int note(struct state *st, const char *name, time_t when,
		const char *text)
{
	char cut[STATE_MAX_TEXT + 1];

	return db_step(st, NULL, NULL,
		       "INSERT INTO notes (name, at, text) VALUES (?, ?, ?)"
		       " ON CONFLICT (name) DO UPDATE SET at = excluded.at,"
		       " text = excluded.text",
		       "sis", name, (int64_t)when, cut_text(text, cut));
}

int state_note_fetch(struct state *st, time_t when)
{
	return note(st, "fetch", when, NULL);
}

int state_note_error(struct state *st, time_t when, const char *text)
{
	return note(st, "error", when, text ? text : "");
}

int state_status(struct state *st, time_t day_start, struct state_status *out)
{
	static const char sql[] =
		"SELECT"
		" (SELECT count(*) FROM series WHERE status = 'waiting'),"
		" (SELECT count(*) FROM series WHERE status = 'ready'),"
		" (SELECT count(*) FROM series WHERE status = 'reviewed'"
		"  AND updated >= ?1),"
		" (SELECT count(*) FROM series WHERE status = 'failed'"
		"  AND updated >= ?1),"
		" (SELECT count(*) FROM outbox WHERE status = 'pending'),"
		" (SELECT count(*) FROM outbox WHERE status = 'sending'),"
		" (SELECT count(*) FROM outbox WHERE status = 'sent'),"
		" (SELECT count(*) FROM outbox WHERE status = 'failed'),"
		" (SELECT count(*) FROM outbox WHERE sent_at >= ?1),"
		" (SELECT at FROM notes WHERE name = 'fetch'),"
		" (SELECT at FROM notes WHERE name = 'error'),"
		" (SELECT text FROM notes WHERE name = 'error')";
	size_t *counts[] = {
		&out->waiting,	    &out->ready,   &out->reviewed_today,
		&out->failed_today, &out->pending, &out->sending,
		&out->sent,	    &out->failed,  &out->sent_today,
	};
	sqlite3_stmt *s;
	size_t i, n = sizeof(counts) / sizeof(*counts);
	int error = stmt_new(st, &s, sql, "i", (int64_t)day_start);

	memset(out, 0, sizeof(*out));
	if (error < 0)
		return error;
	error = stmt_step(st, s);
	if (error > 0) {
		for (i = 0; i < n; i++)
			*counts[i] = sqlite3_column_int64(s, i);
		out->last_fetch = sqlite3_column_int64(s, n);
		out->last_error_at = sqlite3_column_int64(s, n + 1);
		snprintf(out->last_error, sizeof(out->last_error), "%s",
			 col_text(s, n + 2) ? col_text(s, n + 2) : "");
		error = 0;
	}
	sqlite3_finalize(s);
	return error;
}
