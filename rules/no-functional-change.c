// SPDX-License-Identifier: GPL-2.0
/*
 * no-functional-change: the changelog says the patch changes nothing,
 * and a condition's meaning changed.
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

/* Bytes of a changelog looked at for the claim. */
#define NFC_MAX_TEXT ((size_t)256 << 10)
#define NFC_MAX_WORD 24

/* A word of the text, lowercased, and where it is. */
struct word {
	char w[NFC_MAX_WORD];
	size_t start, end;
};

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * The next word of s at or after *pos (an identifier such as nfc_dev is
 * one word); false at the end.
 */
static bool next_word(const char *s, size_t len, size_t *pos, struct word *w)
{
	size_t i = *pos, n = 0;

	while (i < len && !word_char(s[i]))
		i++;
	if (i >= len)
		return false;
	w->start = i;
	while (i < len && word_char(s[i])) {
		if (n + 1 < sizeof(w->w))
			w->w[n++] = (char)tolower((unsigned char)s[i]);
		i++;
	}
	w->w[n] = '\0';
	w->end = i;
	*pos = i;
	return true;
}

static bool in(const char *w, const char *const *v)
{
	for (; *v; v++)
		if (!strcmp(w, *v))
			return true;
	return false;
}

/*
 * Whether the words from w[0] say "no functional change" or a form of
 * it; *n is how many words it takes.
 */
static bool claim_at(const struct word *w, size_t avail, size_t *n)
{
	static const char *const change[] = { "change",
					      "changes",
					      "modification",
					      "modifications",
					      "difference",
					      "differences",
					      NULL };
	static const char *const behaviour[] = { "behaviour", "behavior",
						 "behavioural", "behavioral",
						 NULL };
	size_t k = 1;

	if (!strcmp(w[0].w, "nfc")) {
		*n = 1;
		return true;
	}
	if (strcmp(w[0].w, "no") && strcmp(w[0].w, "non"))
		return false;
	if (k < avail && !strcmp(w[k].w, "intended"))
		k++;
	if (k + 1 < avail && !strcmp(w[k].w, "functional") &&
	    in(w[k + 1].w, change)) {
		*n = k + 2;
		return true;
	}
	if (!strcmp(w[0].w, "no") && k + 1 < avail && in(w[k].w, behaviour) &&
	    in(w[k + 1].w, change)) {
		*n = k + 2;
		return true;
	}
	return false;
}

/* Where the sentence holding [start, end) of s begins and ends. */
static void sentence_of(const char *s, size_t len, size_t start, size_t end,
			size_t *b, size_t *e)
{
	size_t i = start;

	while (i > 0 &&
	       !(strchr(".?!", s[i - 1]) && i < len &&
		 isspace((unsigned char)s[i])) &&
	       !(s[i - 1] == '\n' && i > 1 && s[i - 2] == '\n'))
		i--;
	*b = i;
	for (i = end; i < len; i++) {
		if (strchr(".?!", s[i]) &&
		    (i + 1 >= len || isspace((unsigned char)s[i + 1])))
			break;
		if (s[i] == '\n' && i + 1 < len && s[i + 1] == '\n')
			break;
	}
	*e = i;
}

/* "except", "other than": the claim is qualified, not a whole one. */
static bool qualified(const char *s, size_t len)
{
	static const char *const q[] = { "except",  "other than", "apart from",
					 "besides", "beyond",	  "aside from" };
	char *t = xstrndup(s, len);
	bool found = false;
	size_t i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]) && !found; i++)
		found = strcasestr(t, q[i]) != NULL;
	free(t);
	return found;
}

/*
 * The sentence of text that says the patch changes nothing, whitespace
 * squeezed and without its final period: a new string, or NULL.
 */
static char *nfc_claim(const char *text)
{
	size_t len = strnlen(text, NFC_MAX_TEXT), pos = 0, n, have = 0, b, e, i;
	struct word w[4];
	struct sbuf sb = SBUF_INIT;

	while (true) {
		while (have < 4 && next_word(text, len, &pos, &w[have]))
			have++;
		if (!have)
			return NULL;
		if (claim_at(w, have, &n)) {
			sentence_of(text, len, w[0].start, w[n - 1].end, &b,
				    &e);
			if (!qualified(text + w[n - 1].end, e - w[n - 1].end))
				break;
		}
		memmove(w, w + 1, (have - 1) * sizeof(w[0]));
		have--;
	}
	sbuf_init(&sb, EXPLAIN_MAX_SENTENCE + 8);
	for (i = b; i < e; i++) {
		if (isspace((unsigned char)text[i])) {
			if (sb.len && sb.buf[sb.len - 1] != ' ')
				sbuf_addch(&sb, ' ');
			continue;
		}
		sbuf_addch(&sb, text[i]);
	}
	sbuf_rtrim(&sb);
	if (sbuf_failed(&sb) || !sb.len) {
		sbuf_release(&sb);
		return xstrdup("no functional change");
	}
	return sbuf_detach(&sb, NULL);
}

/* Whether the condition now means something else. */
static bool meaning_changed(const struct change *c, const struct cond_pair *p)
{
	switch (p->diff.cls) {
	case COND_POLARITY:
		/*
		 * Inverted with its code rewritten: maybe restructured; with
		 * the callee changed too: maybe its convention changed.
		 */
		return p->body_same && !p->callee_changed;
	case COND_COMPARISON:
	case COND_CONNECTIVE:
	case COND_FLAG:
	case COND_TERM:
		return true;
	case COND_ROLE:
		return !role_renamed(c, p->diff.from, p->diff.to);
	default:
		return false;
	}
}

static int nfc_check(const struct rule *self __maybe_unused,
		     struct rule_ctx *ctx, const struct change *c)
{
	const struct change_set *set = change_owner(c);
	struct cond_pairs pairs = COND_PAIRS_INIT;
	const char *where = "subject";
	/* The subject first: a commit's message starts with it too. */
	char *claim = nfc_claim(change_set_subject(set));
	size_t i;
	int err = 0;

	if (!claim) {
		claim = nfc_claim(change_set_message(set));
		where = "changelog";
	}
	if (!claim)
		return 0;
	err = cond_pairs_collect(&pairs, c);
	for (i = 0; !err && i < pairs.n; i++) {
		const struct cond_pair *p = &pairs.v[i];
		char *old_code;

		if (!meaning_changed(c, p))
			continue;
		old_code = role_stmt_lines(c, CHANGE_OLD, p->old.stmt,
					   p->old.expr);
		err = rule_report(ctx, c, CHANGE_NEW, p->diff.at_start,
				  p->diff.at_end, old_code, NULL,
				  "The %s says \"%s\", but this condition "
				  "changed from '%s' to '%s'.",
				  where, claim, p->diff.old_text,
				  p->diff.new_text);
		free(old_code);
	}
	cond_pairs_release(&pairs);
	free(claim);
	return err;
}

const struct rule rule_no_functional_change = {
	.version = RULE_VERSION,
	.id = "no-functional-change",
	.severity = RULE_WARNING,
	.summary = "the changelog says \"no functional change\" but a "
		   "condition's meaning changed",
	.doc = "What: the changelog or the subject says the patch changes no\n"
	       "behaviour - \"No functional change intended\", \"no functional\n"
	       "changes\", \"NFC\", \"no behaviour change\", \"non-functional\n"
	       "change\", \"No functional modification\", in any case, as\n"
	       "whole words, and not qualified by \"except\" or \"other\n"
	       "than\" - and a condition the patch changes now tests\n"
	       "something else: inverted (with the code it guards kept),\n"
	       "another comparison, && for || or the reverse, a flag added to\n"
	       "or removed from a mask test, a term added or dropped, or the\n"
	       "counterpart role tested (dst_vma for src_vma). The finding is\n"
	       "at the changed condition and quotes the changelog's sentence.\n"
	       "\n"
	       "Not flagged: a patch without the claim; rewrites that keep the\n"
	       "meaning (De Morgan, !(a < b) for a >= b, b > a for a < b,\n"
	       "x == 0 for !x, if/else branches exchanged with the test\n"
	       "inverted), a rename, code moved or a helper extracted with the\n"
	       "same condition.\n"
	       "\n"
	       "Why: reviewers read a \"no functional change\" patch faster; a\n"
	       "behaviour change hidden in one is easy to miss.\n"
	       "\n"
	       "Example: a cleanup that says \"No functional change\n"
	       "intended.\" and writes\n"
	       "\t-\tif (vma->vm_flags & (VM_SHARED | VM_MAYSHARE))\n"
	       "\t+\tif (vma->vm_flags & VM_SHARED)\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"no-functional-change\"]\n"
	       "\t\tenabled = false\n",
	.check = nfc_check,
};
