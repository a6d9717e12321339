/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lore: the client of a public-inbox server (lore.kernel.org or any other).
 * An inbox is named by its URL ("https://lore.kernel.org/linux-mm").
 *
 * Two ways to follow an inbox:
 *   LORE_GIT   mirror its epochs URL/git/N.git as bare repositories under
 *              the state directory (libgit2) and read each commit since the
 *              last one seen: the blob "m" is one message, "d" a deletion.
 *              Nothing is missed, even after days offline.
 *   LORE_ATOM  poll URL/new.atom (libxml2) and fetch each new message from
 *              URL/<msgid>/raw. Light, but a burst larger than the feed is
 *              missed: the gap is logged.
 * This is the only module that calls libcurl for HTTP: a User-Agent naming
 * mmreview, connect and total timeouts, retries with backoff on 5xx and
 * network errors, conditional requests, gzip.
 *
 * What was seen (the positions) is kept in a struct lore_store: a
 * directory for now, another backend (a database) through its ops.
 *
 * Errors: 0 or a negative MMR_E* code with a message in mmr_error_last();
 * nothing here prints: warnings go to the log callback of struct lore_opts.
 */
#ifndef MMR_LORE_H
#define MMR_LORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sbuf.h"

/* Bounds on what a server sends, documented in mmreview(1). */
#define LORE_MAX_BODY ((size_t)256 << 20) /* one response, after gunzip */
#define LORE_MAX_EPOCHS 1000 /* epochs of one inbox */
#define LORE_MAX_FEED 1000 /* entries read from one new.atom */
#define LORE_ATOM_KEEP 4000 /* message-ids remembered per inbox (atom) */
#define LORE_STALL_SECONDS 60 /* a transfer without a byte this long fails */
#define LORE_MAX_URL 2048 /* bytes of an inbox URL */

/* The defaults of the [lore] keys. */
#define LORE_DEFAULT_URL "https://lore.kernel.org/linux-mm"
#define LORE_DEFAULT_CONNECT_TIMEOUT 10
#define LORE_DEFAULT_TIMEOUT 600
#define LORE_DEFAULT_RETRIES 3

/* --- the store of positions ------------------------------------------- */

/*
 * A store of small named values, in namespaces ("lore-position", ...).
 * Keys are NUL-terminated strings without a newline; values are bytes.
 */
struct lore_store;

typedef int (*lore_store_each_fn)(const char *key, const char *value,
				  size_t len, void *arg);

/*
 * A backend. Each returns 0 or a negative MMR_E* code with a message;
 * get returns MMR_ENOTFOUND when the key is not there and replaces the
 * contents of value. each calls fn for every key of ns, in no order, and
 * stops at (and returns) fn's first non-zero return. free may be NULL.
 */
struct lore_store_ops {
	int (*get)(void *payload, const char *ns, const char *key,
		   struct sbuf *value);
	int (*put)(void *payload, const char *ns, const char *key,
		   const char *value, size_t len);
	int (*del)(void *payload, const char *ns, const char *key);
	int (*each)(void *payload, const char *ns, lore_store_each_fn fn,
		    void *arg);
	void (*free)(void *payload);
};

/* A store on other ops; ops must outlive it. Free with lore_store_free(). */
struct lore_store *lore_store_new(const struct lore_store_ops *ops,
				  void *payload);
/*
 * The store in a directory (made when missing): one file per key, under
 * dir/<ns>/, replaced atomically. Returns 0 and *out, or MMR_EIO.
 */
int lore_store_open_dir(struct lore_store **out, const char *dir);
void lore_store_free(struct lore_store *st);

int lore_store_get(struct lore_store *st, const char *ns, const char *key,
		   struct sbuf *value);
int lore_store_put(struct lore_store *st, const char *ns, const char *key,
		   const char *value, size_t len);
/* Deleting a key that is not there is not an error. */
int lore_store_del(struct lore_store *st, const char *ns, const char *key);
int lore_store_each(struct lore_store *st, const char *ns,
		    lore_store_each_fn fn, void *arg);

/* --- the client --------------------------------------------------------- */

enum lore_mode {
	LORE_GIT,
	LORE_ATOM,
};

enum lore_level {
	LORE_INFO,
	LORE_WARN,
	LORE_ERROR,
};

typedef void (*lore_log_fn)(enum lore_level level, const char *text,
			    void *payload);

struct lore_opts {
	enum lore_mode mode;
	long connect_timeout; /* seconds; 0: the default */
	long timeout; /* seconds for one request or one epoch fetch; 0: dflt */
	int retries; /* after a 5xx or network error; < 0: the default */
	/* An inbox seen for the first time: its messages since this time; 0
	 * starts from now (nothing old is read). */
	time_t since;
	const char *state_dir; /* mirrors go to state_dir/lore/ */
	lore_log_fn log; /* may be NULL */
	void *log_payload;
};

/* One message read from an inbox; valid during the callback only. */
struct lore_msg {
	const char *inbox; /* the inbox URL */
	const char *raw; /* the message as archived */
	size_t len;
	bool mboxrd; /* raw starts with a From_ line, ">From " quoted */
	bool deleted; /* the archive removed this message ("d" blob) */
	const char *where; /* for logs: "epoch 2 commit 1a2b3c4d5e6f", a URL */
	time_t time; /* commit time (the Date header) or the feed's updated */
};

/*
 * Called for each new message, oldest first. Return 0 to go on; any other
 * value stops the round (the message is offered again next round) and is
 * returned by lore_fetch().
 */
typedef int (*lore_msg_fn)(const struct lore_msg *msg, void *payload);

struct lore;

/*
 * A client; opts is copied (its strings must outlive the client), store is
 * borrowed. Returns 0 and *out (free with lore_free()), or MMR_EIO.
 */
int lore_new(struct lore **out, const struct lore_opts *opts,
	     struct lore_store *store);
void lore_free(struct lore *l);

/*
 * One round on the inbox at url: fetch what is new and call fn for each new
 * message. The position advances past a message once fn returned 0 and is
 * saved at the end, also when the round fails half way (the server went
 * away): the next round goes on from there. A message that cannot be
 * read is logged with where it is and skipped. Returns 0, fn's non-zero
 * return, or a negative code (server down, 404) with a message naming the
 * URL.
 */
int lore_fetch(struct lore *l, const char *url, lore_msg_fn fn, void *payload);

/*
 * The thread of msgid (the whole of URL/<msgid>/t.mbox.gz, gunzipped, an
 * mboxrd) in out. MMR_ENOTFOUND, naming msgid and url, when the inbox does
 * not have it.
 */
int lore_thread(struct lore *l, const char *url, const char *msgid,
		struct sbuf *out);

/*
 * Whether the inbox at url has a message msgid (URL/<msgid>/raw): 1 when
 * it has, 0 when the server says it has not (404), or a negative code
 * when it cannot tell (server down, an error), with a message.
 */
int lore_has_message(struct lore *l, const char *url, const char *msgid);

/*
 * Read the messages of a local epoch repository (a bare git repository in
 * public-inbox's layout) committed after the commit whose hex id is after
 * (NULL: from the first), oldest first, skipping those committed before
 * since (0: none). last (41 bytes) gets the last commit read, or stays as
 * it was when there was nothing new. Returns 0, fn's non-zero return, or
 * a negative code.
 */
int lore_epoch_read(const char *gitdir, const char *after, time_t since,
		    lore_msg_fn fn, void *payload, char *last);

/* --- names ---------------------------------------------------------------- */

/*
 * Append msgid to out percent-encoded for a URL path as public-inbox
 * wants it ('/', '%', '+', '?', '#', spaces... become %XX).
 */
int lore_msgid_escape(struct sbuf *out, const char *msgid);

/*
 * Split what a user gives "mmreview am": a Message-ID ("<id>", "id:...",
 * or bare) or a URL of a message ("https://host/inbox/<msgid>/" and what
 * follows it). *inbox is the inbox URL of a URL, else NULL; *msgid is
 * decoded. Both are new strings the caller frees. MMR_EINVAL when arg
 * names no message.
 */
int lore_parse_target(const char *arg, char **inbox, char **msgid);

/* An inbox URL without its trailing slashes, in a new string. */
char *lore_url_normalize(const char *url);

/*
 * Seconds since the epoch of "YYYY-MM-DD", optionally followed by
 * "THH:MM[:SS[.frac]]" (or a space) and "Z" or "+hh:mm" (UTC without), as
 * Atom and --since write them; -1 when s is not such a time.
 */
time_t lore_parse_time(const char *s);

/* --- settings --------------------------------------------------------------- */

struct config;

/* The [lore] section (and daemon.state-dir) of a configuration. */
struct lore_settings {
	struct lore_opts opts; /* opts.state_dir points to state_dir */
	char **urls; /* lore.url, every value; LORE_DEFAULT_URL when unset */
	size_t nurls;
	char **ignore_from; /* lore.ignore-from, every value */
	size_t nignore_from;
	long settle; /* lore.settle */
	char *state_dir; /* state_dir() of state.h: daemon.state-dir... */
};

/*
 * Read the settings; MMR_EINVAL naming the key and where it was set for a
 * bad value. Release with lore_settings_release() in every case.
 */
int lore_settings_load(struct lore_settings *out, const struct config *cfg);
void lore_settings_release(struct lore_settings *s);

#endif
