// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sbuf.h"
#include "testlib.h"

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
