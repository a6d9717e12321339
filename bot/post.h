/* SPDX-License-Identifier: GPL-2.0 */
/*
 * post: to whom the daemon's replies go, where they go ([post] mode), and
 * sending each one exactly once.
 *
 * Modes: "none" records the review and sends nothing; "outbox" (the
 * default) appends each reply to the mbox file or Maildir named by [post]
 * outbox, for a human to read and send; "smtp" sends it through [smtp]
 * (bot/smtp.h).
 *
 * The recipient policy is a set of pure functions over the patch's
 * addresses, so the reply writer can put the same To and Cc in the headers
 * that post puts in the envelope. It never builds reply text: it takes the
 * finished RFC 822 message.
 *
 * Exactly once, with the outbox of bot/state.h: post_queue() commits the
 * reply (pending) before anything is sent; post_flush() marks it sending
 * (committed), sends it, and marks it sent, or pending again when it was
 * surely not delivered, or failed when it was refused for good. A reply
 * left sending by a crash, or by an answer that never came, has an
 * unknown fate: post_recover() asks the archive (through a callback, as
 * the lore client is another module) and re-queues only what the archive
 * does not have; in outbox mode it looks in the outbox file itself. The
 * database allows one reply per patch Message-ID, so a patch version is
 * answered at most once.
 *
 * Errors: 0 or a negative MMR_E* code with a message; post never prints.
 */
#ifndef MMR_POST_H
#define MMR_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mail.h"
#include "rule.h"

struct config;
struct state;

/* Entries of [post] ignore-from and only-from, in all. */
#define POST_MAX_PATTERNS 1000
/* Replies looked at by one post_flush() or post_recover() round. */
#define POST_MAX_BATCH 1000
/* [post] archive-wait: seconds a reply may take to reach the archive. */
#define POST_DEFAULT_ARCHIVE_WAIT 900
/* Tries to take the lock of an mbox outbox, 100 ms apart. */
#define POST_MBOX_LOCK_TRIES 50

enum post_mode {
	POST_NONE,
	POST_OUTBOX,
	POST_SMTP,
};

enum post_reply_to {
	POST_TO_AUTHOR, /* the patch's author only */
	POST_TO_ALL, /* the author, Cc the patch's To and Cc */
	POST_TO_LIST, /* [post] list only */
};

struct post;

/*
 * Read [post] (and, in smtp mode, [smtp] with its password: see
 * smtp_new()) from cfg; the default outbox is the Maildir "outbox/" in
 * the state directory (state_dir()). Free *out with post_free(). Returns 0,
 * MMR_EINVAL naming the key for a bad or missing value, or the errors of
 * smtp_new().
 */
int post_new(struct post **out, const struct config *cfg);
void post_free(struct post *p);

enum post_mode post_mode(const struct post *p);
/* "none", "outbox", "smtp". */
const char *post_mode_name(enum post_mode m);
/* [post] from as written ("Name <addr>"), for the From: line; or NULL. */
const char *post_from(const struct post *p);
/* The envelope sender: the address of [post] from, or a placeholder. */
const char *post_sender(const struct post *p);
/* Where outbox mode writes, owned by p. */
const char *post_outbox_path(const struct post *p);

/* --- the policy (pure) ------------------------------------------------------- */

/*
 * Whether a patch by author (an address) may get a reply: not when the
 * author is in [post] ignore-from, when [post] only-from is set and the
 * author is not in it, or when the author is [post] from itself. *why
 * (may be NULL) says which, as a static string.
 */
bool post_author_wanted(const struct post *p, const char *author,
			const char **why);

/* Whether findings of this worst severity reach [post] min-severity. */
bool post_severity_wanted(const struct post *p, enum rule_severity worst);

/* Replies that may go now, with sent_last_hour sent in the past hour. */
size_t post_quota(const struct post *p, size_t sent_last_hour);

/* The recipients of one reply; every string is owned by the struct. */
struct post_rcpt {
	struct mail_addr *to, *cc;
	size_t nto, ncc;
};

/*
 * The recipients of the reply to a patch by author (with the patch's To
 * and Cc lists) under [post] reply-to, plus [post] cc, each address once
 * (compared without case), never [post] from, at most MAIL_MAX_ADDRS.
 * *out must be freed with post_rcpt_free(). Returns 0 or MMR_EINVAL when
 * no recipient is left.
 */
int post_recipients(const struct post *p, const struct mail_addr *author,
		    const struct mail_addr *to, size_t nto,
		    const struct mail_addr *cc, size_t ncc,
		    struct post_rcpt **out);
void post_rcpt_free(struct post_rcpt *r);

/* --- exactly once ----------------------------------------------------------- */

/* A finished reply to queue. */
struct post_reply {
	const char *reply_id; /* its Message-ID, without angle brackets */
	const char *patch_id; /* the Message-ID of the patch it answers */
	int64_t series_id; /* the state's series, 0 when none */
	const struct post_rcpt *rcpt;
	const char *msg; /* the whole RFC 822 message */
	size_t len;
};

/*
 * Queue a reply in st's outbox at now, in one transaction (or a savepoint
 * of the caller's state_begin()). The message must carry reply_id as its
 * Message-ID. Returns 1 when queued, 0 when not (mode "none", or the
 * patch has its reply already), MMR_EINVAL for a message that does not
 * parse or names another Message-ID, or the errors of state_outbox_add().
 */
int post_queue(struct post *p, struct state *st, const struct post_reply *r,
	       time_t now);

enum post_outcome {
	POST_SENT, /* delivered (post_flush) */
	POST_RETRY, /* surely not delivered, pending again (post_flush) */
	POST_FAILED, /* refused for good (post_flush) */
	POST_UNKNOWN, /* no answer after the data: left for post_recover */
	POST_FOUND, /* the archive or outbox has it: marked sent */
	POST_RESEND, /* not in the archive or outbox: pending again */
};

/* What happened to one reply, for the daemon's log. */
struct post_event {
	enum post_outcome outcome;
	int64_t id; /* the outbox row */
	const char *reply_id, *patch_id;
	const char *const *rcpt;
	size_t nrcpt;
	const char *error; /* why, for RETRY, FAILED and UNKNOWN */
};

/* Strings of ev live during the call only. */
typedef void (*post_event_fn)(const struct post_event *ev, void *payload);

/*
 * Send the pending replies, oldest first, as many as [post]
 * max-per-hour leaves for the hour before now (the rest wait their turn),
 * calling ev (may be NULL) for each. Returns the number sent; MMR_EIO
 * when the transport is down (that reply is pending again, the later ones
 * are not tried: they go next time); or a state error. A refused reply
 * does not stop the round. Nothing happens in mode "none".
 */
int post_flush(struct post *p, struct state *st, time_t now, post_event_fn ev,
	       void *payload);

/*
 * The archive lookup: 1 when the archive has a message with Message-ID
 * msgid, 0 when it surely has not, a negative code (with a message) when
 * it cannot tell.
 */
typedef int (*post_lookup_fn)(const char *msgid, void *payload);

/*
 * Settle the replies left sending (by a crash, or an answer that never
 * came): in outbox mode by looking in the outbox; otherwise through
 * lookup, once [post] archive-wait seconds have passed since the send
 * began (the list takes a while to archive a message). Each one found is
 * marked sent (POST_FOUND), each one surely not there is pending again
 * (POST_RESEND). Only a reply sent to the list ([post] list among its
 * recipients) can be looked up: any other (reply-to = author) is told
 * as POST_UNKNOWN and stays sending for good, never sent twice, until a
 * human settles it. Call it on start and before each post_flush().
 * Returns the number settled; when lookup cannot tell, that reply stays
 * sending (so it is never sent twice) and its error is returned after
 * the others are tried. MMR_EUSAGE when lookup is needed and NULL.
 */
int post_recover(struct post *p, struct state *st, post_lookup_fn lookup,
		 void *lookup_payload, time_t now, post_event_fn ev,
		 void *payload);

#endif
