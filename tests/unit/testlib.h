/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testlib: what the cmocka unit tests share. Include after <cmocka.h>.
 */
#ifndef MMR_TESTLIB_H
#define MMR_TESTLIB_H

#include <stddef.h>

/* A whole file, NUL-terminated, in a new string; NULL when unreadable. */
char *test_read_file(const char *path, size_t *len);
/* The same, failing the running test when the file cannot be read. */
char *test_need_file(const char *path, size_t *len);

#endif
