// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/sbuf.c: bounded appends whose failure is sticky. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbuf.h"
#include "util.h"

static void test_appends(void **state)
{
	struct sbuf sb = SBUF_INIT;

	(void)state;
	assert_string_equal(sb.buf, "");
	assert_int_equal(sbuf_addstr(&sb, "mm"), 0);
	assert_int_equal(sbuf_addch(&sb, '/'), 0);
	assert_int_equal(sbuf_addf(&sb, "%s.%c", "memory", 'c'), 0);
	assert_string_equal(sb.buf, "mm/memory.c");
	assert_int_equal(sb.len, 11);
	assert_false(sbuf_failed(&sb));
	sbuf_release(&sb);
}

/* Once an append is refused, every later one is, whatever its size. */
static void test_failure_is_sticky(void **state)
{
	struct sbuf sb;

	(void)state;
	sbuf_init(&sb, 8);
	assert_int_equal(sbuf_addstr(&sb, "12345"), 0);
	assert_int_equal(sbuf_addstr(&sb, "6789"), MMR_ELIMIT);
	assert_true(sbuf_failed(&sb));
	/* Text as it was before the refused append: a prefix, no gap. */
	assert_string_equal(sb.buf, "12345");
	/* These would fit, and must still fail. */
	assert_int_equal(sbuf_addch(&sb, 'x'), MMR_ELIMIT);
	assert_int_equal(sbuf_addstr(&sb, ""), MMR_ELIMIT);
	assert_int_equal(sbuf_add(&sb, "ab", 2), MMR_ELIMIT);
	assert_int_equal(sbuf_addf(&sb, "%d", 1), MMR_ELIMIT);
	assert_int_equal(sbuf_add_utf8(&sb, "y", 1), MMR_ELIMIT);
	assert_string_equal(sb.buf, "12345");
	assert_true(sbuf_failed(&sb));
	/* Shortening does not clear it either. */
	sbuf_setlen(&sb, 1);
	sbuf_rtrim(&sb);
	assert_int_equal(sbuf_addch(&sb, 'x'), MMR_ELIMIT);
	assert_true(sbuf_failed(&sb));
	sbuf_release(&sb);
}

/* A failed UTF-8 append in the middle of its work also sticks. */
static void test_utf8_failure(void **state)
{
	struct sbuf sb;

	(void)state;
	sbuf_init(&sb, 6);
	assert_int_equal(sbuf_add_utf8(&sb,
				       "ab\xff"
				       "cdef",
				       7),
			 MMR_ELIMIT);
	assert_true(sbuf_failed(&sb));
	assert_int_equal(sbuf_addch(&sb, 'z'), MMR_ELIMIT);
	sbuf_release(&sb);
}

/* A failed buffer appended to another fails that one too. */
static void test_addbuf(void **state)
{
	struct sbuf part, whole = SBUF_INIT;

	(void)state;
	sbuf_init(&part, 3);
	assert_int_equal(sbuf_addstr(&part, "ab"), 0);
	assert_int_equal(sbuf_addbuf(&whole, &part), 0);
	assert_string_equal(whole.buf, "ab");
	assert_int_equal(sbuf_addstr(&part, "cd"), MMR_ELIMIT);
	assert_int_equal(sbuf_addbuf(&whole, &part), MMR_ELIMIT);
	assert_true(sbuf_failed(&whole));
	assert_string_equal(whole.buf, "ab");
	sbuf_release(&part);
	sbuf_release(&whole);
}

/* reset, release and detach start afresh, with the same bound. */
static void test_fresh_start(void **state)
{
	struct sbuf sb;
	char *s;
	size_t len;

	(void)state;
	sbuf_init(&sb, 4);
	assert_int_equal(sbuf_addstr(&sb, "too long"), MMR_ELIMIT);
	sbuf_reset(&sb);
	assert_false(sbuf_failed(&sb));
	assert_int_equal(sbuf_addstr(&sb, "abcd"), 0);
	assert_int_equal(sbuf_addch(&sb, 'e'), MMR_ELIMIT);
	s = sbuf_detach(&sb, &len);
	assert_string_equal(s, "abcd");
	assert_int_equal(len, 4);
	free(s);
	assert_false(sbuf_failed(&sb));
	assert_int_equal(sbuf_addstr(&sb, "abcde"), MMR_ELIMIT);
	sbuf_release(&sb);
	assert_false(sbuf_failed(&sb));
	assert_int_equal(sbuf_addstr(&sb, "abc"), 0);
	assert_string_equal(sb.buf, "abc");
	sbuf_release(&sb);
}

/* The size check does not overflow on a huge length. */
static void test_huge_length(void **state)
{
	struct sbuf sb = SBUF_INIT;

	(void)state;
	assert_int_equal(sbuf_addstr(&sb, "x"), 0);
	assert_int_equal(sbuf_add(&sb, "y", SIZE_MAX), MMR_ELIMIT);
	assert_true(sbuf_failed(&sb));
	assert_string_equal(sb.buf, "x");
	sbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_failure_is_sticky),
		cmocka_unit_test(test_utf8_failure),
		cmocka_unit_test(test_addbuf),
		cmocka_unit_test(test_fresh_start),
		cmocka_unit_test(test_huge_length),
	};

	return cmocka_run_group_tests_name("sbuf", tests, NULL, NULL);
}
