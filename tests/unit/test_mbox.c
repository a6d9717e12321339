// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/mbox.c; run from the top of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testlib.h"

#include "mail.h"
#include "mbox.h"
#include "sbuf.h"
#include "util.h"

#define FIX "tests/fixtures/mail/"

/* A generator of "prefix + filler * count + suffix" without storing it. */
struct gensrc {
	const char *prefix, *fill, *suffix;
	size_t count; /* repeats of fill */
	size_t stage, off, done;
};

static ssize_t gen_read(void *ctx, char *buf, size_t len)
{
	struct gensrc *g = ctx;
	size_t out = 0;

	while (out < len && g->stage < 3) {
		const char *s = g->stage == 0 ? g->prefix :
				g->stage == 1 ? g->fill :
						g->suffix;
		size_t n = strlen(s) - g->off;

		if (g->stage == 1 && g->done >= g->count) {
			g->stage++;
			continue;
		}
		if (n > len - out)
			n = len - out;
		memcpy(buf + out, s + g->off, n);
		out += n;
		g->off += n;
		if (g->off == strlen(s)) {
			g->off = 0;
			if (g->stage == 1)
				g->done++;
			else
				g->stage++;
		}
	}
	return (ssize_t)out;
}

static void test_mboxrd_raw(void **state)
{
	size_t len;
	char *buf = test_need_file(FIX "public-inbox-raw.mbox", &len);
	struct test_memsrc src = { buf, len, 0, 0, false };
	struct mbox *mb = mbox_new(test_mem_read, &src, true);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_message_id(m), "raw@example.org");
	assert_string_equal(mail_body(m, NULL),
			    "From the start\n>From two\n>>From three\n"
			    "> From not unescaped\n>Fromage\n");
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
	/* mail_parse alone: the From_ line is dropped, quoting undone. */
	assert_int_equal(mail_parse(&m, buf, len, true), 0);
	assert_string_equal(mail_subject_text(m), "[PATCH] raw");
	assert_true(strncmp(mail_body(m, NULL), "From the start\n>From", 20) ==
		    0);
	mail_free(m);
	free(buf);
}

static void test_mboxo_three(void **state)
{
	static const char *const ids[] = { "one@example.org", "two@example.org",
					   "three@example.org" };
	static const size_t lines[] = { 1, 10, 17 };
	size_t len, i;
	char *buf = test_need_file(FIX "mboxo-three.mbox", &len);
	struct test_memsrc src = { buf, len, 0, 3, false };
	struct mbox *mb = mbox_new(test_mem_read, &src, false);
	struct mail *m;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(mbox_next(mb, &m), 1);
		assert_string_equal(mail_message_id(m), ids[i]);
		assert_int_equal(mbox_index(mb), i + 1);
		assert_int_equal(mbox_line(mb), lines[i]);
		if (i == 0)
			assert_string_equal(mail_body(m, NULL),
					    "body one\nFrom here is not a "
					    "separator (no blank line)\n"
					    ">From quoted stays in mboxo\n");
		if (i == 1)
			assert_string_equal(mail_body(m, NULL), "body two\n");
		mail_free(m);
	}
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
	free(buf);
}

static void test_mbox_single_and_empty(void **state)
{
	static const char one[] = "Subject: lone\n\nline\n\nFrom x\n\nmore\n";
	static const char junk[] = "\001\002junk\nmore junk\n\n"
				   "From a@b Mon Jan  1 00:00:00 2024\n"
				   "Subject: after junk\n\nbody\n";
	struct test_memsrc src = { one, sizeof(one) - 1, 0, 0, false };
	struct mbox *mb = mbox_new(test_mem_read, &src, false);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_body(m, NULL), "line\n\nFrom x\n\nmore\n");
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);

	src = (struct test_memsrc){ "", 0, 0, 0, false };
	mb = mbox_new(test_mem_read, &src, false);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);

	/* Junk in front of an mbox does not swallow its messages. */
	src = (struct test_memsrc){ junk, sizeof(junk) - 1, 0, 0, false };
	mb = mbox_new(test_mem_read, &src, false);
	assert_true(mbox_next(mb, &m) < 0);
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "after junk");
	assert_int_equal(mbox_line(mb), 4);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);

	src = (struct test_memsrc){ "\n\n", 2, 0, 0, false };
	mb = mbox_new(test_mem_read, &src, false);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
}

static void test_mbox_read_error(void **state)
{
	static const char in[] = "From a\nSubject: x\n\nbody\n";
	struct test_memsrc src = { in, sizeof(in) - 1, 0, 0, true };
	struct mbox *mb = mbox_new(test_mem_read, &src, false);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), MMR_EIO);
	assert_null(m);
	assert_non_null(strstr(mmr_error_last(), "cannot read mbox"));
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
}

static void test_mbox_oversized(void **state)
{
	/* 20 MB message between two good ones, streamed, never stored. */
	struct gensrc g = {
		"From a\nSubject: one\nMessage-ID: <one@x>\n\nbody\n\n"
		"From b\nSubject: big\nMessage-ID: <big@x>\n\n",
		"0123456789012345678901234567890123456789012345678901234567890"
		"12345678901234567890123456789012345678901234567890123456789\n",
		"\nFrom c\nSubject: three\nMessage-ID: <three@x>\n\nend\n",
		20 << 20 >> 7,
		0,
		0,
		0
	};
	struct mbox *mb = mbox_new(gen_read, &g, false);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "one");
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), MMR_ELIMIT);
	assert_null(m);
	assert_string_equal(mmr_error_last(),
			    "message 2 (line 7, <big@x>): message longer than "
			    "16777216 bytes");
	assert_int_equal(mbox_index(mb), 2);
	assert_int_equal(mbox_line(mb), 7);
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "three");
	assert_string_equal(mail_body(m, NULL), "end\n");
	assert_int_equal(mbox_index(mb), 3);
	assert_int_equal(mbox_line(mb), 7 + 4 + (20 << 20 >> 7) + 1);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
}

static void test_mbox_long_lines(void **state)
{
	/* A 3 MB body line is fine; a 1 MB header line fails that message. */
	struct gensrc g = {
		"From a\nSubject: one\n\n",
		"xxxxxxxxxxxxxxxx",
		"\n\nFrom b\nSubject: two\nMessage-ID: <two@x>\n\nok\n",
		3 << 20 >> 4,
		0,
		0,
		0
	};
	struct gensrc h = { "From a\nMessage-ID: <h@x>\nSubject: ",
			    "yyyyyyyyyyyyyyyy",
			    "\n\nbody\n\nFrom b\nSubject: two\n\nok\n",
			    1 << 20 >> 4,
			    0,
			    0,
			    0 };
	struct mbox *mb = mbox_new(gen_read, &g, false);
	struct mail *m;
	size_t len;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	mail_body(m, &len);
	assert_int_equal(len, (3 << 20) + 1);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "two");
	assert_int_equal(mbox_line(mb), 6);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);

	mb = mbox_new(gen_read, &h, false);
	assert_int_equal(mbox_next(mb, &m), MMR_ELIMIT);
	assert_string_equal(mmr_error_last(),
			    "message 1 (line 1, <h@x>): header 'Subject' "
			    "longer than 262144 bytes");
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "two");
	mail_free(m);
	mbox_free(mb);
}

static void test_mbox_50mb(void **state)
{
	/* 50 MB of 100 KB messages, streamed. */
	struct sbuf one = SBUF_INIT;
	struct gensrc g = { "", NULL, "", 500, 0, 0, 0 };
	struct mbox *mb;
	struct mail *m;
	size_t count = 0;
	int i, r;

	(void)state;
	sbuf_addstr(&one, "From x\nSubject: [PATCH] m\nMessage-ID: <m@x>\n\n");
	for (i = 0; i < 1600; i++)
		sbuf_addstr(&one, "+\tline of a patch body, sixty-four bytes "
				  "long or so.......\n");
	sbuf_addstr(&one, "\n");
	g.fill = one.buf;
	mb = mbox_new(gen_read, &g, true);
	while ((r = mbox_next(mb, &m)) == 1) {
		count++;
		mail_free(m);
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, 500);
	mbox_free(mb);
	sbuf_release(&one);
}

/*
 * A lone message (no "From " line first) is one message, even when its
 * body quotes a whole "git format-patch" after a blank line.
 */
static void test_mbox_lone_message_quotes_mbox(void **state)
{
	static const size_t steps[] = { 0, 1, 7, 4096 };
	size_t len, i;
	char *buf = test_need_file(FIX "stable-failed.eml", &len);
	const char *body;
	struct mbox *mb;
	struct mail *m;

	(void)state;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct test_memsrc src = { buf, len, 0, steps[i], false };

		mb = mbox_new(test_mem_read, &src, false);
		assert_int_equal(mbox_next(mb, &m), 1);
		assert_string_equal(mail_message_id(m),
				    "2025030344-failed-apply@example.org");
		assert_true(strncmp(mail_subject_text(m), "FAILED: patch",
				    13) == 0);
		body = mail_body(m, NULL);
		assert_non_null(strstr(body,
				       "\n\nFrom 4f0c2d1e9b8a7c6d5e4f3a2b1c0d"
				       "9e8f7a6b5c4d Mon Sep 17 00:00:00 "
				       "2001\nFrom: Ann Example"));
		assert_non_null(strstr(body, "\n-\tex->count++;\n"));
		mail_free(m);
		assert_int_equal(mbox_next(mb, &m), 0);
		assert_int_equal(mbox_index(mb), 1);
		mbox_free(mb);
	}
	free(buf);
}

/* A file that starts with "From " is an mbox: the same quote splits it. */
static void test_mbox_quoted_patch_in_mbox(void **state)
{
	static const char in[] =
		"From bot@example.org Mon Mar  3 09:12:44 2025\n"
		"Subject: FAILED: x\n\nthe patch below\n\n"
		"From 4f0c2d1e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d Mon Sep 17 "
		"00:00:00 2001\nFrom: Ann <ann@example.org>\n"
		"Subject: [PATCH] mm: y\n\nbody\n";
	struct test_memsrc src = { in, sizeof(in) - 1, 0, 0, false };
	struct mbox *mb = mbox_new(test_mem_read, &src, false);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "FAILED: x");
	assert_string_equal(mail_body(m, NULL), "the patch below\n");
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 1);
	assert_string_equal(mail_subject_text(m), "[PATCH] mm: y");
	assert_int_equal(mbox_line(mb), 6);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mboxrd_raw),
		cmocka_unit_test(test_mboxo_three),
		cmocka_unit_test(test_mbox_single_and_empty),
		cmocka_unit_test(test_mbox_read_error),
		cmocka_unit_test(test_mbox_oversized),
		cmocka_unit_test(test_mbox_long_lines),
		cmocka_unit_test(test_mbox_50mb),
		cmocka_unit_test(test_mbox_lone_message_quotes_mbox),
		cmocka_unit_test(test_mbox_quoted_patch_in_mbox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
