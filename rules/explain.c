// SPDX-License-Identifier: GPL-2.0
/*
 * explain: sentences of the changelog and of added comments that say why
 * a change was made, and changes that put back earlier ones; explain.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "explain.h"
#include "sbuf.h"
#include "util.h"

/* An added comment this many lines above the change still speaks of it. */
#define EXPLAIN_COMMENT_REACH 10
/* Earlier patches of a series looked at for a change put back. */
#define EXPLAIN_MAX_HISTORY 64
#define EXPLAIN_MAX_TEXT ((size_t)256 << 10)

/* --- sentences ------------------------------------------------------------- */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether word stands in s as a word of its own, case-insensitively. */
static bool has_word(const char *s, const char *word, bool icase)
{
	size_t n = strlen(word);
	const char *p = s;

	while ((p = icase ? strcasestr(p, word) : strstr(p, word))) {
		if ((p == s || !ident_char(p[-1])) && !ident_char(p[n]))
			return true;
		p += n;
	}
	return false;
}

/* Words that give a reason, the way changelogs and comments say why. */
static bool gives_reason(const char *s)
{
	static const char *const words[] = {
		"because",	 "since",	 "so that",	"otherwise",
		"in order to",	 "instead",	 "rather than", "must",
		"should",	 "need",	 "needs",	"needed",
		"requires",	 "required",	 "intended",	"intentional",
		"intentionally", "deliberately", "on purpose",	"correct",
		"correctly",	 "wrong",	 "wrongly",	"due to",
		"which means",	 "so we",	 "thus",	"therefore",
	};
	const char *p = s;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (has_word(s, words[i], true))
			return true;
	/* "as" giving a reason: not "such as", "as well", "as long as". */
	while ((p = strcasestr(p, " as "))) {
		if (!(p - s >= 5 && !strncasecmp(p - 5, " such", 5)) &&
		    strncasecmp(p + 4, "well", 4) &&
		    strncasecmp(p + 4, "long", 4) &&
		    strncasecmp(p + 4, "soon", 4))
			return true;
		p += 4;
	}
	return false;
}

/* Where one sentence ends: ". ", "? ", "! " or a paragraph's end. */
static bool sentence_end(const char *s, size_t i, size_t n)
{
	if (s[i] == '\n')
		return i + 1 < n && s[i + 1] == '\n';
	if (!strchr(".?!", s[i]) ||
	    (i + 1 < n && !isspace((unsigned char)s[i + 1])))
		return false;
	/* "e.g." and "i.e." go on. */
	return !(i >= 3 && (!strncmp(s + i - 3, "e.g", 3) ||
			    !strncmp(s + i - 3, "i.e", 3)));
}

/*
 * The first sentence of text that names name and gives a reason, with
 * its white space squeezed, or NULL.
 */
static char *find_sentence(const char *text, const char *name)
{
	size_t n = strlen(text), i, start = 0;
	struct sbuf sb = SBUF_INIT;
	char *found = NULL;

	for (i = 0; i <= n && !found; i++) {
		size_t k;

		if (i < n && !sentence_end(text, i, n))
			continue;
		sbuf_reset(&sb);
		for (k = start; k <= i && k < n; k++) {
			if (isspace((unsigned char)text[k])) {
				if (sb.len && sb.buf[sb.len - 1] != ' ')
					sbuf_addch(&sb, ' ');
			} else {
				sbuf_addch(&sb, text[k]);
			}
		}
		sbuf_rtrim(&sb);
		if (sb.len && sb.len <= EXPLAIN_MAX_SENTENCE &&
		    has_word(sb.buf, name, false) && gives_reason(sb.buf))
			found = xstrdup(sb.buf);
		start = i + 1;
	}
	sbuf_release(&sb);
	return found;
}

/* A trailer ("Signed-off-by: ...", "Fixes: ...") is not prose. */
static bool is_trailer(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
		i++;
	return i && i + 1 < n && s[i] == ':' && s[i + 1] == ' ' &&
	       isupper((unsigned char)s[0]);
}

/*
 * The prose of a changelog: no quoted lines, no indented code, no
 * trailers.
 */
static char *changelog_prose(const char *msg)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_init(&sb, EXPLAIN_MAX_TEXT);
	while (*msg) {
		const char *nl = strchr(msg, '\n');
		size_t n = nl ? (size_t)(nl - msg) : strlen(msg);

		if (!(n && (msg[0] == '>' || msg[0] == '\t' ||
			    !strncmp(msg, "    ", 4) || is_trailer(msg, n))))
			sbuf_add(&sb, msg, n);
		sbuf_addch(&sb, '\n');
		msg += n + (nl != NULL);
	}
	return sbuf_detach(&sb, NULL);
}

/* The words of a C comment: no markers, no leading stars. */
static char *comment_prose(const char *text, uint32_t start, uint32_t end)
{
	struct sbuf sb = SBUF_INIT;
	uint32_t i = start;

	sbuf_init(&sb, EXPLAIN_MAX_TEXT);
	while (i < end) {
		bool line_start = i == start || text[i - 1] == '\n';

		if (!strncmp(text + i, "/*", 2) ||
		    !strncmp(text + i, "*/", 2) ||
		    !strncmp(text + i, "//", 2)) {
			i += 2;
			continue;
		}
		if (line_start) {
			while (i < end && (text[i] == ' ' || text[i] == '\t'))
				i++;
			if (i < end && text[i] == '*' && text[i + 1] != '/') {
				i++;
				continue;
			}
		}
		sbuf_addch(&sb, text[i++]);
	}
	return sbuf_detach(&sb, NULL);
}

/* --- the changelog and added comments -------------------------------------- */

static bool comment_added(const struct change *c, const struct csrc_comment *cm)
{
	unsigned l;

	for (l = cm->start_line; l <= cm->end_line; l++)
		if (change_line_changed(c, CHANGE_NEW, l))
			return true;
	return false;
}

static bool find_in_comments(const struct change *c, const char *name,
			     unsigned line, char **sentence, char **where)
{
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	const struct csrc *cs = change_src(c, CHANGE_NEW);
	struct csrc_comment *cms = NULL;
	size_t i, n;
	char *prose;

	if (!def)
		return false;
	n = csrc_comments(cs, def->doc_start, def->end, &cms);
	for (i = 0; i < n && !*sentence; i++) {
		if (cms[i].end_line > line ||
		    cms[i].end_line + EXPLAIN_COMMENT_REACH < line ||
		    !comment_added(c, &cms[i]))
			continue;
		prose = comment_prose(csrc_text(cs, NULL), cms[i].start,
				      cms[i].end);
		*sentence = find_sentence(prose, name);
		free(prose);
		if (*sentence) {
			struct sbuf sb = SBUF_INIT;

			sbuf_addf(&sb, "the comment at %s:%u", change_path(c),
				  change_file_line(c, CHANGE_NEW,
						   cms[i].start_line));
			*where = sbuf_detach(&sb, NULL);
		}
	}
	free(cms);
	return *sentence != NULL;
}

bool explain_find(const struct change *c, const char *name, unsigned line,
		  char **sentence, char **where)
{
	char *prose = changelog_prose(change_set_message(change_owner(c)));

	*sentence = find_sentence(prose, name);
	*where = *sentence ? xstrdup("the changelog") : NULL;
	free(prose);
	return *sentence || find_in_comments(c, name, line, sentence, where);
}

/* --- changes put back ------------------------------------------------------- */

/* The same definition in the earlier patches of the series. */
static bool earlier_in_series(const struct change *c, explain_earlier_fn fn,
			      void *payload)
{
	const struct change_set *set = change_owner(c);
	const struct change *e;
	bool done = false;
	int steps;

	for (steps = 0; !done && steps < EXPLAIN_MAX_HISTORY &&
			(set = change_set_link_at(set, 0));
	     steps++) {
		struct sbuf what = SBUF_INIT;

		e = change_set_find(set, change_kind(c), change_name(c));
		if (!e || change_owner(e) != set ||
		    strcmp(change_path(e), change_path(c)))
			continue;
		sbuf_addf(&what, "patch \"%s\"", change_set_subject(set));
		done = fn(e, what.buf, false, payload);
		sbuf_release(&what);
	}
	return done;
}

/*
 * The commit id of the next "Fixes:" trailer from msg on, into id;
 * returns where to go on from, or NULL when there is no other.
 */
static const char *next_fixes(const char *msg, char *id, size_t size)
{
	size_t n;

	while (*msg) {
		const char *nl = strchr(msg, '\n');

		if (!strncasecmp(msg, "Fixes:", 6)) {
			const char *p = msg + 6;

			while (*p == ' ')
				p++;
			for (n = 0;
			     isxdigit((unsigned char)p[n]) && n + 1 < size; n++)
				id[n] = p[n];
			id[n] = '\0';
			if (n >= 7)
				return nl ? nl + 1 : p + n;
		}
		if (!nl)
			break;
		msg = nl + 1;
	}
	return NULL;
}

/* c's definition as a commit's patch changed it, from its hunks. */
static bool earlier_in_commit(const struct change *c, const char *patch,
			      const char *what, explain_earlier_fn fn,
			      void *payload)
{
	struct change_set *set = change_set_new();
	struct diff *d = NULL;
	const struct change *e;
	bool done = false;
	size_t i;

	if (diff_parse(&d, patch, strlen(patch)) < 0)
		goto out;
	/* Every C file: a macro the commit added resolves in its patch. */
	for (i = 0; i < diff_nfiles(d); i++) {
		const struct diff_file *f = diff_file(d, i);
		const char *path = diff_file_path(f);
		size_t n = path ? strlen(path) : 0;

		if (!f->binary && n > 2 && path[n - 2] == '.' &&
		    (path[n - 1] == 'c' || path[n - 1] == 'h'))
			change_set_add_file(set, f, NULL, 0, NULL, 0,
					    CHANGE_FROM_HUNKS, NULL);
	}
	e = change_set_find(set, change_kind(c), change_name(c));
	if (e && !strcmp(change_path(e), change_path(c)))
		done = fn(e, what, true, payload);
out:
	change_set_free(set);
	diff_free(d);
	return done;
}

static bool earlier_fixed(const struct change *c, explain_earlier_fn fn,
			  void *payload)
{
	const struct change_set *set = change_owner(c);
	const char *msg = change_set_message(set);
	char id[65], *subject, *patch;
	bool done = false;

	while (!done && (msg = next_fixes(msg, id, sizeof(id)))) {
		patch = change_set_commit(set, id, &subject);
		if (patch) {
			struct sbuf what = SBUF_INIT;

			sbuf_addf(&what, "commit %.12s (\"%s\")", id,
				  subject ? subject : "");
			done = earlier_in_commit(c, patch, what.buf, fn,
						 payload);
			sbuf_release(&what);
		}
		free(patch);
		free(subject);
	}
	return done;
}

bool explain_earlier(const struct change *c, explain_earlier_fn fn,
		     void *payload)
{
	if (!*change_name(c))
		return false;
	return earlier_in_series(c, fn, payload) ||
	       earlier_fixed(c, fn, payload);
}
