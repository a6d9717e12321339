// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/mime.c, the codec on its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testlib.h"

#include "mime.h"
#include "sbuf.h"
#include "util.h"

/* The warnings of one context, one per line. */
static void collect(const char *msg, void *payload)
{
	struct sbuf *w = payload;

	assert_null(strchr(msg, '\n'));
	if (w)
		sbuf_addf(w, "%s\n", msg);
}

static size_t count_lines(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* Decode a header value in a fresh context; warnings go to *warn. */
static char *decode(const char *in, struct sbuf *warn)
{
	struct mime *mc = mime_new(collect, warn);
	struct sbuf out = SBUF_INIT;

	assert_int_equal(mime_decode_words(mc, &out, in, strlen(in)), 0);
	mime_free(mc);
	return sbuf_detach(&out, NULL);
}

static void test_decode_words(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		/* whitespace between two words goes, around text it stays */
		{ "=?utf-8?q?a?= \t =?utf-8?q?b?= c =?utf-8?q?d?=", "ab c d" },
		{ "=?UTF-8?Q?caf=C3=A9_au_lait?=", "caf\u00e9 au lait" },
		/* one character split over two B words of one charset */
		{ "=?utf-8?B?w6==?= =?utf-8?B?qQ==?=", "\u00e9" },
		{ "=?iso-8859-1?q?=E9?==?koi8-r?b?8A==?=", "\u00e9\u041f" },
		/* RFC 2231 language in the charset */
		{ "=?utf-8*de?q?=C3=BC?=", "\u00fc" },
		/* not encoded words: kept as written */
		{ "=?utf-8?x?a?= =?utf-8?q?a b?= =? ?= =?",
		  "=?utf-8?x?a?= "
		  "=?utf-8?q?a b?= =? "
		  "?= =?" },
		{ "plain \xff text", "plain \ufffd text" },
		{ "", "" },
	};
	struct sbuf warn = SBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = decode(cases[i].in, &warn);

		if (strcmp(got, cases[i].want))
			fail_msg("'%s': got '%s'", cases[i].in, got);
		free(got);
	}
	assert_string_equal(warn.buf, "");
	sbuf_release(&warn);
}

static void test_decode_words_warnings(void **state)
{
	struct sbuf warn = SBUF_INIT, in = SBUF_INIT;
	struct mime *mc;
	struct sbuf out = SBUF_INIT;
	char *got;
	size_t i;

	(void)state;
	got = decode("=?utf-8?b?YW*Jj?= =?x-nope?q?z?= =?a/b?q?y?=", &warn);
	assert_string_equal(got, "abczy");
	assert_string_equal(warn.buf,
			    "invalid base64 in encoded word\n"
			    "unknown charset 'x-nope', bytes kept "
			    "as is\n"
			    "invalid charset name, bytes kept as is\n");
	free(got);

	/* Past MIME_MAX_WORDS: the rest as written, one warning a context. */
	sbuf_reset(&warn);
	for (i = 0; i < MIME_MAX_WORDS + 1; i++)
		sbuf_addstr(&in, "=?utf-8?q?a?= ");
	mc = mime_new(collect, &warn);
	assert_int_equal(mime_decode_words(mc, &out, in.buf, in.len), 0);
	assert_int_equal(count_lines(out.buf, "=?utf-8?q?a?="), 1);
	assert_int_equal(strspn(out.buf, "a"), MIME_MAX_WORDS);
	sbuf_reset(&out);
	assert_int_equal(mime_decode_words(mc, &out, in.buf, in.len), 0);
	mime_free(mc);
	assert_int_equal(count_lines(warn.buf, "encoded words in a header"), 1);
	sbuf_release(&in);
	sbuf_release(&out);
	sbuf_release(&warn);
}

static void test_decode_words_bounded(void **state)
{
	struct mime *mc = mime_new(NULL, NULL);
	struct sbuf out;

	(void)state;
	sbuf_init(&out, 4);
	assert_int_equal(mime_decode_words(mc, &out, "=?utf-8?q?abcdef?=", 18),
			 MMR_ELIMIT);
	sbuf_reset(&out);
	assert_int_equal(mime_decode_words(mc, &out, "abcdef", 6), MMR_ELIMIT);
	mime_free(mc);
	sbuf_release(&out);
}

static void test_convert(void **state)
{
	static const struct {
		const char *cs, *in, *want;
	} cases[] = {
		{ NULL, "a\xc3\xa9\xff", "a\u00e9\ufffd" },
		{ "US-ASCII", "x", "x" },
		{ "latin1", "\xe9\xff", "\u00e9\u00ff" },
		{ "windows-1252", "\x93q\x94 \x80 \x81",
		  "\u201cq\u201d \u20ac "
		  "\ufffd" },
		{ "koi8-r", "\xf0\xd2\xc9", "\u041f\u0440\u0438" },
		{ "shift_jis", "\x82\xa0\x82", "\u3042\ufffd" },
		{ "x-unknown", "ok \xc3\xa9", "ok \u00e9" },
		{ "../../x", "a\xff", "a\ufffd" },
	};
	struct sbuf warn = SBUF_INIT;
	struct mime *mc = mime_new(collect, &warn);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf out = SBUF_INIT;

		assert_int_equal(mime_convert(mc, &out, cases[i].cs,
					      cases[i].in, strlen(cases[i].in)),
				 0);
		if (strcmp(out.buf, cases[i].want))
			fail_msg("%s: got '%s'", cases[i].cs, out.buf);
		sbuf_release(&out);
	}
	mime_free(mc);
	assert_string_equal(warn.buf,
			    "unknown charset 'x-unknown', bytes "
			    "kept as is\n"
			    "invalid charset name, bytes kept as is\n");
	sbuf_release(&warn);
}

static void test_base64(void **state)
{
	struct sbuf out = SBUF_INIT;

	(void)state;
	assert_int_equal(mime_base64_decode(&out, "aGVs\r\nbG8=\n", 11), 0);
	assert_string_equal(out.buf, "hello");
	sbuf_reset(&out);
	/* bad characters are counted and dropped; "=" ends a quantum */
	assert_int_equal(mime_base64_decode(&out, "YW*J!j", 6), 2);
	assert_string_equal(out.buf, "abc");
	sbuf_reset(&out);
	assert_int_equal(mime_base64_decode(&out, "YQ==Yg==", 8), 0);
	assert_string_equal(out.buf, "ab");
	sbuf_release(&out);
	/* output stops at the bound */
	sbuf_init(&out, 2);
	mime_base64_decode(&out, "aGVsbG8=", 8);
	assert_string_equal(out.buf, "he");
	sbuf_release(&out);
}

static void test_qp(void **state)
{
	static const struct {
		const char *in, *want;
		size_t bad;
	} cases[] = {
		{ "caf=E9 =3D=3d\n", "caf\xe9 ==\n", 0 },
		/* transport whitespace at a line end goes, "=20" stays */
		{ "a  \nb=20\t\nc=20\n", "a\nb \nc \n", 0 },
		/* a soft line break, with transport whitespace after "=" */
		{ "lo=\nng=  \t\nline\n", "longline\n", 0 },
		/* whitespace before a soft line break is text (RFC 2045 6.7) */
		{ "pmd_t =\n*old_pmd\n", "pmd_t *old_pmd\n", 0 },
		{ "struct \t=  \nfolio =\n=\n\t=\nx", "struct \tfolio \tx", 0 },
		{ "end=", "end", 0 },
		/* malformed escapes are kept as written */
		{ "=ZZ =4 =\xff=", "=ZZ =4 =\xff", 3 },
		{ "=4", "=4", 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf out = SBUF_INIT;
		size_t bad =
			mime_qp_decode(&out, cases[i].in, strlen(cases[i].in));

		if (strcmp(out.buf, cases[i].want) || bad != cases[i].bad)
			fail_msg("'%s': got '%s', %zu bad", cases[i].in,
				 out.buf, bad);
		sbuf_release(&out);
	}
}

static void test_ctype(void **state)
{
	struct mime_ctype ct;

	(void)state;
	mime_ctype_parse(&ct,
			 "Text/X-Patch; Charset=\"ISO-8859-1\"; "
			 "name=\"a \\\"b\\\".patch\"; boundary=zz",
			 NULL, " Quoted-Printable ; x");
	assert_string_equal(ct.type, "text/x-patch");
	assert_string_equal(ct.charset, "ISO-8859-1");
	assert_string_equal(ct.boundary, "zz");
	assert_string_equal(ct.name, "a \"b\".patch");
	assert_string_equal(ct.cte, "quoted-printable");
	mime_ctype_release(&ct);

	/* RFC 2231 values; the disposition's filename wins over name */
	mime_ctype_parse(&ct,
			 "multipart/mixed;\tboundary*0=\"b1\"; "
			 "charset*=utf-8'en'x%2Dy; name=n.txt",
			 "attachment; filename*=utf-8''f%C3%BC%20x.diff", NULL);
	assert_string_equal(ct.type, "multipart/mixed");
	assert_string_equal(ct.boundary, "b1");
	assert_string_equal(ct.charset, "x-y");
	assert_string_equal(ct.name, "f\u00fc x.diff");
	assert_string_equal(ct.cte, "");
	mime_ctype_release(&ct);

	mime_ctype_parse(&ct, NULL, "inline", NULL);
	assert_string_equal(ct.type, "");
	assert_null(ct.charset);
	assert_null(ct.boundary);
	assert_null(ct.name);
	mime_ctype_release(&ct);

	/* the first of a repeated parameter counts; junk is skipped */
	mime_ctype_parse(&ct, "text/plain;;; =x; charset=a; charset=b; junk",
			 NULL, NULL);
	assert_string_equal(ct.charset, "a");
	mime_ctype_release(&ct);
}

static void test_quoted_string(void **state)
{
	static const char s[] = "\"a\\\"b\\\\c\" rest";
	struct sbuf out = SBUF_INIT;

	(void)state;
	assert_int_equal(mime_quoted_string(s, strlen(s), 0, &out), 9);
	assert_string_equal(out.buf, "a\"b\\c");
	sbuf_reset(&out);
	assert_int_equal(mime_quoted_string("\"open", 5, 0, &out), 5);
	assert_string_equal(out.buf, "open");
	sbuf_release(&out);
}

static void test_name_ok(void **state)
{
	(void)state;
	assert_true(mime_name_ok("iso-8859-1", 10));
	assert_true(mime_name_ok("x_y.z:1+2", 9));
	assert_false(mime_name_ok("", 0));
	assert_false(mime_name_ok("a b", 3));
	assert_false(mime_name_ok("a\0b", 3));
	assert_false(mime_name_ok("../x", 4));
	assert_false(mime_name_ok("\xc3\xa9", 2));
	assert_false(mime_name_ok("0123456789012345678901234567890123456789"
				  "01234567890123456789012345",
				  65));
}

/* --- encoding ------------------------------------------------------------- */

/*
 * Check a folded header: every line at most MIME_LINE_MAX columns, every
 * encoded word at most MIME_WORD_MAX, no line break but folding ones;
 * return its value unfolded and decoded.
 */
static char *unfold_decode(const char *hdr, const char *name)
{
	struct sbuf unf = SBUF_INIT;
	const char *p, *nl, *w;
	char *out;

	assert_true(strncmp(hdr, name, strlen(name)) == 0);
	assert_int_equal(hdr[strlen(name)], ':');
	assert_int_equal(hdr[strlen(hdr) - 1], '\n');
	for (p = hdr; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl - p > MIME_LINE_MAX)
			fail_msg("line of %zu columns: %.*s", (size_t)(nl - p),
				 (int)(nl - p), p);
		if (p != hdr && *p != ' ')
			fail_msg("a line that does not fold: %s", p);
		if (p != hdr)
			sbuf_addch(&unf, ' ');
		sbuf_add(&unf, p == hdr ? p + strlen(name) + 1 : p + 1,
			 (size_t)(nl - p) - (p == hdr ? strlen(name) + 1 : 1));
	}
	for (p = unf.buf; (w = strstr(p, "=?UTF-8?B?")); p = w + 2) {
		const char *end = strstr(w + 10, "?=");

		assert_non_null(end);
		if (end + 2 - w > MIME_WORD_MAX)
			fail_msg("encoded word of %zu characters",
				 (size_t)(end + 2 - w));
		w = end;
	}
	/* the space after "Name:" is folding white space, not the value's */
	out = decode(unf.buf[0] == ' ' ? unf.buf + 1 : unf.buf, NULL);
	sbuf_release(&unf);
	return out;
}

static void test_fold_header(void **state)
{
	static const char *const values[] = {
		"Re: [PATCH] mm: short",
		"Re: [PATCH v4 5/9] mm: a rather long subject line that goes on "
		"and on past the seventy-eighth column of the line",
		"Re: [PATCH] mm: tr\u00e8s long tr\u00e8s long tr\u00e8s long "
		"tr\u00e8s long tr\u00e8s long tr\u00e8s long tr\u00e8s long "
		"tr\u00e8s long tr\u00e8s long tr\u00e8s long",
		"\u5185\u5b58\u7ba1\u7406\u5185\u5b58\u7ba1\u7406\u5185\u5b58"
		"\u7ba1\u7406\u5185\u5b58\u7ba1\u7406\u5185\u5b58\u7ba1\u7406"
		"\u5185\u5b58\u7ba1\u7406\u5185\u5b58\u7ba1\u7406 \U0001f600 x",
		/* no header injection, no encoded word taken from the text */
		"a\r\nBcc: victim@example.org\n x",
		"Re: =?utf-8?q?not_a_word?= ok",
		/* a tab between two encoded words would vanish if left bare */
		"\u00e9 \t \u00e9",
		"\x01\x7f tab\there",
		"https://lore.kernel.org/linux-mm/"
		"0123456789012345678901234567890123456789012345678901234567890"
		"123456789@example.org/ is long",
	};
	struct sbuf out = SBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *got;

		sbuf_reset(&out);
		assert_int_equal(mime_fold_header(&out, "Subject", values[i]),
				 0);
		got = unfold_decode(out.buf, "Subject");
		if (strcmp(got, values[i]))
			fail_msg("'%s' came back as '%s' from\n%s", values[i],
				 got, out.buf);
		free(got);
	}
	/* ASCII stays readable; runs of spaces become one */
	sbuf_reset(&out);
	mime_fold_header(&out, "Subject", "  Re:  [PATCH]   x  ");
	assert_string_equal(out.buf, "Subject: Re: [PATCH] x\n");
	sbuf_reset(&out);
	mime_fold_header(&out, "Subject",
			 "an_identifier_of_many_characters___that_does_not_fit_"
			 "after_the_name_really x");
	assert_string_equal(out.buf, "Subject:\n an_identifier_of_many_"
				     "characters___that_does_not_fit_after_"
				     "the_name_really x\n");
	sbuf_reset(&out);
	mime_fold_header(&out, "Subject", "Re: caf\u00e9 au lait");
	assert_string_equal(out.buf, "Subject: Re: =?UTF-8?B?Y2Fmw6k=?= au "
				     "lait\n");
	sbuf_release(&out);
}

/* Random subjects of ASCII and UTF-8 words come back as they went in. */
static void test_fold_header_random(void **state)
{
	static const char *const words[] = {
		"mm:",	      "[PATCH",
		"v2]",	      "\u00fcber",
		"x",	      "\u00e9",
		"\u4e2d",     "\u0416",
		"\U0001f600", "=?",
		"folio",      "a-very-long-identifier-of-a-function-in-mm-code",
	};
	struct sbuf in = SBUF_INIT, out = SBUF_INIT;
	uint32_t seed = 12345;
	size_t round, k, n;
	char *got;

	(void)state;
	for (round = 0; round < 500; round++) {
		sbuf_reset(&in);
		sbuf_reset(&out);
		seed = seed * 1103515245 + 12345;
		n = 1 + (seed >> 16) % 40;
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245 + 12345;
			if (k)
				sbuf_addch(&in, ' ');
			sbuf_addstr(&in,
				    words[(seed >> 16) %
					  (sizeof(words) / sizeof(words[0]))]);
		}
		assert_int_equal(mime_fold_header(&out, "Subject", in.buf), 0);
		got = unfold_decode(out.buf, "Subject");
		if (strcmp(got, in.buf))
			fail_msg("'%s' came back as '%s' from\n%s", in.buf, got,
				 out.buf);
		free(got);
	}
	sbuf_release(&in);
	sbuf_release(&out);
}

static void test_encode_phrase(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Jane Roe", "Jane Roe" },
		{ "Doe, John", "\"Doe, John\"" },
		{ "Quoted \"Q\" \\ Name.", "\"Quoted \\\"Q\\\" \\\\ Name.\"" },
		{ "J\u00f6rg M\u00fcller", "=?UTF-8?B?SsO2cmcgTcO8bGxlcg==?=" },
		{ "a\nb", "=?UTF-8?B?YQpi?=" },
	};
	struct sbuf out = SBUF_INIT, name = SBUF_INIT;
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf_reset(&out);
		assert_int_equal(mime_encode_phrase(&out, cases[i].in), 0);
		assert_string_equal(out.buf, cases[i].want);
	}
	/* a long name: several words of whole characters, each short */
	for (i = 0; i < 40; i++)
		sbuf_addstr(&name, "\u00e9\u4e2d");
	sbuf_reset(&out);
	sbuf_addstr(&out, "X: ");
	assert_int_equal(mime_encode_phrase(&out, name.buf), 0);
	assert_true(strlen(out.buf) > 2 * MIME_WORD_MAX);
	assert_null(strchr(out.buf, '\n'));
	got = decode(out.buf + 3, NULL);
	assert_string_equal(got, name.buf);
	free(got);
	sbuf_release(&out);
	sbuf_release(&name);
}

static void test_encode_bounded(void **state)
{
	struct sbuf out;

	(void)state;
	sbuf_init(&out, 30);
	assert_int_equal(mime_fold_header(&out, "Subject",
					  "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
					  "\u00e9\u00e9\u00e9\u00e9"),
			 MMR_ELIMIT);
	sbuf_reset(&out);
	assert_int_equal(mime_fold_header(&out, "Subject",
					  "word word word word word word"),
			 MMR_ELIMIT);
	sbuf_reset(&out);
	assert_int_equal(mime_encode_phrase(&out, "\u00e9\u00e9\u00e9\u00e9"
						  "\u00e9\u00e9\u00e9\u00e9"),
			 MMR_ELIMIT);
	sbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_words),
		cmocka_unit_test(test_decode_words_warnings),
		cmocka_unit_test(test_decode_words_bounded),
		cmocka_unit_test(test_convert),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_ctype),
		cmocka_unit_test(test_quoted_string),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_fold_header),
		cmocka_unit_test(test_fold_header_random),
		cmocka_unit_test(test_encode_phrase),
		cmocka_unit_test(test_encode_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
