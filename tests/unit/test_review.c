// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bot/review.c, the review façade: a series reviewed the
 * way check, am and the daemon do it, with no command-line code linked
 * (the Makefile keeps bot/cli.c and bot/cmd-*.c out of libmmr.a).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "review.h"
#include "rule.h"
#include "sbuf.h"
#include "series.h"
#include "source.h"
#include "testlib.h"
#include "util.h"

#define SEED "tests/fixtures/seed-case/patch.mbox"

/* What the callbacks heard, through their payload. */
struct heard {
	struct sbuf warnings;
	size_t nwarnings;
	size_t progress_calls, last_done, last_total;
};

static void on_warn(const char *msg, void *payload)
{
	struct heard *h = payload;

	sbuf_addf(&h->warnings, "%s\n", msg);
	h->nwarnings++;
}

static void on_progress(size_t done, size_t total, void *payload)
{
	struct heard *h = payload;

	h->progress_calls++;
	h->last_done = done;
	h->last_total = total;
}

static struct rule_set *default_rules(void)
{
	struct config *cfg;
	struct rule_set *rs;

	assert_int_equal(config_new(&cfg), 0);
	assert_int_equal(review_rules_load(&rs, cfg, NULL, NULL), 0);
	config_free(cfg);
	return rs;
}

/* A scratch file holding text; the caller unlinks and frees the name. */
static char *scratch(const char *text)
{
	char *name = xstrdup("/tmp/mmreview-test-review.XXXXXX");
	int fd = mkstemp(name);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return name;
}

static void test_rules_from_config(void **state)
{
	struct heard h = { SBUF_INIT, 0, 0, 0, 0 };
	struct config *cfg;
	struct rule_set *rs;

	(void)state;
	assert_int_equal(config_new(&cfg), 0);
	assert_int_equal(
		config_add_override(cfg, "rule.role-swap.severity=error"), 0);
	assert_int_equal(
		config_add_override(cfg, "rule.comment-mismatch.enabled=no"),
		0);
	assert_int_equal(config_add_override(cfg, "rule.nope.enabled=no"), 0);
	assert_int_equal(review_rules_load(&rs, cfg, on_warn, &h), 0);
	assert_int_equal(rule_set_severity(rs, "role-swap"), RULE_ERROR);
	assert_false(rule_set_enabled(rs, "comment-mismatch"));
	/* The unknown rule only warns, with its origin and no "::". */
	assert_int_equal(h.nwarnings, 1);
	assert_non_null(strstr(h.warnings.buf, "no rule 'nope'"));
	assert_non_null(strstr(h.warnings.buf, "command line"));
	assert_null(strstr(h.warnings.buf, "::"));
	rule_set_free(rs);
	config_free(cfg);
	sbuf_release(&h.warnings);
}

static void test_rules_bad_value(void **state)
{
	struct config *cfg;
	struct rule_set *rs = (struct rule_set *)1;

	(void)state;
	assert_int_equal(config_new(&cfg), 0);
	assert_int_equal(
		config_add_override(cfg, "rule.role-swap.severity=loud"), 0);
	assert_int_equal(review_rules_load(&rs, cfg, NULL, NULL), MMR_EINVAL);
	assert_null(rs);
	assert_non_null(strstr(mmr_error_last(), "rule.role-swap.severity"));
	config_free(cfg);
}

/* The seed patch without a tree: both findings, every file partial. */
static void test_series_without_tree(void **state)
{
	struct heard h = { SBUF_INIT, 0, 0, 0, 0 };
	struct review_hooks hooks = { on_warn, on_progress, &h };
	const char *paths[] = { SEED };
	struct rule_set *rs = default_rules();
	struct series *s = series_new();
	const struct series_patch *p;
	size_t i;

	(void)state;
	assert_int_equal(review_add_files(s, paths, 1, &hooks), 0);
	assert_int_equal(series_count(s), 1);
	assert_int_equal(review_run(s, rs, NULL, &hooks), 0);
	p = series_at(s, 0);
	assert_null(p->error);
	assert_int_equal(series_findings(s, RULE_INFO), 2);
	assert_int_equal(p->nfiles, 2);
	for (i = 0; i < p->nfiles; i++) {
		assert_true(p->files[i].reviewed);
		assert_true(p->files[i].partial);
		assert_int_equal(p->files[i].why, SERIES_NO_TREE);
		assert_int_equal(p->files[i].origin, CHANGE_FROM_HUNKS);
		assert_non_null(strstr(p->files[i].reason, "no kernel tree"));
	}
	assert_int_equal(h.progress_calls, 2);
	assert_int_equal(h.last_done, 2);
	assert_int_equal(h.last_total, 2);
	assert_int_equal(series_skip_count(s), 0);
	series_free(s);
	rule_set_free(rs);
	sbuf_release(&h.warnings);
}

/* With Debian's 6.1 tree: the exact pre-image blobs. */
static void test_series_with_tree(void **state)
{
	const char *paths[] = { SEED };
	struct rule_set *rs;
	struct series *s;
	struct source *tree;
	const struct series_patch *p;
	size_t i;

	(void)state;
	if (!test_have_kernel())
		skip();
	assert_int_equal(review_tree_open(&tree, TEST_KERNEL_61), 0);
	rs = default_rules();
	s = series_new();
	assert_int_equal(review_add_files(s, paths, 1, NULL), 0);
	assert_int_equal(review_run(s, rs, tree, NULL), 0);
	p = series_at(s, 0);
	assert_int_equal(series_findings(s, RULE_INFO), 2);
	for (i = 0; i < p->nfiles; i++) {
		assert_false(p->files[i].partial);
		assert_int_equal(p->files[i].why, SERIES_FULL);
		assert_int_equal(p->files[i].origin, CHANGE_FROM_BLOB);
		assert_null(p->files[i].reason);
	}
	series_free(s);
	rule_set_free(rs);
	source_free(tree);
}

static void test_kernel_tree(void **state)
{
	struct source *tree = NULL;
	char *found;

	(void)state;
	assert_false(review_is_kernel_tree("tests"));
	assert_int_equal(review_tree_open(&tree, "tests"), MMR_ENOTFOUND);
	assert_null(tree);
	assert_non_null(strstr(mmr_error_last(), "not a kernel tree"));
	assert_int_equal(review_tree_open(&tree, "no/such/dir"), MMR_ENOTFOUND);
	found = review_find_tree("tests/unit");
	assert_null(found);
	if (!test_have_kernel())
		return;
	assert_true(review_is_kernel_tree(TEST_KERNEL_61));
	found = review_find_tree(TEST_KERNEL_61 "mm");
	assert_non_null(found);
	assert_non_null(strstr(found, "build/kernel/6.1"));
	assert_true(review_is_kernel_tree(found));
	free(found);
}

/* git diff output: one patch named after the file, no mail needed. */
static void test_plain_diff(void **state)
{
	char *text = test_need_file("tests/fixtures/diff/plain.patch", NULL);
	char *name = scratch(text);
	const char *paths[] = { name };
	struct series *s = series_new();

	(void)state;
	assert_int_equal(review_add_files(s, paths, 1, NULL), 0);
	assert_int_equal(series_count(s), 1);
	assert_string_equal(series_at(s, 0)->subject, name);
	assert_null(series_at(s, 0)->mail);
	assert_non_null(series_at(s, 0)->diff);
	series_free(s);
	unlink(name);
	free(name);
	free(text);
}

/* Empty input, no patch in it, a directory: said, with what was wanted. */
static void test_nothing_to_review(void **state)
{
	char *empty = scratch("");
	char *mail = scratch("From: a@example.org\nSubject: hi\n"
			     "Message-ID: <hi@example.org>\n\nhello\n");
	char *text = scratch("Just words, no diff.\n");
	const char *paths[] = { empty, mail, text };
	const char *dir[] = { "tests" };
	struct series *s = series_new();

	(void)state;
	assert_int_equal(review_add_files(s, paths, 3, NULL), 0);
	assert_int_equal(series_count(s), 0);
	assert_int_equal(series_skip_errors(s), 3);
	assert_int_equal(series_skip_count(s), 4);
	assert_non_null(strstr(series_skip_at(s, 0)->reason, "is empty"));
	assert_string_equal(series_skip_at(s, 1)->reason,
			    "message without a diff");
	assert_string_equal(series_skip_at(s, 1)->message_id, "hi@example.org");
	assert_non_null(strstr(series_skip_at(s, 2)->reason, "no patch in"));
	assert_non_null(strstr(series_skip_at(s, 2)->reason, "expected"));
	assert_non_null(strstr(series_skip_at(s, 3)->reason, "no patch in"));
	series_free(s);
	s = series_new();
	assert_int_equal(review_add_files(s, dir, 1, NULL), MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "is a directory"));
	series_free(s);
	unlink(empty);
	unlink(mail);
	unlink(text);
	free(text);
	free(empty);
	free(mail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_from_config),
		cmocka_unit_test(test_rules_bad_value),
		cmocka_unit_test(test_series_without_tree),
		cmocka_unit_test(test_series_with_tree),
		cmocka_unit_test(test_kernel_tree),
		cmocka_unit_test(test_plain_diff),
		cmocka_unit_test(test_nothing_to_review),
	};

	return cmocka_run_group_tests_name("review", tests, NULL, NULL);
}
