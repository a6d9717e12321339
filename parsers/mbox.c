// SPDX-License-Identifier: GPL-2.0
/*
 * mbox: messages read one at a time from an mbox; see mbox.h.
 *
 * The input is read in MBOX_CHUNK pieces; a message's lines are gathered
 * into a buffer bounded by MAIL_MAX_MESSAGE, past which they are only
 * counted, so a huge message costs no memory and the next one is found.
 */
#include <stdlib.h>
#include <string.h>

#include "mbox.h"
#include "sbuf.h"
#include "util.h"

#define MBOX_CHUNK ((size_t)64 << 10) /* read buffer */

struct mbox {
	mbox_read_fn read_fn;
	void *ctx;
	bool mboxrd;
	char *buf; /* MBOX_CHUNK bytes */
	size_t pos, end, scan; /* unread [pos, end); no '\n' in [pos, scan) */
	bool eof;
	bool done;
	bool started;
	bool single; /* no "From " line: the input is one message */
	bool junk; /* nor a header field: an mbox may follow the junk */
	bool at_from; /* the next message's "From " line has been read */
	size_t lineno; /* complete lines consumed */
	size_t index, line, next_line;
	struct sbuf msg;
};

struct mbox *mbox_new(mbox_read_fn read_fn, void *ctx, bool mboxrd)
{
	struct mbox *mb = xcalloc(1, sizeof(*mb));

	mb->read_fn = read_fn;
	mb->ctx = ctx;
	mb->mboxrd = mboxrd;
	mb->buf = xmalloc(MBOX_CHUNK);
	sbuf_init(&mb->msg, MAIL_MAX_MESSAGE);
	return mb;
}

void mbox_free(struct mbox *mb)
{
	if (!mb)
		return;
	free(mb->buf);
	sbuf_release(&mb->msg);
	free(mb);
}

/* Make room at the end of the buffer and read; false at EOF or error. */
static int mbox_fill(struct mbox *mb)
{
	ssize_t r;

	if (mb->end == MBOX_CHUNK) {
		memmove(mb->buf, mb->buf + mb->pos, mb->end - mb->pos);
		mb->end -= mb->pos;
		mb->scan -= mb->pos;
		mb->pos = 0;
	}
	r = mb->read_fn(mb->ctx, mb->buf + mb->end, MBOX_CHUNK - mb->end);
	if (r < 0 || (size_t)r > MBOX_CHUNK - mb->end)
		return MMR_EIO;
	if (!r)
		mb->eof = true;
	mb->end += (size_t)r;
	return 0;
}

/*
 * The next piece of a line: a whole line with its '\n' (*eol true) or, for
 * lines longer than the buffer and the last line, a piece without it.
 * Returns 1, 0 at the end of the input, or MMR_EIO.
 */
static int mbox_piece(struct mbox *mb, const char **p, size_t *n, bool *eol)
{
	const char *nl;
	int err;

	for (;;) {
		if (mb->scan < mb->pos)
			mb->scan = mb->pos;
		nl = memchr(mb->buf + mb->scan, '\n', mb->end - mb->scan);
		mb->scan = mb->end;
		if (nl || mb->eof || (mb->pos == 0 && mb->end == MBOX_CHUNK)) {
			size_t e = nl ? (size_t)(nl - mb->buf) + 1 : mb->end;

			if (e == mb->pos)
				return 0;
			*p = mb->buf + mb->pos;
			*n = e - mb->pos;
			*eol = nl != NULL;
			mb->pos = e;
			mb->scan = e;
			if (nl)
				mb->lineno++;
			return 1;
		}
		err = mbox_fill(mb);
		if (err)
			return err;
	}
}

static bool mbox_blank(const char *p, size_t n)
{
	return (n == 1 && p[0] == '\n') ||
	       (n == 2 && p[0] == '\r' && p[1] == '\n');
}

/* Skip the rest of a line whose first piece had no '\n'. */
static int mbox_skip_line(struct mbox *mb, bool eol)
{
	const char *p;
	size_t n;
	int r = 1;

	while (!eol && r > 0)
		r = mbox_piece(mb, &p, &n, &eol);
	return r < 0 ? r : 0;
}

static int mbox_io(struct mbox *mb)
{
	mb->done = true;
	return mmr_error_set(MMR_EIO, "cannot read mbox after line %zu",
			     mb->lineno);
}

/* Read the first line: a "From " line or the start of a lone message. */
static int mbox_start(struct mbox *mb)
{
	const char *p;
	size_t n;
	bool eol;
	int r;

	mb->started = true;
	r = mbox_piece(mb, &p, &n, &eol);
	if (r <= 0)
		return r;
	if (mmr_starts_with(p, n, "From ")) {
		mb->at_from = true;
		mb->next_line = 1;
		r = mbox_skip_line(mb, eol);
		return r < 0 ? r : 1;
	}
	mb->single = true;
	mb->junk = !mail_field_line(p, n);
	sbuf_add(&mb->msg, p, n);
	return 1;
}

/*
 * A real separator, "From sender Thu Jan  1 00:00:00 1970": a sender and
 * a four-digit year. A lone message's body line "From x" is not one.
 */
static bool mbox_separator(const char *p, size_t n)
{
	size_t i = 5, digits = 0;

	while (i < n && p[i] != ' ' && p[i] != '\n')
		i++;
	if (i == 5 || i >= n || p[i] != ' ')
		return false;
	for (; i < n && p[i] != '\n'; i++) {
		digits = (p[i] >= '0' && p[i] <= '9') ? digits + 1 : 0;
		if (digits == 4 &&
		    (i + 1 == n || p[i + 1] < '0' || p[i + 1] > '9'))
			return true;
	}
	return false;
}

/* Read one message's lines into mb->msg; *big when over the bound. */
static int mbox_read(struct mbox *mb, bool *big)
{
	bool line_start = true, prev_blank = false, eol;
	const char *p;
	size_t n;
	int r;

	for (;;) {
		r = mbox_piece(mb, &p, &n, &eol);
		if (r < 0)
			return r;
		if (!r)
			return 0;
		/*
		 * A message that starts with a header field is one message,
		 * whatever its body quotes (stable's "FAILED:" mails quote a
		 * whole "git format-patch"). Junk in front of an mbox must
		 * not swallow the messages behind it: there a "From " line
		 * after a blank line starts a message.
		 */
		if (line_start && prev_blank &&
		    mmr_starts_with(p, n, "From ") &&
		    (!mb->single || (mb->junk && mbox_separator(p, n)))) {
			mb->single = false;
			mb->at_from = true;
			mb->next_line = mb->lineno + (eol ? 0 : 1);
			return mbox_skip_line(mb, eol);
		}
		if (!*big && sbuf_add(&mb->msg, p, n))
			*big = true;
		prev_blank = line_start && eol && mbox_blank(p, n);
		line_start = eol;
	}
}

static void mbox_prefix(struct mbox *mb)
{
	char *id = mail_peek_id(mb->msg.buf, mb->msg.len);

	if (id)
		mmr_error_prefix("message %zu (line %zu, <%s>)", mb->index,
				 mb->line, id);
	else
		mmr_error_prefix("message %zu (line %zu)", mb->index, mb->line);
	free(id);
}

int mbox_next(struct mbox *mb, struct mail **out)
{
	bool big = false;
	int r;

	*out = NULL;
	if (mb->done)
		return 0;
	sbuf_reset(&mb->msg);
	if (!mb->started) {
		r = mbox_start(mb);
		if (r < 0)
			return mbox_io(mb);
		if (!r) {
			mb->done = true;
			return 0;
		}
	}
	if (!mb->at_from && !mb->single) {
		mb->done = true;
		return 0;
	}
	mb->index++;
	mb->line = mb->single ? 1 : mb->next_line;
	mb->at_from = false;
	r = mbox_read(mb, &big);
	if (r < 0)
		return mbox_io(mb);
	if (!mb->at_from)
		mb->done = true;
	if (mb->single && mmr_blank(mb->msg.buf, mb->msg.len)) {
		mb->index--;
		return 0;
	}
	if (!mb->single && mb->msg.len >= 2 &&
	    mb->msg.buf[mb->msg.len - 1] == '\n') {
		size_t l = mb->msg.len - 1;

		if (mb->msg.buf[l - 1] == '\r')
			l--;
		if (l && mb->msg.buf[l - 1] == '\n')
			sbuf_setlen(&mb->msg, l);
	}
	if (big) {
		mmr_error_set(MMR_ELIMIT, "message longer than %zu bytes",
			      MAIL_MAX_MESSAGE);
		mbox_prefix(mb);
		return MMR_ELIMIT;
	}
	r = mail_parse(out, mb->msg.buf, mb->msg.len, mb->mboxrd);
	if (r < 0)
		mbox_prefix(mb);
	return r < 0 ? r : 1;
}

size_t mbox_index(const struct mbox *mb)
{
	return mb->index;
}

size_t mbox_line(const struct mbox *mb)
{
	return mb->line;
}
