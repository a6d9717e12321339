// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the C layer: hostile C from a list goes through
 * csrc_parse(), then every walk a rule makes over it (definitions,
 * conditions, comments, expansions). Each must stay in its bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"

static volatile size_t sink;

static size_t walk_defs(const struct csrc *cs)
{
	const struct csrc_def *defs;
	size_t i, n = csrc_defs(cs, &defs), v = n;
	struct csrc_expansion e;

	for (i = 0; i < n; i++) {
		v += strlen(defs[i].name) + defs[i].start_line;
		v += csrc_def_at(cs, defs[i].start) != NULL;
		if (!csrc_expansion_find(cs, defs[i].name, &e)) {
			v += e.nparams + strlen(e.body);
			csrc_expansion_release(&e);
		}
	}
	return v;
}

static size_t walk_conditions(const struct csrc *cs, uint32_t len)
{
	struct csrc_cond *conds;
	struct csrc_comment *cms;
	size_t i, n = csrc_conditions(cs, 0, len, &conds), v = n;
	TSNode *ids;

	for (i = 0; i < n; i++) {
		char *t = csrc_node_text(cs, conds[i].expr);

		v += strlen(t) + conds[i].kind;
		free(t);
	}
	free(conds);
	n = csrc_comments(cs, 0, len, &cms);
	for (i = 0; i < n; i++)
		v += cms[i].end_line - cms[i].start_line;
	free(cms);
	v += csrc_find_nodes(cs, csrc_root(cs), "identifier", &ids);
	free(ids);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csrc *cs = NULL, *ex = NULL;
	size_t errors, missing, len;
	TSNode expr;

	if (!csrc_parse(&cs, (const char *)data, size)) {
		csrc_text(cs, &len);
		csrc_errors(cs, &errors, &missing);
		sink = walk_defs(cs) + walk_conditions(cs, (uint32_t)len) +
		       errors + missing + csrc_nlines(cs) +
		       csrc_line_of(cs, (uint32_t)len);
		csrc_free(cs);
	}
	/* Macro bodies and helper returns are parsed on their own too. */
	if (!csrc_parse_expression(&ex, &expr, (const char *)data, size))
		sink += ts_node_end_byte(expr);
	csrc_free(ex);
	return 0;
}
