/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state: what the daemon remembers across restarts, in one SQLite
 * database (WAL, FULL sync, foreign keys, a busy timeout) in its state
 * directory: the messages seen, the series and their status, the findings
 * per patch, the outbox of replies with each one's send status, and the
 * last fetch and last error for "mmreview status". Only this module calls
 * SQLite.
 *
 * Every function that writes is one transaction, or one savepoint inside
 * the transaction of state_begin() ... state_commit(), so that a step the
 * daemon takes (record the findings, queue the replies, mark the series
 * reviewed) is all there after a crash or not at all.
 *
 * The schema is versioned (PRAGMA user_version) and migrated when the
 * daemon opens it; the file carries mmreview's PRAGMA application_id. A
 * file that is not a database, a damaged database, another program's
 * database or one from a newer mmreview is an error naming the path and
 * what SQLite said, never a silent reset.
 *
 * Status transitions are checked here and, as a backstop, by triggers in
 * the database:
 *   series: waiting -> ready | failed;  ready -> reviewed | failed
 *   outbox: pending -> sending;  sending -> sent | pending | failed
 * A patch (its Message-ID, so one version of it) has at most one reply in
 * the outbox: a UNIQUE constraint, so a reply is never sent twice.
 *
 * Strings passed in are copied; strings handed to callbacks live during
 * the call only. Errors: 0 or a negative MMR_E* code with a message naming
 * the database ("state database '/path': ...").
 */
#ifndef MMR_STATE_H
#define MMR_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;

#define STATE_SCHEMA_VERSION 4
#define STATE_APPLICATION_ID 0x6d6d7276 /* "mmrv" */
#define STATE_DB_NAME "state.db"
#define STATE_LOCK_NAME "lock"
#define STATE_BUSY_TIMEOUT_MS 10000
/* A reply is our own text, still bounded: as one message of the list. */
#define STATE_MAX_REPLY ((size_t)16 << 20)
/* Recipients of one reply, as mail's bound on To + Cc. */
#define STATE_MAX_RCPT 1000
/* Bytes of an error or a failure reason kept (longer ones are cut). */
#define STATE_MAX_TEXT 1024
/* Bytes of one stored value (a message of the assembler's pool). */
#define STATE_MAX_VALUE ((size_t)256 << 20)

struct state;

enum state_open_mode {
	/*
	 * The daemon: create the directory (0700) and the database, take the
	 * lock (a second opener gets MMR_EIO naming the holder's pid), check
	 * the database (PRAGMA quick_check) and migrate its schema.
	 */
	STATE_OPEN_DAEMON,
	/*
	 * A reader ("mmreview status"): no lock, read-only; the database must
	 * exist (MMR_ENOTFOUND) at the current schema version.
	 */
	STATE_OPEN_READ,
};

/*
 * The state directory: [daemon] state-dir, else $STATE_DIRECTORY (set by
 * systemd's StateDirectory=), else $XDG_STATE_HOME/mmreview, else
 * ~/.local/state/mmreview. *out is a new string the caller frees. Returns
 * 0, MMR_EINVAL for a bad value, or MMR_ENOTFOUND when nothing gives a
 * path ($HOME unset).
 */
int state_dir(const struct config *cfg, char **out);

/*
 * Open the state in dir (STATE_DB_NAME in it). On success *out must be
 * freed with state_free(), which releases the lock. Returns 0, MMR_EIO
 * (locked by another process, cannot create, not a database, damaged,
 * foreign, newer schema), MMR_ENOTFOUND (STATE_OPEN_READ and no database)
 * or MMR_EINVAL (STATE_OPEN_READ on an older schema).
 */
int state_open(struct state **out, const char *dir, enum state_open_mode mode);
void state_free(struct state *st);
/* The database's path, owned by st. */
const char *state_path(const struct state *st);

/*
 * Group the following writes in one transaction (BEGIN IMMEDIATE). Each
 * write is then a savepoint: a failed one is undone alone, and the caller
 * decides to commit the rest or roll everything back. MMR_EUSAGE when a
 * transaction is already open.
 */
int state_begin(struct state *st);
int state_commit(struct state *st);
/* Undo everything since state_begin(); nothing happens without one. */
void state_rollback(struct state *st);

/* --- messages seen ---------------------------------------------------- */

/*
 * Where a message came from: an epoch of the inbox's git history and the
 * commit that added it, or an entry of the Atom feed (commit NULL).
 */
struct state_message {
	const char *message_id; /* without angle brackets */
	const char *inbox; /* the inbox URL */
	int epoch; /* with commit; ignored without */
	const char *commit; /* hex object id, or NULL */
	const char *feed_entry; /* the Atom entry's id, when commit is NULL */
	time_t date; /* the message's Date, -1 when unknown */
};

/*
 * Record a message as seen at now. Returns 1 when it is new, 0 when it
 * was seen already (nothing changes), or a negative code.
 */
int state_message_add(struct state *st, const struct state_message *m,
		      time_t now);
/* *seen tells whether message_id was recorded. */
int state_message_seen(struct state *st, const char *message_id, bool *seen);

/*
 * The last commit read from an epoch of an inbox, to fetch from there on.
 * state_cursor_get() sets *commit to a new string (caller frees), or NULL
 * when the epoch was never read.
 */
int state_cursor_set(struct state *st, const char *inbox, int epoch,
		     const char *commit, time_t now);
int state_cursor_get(struct state *st, const char *inbox, int epoch,
		     char **commit);

/* --- series ----------------------------------------------------------- */

enum state_series_status {
	STATE_SERIES_WAITING, /* parts are still missing */
	STATE_SERIES_READY, /* complete, to be reviewed */
	STATE_SERIES_REVIEWED,
	STATE_SERIES_FAILED, /* could not be reviewed: reason says why */
};

/* "waiting", "ready", "reviewed", "failed". */
const char *state_series_status_name(enum state_series_status s);

struct state_series {
	int64_t id;
	const char *key; /* the caller's name for the series */
	unsigned version;
	unsigned seen, expected; /* parts */
	enum state_series_status status;
	const char *reason; /* when failed, else NULL */
	time_t created, updated;
};

/*
 * Find or create the series (key, version), waiting, in *id. expected is
 * the number of parts the series announces (0 when unknown); a non-zero
 * value updates it. Returns 1 when created, 0 when it existed.
 */
int state_series_add(struct state *st, const char *key, unsigned version,
		     unsigned expected, time_t now, int64_t *id);
/*
 * Record part (0 for a cover letter) of series id as the message
 * message_id. Returns 1 when new, 0 when that part was recorded already
 * (with the same or another message: the first one stays).
 */
int state_series_add_part(struct state *st, int64_t id, unsigned part,
			  const char *message_id, time_t now);
/*
 * Move series id to status; reason (required for STATE_SERIES_FAILED,
 * NULL otherwise) is kept. MMR_EINVAL naming both states for a transition
 * that is not allowed, MMR_ENOTFOUND for an unknown id.
 */
int state_series_set_status(struct state *st, int64_t id,
			    enum state_series_status status, const char *reason,
			    time_t now);
/* Call cb with the series of id; MMR_ENOTFOUND when there is none. */
typedef int (*state_series_cb)(const struct state_series *s, void *payload);
int state_series_get(struct state *st, int64_t id, state_series_cb cb,
		     void *payload);
/*
 * Call cb for each series of status, oldest first. A non-zero return of
 * cb stops the walk and is returned.
 */
int state_series_foreach(struct state *st, enum state_series_status status,
			 state_series_cb cb, void *payload);

/*
 * Forget every waiting series and its parts: the daemon writes the series
 * still waiting for parts anew after each fetch, from the assembler's
 * pool, whose grouping may have changed (a cover letter came).
 */
int state_series_clear_waiting(struct state *st);

/* --- findings --------------------------------------------------------- */

struct state_finding {
	const char *patch_id; /* the patch's Message-ID */
	const char *rule;
	const char *severity; /* "info", "warning", "error" */
	const char *path;
	unsigned line, column;
	const char *message;
};

/* Record a finding of series id. */
int state_finding_add(struct state *st, int64_t series_id,
		      const struct state_finding *f);
/* The number of findings recorded for a patch. */
int state_findings_count(struct state *st, const char *patch_id, size_t *n);

/* --- the outbox ------------------------------------------------------- */

enum state_outbox_status {
	STATE_OUTBOX_PENDING, /* queued, to be sent */
	STATE_OUTBOX_SENDING, /* being sent; after a crash, fate unknown */
	STATE_OUTBOX_SENT,
	STATE_OUTBOX_FAILED, /* refused for good: last_error says why */
};

/* "pending", "sending", "sent", "failed". */
const char *state_outbox_status_name(enum state_outbox_status s);

/* A reply and its envelope, as queued and as read back. */
struct state_reply {
	int64_t id; /* read back only */
	const char *reply_id; /* the reply's Message-ID, no angle brackets */
	const char *patch_id; /* the Message-ID of the patch it answers */
	int64_t series_id; /* 0 when none */
	const char *sender; /* envelope sender, an address */
	const char *const *rcpt; /* envelope recipients, addresses */
	size_t nrcpt;
	const char *msg; /* the RFC 822 message, exactly as to be sent */
	size_t len;
	/* read back only: */
	enum state_outbox_status status;
	unsigned attempts;
	const char *last_error; /* NULL when none */
	time_t created, updated, sent_at; /* sent_at: 0 until sent */
};

/*
 * Queue a reply, pending, at now; *id is its row. Returns 1 when queued,
 * 0 when the patch already has a reply (whatever its status: nothing
 * changes and *id is that reply's row), MMR_EINVAL for a bad envelope or
 * a reply_id already used for another patch, MMR_ELIMIT past
 * STATE_MAX_REPLY or STATE_MAX_RCPT.
 */
int state_outbox_add(struct state *st, const struct state_reply *r, time_t now,
		     int64_t *id);
/* pending -> sending, one more attempt: commit before sending. */
int state_outbox_claim(struct state *st, int64_t id, time_t now);
/* sending -> sent. */
int state_outbox_sent(struct state *st, int64_t id, time_t now);
/* sending -> pending (not delivered, try again), error kept. */
int state_outbox_retry(struct state *st, int64_t id, const char *error,
		       time_t now);
/* sending -> failed (refused for good), error kept. */
int state_outbox_fail(struct state *st, int64_t id, const char *error,
		      time_t now);
/* Call cb with the reply of id; MMR_ENOTFOUND when there is none. */
typedef int (*state_reply_cb)(const struct state_reply *r, void *payload);
int state_outbox_get(struct state *st, int64_t id, state_reply_cb cb,
		     void *payload);
/*
 * The ids of at most max replies of status, oldest first, in ids (an
 * array of max); *n is how many.
 */
int state_outbox_list(struct state *st, enum state_outbox_status status,
		      int64_t *ids, size_t max, size_t *n);
/* Replies sent at or after since (for [post] max-per-hour). */
int state_outbox_sent_since(struct state *st, time_t since, size_t *n);

/* --- a store of small named values ------------------------------------ */

/*
 * Values (bytes, at most STATE_MAX_VALUE) by namespace and key, for the
 * modules that keep their own state (the lore client's positions, the
 * assembler's pool) through struct lore_store_ops: inside the daemon's
 * transactions they commit with the series they feed.
 * state_store_get() replaces value's contents, or returns MMR_ENOTFOUND.
 * state_store_each() calls cb for each key of ns in key order, after
 * reading them all (cb may put and delete), and stops at cb's first
 * non-zero return, which it returns.
 */
struct sbuf;
typedef int (*state_store_cb)(const char *key, const char *value, size_t len,
			      void *payload);
int state_store_get(struct state *st, const char *ns, const char *key,
		    struct sbuf *value);
int state_store_put(struct state *st, const char *ns, const char *key,
		    const void *value, size_t len);
/* Deleting a key that is not there is not an error. */
int state_store_del(struct state *st, const char *ns, const char *key);
int state_store_each(struct state *st, const char *ns, state_store_cb cb,
		     void *payload);

/* --- what "mmreview status" shows ------------------------------------- */

/* Record a fetch of the inbox that ended at when. */
int state_note_fetch(struct state *st, time_t when);
/* Record the daemon's last error (cut to STATE_MAX_TEXT bytes). */
int state_note_error(struct state *st, time_t when, const char *text);

struct state_status {
	size_t waiting, ready; /* series now */
	size_t reviewed_today, failed_today; /* series, since the day began */
	size_t pending, sending, sent, failed; /* replies, all time */
	size_t sent_today;
	time_t last_fetch; /* 0 when never */
	time_t last_error_at; /* 0 when none */
	char last_error[STATE_MAX_TEXT + 1]; /* "" when none */
};

/*
 * The counts, "today" meaning at or after day_start (the caller's local
 * midnight).
 */
int state_status(struct state *st, time_t day_start, struct state_status *out);

#endif
