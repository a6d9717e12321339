// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the review of a patch without a tree: the diff is
 * parsed, each file's hunks framed as C (fragment.c) and parsed into the
 * change model, and the built-in rules run over it. Hostile hunks reach
 * all of it from a mailing list.
 */
#include <stdint.h>
#include <stdlib.h>

#include "change.h"
#include "diff.h"
#include "rule.h"

static volatile size_t sink;
/* Made once: the rules keep what they load (dictionaries) for the set. */
static struct rule_set *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rules = rule_set_new();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule_findings *findings = NULL;
	struct change_set *set;
	struct diff *d = NULL;
	size_t i, v = 0;

	if (diff_parse(&d, (const char *)data, size) < 0)
		return 0;
	set = change_set_new();
	change_set_set_patch(set, "fuzz", (const char *)data,
			     size < 4096 ? size : 4096);
	for (i = 0; i < diff_nfiles(d); i++)
		change_set_add_file(set, diff_file(d, i), NULL, 0, NULL, 0,
				    CHANGE_FROM_HUNKS, NULL);
	for (i = 0; i < change_set_count(set); i++) {
		const struct change *c = change_set_at(set, i);

		v += change_file_line(c, CHANGE_NEW, 1) +
		     change_file_line(c, CHANGE_OLD, 1);
	}
	rule_set_run(rules, set, &findings);
	if (findings)
		v += rule_findings_count(findings);
	sink = v;
	rule_findings_free(findings);
	change_set_free(set);
	diff_free(d);
	return 0;
}
