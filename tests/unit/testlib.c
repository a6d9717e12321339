// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include "mail.h"
#include "post.h"
#include "sbuf.h"
#include "testlib.h"
#include "util.h"

char *test_read_file(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(sbuf_add(&sb, chunk, n), 0);
	fclose(fp);
	return sbuf_detach(&sb, len);
}

char *test_need_file(const char *path, size_t *len)
{
	char *text = test_read_file(path, len);

	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

bool test_have_kernel(void)
{
	if (access(TEST_KERNEL_61 "mm/memory.c", R_OK) == 0)
		return true;
	print_message("skip: " TEST_KERNEL_61 " not present (make "
		      "kernel-sources)\n");
	return false;
}

ssize_t test_mem_read(void *ctx, char *buf, size_t len)
{
	struct test_memsrc *s = ctx;
	size_t n = s->len - s->pos;

	if (!n && s->fail)
		return -1;
	if (n > len)
		n = len;
	if (s->step && n > s->step)
		n = s->step;
	memcpy(buf, s->buf + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

void test_tmpdir(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/mmr-%s.XXXXXX", name);
	if (!mkdtemp(dir))
		fail_msg("cannot make %s", dir);
}

static int remove_one(const char *path, const struct stat *sb, int flag,
		      struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_rmtree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *test_replace(const char *text, const char *from, const char *to,
		   size_t *len)
{
	const char *at = strstr(text, from);
	struct sbuf sb = SBUF_INIT;

	if (!at)
		fail_msg("'%s' is not in the text", from);
	sbuf_add(&sb, text, at - text);
	sbuf_addstr(&sb, to);
	sbuf_addstr(&sb, at + strlen(from));
	return sbuf_detach(&sb, len);
}

char *test_reply_text(int n, size_t *len)
{
	char *text = test_need_file(TEST_REPLY, NULL), *out, id[64];

	snprintf(id, sizeof(id), "reply-%d@example.org", n);
	out = test_replace(text, TEST_REPLY_ID, id, len);
	free(text);
	return out;
}

int test_queue_reply(struct post *p, struct state *st, int n, const char *cc,
		     long now)
{
	static const struct mail_addr author = { "Ada Developer",
						 "ada@example.org" };
	static const struct mail_addr to[] = {
		{ "Maintainer One", "maint@example.org" },
		{ "", "linux-mm@kvack.org" },
	};
	struct mail_addr extra = { "", cc };
	struct post_reply reply = { 0 };
	struct post_rcpt *r;
	char rid[64], pid[64];
	int rc;

	snprintf(rid, sizeof(rid), "reply-%d@example.org", n);
	snprintf(pid, sizeof(pid), "patch-%d@example.org", n);
	if (post_recipients(p, &author, to, 2, &extra, cc ? 1 : 0, &r) < 0)
		fail_msg("post_recipients: %s", mmr_error_last());
	reply.reply_id = rid;
	reply.patch_id = pid;
	reply.rcpt = r;
	reply.msg = test_reply_text(n, &reply.len);
	rc = post_queue(p, st, &reply, now);
	post_rcpt_free(r);
	free((char *)reply.msg);
	return rc;
}

void test_note_event(const struct post_event *ev, void *payload)
{
	static const char *const names[] = {
		[POST_SENT] = "sent",	  [POST_RETRY] = "retry",
		[POST_FAILED] = "failed", [POST_UNKNOWN] = "unknown",
		[POST_FOUND] = "found",	  [POST_RESEND] = "resend",
	};

	sbuf_addf(payload, "%s %s %zu%s%s\n", names[ev->outcome], ev->patch_id,
		  ev->nrcpt, ev->error ? ": " : "", ev->error ? ev->error : "");
}
