// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for query rule files, which may come from a stranger's
 * tree: the header parser and the query compiler (rule_query_new()), then
 * the query alone run with its predicates over a small fixed function, as
 * a rule runs it. Each must stay in its bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cquery.h"
#include "csrc.h"
#include "rule.h"

static const char code[] =
	"static bool vma_needs_copy(struct vm_area_struct *dst_vma,\n"
	"\t\t\t   struct vm_area_struct *src_vma)\n"
	"{\n"
	"\t/* dst_vma has uffd-wp */\n"
	"\tif (userfaultfd_wp(dst_vma) && (src_vma->vm_flags & VM_PFNMAP))\n"
	"\t\treturn true;\n"
	"\tvma->vm_flags |= VM_SOFTDIRTY;\n"
	"\tBUG_ON(!src_vma->anon_vma);\n"
	"\treturn !!(src_vma->anon_vma);\n"
	"}\n";

static const char *const custom[] = { "in-function?", "in-file?",
				      "macro-contains?", NULL };

static struct csrc *cs;
static volatile size_t sink;

static void count_problem(const struct rule_problem *p, void *payload)
{
	(void)payload;
	sink += p->line + p->column + strlen(p->message);
}

static int count_match(const struct cquery_match *m, void *payload)
{
	(void)payload;
	sink += m->n + m->end - m->start;
	return 0;
}

/* The caller's predicates hold every other time. */
static int alternate(const struct cquery_match *m, const struct cquery_pred *p,
		     void *payload)
{
	(void)payload;
	return (int)((m->start + p->index) & 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule *r = NULL;
	struct cquery *q = NULL;
	unsigned line, column;

	if (!cs && csrc_parse(&cs, code, strlen(code)))
		abort();
	if (!rule_query_new(&r, "fuzz.scm", (const char *)data, size,
			    count_problem, NULL)) {
		sink += strlen(r->id) + strlen(r->doc) + r->severity;
		r->free(r);
	}
	if (!cquery_new(&q, (const char *)data, size, custom, &line, &column)) {
		sink += cquery_capture_count(q);
		cquery_run(q, cs, 0, (uint32_t)strlen(code), alternate,
			   count_match, NULL);
		cquery_free(q);
	}
	return 0;
}
