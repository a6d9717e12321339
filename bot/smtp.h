/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smtp: one message to an SMTP server with libcurl, and a clear account
 * of what became of it.
 *
 * [smtp] url is smtps://host[:port][/ehlo-name] (TLS from the start) or
 * smtp://... with STARTTLS required unless [smtp] starttls is false.
 * [smtp] user logs in with the password of [smtp] pass-file (a file only
 * its owner can read; its first line) or else of $MMREVIEW_SMTP_PASS. The
 * password is never logged nor put in an error; a password in the URL is
 * refused. [smtp] connect-timeout and timeout bound each send (seconds).
 *
 * Errors: 0 or a negative MMR_E* code with a message naming the server
 * (and a refused recipient or sender); smtp never prints.
 */
#ifndef MMR_SMTP_H
#define MMR_SMTP_H

#include <stdbool.h>
#include <stddef.h>

struct config;

#define SMTP_MAX_PASS 1024 /* bytes of a password file */
#define SMTP_CONNECT_TIMEOUT 30 /* seconds, [smtp] connect-timeout */
#define SMTP_TIMEOUT 120 /* seconds for one message, [smtp] timeout */

struct smtp;

/*
 * Read [smtp] from cfg and the password (when [smtp] user is set). Free
 * *out with smtp_free(), which wipes the password. Returns 0 or
 * MMR_EINVAL naming the key or the file (never its content).
 */
int smtp_new(struct smtp **out, const struct config *cfg);
void smtp_free(struct smtp *s);
/* The server, "smtp://host:port", for logs. */
const char *smtp_server(const struct smtp *s);

/*
 * Whether addr can go in MAIL FROM or RCPT TO as it is: one '@' with text
 * on both sides, no space, control byte, '<', '>', ',' or quote (UTF-8
 * is allowed). Addresses from the list that are not are never used.
 */
bool smtp_address_ok(const char *addr);

/* What became of a message that was not sent. */
enum smtp_fate {
	SMTP_SENT,
	SMTP_NOT_SENT, /* surely not delivered: try again later */
	SMTP_REFUSED, /* refused for good (5xx): do not try again */
	SMTP_UNKNOWN, /* the data went, no answer came: maybe delivered */
};

/*
 * Send msg (LF or CRLF line endings; it goes out with CRLF, unchanged
 * otherwise) from the envelope sender to the n recipients (addresses).
 * Returns 0 with *fate SMTP_SENT, or MMR_EIO with the fate and a message
 * ("recipient <a@b> refused by smtp://host:25: 550 ...").
 */
int smtp_send(struct smtp *s, const char *sender, const char *const *rcpt,
	      size_t n, const char *msg, size_t len, enum smtp_fate *fate);

#endif
