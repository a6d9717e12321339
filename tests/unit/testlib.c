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
