// SPDX-License-Identifier: GPL-2.0
/*
 * fixes-tag: each "Fixes:" trailer of the changelog names a commit as
 * Documentation/process/submitting-patches.rst asks, by at least 12 hex
 * digits of its id and its subject in ("..."); with a kernel tree that is
 * a git repository, the commit exists and its subject is the quoted one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule.h"
#include "util.h"

#define FIXES_MIN_HEX 12
#define FIXES_MAX_HEX 40
#define FIXES_MAX_TAGS 64 /* Fixes: lines looked at in one changelog */
#define FIXES_MAX_LINE 1024 /* bytes of one Fixes: line */
#define FIXES_MAX_LINES 10000 /* changelog lines looked at */

#define FIXES_FORM "Fixes: <12+ hex digits> (\"<subject>\")"

/* One Fixes: line, split: byte offsets in the line, 0-based. */
struct fixes_line {
	const char *text;
	size_t len;
	unsigned line;
	size_t id, id_end; /* the commit id (or the word where it should be) */
	size_t subj, subj_end; /* the quoted subject, quotes excluded */
	bool has_subject;
};

static const char *history_note(const struct change_set *cs)
{
	return change_set_has_history(cs) ?
		       NULL :
		       "Only the form was checked: no kernel tree with git "
		       "history to look the commit up in (review.kernel-tree "
		       "or --tree).";
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* Split "Fixes: <id> ("<subject>")"; the subject up to the last "). */
static void fixes_split(struct fixes_line *fl)
{
	const char *t = fl->text;
	size_t i = strlen("Fixes:"), close;

	while (i < fl->len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	fl->id = i;
	while (i < fl->len && !isspace((unsigned char)t[i]) && t[i] != '(')
		i++;
	fl->id_end = i;
	while (i < fl->len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i + 1 >= fl->len || t[i] != '(' || t[i + 1] != '"')
		return;
	fl->subj = i + 2;
	for (close = fl->len; close > fl->subj + 1; close--)
		if (t[close - 2] == '"' && t[close - 1] == ')')
			break;
	if (close <= fl->subj + 1)
		return;
	fl->subj_end = close - 2;
	fl->has_subject = true;
}

/* Blanks in a row count as one: a subject is compared as words. */
static bool same_words(const char *a, size_t an, const char *b)
{
	size_t i = 0, j = 0, bn = strlen(b);

	while (an && isspace((unsigned char)a[an - 1]))
		an--;
	while (bn && isspace((unsigned char)b[bn - 1]))
		bn--;
	while (i < an && j < bn) {
		if (isspace((unsigned char)a[i]) &&
		    isspace((unsigned char)b[j])) {
			while (i < an && isspace((unsigned char)a[i]))
				i++;
			while (j < bn && isspace((unsigned char)b[j]))
				j++;
			continue;
		}
		if (a[i++] != b[j++])
			return false;
	}
	return i == an && j == bn;
}

/* The 1-based columns of [start, end) of the line. */
#define COLS(start, end) (unsigned)(start) + 1, (unsigned)(end) + 1

/* The form: a hash of 12 to 40 hex digits, then ("subject"). */
static int check_form(struct rule_ctx *ctx, const struct change_set *cs,
		      const struct fixes_line *fl, bool *lookup)
{
	const char *id = fl->text + fl->id;
	size_t n = fl->id_end - fl->id;
	int err = 0;

	*lookup = false;
	if (!all_hex(id, n))
		return rule_report_message(
			ctx, cs, fl->line,
			COLS(fl->id, n ? fl->id_end : fl->len),
			history_note(cs),
			"Fixes: should name a commit by its id, as '%s'",
			FIXES_FORM);
	if (n < FIXES_MIN_HEX)
		err = rule_report_message(ctx, cs, fl->line,
					  COLS(fl->id, fl->id_end),
					  history_note(cs),
					  "Fixes: names commit %.*s by %zu hex "
					  "digits; give at least %d",
					  (int)n, id, n, FIXES_MIN_HEX);
	else if (n > FIXES_MAX_HEX)
		err = rule_report_message(ctx, cs, fl->line,
					  COLS(fl->id, fl->id_end),
					  history_note(cs),
					  "Fixes: names a commit by %zu hex "
					  "digits; a commit id has %d",
					  n, FIXES_MAX_HEX);
	*lookup = n >= 4 && n <= FIXES_MAX_HEX;
	if (!err && !fl->has_subject)
		err = rule_report_message(
			ctx, cs, fl->line, COLS(fl->id, fl->len),
			history_note(cs),
			"Fixes: tag without the commit's subject: "
			"'Fixes: %.*s (\"<subject>\")'",
			(int)n, id);
	return err;
}

/* The commit itself, from the tree's history. */
static int check_commit(struct rule_ctx *ctx, const struct change_set *cs,
			const struct fixes_line *fl)
{
	char *id = xstrndup(fl->text + fl->id, fl->id_end - fl->id);
	char *subject = NULL, *patch, *q;
	int err = 0;

	for (q = id; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	patch = change_set_commit(cs, id, &subject);
	if (!patch) {
		err = rule_report_message(ctx, cs, fl->line,
					  COLS(fl->id, fl->id_end),
					  "Looked up in the kernel tree's git "
					  "history (a shallow clone may lack "
					  "it).",
					  "Fixes: names commit %s, which the "
					  "kernel tree does not have",
					  id);
	} else if (fl->has_subject &&
		   !same_words(fl->text + fl->subj, fl->subj_end - fl->subj,
			       subject)) {
		err = rule_report_message(
			ctx, cs, fl->line, COLS(fl->subj, fl->subj_end),
			"Looked up in the kernel tree's git history.",
			"Fixes: names '%.*s', but commit %s is '%s'",
			(int)(fl->subj_end - fl->subj), fl->text + fl->subj, id,
			subject);
	}
	free(patch);
	free(subject);
	free(id);
	return err;
}

static int fixes_check_patch(const struct rule *self __maybe_unused,
			     struct rule_ctx *ctx, const struct change_set *cs)
{
	const char *p = change_set_message(cs);
	unsigned line = 1, tags = 0;
	int err = 0;

	for (; *p && !err && tags < FIXES_MAX_TAGS && line <= FIXES_MAX_LINES;
	     line++) {
		size_t n = strcspn(p, "\n");
		struct fixes_line fl = { p, n, line };
		bool lookup;

		/* The subject line is not a trailer. */
		if (line > 1 && n <= FIXES_MAX_LINE &&
		    !strncasecmp(p, "Fixes:", 6)) {
			tags++;
			while (fl.len && isspace((unsigned char)p[fl.len - 1]))
				fl.len--;
			fixes_split(&fl);
			err = check_form(ctx, cs, &fl, &lookup);
			if (!err && lookup && change_set_has_history(cs))
				err = check_commit(ctx, cs, &fl);
		}
		p += n + (p[n] == '\n');
	}
	return err;
}

static const char *const fixes_doc =
	"A \"Fixes:\" trailer tells the stable maintainers and the backporters "
	"which commit a patch repairs, so it must name that commit without "
	"doubt: at least 12 hex digits of its id (7 are ambiguous in a kernel "
	"tree today) and its subject, in parentheses and quotes, on one "
	"line. Example:\n"
	"\n"
	"    Fixes: 0123456789ab (\"mm: do the thing right\")\n"
	"\n"
	"The rule checks that form on each Fixes: line of the changelog. "
	"With a kernel tree that is a git repository (review.kernel-tree or "
	"--tree), it also looks the commit up: it must exist, and its real "
	"subject must be the quoted one (a Fixes: tag copied from another "
	"patch, or a hash from a private branch, is caught here); the finding "
	"gives the real subject. Without one, only the form is checked and "
	"the finding says so.\n"
	"\n"
	"The finding is on the changelog (COMMIT_MSG, the line of the tag). "
	"Make the tag with\n"
	"\n"
	"    git log -1 --abbrev=12 --format='Fixes: %h (\"%s\")' COMMIT\n"
	"\n"
	"Silence it with -c rule.fixes-tag.enabled=false, or [rule "
	"\"fixes-tag\"] enabled = false in the configuration.";

const struct rule rule_fixes_tag = {
	.version = RULE_VERSION,
	.id = "fixes-tag",
	.severity = RULE_WARNING,
	.summary = "a Fixes: tag that does not name its commit as it should",
	.doc = fixes_doc,
	.check_patch = fixes_check_patch,
};
