/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testlib: what the cmocka unit tests share. Include after <cmocka.h>.
 */
#ifndef MMR_TESTLIB_H
#define MMR_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Debian's linux-source-6.1, as "make kernel-sources" extracts it. */
#define TEST_KERNEL_61 "build/kernel/6.1/"

/*
 * Whether those kernel sources are there; when not, says how to get them
 * so the test that skips is seen to skip.
 */
bool test_have_kernel(void);

/* A whole file, NUL-terminated, in a new string; NULL when unreadable. */
char *test_read_file(const char *path, size_t *len);
/* The same, failing the running test when the file cannot be read. */
char *test_need_file(const char *path, size_t *len);

/* An input read from memory by test_mem_read(), an mbox_read_fn. */
struct test_memsrc {
	const char *buf;
	size_t len, pos;
	size_t step; /* bytes per read, 0 for as many as asked */
	bool fail; /* return an error at the end instead of EOF */
};

ssize_t test_mem_read(void *ctx, char *buf, size_t len);

/*
 * A new directory "/tmp/mmr-<name>.XXXXXX" in dir (of size bytes),
 * failing the running test when it cannot be made.
 */
void test_tmpdir(char *dir, size_t size, const char *name);
/* Remove dir and everything under it (symbolic links are not followed). */
void test_rmtree(const char *dir);
/*
 * text with its first "from" replaced by "to", in a new string of *len
 * bytes (len may be NULL); fails the running test when from is not there.
 */
char *test_replace(const char *text, const char *from, const char *to,
		   size_t *len);

/* --- for the tests of bot/post ------------------------------------------ */

struct post;
struct post_event;
struct state;

/* The reply the post tests send: tests/fixtures/post/reply.eml. */
#define TEST_REPLY "tests/fixtures/post/reply.eml"
#define TEST_REPLY_ID "mmreview-57ce537918d0aecb962d@example.org"

/* TEST_REPLY with the Message-ID <reply-N@example.org>, in a new string. */
char *test_reply_text(int n, size_t *len);
/*
 * Queue test_reply_text(n) as the reply to <patch-N@example.org> by Ada
 * Developer <ada@example.org>, To maint@example.org and linux-mm@kvack.org,
 * Cc cc when not NULL, under p's policy; returns post_queue().
 */
int test_queue_reply(struct post *p, struct state *st, int n, const char *cc,
		     long now);
/*
 * A post_event_fn: appends "outcome <patch-id> N" (N recipients) and
 * ": error" when there is one, and a newline, to the struct sbuf payload.
 */
void test_note_event(const struct post_event *ev, void *payload);

#endif
