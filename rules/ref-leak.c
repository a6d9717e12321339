// SPDX-License-Identifier: GPL-2.0
/*
 * ref-leak: a new early exit after a reference is taken (folio_get(),
 * mmget(), ...) that does not drop it, where the existing exits do.
 */
#include <stdio.h>
#include <stdlib.h>

#include "flow.h"
#include "rule.h"
#include "util.h"

/* "Is a folio_put() missing?" (buf) */
static const char *question(const struct flow_leak *l, char *buf, size_t size)
{
	snprintf(buf, size, "Is a %s() missing?",
		 l->rel ? l->rel->op : l->acq->family->release);
	return buf;
}

static int ref_leak_check(const struct rule *self __maybe_unused,
			  struct rule_ctx *ctx, const struct change *c)
{
	struct flow_walk nw = FLOW_WALK_INIT;
	struct flow_leak *leaks = NULL;
	char q[128];
	int i, n, err = 0;

	if (change_kind(c) != CSRC_FUNCTION || !change_def(c, CHANGE_NEW))
		return 0;
	n = flow_new_leaks(c, FLOW_REF, &nw, &leaks);
	/* Past a bound the walk is not trusted: say nothing. */
	if (n < 0)
		err = n == MMR_ELIMIT ? 0 : n;
	for (i = 0; i < n && !err; i++)
		err = flow_report_leak(ctx, c, &leaks[i], "dropped",
				       question(&leaks[i], q, sizeof(q)));
	free(leaks);
	flow_walk_release(&nw);
	return err;
}

const struct rule rule_ref_leak = {
	.version = RULE_VERSION,
	.id = "ref-leak",
	.severity = RULE_WARNING,
	.summary = "a new early exit after a get does not drop the reference",
	.doc = "What: in a changed function, the patch adds a return, a goto\n"
	       "or a break out of a loop after a reference is taken -\n"
	       "folio_get(), folio_try_get(), get_page(), mmget(), mmgrab(),\n"
	       "get_task_mm(), kref_get(), get_task_struct(), css_get(),\n"
	       "get_file() - and that exit leaves without the put, while the\n"
	       "existing exits after the get drop it. The function is walked in\n"
	       "order, branch by branch: a goto to a label that puts is fine, a\n"
	       "failed try-get (if (!folio_try_get(folio)) return;) holds\n"
	       "nothing. An exit that hands the reference on is no leak: it\n"
	       "returns the object or a pointer, or the result of a call that\n"
	       "goes on with it; the call right before it is given the object;\n"
	       "the object is stored (src_folio = folio). A function whose\n"
	       "existing exits keep the reference hands it to its caller or to\n"
	       "a structure: then only a return of a value the putting exits\n"
	       "return is questioned. A get and a put pair by the text of their\n"
	       "object: folio_get(folio) with folio_put(folio).\n"
	       "\n"
	       "The pairs come from a built-in table (folio_get/folio_put,\n"
	       "get_page/put_page, mmget/mmput, mmgrab/mmdrop,\n"
	       "get_task_mm/mmput, kref_get/kref_put and their try forms, ...);\n"
	       "a helper it does not know is seen through when it is a macro or\n"
	       "one-expression helper calling one of them, and the finding's\n"
	       "note says so. From the hunks alone, the get and the exit must\n"
	       "be in one hunk; when the put is not shown either (nor the\n"
	       "function's end), the finding says \"not dropped in the lines\n"
	       "shown\".\n"
	       "\n"
	       "Why: a reference leaked on an error path pins the folio or the\n"
	       "mm forever: memory that is never freed, a process that never\n"
	       "exits cleanly.\n"
	       "\n"
	       "Example:\n"
	       "\t folio_get(folio);\n"
	       "\t+if (folio_test_large(folio))\n"
	       "\t+\treturn -EBUSY;\n"
	       "\t ...\n"
	       "\t folio_put(folio);\n"
	       "\t return ret;\n"
	       "draws \"This return leaves with the reference on folio held\n"
	       "(taken by folio_get() at line N, dropped at line M on the other\n"
	       "paths). Is a folio_put() missing?\"\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"ref-leak\"]\n"
	       "\t\tenabled = false\n",
	.check = ref_leak_check,
};
