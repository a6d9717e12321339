// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for parsers/mbox.c: the input read as an mbox twice,
 * in pieces whose size the input chooses and in whole reads. Both reads
 * must split it the same way (same results, numbers, lines and messages),
 * every message must pass the checks of fuzz_check.h, and the reading
 * must end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fuzz_check.h"
#include "mail.h"
#include "mbox.h"
#include "util.h"

#define FUZZ_MAX_MESSAGES 100000

struct src {
	const uint8_t *data;
	size_t len, pos, step;
};

static ssize_t src_read(void *ctx, char *buf, size_t len)
{
	struct src *s = ctx;
	size_t n = s->len - s->pos;

	if (n > len)
		n = len;
	if (n > s->step)
		n = s->step;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

/* What one mbox_next() call gave. */
struct seen {
	int ret;
	size_t index, line, body_len;
	uint64_t hash; /* of the Message-ID and the body */
};

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static size_t read_all(const uint8_t *data, size_t size, size_t step,
		       bool mboxrd, struct seen **out)
{
	struct src s = { data, size, 0, step };
	struct mbox *mb = mbox_new(src_read, &s, mboxrd);
	struct seen *v = NULL;
	size_t n = 0, alloc = 0, prev_line = 0;
	struct mail *m;
	const char *id;
	int r;

	while ((r = mbox_next(mb, &m)) != 0) {
		if (n == FUZZ_MAX_MESSAGES)
			abort(); /* more messages than lines: it loops */
		XGROW(v, alloc, n + 1);
		memset(&v[n], 0, sizeof(v[n]));
		v[n].ret = r;
		v[n].index = mbox_index(mb);
		v[n].line = mbox_line(mb);
		if (v[n].index != n + 1 || v[n].line < prev_line || !v[n].line)
			abort();
		prev_line = v[n].line;
		if (r == 1) {
			check_mail(m);
			id = mail_message_id(m);
			v[n].hash = fnv(1469598103934665603ULL, id ? id : "",
					id ? strlen(id) : 0);
			id = mail_body(m, &v[n].body_len);
			v[n].hash = fnv(v[n].hash, id, v[n].body_len);
			mail_free(m);
		} else if (m) {
			abort();
		}
		n++;
	}
	if (mbox_next(mb, &m) != 0 || m)
		abort(); /* the end stays the end */
	mbox_free(mb);
	*out = v;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool mboxrd = size && (data[0] & 1);
	size_t step = 1, n, k;
	struct seen *a, *b;

	if (size)
		step += data[size - 1] % 64 * (data[size - 1] & 64 ? 1024 : 1);
	n = read_all(data, size, step, mboxrd, &a);
	k = read_all(data, size, SIZE_MAX, mboxrd, &b);
	if (n != k || (n && memcmp(a, b, n * sizeof(*a))))
		abort();
	free(a);
	free(b);
	return 0;
}
