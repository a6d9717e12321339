/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mail: one RFC 822 / MIME message as it arrives from a mailing list, a
 * public-inbox archive or a patch file: headers, addresses, the subject
 * prefix, the text and patch parts of the body, trailers. Hostile input:
 * every size is bounded, nothing is trusted. mbox.h splits an mbox into
 * messages; mime.h is the codec underneath.
 *
 * A struct mail owns all the strings it hands out; they live until
 * mail_free(). Every string is NUL-terminated UTF-8 (invalid bytes are
 * replaced with U+FFFD), line endings are LF.
 */
#ifndef MMR_MAIL_H
#define MMR_MAIL_H

#include <stdbool.h>
#include <stddef.h>
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
	const char *addr; /* "local@domain", never NULL; see mail_patch_author */
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
 * its "From " line, public-inbox /raw output which is mboxrd, the blob of
 * a public-inbox git epoch, a patch file with DEP-3 headers). mboxrd says
 * whether ">From " quoting is undone in the body. buf need not be
 * NUL-terminated and is not kept.
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

/*
 * What names the message as a patch: the Subject or, in a patch file with
 * DEP-3 headers (Debian's debian/patches) and no Subject, the first line
 * of "Description:"; "" when neither is there.
 */
const char *mail_patch_subject(const struct mail *m);
/*
 * The patch's author: the first DEP-3 "Author:" (its addr is "" when it
 * gives a name alone), else From; NULL when neither is there.
 */
const struct mail_addr *mail_patch_author(const struct mail *m);

/* Parse a subject line; never fails (no prefix gives patch == false). */
void mail_subject_parse(struct mail_subject *out, const char *subject);
/* The prefix of mail_patch_subject(), parsed. */
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
 * The Message-ID in the header of the raw message [buf, buf + len), found
 * without parsing it, to name a message that mail_parse() refused; NULL
 * when there is none (or it is longer than 200 bytes). Free it with free().
 */
char *mail_peek_id(const char *buf, size_t len);
/*
 * Whether the line [s, s + n) is a header field, "Name: value" without
 * control characters (binary junk seldom is).
 */
bool mail_field_line(const char *s, size_t n);

#endif
