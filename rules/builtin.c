// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in rules: the C rules, one file each under rules/, and the
 * query rules shipped in rules/query/, compiled into the binary.
 */
#include <string.h>

#include "rule.h"
#include "util.h"

extern const struct rule rule_role_swap, rule_comment_mismatch;
extern const struct rule rule_fixes_tag;
extern const struct rule rule_condition_flip, rule_no_functional_change;
extern const struct rule rule_sleep_in_atomic;
extern const struct rule rule_lock_imbalance, rule_ref_leak;

static const struct rule *const builtin_rules[] = {
	&rule_role_swap,
	&rule_comment_mismatch,
	&rule_fixes_tag,
	&rule_condition_flip,
	&rule_no_functional_change,
	&rule_sleep_in_atomic,
	&rule_lock_imbalance,
	&rule_ref_leak,
};

/* Generated from rules/query/ *.scm by mk/embed-rules.sh. */
struct rule__shipped {
	const char *path;
	const char *text;
};
extern const struct rule__shipped rule__shipped[];
extern const size_t rule__nshipped;

struct rule_set *rule_set_new(void)
{
	struct rule_set *rs = rule_set_new_empty();
	size_t i;

	struct rule *r;

	for (i = 0; i < sizeof(builtin_rules) / sizeof(builtin_rules[0]); i++)
		rule_set_add(rs, builtin_rules[i], NULL);
	r = rule_spelling_new();
	if (rule_set_add(rs, r, NULL) < 0)
		r->free(r);
	return rs;
}

int rule_set_load_shipped(struct rule_set *rs, rule_problem_fn fn,
			  void *payload)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < rule__nshipped; i++) {
		const struct rule__shipped *s = &rule__shipped[i];

		if (rule_set_add_query(rs, s->path, s->text, strlen(s->text),
				       "built-in", 0, fn, payload) < 0)
			ret = MMR_EINVAL;
	}
	return ret;
}
