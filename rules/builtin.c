// SPDX-License-Identifier: GPL-2.0
/* The built-in rules: the C rules, one file each under rules/. */
#include "rule.h"
#include "util.h"

extern const struct rule rule_role_swap, rule_comment_mismatch;

static const struct rule *const builtin_rules[] = {
	&rule_role_swap,
	&rule_comment_mismatch,
};

struct rule_set *rule_set_new(void)
{
	struct rule_set *rs = rule_set_new_empty();
	size_t i;

	for (i = 0; i < sizeof(builtin_rules) / sizeof(builtin_rules[0]); i++)
		rule_set_add(rs, builtin_rules[i], NULL);
	return rs;
}
