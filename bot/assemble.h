/* SPDX-License-Identifier: GPL-2.0 */
/*
 * assemble: messages from a list, grouped into the series they belong to.
 *
 * "[PATCH vN M/T]" parts go under their cover letter (0/T) or first patch
 * by In-Reply-To/References, from the same sender, with the same version
 * and T; a patch without M/T is a series of one. "[RFC PATCH]", other
 * words in the brackets ("net-next") and "Re:" are understood. Replies,
 * mail without a patch and mail from ignored senders are not series.
 *
 * A series is ready when all T parts are there. One still missing parts
 * settle seconds after its latest part arrived is reviewed as it is. A
 * newer version (a higher vN with the same subject stem from the same
 * sender, or the same "change-id:" trailer) supersedes an older one still
 * in the pool.
 *
 * The pool of messages waiting for their series can be kept in a
 * struct lore_store, so a series assembled across runs loses nothing; the
 * message-ids of series taken out are remembered (ASSEMBLE_DONE_DAYS), so
 * a late copy or a late part is not a new series.
 *
 * Errors: 0 or a negative MMR_E* code with a message; nothing is printed.
 */
#ifndef MMR_ASSEMBLE_H
#define MMR_ASSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "mail.h"

struct lore_store;

/* Bounds, documented in mmreview(1). */
#define ASSEMBLE_MAX_PENDING 50000 /* messages waiting for their series */
#define ASSEMBLE_MAX_PARTS 999 /* T of [PATCH M/T] */
#define ASSEMBLE_MAX_DONE 200000 /* message-ids of series taken out */
#define ASSEMBLE_DONE_DAYS 60 /* how long they are remembered */
#define ASSEMBLE_DEFAULT_SETTLE 600

/* What a message was to the assembler. */
enum assemble_kind {
	ASSEMBLE_PATCH, /* a patch: part M/T or a single one */
	ASSEMBLE_COVER, /* a cover letter (0/T) */
	ASSEMBLE_REPLY, /* Re: */
	ASSEMBLE_OTHER, /* no patch, or no Message-ID */
	ASSEMBLE_IGNORED, /* from an ignore-from sender */
	ASSEMBLE_DUPLICATE, /* its Message-ID is in the pool or taken out */
	ASSEMBLE_LATE, /* a part of a series already taken out */
};

enum assemble_status {
	ASSEMBLE_WAITING, /* parts missing, within the settle time */
	ASSEMBLE_READY, /* every part is there */
	ASSEMBLE_SETTLED, /* parts still missing after the settle time */
	ASSEMBLE_SUPERSEDED, /* a newer version is in the pool */
};

/*
 * A series, as assemble_group() found it; owned by the assembler and valid
 * until the next assemble_add(), assemble_group() or assemble_free(), or
 * until it is taken out with assemble_take().
 */
struct assemble_series {
	enum assemble_status status;
	bool complete; /* all parts there (what READY means, whatever else) */
	unsigned version; /* 1 without vN */
	unsigned total; /* T; 0 for a patch without M/T */
	const struct mail *cover; /* NULL when none */
	const struct mail *const *parts; /* parts[k] is part k + 1, or NULL */
	size_t nparts; /* T, or 1 */
	size_t npresent; /* parts that are there */
	const char *id; /* Message-ID of the cover letter or first patch */
	const char *subject; /* its subject */
	const char *from; /* the sender's address */
	const char *base_commit; /* "base-commit:" of any message, or NULL */
	const char *change_id; /* "change-id:", or NULL */
	time_t last_seen; /* when its latest message arrived */
	const struct assemble_series *superseded_by; /* when SUPERSEDED */
};

struct assemble_opts {
	long settle; /* seconds; < 0: ASSEMBLE_DEFAULT_SETTLE */
	const char *const *ignore_from; /* addresses, case-insensitive */
	size_t nignore_from;
};

struct assemble;

/*
 * A new assembler (opts and its strings are copied). With a store (may be
 * NULL; borrowed), the pool and the series taken out are read from it now
 * and kept in it from then on. Returns 0 and *out (free with
 * assemble_free()), or an error of the store.
 */
int assemble_new(struct assemble **out, const struct assemble_opts *opts,
		 struct lore_store *store);
void assemble_free(struct assemble *a);

/*
 * Offer message m, parsed from raw (len bytes, mboxrd as mail_parse()
 * took it; the store keeps these bytes), first seen at time seen. The
 * assembler takes m in every case (it frees what it does not keep) and says
 * what m was in *kind. Returns 0, MMR_ELIMIT when the pool is full (m is
 * dropped), or an error of the store.
 */
int assemble_add(struct assemble *a, struct mail *m, const char *raw,
		 size_t len, bool mboxrd, time_t seen,
		 enum assemble_kind *kind);

/*
 * Parse raw (as mail_parse() does) as far as the assembler needs it: a
 * reply, mail without [PATCH] or from an ignored sender is read from its
 * headers alone, its body left out (a list's mail is mostly replies).
 * Returns what mail_parse() returns; *out is for assemble_add().
 */
int assemble_parse(const struct assemble *a, struct mail **out, const char *raw,
		   size_t len, bool mboxrd);

/* Messages in the pool. */
size_t assemble_pending(const struct assemble *a);

/*
 * Group the pool into series, their status as of time now. Returns their
 * number; assemble_at() gives each, oldest first.
 */
size_t assemble_group(struct assemble *a, time_t now);
const struct assemble_series *assemble_at(const struct assemble *a, size_t i);

/*
 * Take series i (of the last assemble_group()) out of the pool, to review
 * it or because it was superseded: its message-ids are remembered as done.
 * When mails is not NULL it gets nparts + 1 entries, which the caller now
 * owns (free with mail_free()): the cover letter (or NULL) then each part
 * (or NULL); else they are freed. Series i is invalid after (print what a
 * series points to before taking the series it was superseded by); the
 * others stay valid. MMR_EINVAL when i was taken already.
 */
int assemble_take(struct assemble *a, size_t i, struct mail **mails);

/* "2/5 4/5": the missing parts of s, into out (reset first). */
void assemble_missing(const struct assemble_series *s, char *out, size_t len);

/* The name of a kind or status, for logs: "patch", "settled"... */
const char *assemble_kind_name(enum assemble_kind kind);
const char *assemble_status_name(enum assemble_status status);

#endif
