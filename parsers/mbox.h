/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbox: an mbox (mboxo or mboxrd) read one message at a time, with memory
 * bounded by MAIL_MAX_MESSAGE whatever the size of the input, each message
 * handed over parsed by mail_parse().
 *
 * Input comes from read_fn (fread-like: returns the bytes read, 0 at the
 * end, < 0 on error), so a file, a pipe, a gunzipped HTTP body or memory
 * all do. An input that starts with a header field rather than a "From "
 * line is one message, even when its body quotes an mbox. One that starts
 * with neither is junk up to a blank line and a "From " line with a sender
 * and a year, where an mbox starts.
 */
#ifndef MMR_MBOX_H
#define MMR_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mail.h"

struct mbox;
typedef ssize_t (*mbox_read_fn)(void *ctx, char *buf, size_t len);

/*
 * mboxrd says whether ">From " quoting is undone in the bodies (public-inbox
 * serves mboxrd). The new reader must be freed with mbox_free().
 */
struct mbox *mbox_new(mbox_read_fn read_fn, void *ctx, bool mboxrd);
void mbox_free(struct mbox *mb);
/*
 * Read the next message. Returns 1 and sets *out (caller frees with
 * mail_free()), 0 at the end, or a negative code when this message was
 * bad: the message is skipped, the error names it (its number in the file,
 * its first line and, when known, its Message-ID), and the next call goes
 * on with the following message. MMR_EIO from read_fn ends the reading.
 */
int mbox_next(struct mbox *mb, struct mail **out);
/* 1-based number of the message last returned or skipped. */
size_t mbox_index(const struct mbox *mb);
/* Line in the input where that message started (its "From " line). */
size_t mbox_line(const struct mbox *mb);

#endif
