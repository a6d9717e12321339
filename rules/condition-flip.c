// SPDX-License-Identifier: GPL-2.0
/*
 * condition-flip: a condition whose polarity, comparison or connective
 * changed while the code it guards did not.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "explain.h"
#include "role.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

/* Identifiers of a changed test asked about in the changelog. */
#define FLIP_MAX_NAMES 8
/*
 * Lines around the statement that must be unchanged: a test changed in
 * the middle of a reworked block is part of the rework, not a slip.
 */
#define FLIP_REACH 8

static bool flipped(const struct change *c, const struct cond_pairs *pairs,
		    size_t i)
{
	const struct cond_pair *p = &pairs->v[i];

	switch (p->diff.cls) {
	case COND_POLARITY:
	case COND_COMPARISON:
	case COND_CONNECTIVE:
		return p->body_same && p->alone && !p->callee_changed &&
		       cond_pair_quiet(c, pairs, i, FLIP_REACH);
	default:
		return false;
	}
}

static bool keyword(const char *w)
{
	static const char *const kw[] = { "NULL",   "true",   "false",
					  "sizeof", "likely", "unlikely" };
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (!strcmp(w, kw[i]))
			return true;
	return false;
}

/*
 * Whether the patch says why the test changed: a sentence of its
 * changelog, or of a comment it adds above, names an identifier of the
 * new test and gives a reason.
 */
static bool flip_explained(const struct change *c, const struct cond_pair *p,
			   char **sentence, char **where)
{
	const char *s = p->diff.new_text;
	unsigned line =
		csrc_line_of(change_src(c, CHANGE_NEW), p->diff.at_start);
	unsigned tried = 0;

	while (*s && tried < FLIP_MAX_NAMES) {
		char w[ROLE_MAX_NAME];
		size_t n = 0;

		if (!isalpha((unsigned char)*s) && *s != '_') {
			s++;
			continue;
		}
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		if (n < sizeof(w) && n > 1) {
			memcpy(w, s, n);
			w[n] = '\0';
			if (!keyword(w) && tried++ < FLIP_MAX_NAMES &&
			    explain_find(c, w, line, sentence, where))
				return true;
		}
		s += n;
	}
	return false;
}

static int flip_report(struct rule_ctx *ctx, const struct change *c,
		       const struct cond_pair *p)
{
	const struct cond_diff *d = &p->diff;
	/*
	 * No old code: only the test's lines changed, and the removed ones
	 * are quoted right above the finding.
	 */
	const char *old_code = NULL;
	char *sentence, *where;
	struct sbuf note = SBUF_INIT;
	int err;

	if (flip_explained(c, p, &sentence, &where)) {
		sbuf_addf(&note, "the patch explains it in %s: \"%s\"", where,
			  sentence);
		err = rule_report_info(ctx, c, CHANGE_NEW, d->at_start,
				       d->at_end, old_code, note.buf,
				       "The condition changed from '%s' to "
				       "'%s', as the patch explains.",
				       d->old_text, d->new_text);
		free(sentence);
		free(where);
	} else if (p->new.kind == CSRC_COND_RETURN) {
		err = rule_report(ctx, c, CHANGE_NEW, d->at_start, d->at_end,
				  old_code, NULL,
				  "The returned test changed from '%s' to "
				  "'%s' but the code around it did not. %s",
				  d->old_text, d->new_text, cond_question(d));
	} else {
		err = rule_report(ctx, c, CHANGE_NEW, d->at_start, d->at_end,
				  old_code, NULL,
				  "The condition changed from '%s' to '%s' but "
				  "the code it guards did not. %s",
				  d->old_text, d->new_text, cond_question(d));
	}
	sbuf_release(&note);
	return err;
}

static int flip_check(const struct rule *self __maybe_unused,
		      struct rule_ctx *ctx, const struct change *c)
{
	struct cond_pairs pairs = COND_PAIRS_INIT;
	int err = cond_pairs_collect(&pairs, c);
	size_t i;

	for (i = 0; !err && i < pairs.n; i++)
		if (flipped(c, &pairs, i))
			err = flip_report(ctx, c, &pairs.v[i]);
	cond_pairs_release(&pairs);
	return err;
}

const struct rule rule_condition_flip = {
	.version = RULE_VERSION,
	.id = "condition-flip",
	.severity = RULE_WARNING,
	.summary = "a test inverted, or its comparison or connective changed, "
		   "while the code it guards stayed the same",
	.doc = "What: a changed line replaces a condition (of an if, while,\n"
	       "for, do, ?: or a returned boolean expression) with one that\n"
	       "differs by its polarity (x and !x, == and !=, < and >=), its\n"
	       "comparison (< and <=, > and >=, < and >) or its connective\n"
	       "(&& and ||), while the code the condition guards is unchanged\n"
	       "and nothing else changed within 8 lines of the statement but\n"
	       "comments and other such tests. The finding asks whether the\n"
	       "change is intended, pointing at the operator.\n"
	       "\n"
	       "Not flagged: a rewrite that keeps the meaning (!(a < b) for\n"
	       "a >= b, De Morgan, b > a for a < b, x == 0 for !x, likely()\n"
	       "added or dropped, if (x) A else B written as if (!x) B else\n"
	       "A); a condition whose guarded code or surroundings changed\n"
	       "too (the patch reworks that block); a test of a call to a\n"
	       "function the patch also changes (its return convention may\n"
	       "have changed with its callers). A condition the patch\n"
	       "explains (a sentence of its changelog, or of a comment it\n"
	       "adds above, names an identifier of the test and says why) is\n"
	       "info and the finding quotes the sentence.\n"
	       "\n"
	       "Why: an off-by-one bound or an inverted test with an\n"
	       "unchanged body is the kind of change that reads as a typo\n"
	       "fix and is easy to get backwards; a reviewer asks.\n"
	       "\n"
	       "Example:\n"
	       "\t-\tif (nr_pages < max)\n"
	       "\t+\tif (nr_pages <= max)\n"
	       "\t \t\tgoto retry;\n"
	       "asks \"Is the boundary change intended?\".\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"condition-flip\"]\n"
	       "\t\tenabled = false\n",
	.check = flip_check,
};
