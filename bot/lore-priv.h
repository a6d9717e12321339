/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lore-priv: what the files of the lore module share (lore.c, lore-http.c,
 * lore-git.c, lore-atom.c, lore-store.c). Not for other modules.
 */
#ifndef MMR_LORE_PRIV_H
#define MMR_LORE_PRIV_H

#include <curl/curl.h>
#include <git2.h>

#include "lore.h"
#include "sbuf.h"

/* The namespace of the positions in the store. */
#define LORE_NS_POSITION "lore-position"
/* The first wait before a retry; it doubles each time. */
#define LORE_BACKOFF_MS 1000

struct lore {
	struct lore_opts opts;
	struct lore_store *store;
	CURL *curl; /* one handle, so connections are reused */
	char user_agent[64];
	struct curl_slist *headers;
};

/* Log a formatted line through the client's log callback. */
void lore__log(const struct lore *l, enum lore_level level, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* The validators of a conditional request, read and updated by it. */
struct lore__cond {
	char *etag; /* NULL when none */
	char *modified; /* a Last-Modified date as the server wrote it */
};

void lore__cond_release(struct lore__cond *c);
/* The validators kept for a request (a position named name), if any. */
void lore__cond_load(struct lore *l, const char *url, const char *name,
		     struct lore__cond *c);
int lore__cond_save(struct lore *l, const char *url, const char *name,
		    const struct lore__cond *c);

/*
 * GET url into body (up to LORE_MAX_BODY bytes, gzip transfer-decoded),
 * retrying after a 5xx, a 429 or a network error. With cond, the request
 * is conditional and cond is updated from the answer. Returns 0 with
 * *status 200 (or another 2xx) or 304, MMR_ENOTFOUND for a 404 or 410,
 * MMR_ELIMIT past the bound, or MMR_EIO with a message naming the URL.
 */
int lore__http_get(struct lore *l, const char *url, struct lore__cond *cond,
		   struct sbuf *body, long *status);

/* Wait ms milliseconds (the backoff between retries). */
void lore__sleep_ms(long ms);

/* Whether buf starts like a gzip stream (1f 8b). */
bool lore__is_gzip(const char *buf, size_t len);
/* Gunzip in (one or more members) into out, up to max bytes. */
int lore__gunzip(const char *in, size_t len, struct sbuf *out, size_t max);

/* A position of the inbox at url ("git", "atom"...). MMR_ENOTFOUND. */
int lore__pos_get(struct lore *l, const char *url, const char *name,
		  struct sbuf *value);
int lore__pos_put(struct lore *l, const char *url, const char *name,
		  const char *value);

/* One round of each mode (url normalized). */
int lore__git_round(struct lore *l, const char *url, lore_msg_fn fn,
		    void *payload);
int lore__atom_round(struct lore *l, const char *url, lore_msg_fn fn,
		     void *payload);

/* An entry of new.atom: the message-id of its link, its updated time. */
struct lore__entry {
	char *msgid;
	time_t updated; /* -1 when missing or bad */
	size_t order; /* in the feed */
};

/*
 * The entries of an Atom feed (at most LORE_MAX_FEED), in feed order, in
 * *out (free with lore__entries_free()); entries without a link to a
 * message are left out. MMR_EINVAL when body is not an Atom feed.
 */
int lore__atom_parse(const char *url, const char *body, size_t len,
		     struct lore__entry **out, size_t *n);
void lore__entries_free(struct lore__entry *v, size_t n);

/* MMR_EIO, "what 'arg': libgit2's message". */
int lore__git_fail(const char *what, const char *arg);
/* The tip of an epoch's master; MMR_ENOTFOUND when it has none. */
int lore__branch_tip(git_repository *repo, git_oid *out);

/*
 * Route libgit2's sockets through ours, which have timeouts; libgit2 stays
 * initialised until lore_free().
 */
void lore__git_init(void);

/* url/suffix into out (reset first). */
int lore__url(struct sbuf *out, const char *url, const char *suffix);
/* url/<escaped msgid>/suffix into out (reset first). */
int lore__msg_url(struct sbuf *out, const char *url, const char *msgid,
		  const char *suffix);

#endif
