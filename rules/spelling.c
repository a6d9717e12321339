// SPDX-License-Identifier: GPL-2.0
/*
 * spelling: misspelled words in the comments and string literals a patch
 * adds, and in its changelog, with the correction, from the dictionaries
 * checkpatch reads: the kernel tree's scripts/spelling.txt and codespell's
 * dictionary when installed; a short built-in list when neither is there.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define SPELL_MAX_DICT ((size_t)8 << 20) /* bytes of a dictionary file */
#define SPELL_MAX_WORD 64 /* longer words are not looked up */
#define SPELL_MAX_LINE 4096 /* bytes of a changelog line looked at */
#define SPELL_MAX_LINES 10000 /* changelog lines looked at */
/*
 * Words reported in one patch: past it the rule stops (each report looks
 * for the word in the identifiers of a whole image, up to 4 MiB).
 */
#define SPELL_MAX_REPORTS 200
#define SPELL_TREE_FILE "scripts/spelling.txt"

/* Where codespell's dictionary is when the package is installed. */
static const char *const codespell_paths[] = {
	"/usr/share/codespell/dictionary.txt",
	"/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt",
	"/usr/local/share/codespell/dictionary.txt",
};

struct spell_entry {
	const char *wrong; /* lowercase */
	const char *right; /* one correction, or several: "a, b" */
};

/* A dictionary: entries sorted by wrong, pointing into text. */
struct spell_dict {
	char *path; /* the file read; NULL for the built-in list */
	char *text;
	struct spell_entry *v;
	size_t n, alloc;
	bool loaded; /* tried: a missing file stays empty */
};

/* The rule's data: the dictionaries, read once for the set's life. */
struct spell_state {
	struct spell_dict tree, codespell, builtin;
	/*
	 * Words reported in the patch under review: its changes are checked,
	 * then the patch (rule_set_run()), which starts the count again.
	 */
	unsigned reports;
};

/*
 * mmreview's own list: misspellings seen in kernel changelogs and
 * comments, for a review without a kernel tree or codespell.
 */
static const char *const builtin_words[][2] = {
	{ "accomodate", "accommodate" },
	{ "accross", "across" },
	{ "acheive", "achieve" },
	{ "acknowledgement", "acknowledgment" },
	{ "adress", "address" },
	{ "adresses", "addresses" },
	{ "agressive", "aggressive" },
	{ "allign", "align" },
	{ "alloacte", "allocate" },
	{ "allocte", "allocate" },
	{ "alot", "a lot" },
	{ "alredy", "already" },
	{ "alwasy", "always" },
	{ "anomoly", "anomaly" },
	{ "aquire", "acquire" },
	{ "aquired", "acquired" },
	{ "arguement", "argument" },
	{ "arguements", "arguments" },
	{ "assertation", "assertion" },
	{ "asssume", "assume" },
	{ "asynchornous", "asynchronous" },
	{ "atleast", "at least" },
	{ "availabe", "available" },
	{ "availible", "available" },
	{ "basicly", "basically" },
	{ "becasue", "because" },
	{ "beeing", "being" },
	{ "begining", "beginning" },
	{ "beggining", "beginning" },
	{ "beleive", "believe" },
	{ "boundry", "boundary" },
	{ "buffred", "buffered" },
	{ "calcualte", "calculate" },
	{ "cant", "can't" },
	{ "comming", "coming" },
	{ "commited", "committed" },
	{ "compatability", "compatibility" },
	{ "compatable", "compatible" },
	{ "completly", "completely" },
	{ "concurent", "concurrent" },
	{ "condtion", "condition" },
	{ "consistant", "consistent" },
	{ "contigous", "contiguous" },
	{ "continous", "continuous" },
	{ "corresponing", "corresponding" },
	{ "correspondig", "corresponding" },
	{ "curent", "current" },
	{ "currenly", "currently" },
	{ "defintion", "definition" },
	{ "dependancy", "dependency" },
	{ "dependant", "dependent" },
	{ "desription", "description" },
	{ "destory", "destroy" },
	{ "didnt", "didn't" },
	{ "differnt", "different" },
	{ "doesnt", "doesn't" },
	{ "dont", "don't" },
	{ "embeded", "embedded" },
	{ "enviroment", "environment" },
	{ "exisiting", "existing" },
	{ "existant", "existent" },
	{ "explicitely", "explicitly" },
	{ "faild", "failed" },
	{ "follwing", "following" },
	{ "funtion", "function" },
	{ "garantee", "guarantee" },
	{ "guarantied", "guaranteed" },
	{ "happend", "happened" },
	{ "immediatly", "immediately" },
	{ "implmentation", "implementation" },
	{ "incomming", "incoming" },
	{ "independant", "independent" },
	{ "initalize", "initialize" },
	{ "initialiaze", "initialize" },
	{ "interupt", "interrupt" },
	{ "invalide", "invalid" },
	{ "isnt", "isn't" },
	{ "lenght", "length" },
	{ "maintainance", "maintenance" },
	{ "mamory", "memory" },
	{ "mapppings", "mappings" },
	{ "memeory", "memory" },
	{ "mesage", "message" },
	{ "mising", "missing" },
	{ "neccessary", "necessary" },
	{ "necessery", "necessary" },
	{ "occurence", "occurrence" },
	{ "occured", "occurred" },
	{ "occuring", "occurring" },
	{ "overriden", "overridden" },
	{ "paramter", "parameter" },
	{ "paramters", "parameters" },
	{ "particularily", "particularly" },
	{ "perfomance", "performance" },
	{ "pointr", "pointer" },
	{ "possibile", "possible" },
	{ "preceeding", "preceding" },
	{ "prefered", "preferred" },
	{ "previosly", "previously" },
	{ "priviledge", "privilege" },
	{ "proccess", "process" },
	{ "progess", "progress" },
	{ "proprely", "properly" },
	{ "propogate", "propagate" },
	{ "recieve", "receive" },
	{ "recieved", "received" },
	{ "recomended", "recommended" },
	{ "reenable", "re-enable" },
	{ "refcoutn", "refcount" },
	{ "refered", "referred" },
	{ "reponsible", "responsible" },
	{ "requried", "required" },
	{ "retreive", "retrieve" },
	{ "seperate", "separate" },
	{ "seperately", "separately" },
	{ "similiar", "similar" },
	{ "specifed", "specified" },
	{ "sucess", "success" },
	{ "succesful", "successful" },
	{ "successfull", "successful" },
	{ "suppport", "support" },
	{ "supress", "suppress" },
	{ "teh", "the" },
	{ "thier", "their" },
	{ "threshhold", "threshold" },
	{ "transfered", "transferred" },
	{ "truely", "truly" },
	{ "unecessary", "unnecessary" },
	{ "unneccessary", "unnecessary" },
	{ "untill", "until" },
	{ "usefull", "useful" },
	{ "wasnt", "wasn't" },
	{ "wich", "which" },
	{ "writting", "writing" },
};

static int entry_cmp(const void *a, const void *b)
{
	const struct spell_entry *x = a, *y = b;

	return strcmp(x->wrong, y->wrong);
}

static void dict_add(struct spell_dict *d, char *wrong, char *right)
{
	char *p;

	for (p = wrong; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!*wrong || !*right || strlen(wrong) > SPELL_MAX_WORD)
		return;
	XGROW(d->v, d->alloc, d->n + 1);
	d->v[d->n].wrong = wrong;
	d->v[d->n].right = right;
	d->n++;
}

static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * One line of a dictionary: "wrong||right" (scripts/spelling.txt, '#'
 * starts a comment) or codespell's "wrong->right", "wrong->a, b," (several
 * corrections) and "wrong->right, reason" (the text after the last comma
 * of a single correction is why, not a word).
 */
static void dict_line(struct spell_dict *d, char *line, bool codespell)
{
	char *sep, *right;

	if (!codespell && trim(line)[0] == '#')
		return;
	sep = strstr(line, codespell ? "->" : "||");
	if (!sep)
		return;
	*sep = '\0';
	right = trim(sep + 2);
	if (codespell) {
		char *comma = strrchr(right, ',');

		if (comma)
			*comma = '\0'; /* "a, b," or ", reason" */
		right = trim(right);
	}
	dict_add(d, trim(line), right);
}

/* Sort, and keep the first entry of a word given twice. */
static void dict_sort(struct spell_dict *d)
{
	size_t i, out = 0;

	qsort(d->v, d->n, sizeof(*d->v), entry_cmp);
	for (i = 0; i < d->n; i++)
		if (!out || strcmp(d->v[out - 1].wrong, d->v[i].wrong))
			d->v[out++] = d->v[i];
	d->n = out;
}

static void dict_release(struct spell_dict *d)
{
	free(d->path);
	free(d->text);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Read path into d; a file that cannot be read leaves d empty. */
static void dict_load(struct spell_dict *d, const char *path, unsigned flags,
		      bool codespell)
{
	char *line;
	size_t len;

	dict_release(d);
	d->loaded = true;
	d->path = xstrdup(path);
	if (rule_file_read(path, SPELL_MAX_DICT, flags, &d->text, &len) < 0) {
		mmr_error_clear();
		return;
	}
	for (line = d->text; line && *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		dict_line(d, line, codespell);
		line = nl ? nl + 1 : NULL;
	}
	dict_sort(d);
}

static void load_builtin(struct spell_dict *d)
{
	size_t i, n = sizeof(builtin_words) / sizeof(builtin_words[0]);

	if (d->loaded)
		return;
	d->loaded = true;
	for (i = 0; i < n; i++) {
		XGROW(d->v, d->alloc, d->n + 1);
		d->v[d->n].wrong = builtin_words[i][0];
		d->v[d->n].right = builtin_words[i][1];
		d->n++;
	}
	dict_sort(d);
}

/* The tree's scripts/spelling.txt, read again when the tree changes. */
static void load_tree(struct spell_dict *d, const char *root)
{
	struct sbuf path = SBUF_INIT;

	if (!root) {
		dict_release(d);
		return;
	}
	sbuf_addf(&path, "%s/%s", root, SPELL_TREE_FILE);
	if (!d->loaded || !d->path || strcmp(d->path, path.buf))
		dict_load(d, path.buf, RULE_LOAD_UNTRUSTED, false);
	sbuf_release(&path);
}

/* codespell's dictionary: the option's path, "none", or where it is. */
static void load_codespell(struct spell_dict *d, const char *opt)
{
	size_t i;

	if (opt && !strcmp(opt, "none")) {
		dict_release(d);
		return;
	}
	if (opt && *opt) {
		if (!d->loaded || !d->path || strcmp(d->path, opt))
			dict_load(d, opt, 0, true);
		return;
	}
	if (d->loaded && (!d->path || d->n))
		return;
	for (i = 0; i < sizeof(codespell_paths) / sizeof(*codespell_paths);
	     i++) {
		dict_load(d, codespell_paths[i], 0, true);
		if (d->n)
			return;
	}
	dict_release(d);
	d->loaded = true; /* none installed: not looked for again */
}

static const struct spell_entry *dict_find(const struct spell_dict *d,
					   const char *word)
{
	struct spell_entry key = { word, NULL };

	if (!d->n)
		return NULL;
	return bsearch(&key, d->v, d->n, sizeof(*d->v), entry_cmp);
}

/* --- the words of a text --------------------------------------------------- */

/* What a check needs: the dictionaries in use, and how to report. */
struct spell_run {
	struct spell_state *st;
	struct rule_ctx *ctx;
	const struct change *c; /* NULL on the changelog */
	const struct change_set *cs;
	unsigned line; /* the changelog's line */
	const char *text; /* the csrc's text, or the changelog's line */
	int err;
};

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '\'';
}

/*
 * A word, not an identifier or a piece of code: letters only, lowercase
 * after a first capital or all capitals, not a field, a call, a format
 * or an escape.
 */
static bool plain_word(const char *text, size_t start, size_t end, size_t limit)
{
	size_t i, upper = 0;

	if (end - start < 3 || end - start > SPELL_MAX_WORD)
		return false;
	for (i = start; i < end; i++) {
		if (!isalpha((unsigned char)text[i]) && text[i] != '\'')
			return false;
		upper += isupper((unsigned char)text[i]) != 0;
	}
	if (upper && upper != end - start &&
	    (upper > 1 || !isupper((unsigned char)text[start])))
		return false;
	if (start && strchr("\\%.>:#&$@/", text[start - 1]))
		return false; /* "\n", "%lu", "->field", "a.b", "mm/x" */
	if (end < limit &&
	    (text[end] == '(' || text[end] == '/' ||
	     (text[end] == '.' && end + 1 < limit &&
	      isalnum((unsigned char)text[end + 1])) ||
	     (text[end] == '-' && end + 1 < limit && text[end + 1] == '>')))
		return false;
	return true;
}

static void fix_case(struct sbuf *sb, const char *word, size_t n,
		     const char *right)
{
	bool all = n > 1, first = isupper((unsigned char)word[0]);
	size_t i;

	for (i = 0; i < n; i++)
		if (isalpha((unsigned char)word[i]) &&
		    !isupper((unsigned char)word[i]))
			all = false;
	for (i = 0; right[i]; i++)
		sbuf_addch(sb, all || (first && !i) ?
				       (char)toupper((unsigned char)right[i]) :
				       right[i]);
}

/*
 * Whether text uses word as a part of an identifier ("uptodate" of
 * folio_test_uptodate()): then it is a term of the code, whatever a
 * dictionary says.
 */
static bool identifier_part(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= len; i++) {
		char before = i ? text[i - 1] : ' ';
		char after = i + n < len ? text[i + n] : ' ';

		if (tolower((unsigned char)text[i]) != word[0] ||
		    strncasecmp(text + i, word, n))
			continue;
		if (isalnum((unsigned char)before) ||
		    isalnum((unsigned char)after))
			continue;
		if (before == '_' || after == '_')
			return true;
	}
	return false;
}

/* The same in the new images of the patch (for the changelog's words). */
static bool code_term(const struct spell_run *r, const char *word)
{
	const struct csrc *last = NULL;
	size_t i, len;

	if (r->c) {
		const char *t = csrc_text(change_src(r->c, CHANGE_NEW), &len);

		return identifier_part(t, len, word);
	}
	for (i = 0; i < change_set_count(r->cs); i++) {
		const struct csrc *src =
			change_src(change_set_at(r->cs, i), CHANGE_NEW);
		const char *t;

		if (!src || src == last)
			continue;
		last = src;
		t = csrc_text(src, &len);
		if (identifier_part(t, len, word))
			return true;
	}
	return false;
}

/* Look the word at text[start, end) up, and report it if misspelled. */
static void check_word(struct spell_run *r, size_t start, size_t end)
{
	struct spell_state *st = r->st;
	const struct spell_entry *e = NULL;
	const struct spell_dict *from = NULL;
	char word[SPELL_MAX_WORD + 1];
	struct sbuf fix = SBUF_INIT, note = SBUF_INIT;
	size_t i, n = end - start;

	for (i = 0; i < n; i++)
		word[i] = (char)tolower((unsigned char)r->text[start + i]);
	word[n] = '\0';
	if ((e = dict_find(&st->tree, word)))
		from = &st->tree;
	else if ((e = dict_find(&st->codespell, word)))
		from = &st->codespell;
	else if (!st->tree.n && !st->codespell.n &&
		 (e = dict_find(&st->builtin, word)))
		from = &st->builtin;
	if (!e || r->st->reports >= SPELL_MAX_REPORTS || code_term(r, word))
		return;
	r->st->reports++;
	fix_case(&fix, r->text + start, n, e->right);
	if (from == &st->tree)
		sbuf_addf(&note, "From the kernel tree's %s (%s).",
			  SPELL_TREE_FILE, from->path);
	else if (from == &st->codespell)
		sbuf_addf(&note, "From codespell's dictionary (%s).",
			  from->path);
	else
		sbuf_addstr(&note, "From mmreview's built-in list of common "
				   "misspellings: no kernel tree's "
				   "scripts/spelling.txt, no codespell "
				   "dictionary.");
	if (r->c)
		r->err = rule_report(r->ctx, r->c, CHANGE_NEW, (uint32_t)start,
				     (uint32_t)end, NULL, note.buf,
				     "'%.*s' may be misspelled - perhaps '%s'?",
				     (int)n, r->text + start, fix.buf);
	else
		r->err = rule_report_message(
			r->ctx, r->cs, r->line, (unsigned)start + 1,
			(unsigned)end + 1, note.buf,
			"'%.*s' may be misspelled - perhaps '%s'?", (int)n,
			r->text + start, fix.buf);
	sbuf_release(&fix);
	sbuf_release(&note);
}

/* Past a URL at i ("https://...", "www."), or i. */
static size_t skip_url(const char *t, size_t i, size_t end)
{
	if ((end - i > 7 && !strncasecmp(t + i, "http://", 7)) ||
	    (end - i > 8 && !strncasecmp(t + i, "https://", 8)) ||
	    (end - i > 6 && !strncasecmp(t + i, "ftp://", 6)) ||
	    (end - i > 4 && !strncasecmp(t + i, "www.", 4)))
		while (i < end && !isspace((unsigned char)t[i]))
			i++;
	return i;
}

/*
 * The words of r->text[start, end); wanted, if not NULL, tells
 * which words are on lines the patch adds.
 */
static void check_words(struct spell_run *r, size_t start, size_t end,
			bool (*wanted)(const struct spell_run *r, size_t at))
{
	const char *t = r->text;
	size_t i = start;

	while (i < end && r->err >= 0) {
		size_t w, e, skip = skip_url(t, i, end);

		if (skip != i) {
			i = skip;
			continue;
		}
		if (t[i] == '`') { /* `code` in prose */
			const char *q = memchr(t + i + 1, '`', end - i - 1);

			i = q ? (size_t)(q - t) + 1 : end;
			continue;
		}
		if (!word_char(t[i])) {
			i++;
			continue;
		}
		for (w = i; i < end && word_char(t[i]);)
			i++;
		/* 'quoted': the quotes are not the word's */
		for (e = i; w < e && t[w] == '\'';)
			w++;
		while (e > w && t[e - 1] == '\'')
			e--;
		if (plain_word(t, w, e, end) && (!wanted || wanted(r, w)))
			check_word(r, w, e);
	}
}

/* --- comments and strings the patch adds ------------------------------------ */

static bool on_added_line(const struct spell_run *r, size_t at)
{
	const struct csrc *src = change_src(r->c, CHANGE_NEW);

	return change_line_changed(r->c, CHANGE_NEW,
				   csrc_line_of(src, (uint32_t)at));
}

/* Whether the patch adds one of the lines [first, last]. */
static bool touched(const struct change *c, unsigned first, unsigned last)
{
	unsigned l;

	for (l = first; l <= last; l++)
		if (change_line_changed(c, CHANGE_NEW, l))
			return true;
	return false;
}

static struct spell_state *state_for(const struct rule *self,
				     struct rule_ctx *ctx,
				     const struct change_set *cs)
{
	struct spell_state *st = self->data;

	load_tree(&st->tree, change_set_root(cs));
	load_codespell(&st->codespell, rule_option(ctx, "codespell"));
	load_builtin(&st->builtin);
	return st;
}

static int spell_check(const struct rule *self, struct rule_ctx *ctx,
		       const struct change *c)
{
	const struct csrc *src = change_src(c, CHANGE_NEW);
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	struct spell_run r = { .ctx = ctx, .c = c, .cs = change_owner(c) };
	struct csrc_comment *cm = NULL;
	TSNode *str = NULL;
	size_t i, ncm, nstr;

	if (!src || !def)
		return 0;
	r.st = state_for(self, ctx, r.cs);
	r.text = csrc_text(src, NULL);
	ncm = csrc_comments(src, def->doc_start, def->end, &cm);
	for (i = 0; i < ncm && r.err >= 0; i++)
		if (touched(c, cm[i].start_line, cm[i].end_line))
			check_words(&r, cm[i].start, cm[i].end, on_added_line);
	nstr = csrc_find_nodes_in(src, csrc_root(src), def->doc_start, def->end,
				  "string_literal", &str);
	for (i = 0; i < nstr && r.err >= 0; i++)
		check_words(&r, csrc_node_start(str[i]), csrc_node_end(str[i]),
			    on_added_line);
	free(cm);
	free(str);
	return r.err < 0 ? r.err : 0;
}

/* --- the changelog ------------------------------------------------------------ */

/*
 * A trailer ("Signed-off-by: A <a@b>", "Link: ...", "Fixes: ..."): names,
 * addresses, ids and another commit's subject, nothing to spell.
 */
static bool trailer_line(const char *s, size_t n)
{
	static const char *const keys[] = { "fixes",	 "link",      "closes",
					    "cc",	 "bug",	      "buglink",
					    "change-id", "message-id" };
	size_t k = 0, i;

	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-'))
		k++;
	if (!k || k + 1 >= n || s[k] != ':' || s[k + 1] != ' ')
		return false;
	if (k > 3 && !strncasecmp(s + k - 3, "-by", 3))
		return true;
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strlen(keys[i]) == k && !strncasecmp(s, keys[i], k))
			return true;
	return false;
}

static int spell_check_patch(const struct rule *self, struct rule_ctx *ctx,
			     const struct change_set *cs)
{
	struct spell_run r = { .ctx = ctx, .cs = cs };
	const char *p = change_set_message(cs);

	r.st = state_for(self, ctx, cs);
	for (r.line = 1; *p && r.err >= 0 && r.line <= SPELL_MAX_LINES;
	     r.line++) {
		size_t n = strcspn(p, "\n");

		/* quoted mail, indented code or logs, trailers: not prose */
		if (n && n <= SPELL_MAX_LINE && p[0] != '>' && p[0] != ' ' &&
		    p[0] != '\t' && !trailer_line(p, n)) {
			r.text = p;
			check_words(&r, 0, n, NULL);
		}
		p += n + (p[n] == '\n');
	}
	r.st->reports = 0; /* the patch is done */
	return r.err < 0 ? r.err : 0;
}

static void spell_free(struct rule *self)
{
	struct spell_state *st = self->data;

	dict_release(&st->tree);
	dict_release(&st->codespell);
	free(st->builtin.v); /* its words are static */
	free(st);
	free(self);
}

static const char *const spell_options[] = { "codespell", NULL };

static const char *const spell_doc =
	"Misspelled words in the comments and string literals a patch adds "
	"and in its changelog (the subject and the body; not trailers, quoted "
	"or indented lines, URLs or `code`), each reported with its "
	"correction, as checkpatch does. Example:\n"
	"\n"
	"    + * The race occured when the folio was unmapped.\n"
	"    warning: 'occured' may be misspelled - perhaps 'occurred'?\n"
	"\n"
	"Misspellings make code harder to search and changelogs harder to "
	"read, and a reviewer who points them out one by one spends the time "
	"of a review on them.\n"
	"\n"
	"The words come from the kernel tree's scripts/spelling.txt "
	"(review.kernel-tree, --tree, or the tree around) and from "
	"codespell's dictionary when it is installed (Debian's codespell; "
	"rule.spelling.codespell names another dictionary.txt, or \"none\"). "
	"Without either, a short built-in list of common misspellings is "
	"used. The finding's note says which dictionary knew the word. Only "
	"words are looked at: identifiers (with '_', digits or inner "
	"capitals), fields, calls and format specifiers are not, nor a word "
	"the patch's code uses in an identifier (\"uptodate\" of "
	"folio_test_uptodate() is a term, not a misspelling).\n"
	"\n"
	"Lower it with [rule \"spelling\"] severity = info (shown by mmreview "
	"check, neither failing it nor posted in a reply); silence it with "
	"[rule \"spelling\"] enabled = false (or -c "
	"rule.spelling.enabled=false).";

struct rule *rule_spelling_new(void)
{
	struct rule *r = xcalloc(1, sizeof(*r));

	r->version = RULE_VERSION;
	r->id = "spelling";
	r->severity = RULE_WARNING;
	r->summary = "a misspelled word in an added comment or string, or in "
		     "the changelog";
	r->doc = spell_doc;
	r->options = spell_options;
	r->check = spell_check;
	r->check_patch = spell_check_patch;
	r->data = xcalloc(1, sizeof(struct spell_state));
	r->free = spell_free;
	return r;
}
