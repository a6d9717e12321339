/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mail: RFC 822 / MIME messages and mbox files, as they arrive from a
 * mailing list (hostile input: every size is bounded, nothing is trusted).
 *
 * A struct mail owns all the strings it hands out; they live until
 * mail_free(). Every string is NUL-terminated UTF-8 (invalid bytes are
 * replaced with U+FFFD), line endings are LF.
 */
#ifndef MMR_MAIL_H
#define MMR_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Bounds on untrusted input, documented in mmreview(1). */
#define MAIL_MAX_MESSAGE ((size_t)16 << 20) /* bytes of one message */
#define MAIL_MAX_HEADER ((size_t)256 << 10) /* bytes of one unfolded header */
#define MAIL_MAX_HEADERS 2000 /* header fields per message or part */
#define MAIL_MAX_PARTS 64 /* MIME parts per message */
#define MAIL_MAX_DEPTH 8 /* nesting of multiparts */
#define MAIL_MAX_ADDRS 1000 /* addresses in To + Cc */
#define MAIL_MAX_REFS 256 /* Message-IDs in References */

struct mail;

struct mail_addr {
	const char *name; /* decoded display name, "" when absent */
	const char *addr; /* "local@domain", never NULL */
};

struct mail_trailer {
	const char *key; /* as written: "Signed-off-by", "base-commit" */
	const char *value; /* trimmed */
};

/*
 * The parsed subject prefix: "[RFC PATCH mm-unstable v2 03/12] title".
 * version is 1 when no vN tag; part/total are 0 when absent; a cover letter
 * is part 0 of total > 0. tags holds the other bracket words, space
 * separated ("mm-unstable"), or "".
 */
struct mail_subject {
	bool reply; /* Re:, RE:, Aw: */
	bool patch; /* a PATCH tag was present */
	bool rfc;
	bool resend;
	unsigned version;
	unsigned part;
	unsigned total;
	char tags[128];
	const char *title; /* points into the subject passed in */
};

/*
 * Parse one message from buf (RFC 822 text, an mbox entry with or without
 * its "From " line, or public-inbox /raw output which is mboxrd). mboxrd
 * says whether ">From " quoting is undone in the body.
 * On success *out must be freed with mail_free(). On error returns
 * MMR_EINVAL or MMR_ELIMIT with a message; *out is NULL.
 * Recoverable oddities (a bad encoded word, an unknown charset, a missing
 * Message-ID) do not fail: they are listed by mail_warnings().
 */
int mail_parse(struct mail **out, const char *buf, size_t len, bool mboxrd);
void mail_free(struct mail *m);

/* Header fields; decoded (RFC 2047) and unfolded. NULL when absent. */
const char *mail_header(const struct mail *m, const char *name);
const char *mail_subject_text(const struct mail *m); /* "" when absent */
/* Message-ID without the angle brackets; NULL when absent or invalid. */
const char *mail_message_id(const struct mail *m);
const char *mail_in_reply_to(const struct mail *m);
/* References, oldest first, without angle brackets. */
size_t mail_references(const struct mail *m, const char *const **ids);
const struct mail_addr *mail_from(const struct mail *m); /* NULL if none */
size_t mail_to(const struct mail *m, const struct mail_addr **addrs);
size_t mail_cc(const struct mail *m, const struct mail_addr **addrs);
const char *mail_date_text(const struct mail *m);
/* Seconds since the epoch, or -1 when the Date is missing or unparsable. */
time_t mail_date(const struct mail *m);

/*
 * The text of the message: the text/plain parts and the patch attachments
 * (text/x-patch, text/x-diff, or any text part whose name ends in .patch
 * or .diff) in order, transfer-decoded, converted to UTF-8, with LF line
 * endings, joined with newlines.
 */
const char *mail_body(const struct mail *m, size_t *len);

/* Parse a subject line; never fails (no prefix gives patch == false). */
void mail_subject_parse(struct mail_subject *out, const char *subject);
const struct mail_subject *mail_subject_info(const struct mail *m);

/*
 * Trailers of the body: the last paragraph of the commit message before
 * "---" ("Signed-off-by:", "Fixes:", "Reported-by:", "Closes:", "Link:",
 * any "Token-Token: value") and the b4 lines "base-commit:" and
 * "change-id:" wherever they appear before the signature.
 */
size_t mail_trailers(const struct mail *m, const struct mail_trailer **t);
/* The first trailer named key (case-insensitive), or NULL. */
const char *mail_trailer(const struct mail *m, const char *key);

/* Warnings met while parsing, one line each, for the log. */
size_t mail_warnings(const struct mail *m, const char *const **w);

/*
 * Reading an mbox (mboxo or mboxrd) one message at a time, with memory
 * bounded by MAIL_MAX_MESSAGE whatever the size of the file. Input comes
 * from read_fn (fread-like: returns bytes read, 0 at the end, <0 on error).
 */
struct mail_mbox;
typedef ssize_t (*mail_read_fn)(void *ctx, char *buf, size_t len);

/* The new reader must be freed with mail_mbox_free(). */
struct mail_mbox *mail_mbox_new(mail_read_fn read_fn, void *ctx, bool mboxrd);
void mail_mbox_free(struct mail_mbox *mb);
/*
 * Read the next message. Returns 1 and sets *out (caller frees with
 * mail_free()), 0 at the end, or a negative code when this message was
 * bad: the message is skipped, the error names it (its number in the file,
 * its first line and, when known, its Message-ID), and the next call goes
 * on with the following message. MMR_EIO from read_fn ends the reading.
 */
int mail_mbox_next(struct mail_mbox *mb, struct mail **out);
/* 1-based number of the message last returned or skipped. */
size_t mail_mbox_index(const struct mail_mbox *mb);
/* Line in the file where that message started (its "From " line). */
size_t mail_mbox_line(const struct mail_mbox *mb);

#endif
