// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/mail.c; run from the top of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testlib.h"

#include "mail.h"
#include "mbox.h"
#include "sbuf.h"
#include "util.h"

#define FIX "tests/fixtures/mail/"

static struct mail *parse_fixture(const char *name, bool mboxrd)
{
	struct sbuf path = SBUF_INIT;
	struct mail *m = NULL;
	size_t len;
	char *buf;

	sbuf_addf(&path, FIX "%s", name);
	buf = test_need_file(path.buf, &len);
	assert_int_equal(mail_parse(&m, buf, len, mboxrd), 0);
	assert_non_null(m);
	free(buf);
	sbuf_release(&path);
	return m;
}

static struct mail *parse_str(const char *s)
{
	struct mail *m = NULL;

	assert_int_equal(mail_parse(&m, s, strlen(s), false), 0);
	return m;
}

static bool has_warning(const struct mail *m, const char *needle)
{
	const char *const *w;
	size_t n = mail_warnings(m, &w), i;

	for (i = 0; i < n; i++)
		if (strstr(w[i], needle))
			return true;
	return false;
}

/* --- the seed case ------------------------------------------------------- */

static void check_seed(const struct mail *m)
{
	const struct mail_subject *si = mail_subject_info(m);
	const struct mail_addr *a;
	const char *const *ids;
	size_t blen;

	assert_true(si->patch);
	assert_false(si->reply);
	assert_int_equal(si->version, 4);
	assert_int_equal(si->part, 5);
	assert_int_equal(si->total, 9);
	assert_string_equal(si->title, "mm: introduce copy-on-fork VMAs");
	assert_string_equal(mail_subject_text(m),
			    "[PATCH v4 5/9] mm: introduce copy-on-fork VMAs");
	assert_non_null(mail_from(m));
	assert_string_equal(mail_from(m)->name, "Ada Developer");
	assert_string_equal(mail_from(m)->addr, "ada@example.org");
	assert_int_equal(mail_to(m, &a), 1);
	assert_string_equal(a[0].name, "Maintainer One");
	assert_string_equal(a[0].addr, "maint@example.org");
	assert_int_equal(mail_cc(m, &a), 2);
	assert_string_equal(a[0].name, "Reviewer Two");
	assert_string_equal(a[0].addr, "rev2@example.org");
	assert_string_equal(a[1].name, "");
	assert_string_equal(a[1].addr, "linux-mm@kvack.org");
	assert_string_equal(mail_message_id(m),
			    "5d41b24e7bc6.1763460113.git.ada@example.org");
	assert_string_equal(mail_in_reply_to(m),
			    "cover.1763460113.git.ada@example.org");
	assert_int_equal(mail_references(m, &ids), 1);
	assert_string_equal(ids[0], "cover.1763460113.git.ada@example.org");
	assert_int_equal(mail_date(m), 1763461067);
	assert_string_equal(mail_date_text(m),
			    "Tue, 18 Nov 2025 10:17:47 +0000");
	assert_string_equal(mail_trailer(m, "signed-off-by"),
			    "Ada Developer <ada@example.org>");
	assert_string_equal(mail_header(m, "content-type"),
			    "text/plain; charset=UTF-8");
	assert_null(mail_header(m, "X-Nope"));
	assert_true(strncmp(mail_body(m, &blen), "Gather all the VMA", 18) ==
		    0);
	assert_non_null(
		strstr(mail_body(m, NULL), "\ndiff --git a/mm/memory.c"));
	assert_int_equal(blen, strlen(mail_body(m, NULL)));
}

static void test_seed_parse(void **state)
{
	struct mail *m = parse_fixture("seed-patch.mbox", false);
	const char *const *w;

	(void)state;
	check_seed(m);
	assert_int_equal(mail_warnings(m, &w), 0);
	mail_free(m);
}

static void test_seed_mbox_bytewise(void **state)
{
	size_t len;
	char *buf = test_need_file(FIX "seed-patch.mbox", &len);
	struct test_memsrc src = { buf, len, 0, 1, false };
	struct mbox *mb = mbox_new(test_mem_read, &src, true);
	struct mail *m;

	(void)state;
	assert_int_equal(mbox_next(mb, &m), 1);
	check_seed(m);
	assert_int_equal(mbox_index(mb), 1);
	assert_int_equal(mbox_line(mb), 1);
	mail_free(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	assert_null(m);
	assert_int_equal(mbox_next(mb, &m), 0);
	mbox_free(mb);
	free(buf);
}

/* --- headers ---------------------------------------------------------------- */

static void test_encoded_words(void **state)
{
	struct mail *m = parse_fixture("encoded-words.eml", false);
	const struct mail_subject *si = mail_subject_info(m);
	const struct mail_addr *a;

	(void)state;
	assert_string_equal(mail_subject_text(m),
			    "[PATCH v2 1/2] mm: fix caf\u00e9 and \u00fcber "
			    "plain tail");
	assert_int_equal(si->version, 2);
	assert_int_equal(si->part, 1);
	assert_int_equal(si->total, 2);
	assert_string_equal(si->title,
			    "mm: fix caf\u00e9 and \u00fcber plain tail");
	assert_string_equal(mail_from(m)->name, "J\u00f6rg M\u00fcller");
	assert_string_equal(mail_from(m)->addr, "joerg@example.de");
	assert_int_equal(mail_to(m, &a), 2);
	assert_string_equal(a[0].name, "Fran\u00e7ois");
	assert_string_equal(a[1].name, "\u674e\u660e");
	assert_string_equal(a[1].addr, "li@example.cn");
	assert_string_equal(mail_header(m, "from"),
			    "J\u00f6rg M\u00fcller <joerg@example.de>");
	assert_int_equal(mail_date(m), 1738569900);
	mail_free(m);
}

static void test_encoded_word_edge(void **state)
{
	struct mail *m;

	(void)state;
	/* A UTF-8 character split over two B words; bad words kept as is. */
	m = parse_str("Subject: =?utf-8?B?w6==?= =?utf-8?B?qQ==?= x "
		      "=?utf-8?X?bad?= =?utf-8?q?a b?= =?iso-8859-1?q?=E9?="
		      "=?utf-8*en?q?!?=\nFrom: a@b\n\n");
	assert_string_equal(mail_subject_text(m),
			    "\u00e9 x =?utf-8?X?bad?= =?utf-8?q?a b?= \u00e9!");
	mail_free(m);
	/* Raw 8-bit and invalid UTF-8 in a header become U+FFFD. */
	m = parse_str("Subject: ok \xc3\xa9 \xff\xc0\x80 \xed\xa0\x80\n\n");
	assert_string_equal(mail_subject_text(m),
			    "ok \u00e9 \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd");
	mail_free(m);
	/* Truncated base64 and unknown charset in a word. */
	m = parse_str("Subject: =?utf-8?b?YW*Jj?= =?x-nope?q?z?=\n\n");
	assert_string_equal(mail_subject_text(m), "abcz");
	assert_true(has_warning(m, "invalid base64 in encoded word"));
	assert_true(has_warning(m, "unknown charset 'x-nope'"));
	mail_free(m);
}

static void test_addresses(void **state)
{
	struct mail *m = parse_fixture("addresses.eml", false);
	const struct mail_addr *a;
	const char *const *ids;

	(void)state;
	assert_string_equal(mail_from(m)->name, "Doe, John");
	assert_string_equal(mail_from(m)->addr, "john@example.org");
	assert_int_equal(mail_to(m, &a), 0);
	assert_int_equal(mail_cc(m, &a), 7);
	assert_string_equal(a[0].name, "Jane Roe");
	assert_string_equal(a[0].addr, "jane@example.org");
	assert_string_equal(a[1].name, "");
	assert_string_equal(a[1].addr, "plain@example.org");
	assert_string_equal(a[2].name, "Bob Smith");
	assert_string_equal(a[2].addr, "bob@example.org");
	assert_string_equal(a[3].name, "Quoted \"Q\" Name");
	assert_string_equal(a[3].addr, "q@example.org");
	assert_string_equal(a[4].addr, "fa@example.org");
	assert_string_equal(a[5].name, "Fb");
	assert_string_equal(a[5].addr, "fb@example.org");
	assert_string_equal(a[6].name, "");
	assert_string_equal(a[6].addr, "bare@example.org");
	assert_string_equal(mail_in_reply_to(m), "parent@example.org");
	assert_int_equal(mail_references(m, &ids), 3);
	assert_string_equal(ids[0], "root@example.org");
	assert_string_equal(ids[1], "mid@example.org");
	assert_string_equal(ids[2], "parent@example.org");
	mail_free(m);
}

static void test_message_ids(void **state)
{
	struct mail *m;

	(void)state;
	m = parse_str("Message-ID: bare@example.org\nIn-Reply-To: <>\n\n");
	assert_string_equal(mail_message_id(m), "bare@example.org");
	assert_true(has_warning(m, "without angle brackets"));
	assert_null(mail_in_reply_to(m));
	assert_true(has_warning(m, "invalid 'In-Reply-To' header"));
	mail_free(m);
	m = parse_str("Message-ID: <a b@c>\n\n");
	assert_null(mail_message_id(m));
	mail_free(m);
}

static void test_duplicate_headers(void **state)
{
	struct mail *m = parse_fixture("dup-headers.eml", false);

	(void)state;
	assert_string_equal(mail_subject_text(m), "first subject");
	assert_string_equal(mail_from(m)->addr, "one@example.org");
	assert_string_equal(mail_message_id(m), "first@example.org");
	assert_string_equal(mail_header(m, "Subject"), "first subject");
	assert_true(has_warning(m, "duplicate header 'Subject' ignored"));
	/* No weekday, no seconds, negative half-hour zone. */
	assert_int_equal(mail_date(m), 1763491620);
	mail_free(m);
}

static void test_missing_headers(void **state)
{
	struct mail *m = parse_fixture("missing-headers.eml", false);
	const struct mail_subject *si = mail_subject_info(m);

	(void)state;
	assert_null(mail_from(m));
	assert_string_equal(mail_subject_text(m), "");
	assert_null(mail_message_id(m));
	assert_null(mail_date_text(m));
	assert_int_equal(mail_date(m), -1);
	assert_false(si->patch);
	assert_true(has_warning(m, "no 'From' header"));
	assert_true(has_warning(m, "no 'Subject' header"));
	assert_true(has_warning(m, "no 'Message-ID' header"));
	assert_string_equal(mail_body(m, NULL), "just a body\n");
	mail_free(m);
}

static void test_folded_and_malformed_header(void **state)
{
	struct mail *m;

	(void)state;
	m = parse_str("Subject: a long\n\tfolded   \n  subject\nX-A : b\n"
		      "not a header line\nBody: not a header\n");
	assert_string_equal(mail_subject_text(m), "a long folded subject");
	assert_string_equal(mail_header(m, "x-a"), "b");
	assert_null(mail_header(m, "body"));
	assert_true(has_warning(m, "header line 5 is malformed"));
	assert_string_equal(mail_body(m, NULL),
			    "not a header line\nBody: not a header\n");
	mail_free(m);
}

static void test_dates(void **state)
{
	static const struct {
		const char *date;
		time_t t;
	} cases[] = {
		{ "Tue, 18 Nov 2025 10:17:47 +0000", 1763461067 },
		{ "18 Nov 2025 10:17:47 +0000 (UTC)", 1763461067 },
		{ "Tue, 18 Nov 2025 11:17:47 +0100", 1763461067 },
		{ "Tue, 18 Nov 2025 05:17:47 EST", 1763461067 },
		{ "Tue,18 Nov 25 10:17:47 GMT", 1763461067 },
		{ "Thu, 1 Jan 1970 00:00:00 -0000", 0 },
		{ "Sat, 29 Feb 2020 23:59:60 +0000", 1583020800 },
		{ "garbage", -1 },
		{ "Tue, 18 Foo 2025 10:17:47 +0000", -1 },
		{ "Tue, 18 Nov 2025", -1 },
		{ "Tue, 18 Nov 2025 10:17:47 +01", -1 },
		{ "Tue, 32 Nov 2025 10:17:47 +0000", -1 },
		{ "", -1 },
	};
	struct sbuf sb = SBUF_INIT;
	struct mail *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf_reset(&sb);
		sbuf_addf(&sb, "Date: %s\n\n", cases[i].date);
		m = parse_str(sb.buf);
		if (mail_date(m) != cases[i].t)
			fail_msg("date '%s': got %lld", cases[i].date,
				 (long long)mail_date(m));
		mail_free(m);
	}
	sbuf_release(&sb);
}

/* --- subjects ------------------------------------------------------------- */

struct subj_case {
	const char *s;
	bool reply, patch, rfc, resend;
	unsigned version, part, total;
	const char *tags, *title;
};

static void test_subject_parse(void **state)
{
	static const struct subj_case cases[] = {
		{ "[PATCH v4 5/9] mm: x", 0, 1, 0, 0, 4, 5, 9, "", "mm: x" },
		{ "[RFC PATCH mm-unstable v2 03/12] t", 0, 1, 1, 0, 2, 3, 12,
		  "mm-unstable", "t" },
		{ "[PATCH 0/3] cover", 0, 1, 0, 0, 1, 0, 3, "", "cover" },
		{ "[PATCH] one", 0, 1, 0, 0, 1, 0, 0, "", "one" },
		{ "Re: [PATCH v2 1/2] r", 1, 1, 0, 0, 2, 1, 2, "", "r" },
		{ "RE: Aw: re:[PATCH] r", 1, 1, 0, 0, 1, 0, 0, "", "r" },
		{ "[PATCH] [RFC] two groups", 0, 1, 1, 0, 1, 0, 0, "",
		  "two groups" },
		{ "[PATCH RESEND v3 1/2] rs", 0, 1, 0, 1, 3, 1, 2, "", "rs" },
		{ "[PATCH v2 RESEND] rs2", 0, 1, 0, 1, 2, 0, 0, "", "rs2" },
		{ "[PATCH -next] n", 0, 1, 0, 0, 1, 0, 0, "-next", "n" },
		{ "[PATCHv3 2/2] glued", 0, 1, 0, 0, 3, 2, 2, "", "glued" },
		{ "[PATCH vx 3/2] bad", 0, 1, 0, 0, 1, 0, 0, "vx 3/2", "bad" },
		{ "[PATCH v 1/0] bad2", 0, 1, 0, 0, 1, 0, 0, "v 1/0", "bad2" },
		{ "[GIT PULL] mm", 0, 0, 0, 0, 1, 0, 0, "GIT PULL", "mm" },
		{ "plain title [x]", 0, 0, 0, 0, 1, 0, 0, "",
		  "plain title [x]" },
		{ "  [PATCH 6.1.y] stable", 0, 1, 0, 0, 1, 0, 0, "6.1.y",
		  "stable" },
		{ "[unclosed title", 0, 0, 0, 0, 1, 0, 0, "",
		  "[unclosed title" },
		{ "Revert \"x\"", 0, 0, 0, 0, 1, 0, 0, "", "Revert \"x\"" },
		{ "", 0, 0, 0, 0, 1, 0, 0, "", "" },
	};
	struct mail_subject si;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct subj_case *c = &cases[i];

		mail_subject_parse(&si, c->s);
		if (si.reply != c->reply || si.patch != c->patch ||
		    si.rfc != c->rfc || si.resend != c->resend ||
		    si.version != c->version || si.part != c->part ||
		    si.total != c->total || strcmp(si.tags, c->tags) ||
		    strcmp(si.title, c->title))
			fail_msg("subject '%s': r%d p%d rfc%d rs%d v%u %u/%u "
				 "tags '%s' title '%s'",
				 c->s, si.reply, si.patch, si.rfc, si.resend,
				 si.version, si.part, si.total, si.tags,
				 si.title);
	}
	mail_subject_parse(&si, NULL);
	assert_string_equal(si.title, "");
}

static void test_subject_tags_bounded(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct mail_subject si;
	int i;

	(void)state;
	sbuf_addch(&sb, '[');
	for (i = 0; i < 100; i++)
		sbuf_addstr(&sb, "tagword ");
	sbuf_addstr(&sb, "PATCH v7] t");
	mail_subject_parse(&si, sb.buf);
	assert_true(si.patch);
	assert_int_equal(si.version, 7);
	assert_true(strlen(si.tags) < sizeof(si.tags));
	assert_true(strlen(si.tags) >= 100);
	assert_string_equal(si.title, "t");
	sbuf_release(&sb);
}

/* --- bodies ---------------------------------------------------------------- */

static void test_qp_latin1(void **state)
{
	struct mail *m = parse_fixture("qp-latin1.eml", false);

	(void)state;
	assert_string_equal(mail_body(m, NULL),
			    "Caf\u00e9 na\u00efve line that is very long and "
			    "will be wrapped by the soft line break here.\n"
			    "Equals = sign, trailing space \n"
			    "Trailing plain spaces\n\n"
			    "Signed-off-by: Ann <ann@example.org>\n");
	assert_string_equal(mail_trailer(m, "Signed-off-by"),
			    "Ann <ann@example.org>");
	mail_free(m);
}

/*
 * A real patch, quoted-printable at 76 columns by Python's email package:
 * the spaces before its soft line breaks stay, so the diff comes back
 * byte for byte.
 */
static void test_qp_patch(void **state)
{
	struct mail *m = parse_fixture("qp-patch.eml", false);
	size_t dlen, blen;
	char *diff = test_need_file(FIX "qp-patch.diff", &dlen);
	const char *body = mail_body(m, &blen), *d, *sig;
	const char *const *w;

	(void)state;
	d = strstr(body, "diff --git ");
	sig = strstr(body, "\n-- \n");
	assert_non_null(d);
	assert_non_null(sig);
	assert_int_equal((size_t)(sig + 1 - d), dlen);
	assert_memory_equal(d, diff, dlen);
	assert_int_equal(mail_warnings(m, &w), 0);
	free(diff);
	mail_free(m);
}

static void test_base64_crlf(void **state)
{
	struct mail *m = parse_fixture("base64-crlf.eml", false);

	(void)state;
	assert_string_equal(mail_subject_text(m), "[PATCH 1/1] b64");
	assert_string_equal(mail_body(m, NULL),
			    "Hello \u00fcber world\n\nSigned-off-by: Bo "
			    "<bo@example.org>\n---\ndiff --git a/x b/x\n");
	assert_string_equal(mail_trailer(m, "Signed-off-by"),
			    "Bo <bo@example.org>");
	mail_free(m);
}

static void test_multipart_attach(void **state)
{
	struct mail *m = parse_fixture("multipart-attach.eml", false);
	const struct mail_trailer *t;

	(void)state;
	assert_string_equal(
		mail_body(m, NULL),
		"Please apply.\n\nSigned-off-by: Cy <cy@example.org>\n"
		"diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n"
		"+++ b/mm/x.c\n@@ -1 +1 @@\n-a\n+b\n"
		"diff --git a/y b/y");
	assert_int_equal(mail_trailers(m, &t), 1);
	assert_string_equal(t[0].key, "Signed-off-by");
	mail_free(m);
}

static void test_multipart_nested(void **state)
{
	struct mail *m = parse_fixture("multipart-nested.eml", false);
	const struct mail_subject *si = mail_subject_info(m);

	(void)state;
	assert_true(si->reply);
	assert_int_equal(si->version, 3);
	assert_string_equal(mail_body(m, NULL), "first part\nsecond part");
	mail_free(m);
}

static void test_truncated_multipart(void **state)
{
	struct mail *m = parse_fixture("truncated-multipart.eml", false);

	(void)state;
	assert_string_equal(mail_body(m, NULL), "first\ndiff --git a b\n");
	assert_true(has_warning(m, "3 invalid characters in base64 part"));
	assert_true(has_warning(m, "multipart without its closing boundary"));
	mail_free(m);
}

static void test_charsets(void **state)
{
	struct mail *m;

	(void)state;
	m = parse_fixture("cp1252.eml", false);
	assert_string_equal(mail_subject_text(m), "\u201cquoted\u201d \u20ac");
	assert_string_equal(mail_body(m, NULL),
			    "\u201csmart\u201d \u20ac \ufffd\n");
	mail_free(m);
	m = parse_fixture("koi8r.eml", false);
	assert_string_equal(mail_body(m, NULL),
			    "\u041f\u0440\u0438\u0432\u0435\u0442\n");
	mail_free(m);
	m = parse_fixture("unknown-charset.eml", false);
	assert_string_equal(mail_subject_text(m), "abc");
	assert_string_equal(mail_body(m, NULL), "ok \u00e9 bad \ufffd end\n");
	assert_true(has_warning(m, "unknown charset 'x-unknown'"));
	assert_true(has_warning(m, "unknown charset 'x-bogus'"));
	mail_free(m);
	/* Names that must not reach iconv. */
	m = parse_str("Content-Type: text/plain; charset=\"../../x\"\n\n"
		      "a\xff\n");
	assert_string_equal(mail_body(m, NULL), "a\ufffd\n");
	assert_true(has_warning(m, "invalid charset name"));
	mail_free(m);
	/* iconv with an invalid sequence. */
	m = parse_str("Content-Type: text/plain; charset=shift_jis\n\n"
		      "\x82\xa0\x82\n");
	assert_string_equal(mail_body(m, NULL), "\u3042\ufffd\n");
	mail_free(m);
}

static void test_nul_bytes(void **state)
{
	static const char msg[] = "Subject: a\0b\nFrom: x@y\n\nbo\0dy\n";
	struct mail *m = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mail_parse(&m, msg, sizeof(msg) - 1, false), 0);
	assert_string_equal(mail_subject_text(m), "a\ufffdb");
	assert_true(has_warning(
		m, "NUL bytes in header 'Subject' replaced with U+FFFD"));
	assert_string_equal(mail_body(m, &len), "bo\ufffddy\n");
	assert_int_equal(len, 8);
	mail_free(m);
}

static void test_junk(void **state)
{
	struct mail *m = NULL;
	size_t len;
	char *buf = test_need_file(FIX "junk.bin", &len);
	struct test_memsrc src = { buf, len, 0, 7, false };
	struct mbox *mb;
	int r, count = 0;

	(void)state;
	assert_int_equal(mail_parse(&m, buf, len, true), MMR_EINVAL);
	assert_null(m);
	assert_string_equal(mmr_error_last(), "no header fields in message");
	mb = mbox_new(test_mem_read, &src, false);
	while ((r = mbox_next(mb, &m)) != 0 && count++ < 10)
		mail_free(m);
	assert_int_equal(r, 0);
	mbox_free(mb);
	free(buf);
	assert_int_equal(mail_parse(&m, "", 0, false), MMR_EINVAL);
}

/* --- trailers ------------------------------------------------------------- */

static void test_trailers_b4(void **state)
{
	static const char *const want[][2] = {
		{ "Reported-by", "Bot <bot@example.org>" },
		{ "Closes", "https://lore.kernel.org/r/123@example.org" },
		{ "Fixes", "0123456789ab (\"mm: something long\")" },
		{ "Link", "https://example.org/x" },
		{ "Cc", "<stable@vger.kernel.org> # 6.1+" },
		{ "Signed-off-by", "Fay <fay@example.org>" },
		{ "Acked-by", "Gus <gus@example.org>" },
		{ "base-commit", "1234567890abcdef1234567890abcdef12345678" },
		{ "change-id", "20250101-foo-bar-abcdef" },
	};
	struct mail *m = parse_fixture("b4-trailers.eml", false);
	const struct mail_subject *si = mail_subject_info(m);
	const struct mail_trailer *t;
	size_t n = mail_trailers(m, &t), i;

	(void)state;
	assert_true(si->rfc && si->patch);
	assert_int_equal(si->version, 2);
	assert_int_equal(si->part, 3);
	assert_int_equal(si->total, 12);
	assert_string_equal(si->tags, "mm-unstable");
	assert_string_equal(si->title, "mm: b4");
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++) {
		assert_string_equal(t[i].key, want[i][0]);
		assert_string_equal(t[i].value, want[i][1]);
	}
	assert_string_equal(mail_trailer(m, "BASE-COMMIT"),
			    "1234567890abcdef1234567890abcdef12345678");
	assert_null(mail_trailer(m, "Note"));
	mail_free(m);
}

static void test_trailers_edge(void **state)
{
	const struct mail_trailer *t;
	struct mail *m;

	(void)state;
	/* The last paragraph is prose: no trailers. */
	m = parse_str("Subject: x\n\nSigned-off-by: a\n\nJust prose here.\n");
	assert_int_equal(mail_trailers(m, &t), 0);
	mail_free(m);
	/* A URL is not a trailer; a reply with a review tag is. */
	m = parse_str("Subject: x\n\n> quoted\n\nhttp://x.org/y\n");
	assert_int_equal(mail_trailers(m, &t), 0);
	mail_free(m);
	m = parse_str("Subject: Re: x\n\nLooks good.\n\n"
		      "Reviewed-by: R <r@x>\n\n-- \nsig: nature\n");
	assert_int_equal(mail_trailers(m, &t), 1);
	assert_string_equal(t[0].key, "Reviewed-by");
	assert_string_equal(t[0].value, "R <r@x>");
	mail_free(m);
	/* Continuation as the first line, an empty value, bad token. */
	m = parse_str("Subject: x\n\n  cont: x\nA: b\n\nEmpty:\n\n-x: y\n");
	assert_int_equal(mail_trailers(m, &t), 0);
	mail_free(m);
	/* The paragraph ends at "diff --git" without a "---" line. */
	m = parse_str("Subject: x\n\nmsg\n\nAcked-by: A\n"
		      "diff --git a/x b/x\n");
	assert_int_equal(mail_trailers(m, &t), 1);
	assert_string_equal(t[0].value, "A");
	mail_free(m);
}

/* --- bounds ----------------------------------------------------------------- */

static void test_header_too_long(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct mail *m = NULL;
	size_t i;

	(void)state;
	sbuf_addstr(&sb, "From: a@b\nSubject: x");
	for (i = 0; i < MAIL_MAX_HEADER / 80; i++)
		sbuf_addstr(&sb, "\n 123456789012345678901234567890123456789"
				 "0123456789012345678901234567890123456789"
				 "0123456789");
	sbuf_addstr(&sb, "\n\nbody\n");
	assert_int_equal(mail_parse(&m, sb.buf, sb.len, false), MMR_ELIMIT);
	assert_null(m);
	assert_string_equal(mmr_error_last(),
			    "header 'Subject' longer than 262144 bytes");
	sbuf_release(&sb);
}

static void test_too_many(void **state)
{
	struct sbuf sb = SBUF_INIT;
	const struct mail_addr *a;
	const char *const *ids;
	struct mail *m;
	size_t i;

	(void)state;
	for (i = 0; i < MAIL_MAX_HEADERS + 50; i++)
		sbuf_addf(&sb, "X-H%zu: v\n", i);
	sbuf_addstr(&sb, "Subject: late\nTo: ");
	for (i = 0; i < 700; i++)
		sbuf_addf(&sb, "u%zu@x, ", i);
	sbuf_addstr(&sb, "\nCc: ");
	for (i = 0; i < 700; i++)
		sbuf_addf(&sb, "c%zu@x, ", i);
	sbuf_addstr(&sb, "\n\n");
	m = parse_str(sb.buf);
	assert_true(has_warning(m, "more than 2000 header fields"));
	assert_null(mail_header(m, "Subject"));
	assert_null(mail_header(m, "X-H2000"));
	assert_non_null(mail_header(m, "X-H1999"));
	mail_free(m);

	sbuf_reset(&sb);
	sbuf_addstr(&sb, "To: ");
	for (i = 0; i < 700; i++)
		sbuf_addf(&sb, "u%zu@x, ", i);
	sbuf_addstr(&sb, "\nCc: ");
	for (i = 0; i < 700; i++)
		sbuf_addf(&sb, "c%zu@x, ", i);
	sbuf_addstr(&sb, "\nReferences:");
	for (i = 0; i < 300; i++)
		sbuf_addf(&sb, " <r%zu@x>", i);
	sbuf_addstr(&sb, "\n\n");
	m = parse_str(sb.buf);
	assert_int_equal(mail_to(m, &a), 700);
	assert_int_equal(mail_cc(m, &a), 300);
	assert_string_equal(a[299].addr, "c299@x");
	assert_true(has_warning(m, "more than 1000 addresses"));
	assert_int_equal(mail_references(m, &ids), MAIL_MAX_REFS);
	assert_string_equal(ids[0], "r0@x");
	assert_string_equal(ids[1], "r45@x");
	assert_string_equal(ids[MAIL_MAX_REFS - 1], "r299@x");
	assert_true(has_warning(m, "more than 256 references"));
	mail_free(m);
	sbuf_release(&sb);
}

static void test_parts_and_depth(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct mail *m;
	size_t i;

	(void)state;
	sbuf_addstr(&sb, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 100; i++)
		sbuf_addf(&sb, "--b\n\np%zu\n", i);
	sbuf_addstr(&sb, "--b--\n");
	m = parse_str(sb.buf);
	assert_true(has_warning(m, "more than 64 MIME parts"));
	assert_non_null(strstr(mail_body(m, NULL), "\np62"));
	assert_null(strstr(mail_body(m, NULL), "p63"));
	mail_free(m);

	sbuf_reset(&sb);
	sbuf_addstr(&sb, "Subject: deep\n");
	for (i = 0; i < 12; i++)
		sbuf_addf(&sb,
			  "Content-Type: multipart/mixed; boundary=b%zu\n"
			  "\n--b%zu\n",
			  i, i);
	sbuf_addstr(&sb, "\ndeep text\n");
	m = parse_str(sb.buf);
	assert_true(has_warning(m, "multipart nested deeper than 8"));
	assert_string_equal(mail_body(m, NULL), "");
	mail_free(m);

	sbuf_reset(&sb);
	sbuf_addstr(&sb, "Subject: s\n");
	for (i = 0; i < 8; i++)
		sbuf_addf(&sb,
			  "Content-Type: multipart/mixed; boundary=b%zu\n"
			  "\n--b%zu\n",
			  i, i);
	sbuf_addstr(&sb, "\nok text\n");
	m = parse_str(sb.buf);
	assert_string_equal(mail_body(m, NULL), "ok text\n");
	mail_free(m);
	sbuf_release(&sb);
}

/* --- linear time on hostile input ---------------------------------------- */

static void test_linear(void **state)
{
	static const char *const fills[] = {
		"=?", "=?a?q?", "<", "(", "\"", "[", "?=", "=?utf-8?q?a?= "
	};
	struct sbuf sb = SBUF_INIT;
	struct mail *m;
	clock_t t0 = clock();
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(fills) / sizeof(fills[0]); k++) {
		sbuf_reset(&sb);
		sbuf_addstr(&sb, "Subject: [");
		for (i = 0; i < 200000 / strlen(fills[k]); i++)
			sbuf_addstr(&sb, fills[k]);
		sbuf_addstr(&sb, "\nTo: ");
		for (i = 0; i < 200000 / strlen(fills[k]); i++)
			sbuf_addstr(&sb, fills[k]);
		sbuf_addstr(&sb, "\nReferences: ");
		for (i = 0; i < 200000 / strlen(fills[k]); i++)
			sbuf_addstr(&sb, fills[k]);
		sbuf_addstr(&sb, "\n\n");
		m = parse_str(sb.buf);
		mail_free(m);
	}
	sbuf_release(&sb);
	assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
}

static void test_header_nuls(void **state)
{
	static const char msg[] =
		"From: A\0B <a@b\0c>\nSubject: [PATCH\0 1/2] t\0x\n"
		"To: x@y,\n z\0@w\nMessage-ID: <i@d>\n\nbody\n";
	const struct mail_addr *a;
	struct mail *m = NULL;
	const char *const *w;
	size_t n, i, nul = 0;

	(void)state;
	assert_int_equal(mail_parse(&m, msg, sizeof(msg) - 1, false), 0);
	assert_string_equal(mail_subject_text(m), "[PATCH\ufffd 1/2] t\ufffdx");
	assert_string_equal(mail_from(m)->name, "A\ufffdB");
	assert_string_equal(mail_from(m)->addr, "a@b\ufffdc");
	assert_int_equal(mail_to(m, &a), 2);
	assert_string_equal(a[0].addr, "x@y");
	assert_string_equal(a[1].addr, "z\ufffd@w");
	assert_string_equal(mail_message_id(m), "i@d");
	n = mail_warnings(m, &w);
	for (i = 0; i < n; i++)
		if (strstr(w[i], "NUL bytes in header"))
			nul++;
	assert_int_equal(nul, 3);
	assert_true(has_warning(
		m, "NUL bytes in header 'To' replaced with U+FFFD"));
	mail_free(m);
}

static void test_cr_only(void **state)
{
	static const char msg[] = "From: A <a@b.c>\rMessage-ID: <x@y>\r"
				  "Subject: [PATCH] s\r folded\r\rbody\rline\r";
	static const char mixed[] = "Subject: a\r\nFrom: b@c\r\n\r\nx\ry\r\n";
	struct mail *m = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mail_parse(&m, msg, sizeof(msg) - 1, false), 0);
	assert_string_equal(mail_subject_text(m), "[PATCH] s folded");
	assert_string_equal(mail_from(m)->addr, "a@b.c");
	assert_string_equal(mail_message_id(m), "x@y");
	assert_string_equal(mail_body(m, &len), "body\nline\n");
	assert_int_equal(len, 10);
	mail_free(m);
	/* with LFs, a lone CR is not a line end */
	m = parse_str(mixed);
	assert_string_equal(mail_subject_text(m), "a");
	assert_string_equal(mail_body(m, &len), "x\ry\n");
	mail_free(m);
}

static void test_many_words(void **state)
{
	static const char *const cs[] = {
		"iso-8859-2",	"iso-8859-3",  "iso-8859-4", "iso-8859-5",
		"iso-8859-7",	"iso-8859-9",  "koi8-r",     "koi8-u",
		"cp866",	"gbk",	       "big5",	     "euc-jp",
		"shift_jis",	"cp850",       "cp437",	     "windows-1250",
		"windows-1251", "iso-8859-13",
	};
	struct sbuf sb = SBUF_INIT, want = SBUF_INIT;
	const char *const *w;
	struct mail *m;
	size_t i, n, hits = 0;

	(void)state;
	/* 1001 words: the last is kept as written */
	sbuf_addstr(&sb, "From: a@b\nSubject:");
	for (i = 0; i < 1001; i++) {
		sbuf_addf(&sb, " =?%s?q?a?=", cs[i % 10]);
		if (i < 1000)
			sbuf_addch(&want, 'a');
	}
	sbuf_addf(&want, " =?%s?q?a?=", cs[1000 % 10]);
	sbuf_addstr(&sb, "\nX-Other: =?utf-8?q?b?=\n\nbody\n");
	m = parse_str(sb.buf);
	assert_string_equal(mail_subject_text(m), want.buf);
	assert_string_equal(mail_header(m, "X-Other"), "b");
	n = mail_warnings(m, &w);
	for (i = 0; i < n; i++)
		if (strstr(w[i], "more than 1000 encoded words in a header, "
				 "the rest kept as written"))
			hits++;
	assert_int_equal(hits, 1);
	assert_false(has_warning(m, "charset conversions"));
	mail_free(m);

	/* more charsets than are kept open: the opens are bounded */
	sbuf_reset(&sb);
	sbuf_reset(&want);
	sbuf_addstr(&sb, "From: a@b\nSubject:");
	for (i = 0; i < 500; i++) {
		sbuf_addf(&sb, " =?%s?q?a?=", cs[i % 18]);
		sbuf_addch(&want, 'a');
	}
	sbuf_addstr(&sb, "\n\nbody\n");
	m = parse_str(sb.buf);
	assert_string_equal(mail_subject_text(m), want.buf);
	assert_true(has_warning(
		m, "more than 64 charset conversions, the rest kept as is"));
	assert_false(has_warning(m, "unknown charset"));
	mail_free(m);
	sbuf_release(&sb);
	sbuf_release(&want);
}

static void test_quoted_local_part(void **state)
{
	static const char msg[] =
		"From: \"x,y\"@evil.org\nSubject: s\n"
		"To: \"john doe\"@x.org, Name <\"a\\\"b\"@x>, \"plain\"@x.org,\n"
		" \"a.b\"@x, <\"c d\" @ x (c)>, \"q,r\"@s (Real Name), .a@b\n"
		"\n";
	const struct mail_addr *a;
	struct mail *m;

	(void)state;
	m = parse_str(msg);
	assert_string_equal(mail_from(m)->addr, "\"x,y\"@evil.org");
	assert_string_equal(mail_from(m)->name, "");
	assert_int_equal(mail_to(m, &a), 7);
	assert_string_equal(a[0].addr, "\"john doe\"@x.org");
	assert_string_equal(a[1].addr, "\"a\\\"b\"@x");
	assert_string_equal(a[1].name, "Name");
	assert_string_equal(a[2].addr, "plain@x.org");
	assert_string_equal(a[3].addr, "a.b@x");
	assert_string_equal(a[4].addr, "\"c d\"@x");
	assert_string_equal(a[5].addr, "\"q,r\"@s");
	assert_string_equal(a[5].name, "Real Name");
	assert_string_equal(a[6].addr, "\".a\"@b");
	mail_free(m);
}

static void test_field_line_and_peek(void **state)
{
	static const char raw[] = "From x Mon Jan  1 00:00:00 2024\n"
				  "Subject: s\nMessage-Id:  <p@q> (c)\n"
				  "\nMessage-ID: <body@x>\n";
	char *id;

	(void)state;
	assert_true(mail_field_line("Subject: x\n", 11));
	assert_true(mail_field_line("X-Old : x\r\n", 11));
	assert_true(mail_field_line("Empty:", 6));
	assert_false(mail_field_line("From x@y Mon", 12));
	assert_false(mail_field_line(": x", 3));
	assert_false(mail_field_line("Bin: a\001b", 8));
	assert_false(mail_field_line("diff --git a/x b/x", 18));
	id = mail_peek_id(raw, sizeof(raw) - 1);
	assert_string_equal(id, "p@q");
	free(id);
	assert_null(mail_peek_id(raw, 40));
	assert_null(mail_peek_id("Subject: s\n\nMessage-ID: <b@x>\n", 32));
	assert_null(mail_peek_id("Message-ID: <a b@x>\n", 20));
}

/* A patch file with DEP-3 headers (Debian's debian/patches). */
static void test_dep3(void **state)
{
	struct mail *m = parse_fixture("dep3.patch", false);
	const struct mail_subject *si = mail_subject_info(m);
	const char *body;

	(void)state;
	assert_string_equal(mail_patch_subject(m),
			    "mm: say which zone ran out in the warning");
	assert_string_equal(si->title,
			    "mm: say which zone ran out in the warning");
	assert_false(si->patch);
	assert_string_equal(mail_subject_text(m), "");
	assert_null(mail_header(m, "Subject"));
	assert_string_equal(mail_patch_author(m)->name, "Ann Example");
	assert_string_equal(mail_patch_author(m)->addr, "ann@example.org");
	assert_null(mail_from(m));
	assert_string_equal(mail_header(m, "origin"), "vendor");
	assert_string_equal(mail_header(m, "Forwarded"), "not-needed");
	assert_string_equal(mail_header(m, "Bug-Debian"),
			    "https://bugs.example.org/1000001");
	assert_non_null(strstr(mail_header(m, "Description"),
			       "told apart. . Print the zone's name"));
	body = mail_body(m, NULL);
	assert_true(strncmp(body, "---\n mm/example.c | 2 +-\n", 25) == 0);
	assert_non_null(strstr(body, "\n--- a/mm/example.c\n+++ b/mm/example.c"
				     "\n@@ -20,7 +20,7 @@"));
	assert_true(has_warning(m, "no 'Subject' header, the first line of "
				   "'Description' names the patch"));
	assert_true(has_warning(m, "no 'From' header"));
	assert_true(has_warning(m, "no 'Message-ID' header"));
	assert_false(has_warning(m, "malformed"));
	mail_free(m);
}

static void test_dep3_variants(void **state)
{
	struct mail *m;

	(void)state;
	/* Subject and From (DEP-3 allows them) win; Author before From */
	m = parse_str("From: Sender <s@x>\nSubject: [PATCH] mm: s\n"
		      "Description: d\nAuthor: A <a@x>\nAuthor: B <b@x>\n\n"
		      "--- a/x\n");
	assert_string_equal(mail_patch_subject(m), "[PATCH] mm: s");
	assert_true(mail_subject_info(m)->patch);
	assert_string_equal(mail_patch_author(m)->addr, "a@x");
	assert_string_equal(mail_from(m)->addr, "s@x");
	assert_false(has_warning(m, "Subject"));
	mail_free(m);
	/* a name alone; a Description that starts on its second line */
	m = parse_str("Description:\n  =?utf-8?q?caf=C3=A9?= fix\n more\n"
		      "Author: Ann Example\n\n--- a/x\n");
	assert_string_equal(mail_patch_subject(m), "caf\u00e9 fix");
	assert_string_equal(mail_patch_author(m)->name, "Ann Example");
	assert_string_equal(mail_patch_author(m)->addr, "");
	mail_free(m);
	/* a mail: the patch's name and author are its Subject and From */
	m = parse_fixture("seed-patch.mbox", false);
	assert_string_equal(mail_patch_subject(m), mail_subject_text(m));
	assert_ptr_equal(mail_patch_author(m), mail_from(m));
	mail_free(m);
	/* neither */
	m = parse_str("X-A: b\n\nbody\n");
	assert_string_equal(mail_patch_subject(m), "");
	assert_null(mail_patch_author(m));
	mail_free(m);
	/* "---" ends a DEP-3 header quietly; other lines still warn */
	m = parse_str("Description: x\n--- a/x\n+++ b/x\n");
	assert_true(has_warning(m, "header line 2 is malformed"));
	assert_string_equal(mail_body(m, NULL), "--- a/x\n+++ b/x\n");
	mail_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_parse),
		cmocka_unit_test(test_seed_mbox_bytewise),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_encoded_word_edge),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_message_ids),
		cmocka_unit_test(test_duplicate_headers),
		cmocka_unit_test(test_missing_headers),
		cmocka_unit_test(test_folded_and_malformed_header),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_subject_parse),
		cmocka_unit_test(test_subject_tags_bounded),
		cmocka_unit_test(test_qp_latin1),
		cmocka_unit_test(test_qp_patch),
		cmocka_unit_test(test_base64_crlf),
		cmocka_unit_test(test_multipart_attach),
		cmocka_unit_test(test_multipart_nested),
		cmocka_unit_test(test_truncated_multipart),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_header_nuls),
		cmocka_unit_test(test_cr_only),
		cmocka_unit_test(test_many_words),
		cmocka_unit_test(test_quoted_local_part),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_trailers_b4),
		cmocka_unit_test(test_trailers_edge),
		cmocka_unit_test(test_header_too_long),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_parts_and_depth),
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_field_line_and_peek),
		cmocka_unit_test(test_dep3),
		cmocka_unit_test(test_dep3_variants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
