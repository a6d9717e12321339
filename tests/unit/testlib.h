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

#endif
