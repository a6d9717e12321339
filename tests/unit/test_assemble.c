// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bot/assemble.c; run from the top of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testlib.h"

#include "assemble.h"
#include "lore.h"
#include "mail.h"
#include "sbuf.h"
#include "util.h"

#define T0 1700000000

static const char diff_body[] = "Do the thing.\n"
				"\n"
				"Signed-off-by: A <a@x.org>\n"
				"---\n"
				"diff --git a/mm/a.c b/mm/a.c\n"
				"--- a/mm/a.c\n"
				"+++ b/mm/a.c\n"
				"@@ -1 +1 @@\n"
				"-a\n"
				"+b\n";

struct msg {
	const char *from, *subject, *id, *irt, *refs, *body;
};

static char *render(const struct msg *m)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "From: %s\nTo: linux-mm@kvack.org\nSubject: %s\n",
		  m->from ? m->from : "Alice <alice@x.org>", m->subject);
	if (m->id)
		sbuf_addf(&sb, "Message-ID: <%s>\n", m->id);
	if (m->irt)
		sbuf_addf(&sb, "In-Reply-To: <%s>\n", m->irt);
	if (m->refs)
		sbuf_addf(&sb, "References: %s\n", m->refs);
	sbuf_addf(&sb, "\n%s", m->body ? m->body : diff_body);
	return sbuf_detach(&sb, NULL);
}

/* Add m seen at t; returns what the assembler made of it. */
static enum assemble_kind add_at(struct assemble *a, const struct msg *m,
				 time_t t)
{
	char *raw = render(m);
	struct mail *mail;
	enum assemble_kind kind;

	assert_int_equal(mail_parse(&mail, raw, strlen(raw), false), 0);
	assert_int_equal(
		assemble_add(a, mail, raw, strlen(raw), false, t, &kind), 0);
	free(raw);
	return kind;
}

static enum assemble_kind add(struct assemble *a, const struct msg *m)
{
	return add_at(a, m, T0);
}

static struct assemble *new_asm(long settle)
{
	struct assemble_opts o = { settle, NULL, 0 };
	struct assemble *a;

	assert_int_equal(assemble_new(&a, &o, NULL), 0);
	return a;
}

/* The series whose id is id, after grouping at now. */
static const struct assemble_series *find(struct assemble *a, const char *id,
					  size_t *index)
{
	size_t n = assemble_group(a, T0 + 1), i;

	for (i = 0; i < n; i++) {
		if (!strcmp(assemble_at(a, i)->id, id)) {
			if (index)
				*index = i;
			return assemble_at(a, i);
		}
	}
	fail_msg("no series '%s'", id);
	return NULL;
}

static const char *part_id(const struct assemble_series *s, size_t k)
{
	return s->parts[k] ? mail_message_id(s->parts[k]) : "(missing)";
}

static void test_single_patch(void **state)
{
	struct assemble *a = new_asm(600);
	const struct assemble_series *s;
	struct msg p = { NULL, "[PATCH] mm: fix", "one@x.org" };

	(void)state;
	assert_int_equal(add(a, &p), ASSEMBLE_PATCH);
	assert_int_equal(assemble_group(a, T0), 1);
	s = assemble_at(a, 0);
	assert_int_equal(s->status, ASSEMBLE_READY);
	assert_true(s->complete);
	assert_int_equal(s->total, 0);
	assert_int_equal(s->nparts, 1);
	assert_null(s->cover);
	assert_string_equal(s->id, "one@x.org");
	assert_string_equal(s->from, "alice@x.org");
	assemble_free(a);
}

static const struct msg v1[] = {
	{ NULL, "[PATCH 0/3] mm: swap things", "c1@x.org", NULL, NULL,
	  "Cover.\n\nbase-commit: 0123456789abcdef0123456789abcdef01234567\n" },
	{ NULL, "[PATCH 1/3] mm: one", "p1@x.org", "c1@x.org", "<c1@x.org>" },
	{ NULL, "[PATCH 2/3] mm: two", "p2@x.org", "c1@x.org", "<c1@x.org>" },
	{ NULL, "[PATCH 3/3] mm: three", "p3@x.org", "c1@x.org", "<c1@x.org>" },
};

static void test_series_any_order(void **state)
{
	static const size_t order[] = { 3, 1, 0, 2 };
	struct assemble *a = new_asm(600);
	const struct assemble_series *s;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(add(a, &v1[order[i]]),
				 order[i] ? ASSEMBLE_PATCH : ASSEMBLE_COVER);
	assert_int_equal(assemble_group(a, T0), 1);
	s = find(a, "c1@x.org", NULL);
	assert_int_equal(s->status, ASSEMBLE_READY);
	assert_int_equal(s->total, 3);
	assert_int_equal(s->npresent, 3);
	assert_string_equal(part_id(s, 0), "p1@x.org");
	assert_string_equal(part_id(s, 1), "p2@x.org");
	assert_string_equal(part_id(s, 2), "p3@x.org");
	assert_string_equal(mail_message_id(s->cover), "c1@x.org");
	assert_string_equal(s->base_commit,
			    "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(s->subject, "[PATCH 0/3] mm: swap things");
	assemble_free(a);
}

static void test_deep_threading_no_cover(void **state)
{
	static const struct msg deep[] = {
		{ NULL, "[PATCH v3 1/3] mm: one", "d1@x.org" },
		{ NULL, "[PATCH v3 2/3] mm: two", "d2@x.org", "d1@x.org",
		  "<d1@x.org>" },
		{ NULL, "[PATCH v3 3/3] mm: three", "d3@x.org", "d2@x.org",
		  "<d1@x.org> <d2@x.org>" },
	};
	struct assemble *a = new_asm(600);
	const struct assemble_series *s;
	size_t i;

	(void)state;
	for (i = 3; i-- > 0;)
		add(a, &deep[i]);
	assert_int_equal(assemble_group(a, T0), 1);
	s = assemble_at(a, 0);
	assert_true(s->complete);
	assert_int_equal(s->version, 3);
	assert_null(s->cover);
	assert_string_equal(s->id, "d1@x.org");
	assert_string_equal(part_id(s, 2), "d3@x.org");
	assemble_free(a);
}

static void test_incomplete_settles(void **state)
{
	struct assemble *a = new_asm(600);
	const struct assemble_series *s;
	char missing[64];

	(void)state;
	add_at(a, &v1[0], T0);
	add_at(a, &v1[1], T0 + 10);
	add_at(a, &v1[3], T0 + 20);
	assert_int_equal(assemble_group(a, T0 + 20 + 599), 1);
	s = assemble_at(a, 0);
	assert_int_equal(s->status, ASSEMBLE_WAITING);
	assert_false(s->complete);
	assert_int_equal(s->last_seen, T0 + 20);
	assemble_missing(s, missing, sizeof(missing));
	assert_string_equal(missing, "2/3");
	assert_int_equal(assemble_group(a, T0 + 20 + 600), 1);
	s = assemble_at(a, 0);
	assert_int_equal(s->status, ASSEMBLE_SETTLED);
	assert_null(s->parts[1]);
	assert_int_equal(s->npresent, 2);
	assemble_free(a);
}

static const struct msg v2[] = {
	{ NULL, "[PATCH v2 0/3] mm: swap  THINGS", "c2@x.org", "c1@x.org",
	  "<c1@x.org>", "Cover v2.\n" },
	{ NULL, "[PATCH v2 1/3] mm: one", "q1@x.org", "c2@x.org",
	  "<c1@x.org> <c2@x.org>" },
	{ NULL, "[PATCH v2 2/3] mm: two", "q2@x.org", "c2@x.org",
	  "<c1@x.org> <c2@x.org>" },
	{ NULL, "[PATCH v2 3/3] mm: three", "q3@x.org", "c2@x.org",
	  "<c1@x.org> <c2@x.org>" },
};

static void test_newer_version_supersedes(void **state)
{
	struct assemble *a = new_asm(600);
	const struct assemble_series *s1, *s2;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		add(a, &v1[i]);
	for (i = 0; i < 2; i++)
		add(a, &v2[i]);
	assert_int_equal(assemble_group(a, T0), 2);
	s1 = find(a, "c1@x.org", NULL);
	s2 = find(a, "c2@x.org", NULL);
	/* v2 replies to v1's cover, but is a series of its own */
	assert_int_equal(s2->version, 2);
	assert_int_equal(s2->npresent, 1);
	assert_int_equal(s2->status, ASSEMBLE_WAITING);
	assert_int_equal(s1->status, ASSEMBLE_SUPERSEDED);
	assert_true(s1->complete);
	assert_ptr_equal(s1->superseded_by, s2);
	assemble_free(a);
}

static void test_change_id_supersedes(void **state)
{
	struct msg old = { NULL, "[PATCH] mm: old name", "o@x.org", NULL, NULL,
			   NULL };
	struct msg new = { "Bob <bob@x.org>", "[PATCH v2] mm: new name",
			   "n@x.org" };
	struct msg other = { "Carol <carol@x.org>", "[PATCH v2] mm: old name",
			     "z@x.org" };
	struct sbuf body = SBUF_INIT;
	struct assemble *a = new_asm(600);

	(void)state;
	sbuf_addf(&body, "%s\nchange-id: 20250101-thing-1234\n", diff_body);
	old.body = new.body = body.buf;
	add(a, &old);
	add(a, &other);
	assert_int_equal(find(a, "o@x.org", NULL)->status, ASSEMBLE_READY);
	/* same change-id, another sender and subject */
	add(a, &new);
	assert_int_equal(find(a, "o@x.org", NULL)->status, ASSEMBLE_SUPERSEDED);
	assert_string_equal(find(a, "o@x.org", NULL)->superseded_by->id,
			    "n@x.org");
	assert_int_equal(find(a, "z@x.org", NULL)->status, ASSEMBLE_READY);
	assemble_free(a);
	sbuf_release(&body);
}

static void test_what_is_not_a_series(void **state)
{
	static const char *const ignore[] = { "Bot@Example.org" };
	struct assemble_opts o = { 600, ignore, 1 };
	struct msg re = { NULL, "Re: [PATCH 1/3] mm: one", "r@x.org",
			  "p1@x.org" };
	struct msg chat = { NULL, "mm: a question",    "q@x.org", NULL,
			    NULL, "What about this?\n" };
	struct msg nodiff = { NULL, "[PATCH] mm: no diff", "nd@x.org", NULL,
			      NULL, "Just words.\n" };
	struct msg noid = { NULL, "[PATCH] mm: fix" };
	struct msg bot = { "bot@example.org", "[PATCH] mm: fix", "b@x.org" };
	struct msg rfc = { NULL, "[RFC PATCH net-next v4 2/5] net: x",
			   "rfc@x.org" };
	struct msg aw = { NULL, "AW: [PATCH] mm: fix", "aw@x.org" };
	struct assemble *a;
	const struct assemble_series *s;

	(void)state;
	assert_int_equal(assemble_new(&a, &o, NULL), 0);
	assert_int_equal(add(a, &re), ASSEMBLE_REPLY);
	assert_int_equal(add(a, &aw), ASSEMBLE_REPLY);
	assert_int_equal(add(a, &chat), ASSEMBLE_OTHER);
	assert_int_equal(add(a, &nodiff), ASSEMBLE_OTHER);
	assert_int_equal(add(a, &noid), ASSEMBLE_OTHER);
	assert_int_equal(add(a, &bot), ASSEMBLE_IGNORED);
	assert_int_equal(add(a, &rfc), ASSEMBLE_PATCH);
	assert_int_equal(assemble_pending(a), 1);
	assert_int_equal(assemble_group(a, T0), 1);
	s = assemble_at(a, 0);
	assert_int_equal(s->version, 4);
	assert_int_equal(s->total, 5);
	assert_string_equal(part_id(s, 1), "rfc@x.org");
	assemble_free(a);
}

static void test_other_sender_or_version_apart(void **state)
{
	struct msg mallory = { "Mallory <m@x.org>", "[PATCH 2/3] mm: two",
			       "m2@x.org", "c1@x.org", "<c1@x.org>" };
	struct msg v5 = { NULL, "[PATCH v5 3/3] mm: three", "v5@x.org",
			  "c1@x.org", "<c1@x.org>" };
	struct assemble *a = new_asm(600);

	(void)state;
	add(a, &v1[0]);
	add(a, &v1[1]);
	add(a, &mallory);
	add(a, &v5);
	assert_int_equal(assemble_group(a, T0), 3);
	assert_int_equal(find(a, "c1@x.org", NULL)->npresent, 1);
	assert_null(find(a, "c1@x.org", NULL)->parts[1]);
	assemble_free(a);
}

static void test_take_duplicates_late(void **state)
{
	struct assemble *a = new_asm(600);
	struct mail *mails[4];
	size_t i;

	(void)state;
	add(a, &v1[0]);
	add(a, &v1[1]);
	add(a, &v1[2]);
	assert_int_equal(add(a, &v1[1]), ASSEMBLE_DUPLICATE);
	assert_int_equal(assemble_pending(a), 3);
	find(a, "c1@x.org", &i);
	assert_int_equal(assemble_take(a, i, mails), 0);
	assert_int_equal(assemble_take(a, i, mails), MMR_EINVAL);
	assert_string_equal(mail_message_id(mails[0]), "c1@x.org");
	assert_string_equal(mail_message_id(mails[1]), "p1@x.org");
	assert_string_equal(mail_message_id(mails[2]), "p2@x.org");
	assert_null(mails[3]);
	for (i = 0; i < 4; i++)
		mail_free(mails[i]);
	assert_int_equal(assemble_pending(a), 0);
	assert_int_equal(add(a, &v1[3]), ASSEMBLE_LATE);
	assert_int_equal(add(a, &v1[2]), ASSEMBLE_DUPLICATE);
	/* a new version is not late */
	assert_int_equal(add(a, &v2[1]), ASSEMBLE_PATCH);
	assert_int_equal(assemble_group(a, T0), 1);
	assemble_free(a);
}

static void test_store_keeps_the_pool(void **state)
{
	static const char *const ignore[] = { "alice@x.org" };
	char dir[] = "/tmp/mmreview-assemble.XXXXXX";
	struct assemble_opts o = { 600, NULL, 0 };
	struct lore_store *st;
	struct assemble *a;
	struct sbuf cmd = SBUF_INIT;
	const struct assemble_series *s;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(lore_store_open_dir(&st, dir), 0);
	assert_int_equal(assemble_new(&a, &o, st), 0);
	add_at(a, &v1[1], T0 + 5);
	add_at(a, &v1[0], T0);
	assemble_free(a);

	/* the next run has them, in the order they arrived */
	assert_int_equal(assemble_new(&a, &o, st), 0);
	assert_int_equal(assemble_pending(a), 2);
	add_at(a, &v1[2], T0 + 10);
	add_at(a, &v1[3], T0 + 10);
	s = find(a, "c1@x.org", &i);
	assert_int_equal(s->status, ASSEMBLE_READY);
	assert_int_equal(s->last_seen, T0 + 10);
	assert_int_equal(assemble_take(a, i, NULL), 0);
	assemble_free(a);

	/* and then know it was taken out */
	assert_int_equal(assemble_new(&a, &o, st), 0);
	assert_int_equal(assemble_pending(a), 0);
	assert_int_equal(add(a, &v1[2]), ASSEMBLE_DUPLICATE);
	add_at(a, &v2[1], T0 + 20);
	assemble_free(a);

	/* a sender ignored since: dropped from the store too */
	o.ignore_from = ignore;
	o.nignore_from = 1;
	assert_int_equal(assemble_new(&a, &o, st), 0);
	assert_int_equal(assemble_pending(a), 0);
	assemble_free(a);
	o.nignore_from = 0;
	assert_int_equal(assemble_new(&a, &o, st), 0);
	assert_int_equal(assemble_pending(a), 0);
	assemble_free(a);
	lore_store_free(st);
	sbuf_addf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.buf), 0);
	sbuf_release(&cmd);
}

static void test_bounds(void **state)
{
	struct msg big = { NULL, "[PATCH 1/1000] mm: too many", "big@x.org" };
	struct msg zero = { NULL, "[PATCH 0/0] mm: nothing", "z@x.org" };
	struct msg odd = { NULL, "[PATCH 4/3] mm: past the end", "o@x.org" };
	struct assemble *a = new_asm(0);

	(void)state;
	assert_int_equal(add(a, &big), ASSEMBLE_OTHER);
	/* not M/T: a single patch with words in its brackets */
	assert_int_equal(add(a, &zero), ASSEMBLE_PATCH);
	assert_int_equal(add(a, &odd), ASSEMBLE_PATCH);
	assert_int_equal(assemble_group(a, T0), 2);
	assert_int_equal(assemble_at(a, 0)->total, 0);
	assemble_free(a);
}

static void test_pool_limit(void **state)
{
	struct assemble *a = new_asm(600);
	struct mail *m;
	enum assemble_kind kind;
	char raw[256];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i <= ASSEMBLE_MAX_PENDING; i++) {
		n = snprintf(raw, sizeof(raw),
			     "From: a@x.org\nSubject: [PATCH 1/2] p%zu\n"
			     "Message-ID: <%zu@x.org>\n\nx\n",
			     i, i);
		assert_int_equal(mail_parse(&m, raw, n, false), 0);
		assert_int_equal(assemble_add(a, m, raw, n, false, T0, &kind),
				 i < ASSEMBLE_MAX_PENDING ? 0 : MMR_ELIMIT);
	}
	assert_int_equal(assemble_pending(a), ASSEMBLE_MAX_PENDING);
	assert_int_equal(assemble_group(a, T0), ASSEMBLE_MAX_PENDING);
	assemble_free(a);
}

/* assemble_parse() reads bodies only where they can matter. */
static void test_parse_as_needed(void **state)
{
	struct msg re = { NULL, "Re: [PATCH 1/3] mm: one", "r@x.org",
			  "p1@x.org" };
	/* "[PATCH] mm: fix" as an encoded word: no guess, the parse decides */
	struct msg enc = { NULL,
			   "=?utf-8?q?=5BPATCH=5D_mm=3A_fix?=", "e@x.org" };
	struct assemble *a = new_asm(600);
	enum assemble_kind kind;
	struct mail *m;
	size_t len, i;
	char *raw;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct msg *w = i == 0 ? &re : i == 1 ? &enc : &v1[1];

		raw = render(w);
		assert_int_equal(assemble_parse(a, &m, raw, strlen(raw), false),
				 0);
		mail_body(m, &len);
		/* a reply without its body; patches whole */
		assert_int_equal(len == 0, i == 0);
		assert_int_equal(assemble_add(a, m, raw, strlen(raw), false, T0,
					      &kind),
				 0);
		assert_int_equal(kind,
				 i == 0 ? ASSEMBLE_REPLY : ASSEMBLE_PATCH);
		free(raw);
	}
	raw = xstrdup("no headers at all");
	assert_int_equal(assemble_parse(a, &m, raw, strlen(raw), false),
			 MMR_EINVAL);
	free(raw);
	assemble_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_patch),
		cmocka_unit_test(test_series_any_order),
		cmocka_unit_test(test_deep_threading_no_cover),
		cmocka_unit_test(test_incomplete_settles),
		cmocka_unit_test(test_newer_version_supersedes),
		cmocka_unit_test(test_change_id_supersedes),
		cmocka_unit_test(test_what_is_not_a_series),
		cmocka_unit_test(test_other_sender_or_version_apart),
		cmocka_unit_test(test_take_duplicates_late),
		cmocka_unit_test(test_store_keeps_the_pool),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_pool_limit),
		cmocka_unit_test(test_parse_as_needed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
