// SPDX-License-Identifier: GPL-2.0
/*
 * Query rules: a tree-sitter query with a header of metadata in comment
 * lines, run over the old and new image of each touched definition and
 * judged by where its matches are (on: added, removed, new, gone, changed,
 * any). docs/rules.md is the user's description.
 */
#include <assert.h>
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cquery.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

/* Bounds of a rule's header and of what a finding shows. */
#define QRULE_MAX_GLOB 256
#define QRULE_MAX_SHOWN 200 /* bytes of a capture's text in a message */
#define QRULE_MAX_DEPTH 4 /* macros and helpers in a chain */
#define QRULE_MAX_RESOLVE 64 /* names looked up per #macro-contains? */
#define QRULE_MAX_ALIGN ((size_t)1 << 20) /* cells when pairing "changed" */

enum on {
	ON_ADDED,
	ON_REMOVED,
	ON_NEW,
	ON_GONE,
	ON_CHANGED,
	ON_ANY,
};

static const char *const on_names[] = { "added",   "removed", "new", "gone",
					"changed", "any",     NULL };

/* What each on: reports, for a rule's documentation. */
static const char *const on_says[] = {
	"a match whose marked capture is on an added line",
	"a match whose marked capture is on a removed line",
	"a match in the new code with no equal match in the old code",
	"a match in the old code with no equal match in the new code",
	"a match on changed lines whose captures differ from those of the "
	"corresponding match in the old code (the same _captures)",
	"every match in the new code of a changed definition",
};

enum qpred_kind {
	QP_IN_FUNCTION,
	QP_IN_FILE,
	QP_MACRO_CONTAINS,
};

/* In the order of enum qpred_kind, then the negations. */
static const char *const custom_names[] = {
	"in-function?",
	"in-file?",
	"macro-contains?",
	"not-in-function?",
	"not-in-file?",
	"not-macro-contains?",
	NULL,
};

struct qpred {
	enum qpred_kind kind;
	bool negate;
	struct cquery_regex *re; /* in-function? */
	const char *glob; /* in-file? */
	unsigned capture; /* macro-contains? */
	const char *token; /* macro-contains? */
};

struct qrule {
	struct rule rule; /* rule.data points back here */
	char *id, *summary, *doc, *message;
	enum on on;
	int mark; /* capture id, or -1 for the whole match */
	struct cquery *q;
	struct qpred *preds;
	size_t npreds;
	bool *key_capture; /* by capture id: compared between images */
};

/* --- problems ------------------------------------------------------------- */

struct loader {
	const char *path;
	const char *text;
	size_t len;
	rule_problem_fn fn;
	void *payload;
};

#define problem(ld, code, line, column, ...)                              \
	rule_problem_say((ld)->fn, (ld)->payload, code, (ld)->path, line, \
			 column, __VA_ARGS__)

/* --- the header ----------------------------------------------------------- */

enum hkey {
	H_ID,
	H_SEVERITY,
	H_ON,
	H_MESSAGE,
	H_MARK,
	H_ENABLED,
	H_SUMMARY,
	H_NKEYS,
};

static const char *const hkey_names[] = { "id",	     "severity", "on",
					  "message", "mark",	 "enabled",
					  "summary" };

struct header {
	char *value[H_NKEYS];
	unsigned line[H_NKEYS], column[H_NKEYS];
	struct sbuf prose; /* comment lines that are not metadata */
};

static void header_release(struct header *h)
{
	size_t i;

	for (i = 0; i < H_NKEYS; i++)
		free(h->value[i]);
	sbuf_release(&h->prose);
}

/* The length of a "key:" at s (lowercase letters and '-'), or 0. */
static size_t key_length(const char *s, size_t n)
{
	size_t i = 0;

	if (!n || !islower((unsigned char)s[0]))
		return 0;
	while (i < n && (islower((unsigned char)s[i]) || s[i] == '-'))
		i++;
	return i < n && s[i] == ':' ? i : 0;
}

static int header_key(const struct loader *ld, struct header *h, const char *s,
		      size_t n, size_t klen, unsigned line, unsigned column)
{
	size_t i, v = klen + 1;

	for (i = 0; i < H_NKEYS; i++)
		if (strlen(hkey_names[i]) == klen &&
		    !memcmp(s, hkey_names[i], klen))
			break;
	if (i == H_NKEYS)
		return problem(ld, MMR_EINVAL, line, column,
			       "unknown header key '%.*s' (id, severity, on, "
			       "message, mark, enabled, summary; prose lines "
			       "start with ';;')",
			       (int)klen, s);
	if (h->value[i])
		return problem(ld, MMR_EINVAL, line, column,
			       "'%s' given twice (first on line %u)",
			       hkey_names[i], h->line[i]);
	while (v < n && (s[v] == ' ' || s[v] == '\t'))
		v++;
	while (n > v && isspace((unsigned char)s[n - 1]))
		n--;
	h->value[i] = xstrndup(s + v, n - v);
	h->line[i] = line;
	h->column[i] = column + (unsigned)v;
	return 0;
}

/* Comment lines before the query: "; key: value" metadata, or prose. */
static int header_parse(const struct loader *ld, struct header *h)
{
	const char *s = ld->text, *end = ld->text + ld->len;
	unsigned line = 0;

	sbuf_init(&h->prose, RULE_MAX_FILE);
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		const char *e = nl ? nl : end, *p = s, *ls = s;
		size_t klen;
		int err;

		line++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p < e && *p == '\r' && p + 1 == e)
			p++;
		if (p < e && *p != ';')
			break;
		s = nl ? nl + 1 : end;
		if (p == e)
			continue;
		if (e - p >= 2 && p[1] == ';') {
			p += 2 + (e - p > 2 && p[2] == ' ');
			sbuf_add(&h->prose, p, e - p);
			sbuf_addch(&h->prose, '\n');
			continue;
		}
		for (p++; p < e && (*p == ' ' || *p == '\t');)
			p++;
		klen = key_length(p, e - p);
		if (!klen) {
			sbuf_add(&h->prose, p, e - p);
			sbuf_addch(&h->prose, '\n');
			continue;
		}
		err = header_key(ld, h, p, e - p, klen, line,
				 (unsigned)(p - ls) + 1);
		if (err)
			return err;
	}
	sbuf_rtrim(&h->prose);
	return 0;
}

/* --- checking the header against the query -------------------------------- */

static int parse_choice(const struct loader *ld, const struct header *h,
			enum hkey k, const char *const *names, int dflt,
			int *out)
{
	size_t i;

	*out = dflt;
	if (!h->value[k])
		return 0;
	for (i = 0; names[i]; i++) {
		if (!strcmp(h->value[k], names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	return problem(ld, MMR_EINVAL, h->line[k], h->column[k], "bad %s '%s'",
		       hkey_names[k], h->value[k]);
}

/* Whether name is a capture, or capture.old / capture.new. */
static bool placeholder_ok(const struct qrule *qr, const char *name,
			   bool *sided)
{
	const char *dot = strrchr(name, '.');
	char base[256];

	*sided = false;
	if (!strcmp(name, "function") || cquery_capture_id(qr->q, name) >= 0)
		return true;
	if (!dot || (strcmp(dot, ".old") && strcmp(dot, ".new")) ||
	    (size_t)(dot - name) >= sizeof(base))
		return false;
	snprintf(base, sizeof(base), "%.*s", (int)(dot - name), name);
	*sided = true;
	return cquery_capture_id(qr->q, base) >= 0;
}

/*
 * The placeholders of a message: {capture}, {capture.old},
 * {capture.new}, {function}; {{ and }} stand for braces.
 */
typedef int (*placeholder_fn)(const char *name, size_t at, void *arg);

static int message_walk(const char *msg, struct sbuf *out, placeholder_fn fn,
			void *arg)
{
	size_t i;

	for (i = 0; msg[i]; i++) {
		const char *close;
		char name[256];
		int err;

		if ((msg[i] == '{' || msg[i] == '}') && msg[i + 1] == msg[i]) {
			sbuf_addch(out, msg[i++]);
			continue;
		}
		if (msg[i] == '}')
			return fn(NULL, i, arg);
		if (msg[i] != '{') {
			sbuf_addch(out, msg[i]);
			continue;
		}
		close = strchr(msg + i, '}');
		if (!close || (size_t)(close - msg - i - 1) >= sizeof(name) ||
		    close == msg + i + 1)
			return fn(NULL, i, arg);
		snprintf(name, sizeof(name), "%.*s", (int)(close - msg - i - 1),
			 msg + i + 1);
		err = fn(name, i, arg);
		if (err)
			return err;
		i = close - msg;
	}
	return 0;
}

struct msg_check {
	const struct loader *ld;
	const struct header *h;
	const struct qrule *qr;
};

static int check_placeholder(const char *name, size_t at, void *arg)
{
	struct msg_check *mc = arg;
	unsigned line = mc->h->line[H_MESSAGE];
	unsigned col = mc->h->column[H_MESSAGE] + (unsigned)at;
	bool sided;

	if (!name)
		return problem(mc->ld, MMR_EINVAL, line, col,
			       "unbalanced brace in the message (write {{ or "
			       "}} for a brace)");
	if (!placeholder_ok(mc->qr, name, &sided))
		return problem(mc->ld, MMR_EINVAL, line, col,
			       "'{%s}' is not a capture of the query nor "
			       "{function}",
			       name);
	if (sided && mc->qr->on != ON_CHANGED)
		return problem(mc->ld, MMR_EINVAL, line, col,
			       "'{%s}' needs 'on: changed'", name);
	return 0;
}

static int check_message(const struct loader *ld, const struct header *h,
			 const struct qrule *qr)
{
	struct msg_check mc = { ld, h, qr };
	struct sbuf out = SBUF_INIT;
	int err =
		message_walk(h->value[H_MESSAGE], &out, check_placeholder, &mc);

	sbuf_release(&out);
	return err;
}

static bool is_identifier(const char *s)
{
	size_t i;

	if (!s || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static int custom_problem(const struct loader *ld, const struct cquery_pred *p,
			  const char *what)
{
	return problem(ld, MMR_EINVAL, p->line, p->column, "#%s needs %s",
		       p->name, what);
}

/* Check one of our predicates and make what evaluating it needs. */
static int custom_prepare(const struct loader *ld, const struct cquery_pred *p,
			  struct qpred *out)
{
	size_t i;
	int err;

	for (i = 0; strcmp(custom_names[i], p->name); i++)
		;
	out->kind = (enum qpred_kind)(i % 3);
	out->negate = i >= 3;
	switch (out->kind) {
	case QP_IN_FUNCTION:
		if (p->nargs != 1 || p->args[0].capture)
			return custom_problem(ld, p, "one regular expression");
		err = cquery_regex_new(&out->re, p->args[0].text);
		if (err)
			return problem(ld, err, p->line, p->column, "%s",
				       mmr_error_last());
		return 0;
	case QP_IN_FILE:
		if (p->nargs != 1 || p->args[0].capture ||
		    strlen(p->args[0].text) > QRULE_MAX_GLOB)
			return custom_problem(ld, p,
					      "one glob of at most 256 bytes");
		out->glob = p->args[0].text;
		return 0;
	default:
		if (p->nargs != 2 || !p->args[0].capture ||
		    p->args[1].capture || !is_identifier(p->args[1].text))
			return custom_problem(ld, p,
					      "a capture and an identifier");
		out->capture = p->args[0].id;
		out->token = p->args[1].text;
		return 0;
	}
}

static int prepare_preds(const struct loader *ld, struct qrule *qr)
{
	const struct cquery_pred *p;
	size_t i;
	int err;

	qr->npreds = cquery_custom_preds(qr->q, &p);
	qr->preds = xcalloc(qr->npreds + 1, sizeof(*qr->preds));
	for (i = 0; i < qr->npreds; i++) {
		err = custom_prepare(ld, &p[i], &qr->preds[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Captures named _x are helpers: not compared between the images. */
static void choose_key_captures(struct qrule *qr)
{
	unsigned i, n = cquery_capture_count(qr->q), pub = 0;

	qr->key_capture = xcalloc(n + 1, sizeof(*qr->key_capture));
	for (i = 0; i < n; i++) {
		qr->key_capture[i] = cquery_capture_name(qr->q, i)[0] != '_';
		pub += qr->key_capture[i];
	}
	for (i = 0; !pub && i < n; i++)
		qr->key_capture[i] = true;
}

static int check_mark(const struct loader *ld, const struct header *h,
		      struct qrule *qr)
{
	const char *m = h->value[H_MARK];

	qr->mark = -1;
	if (!m)
		return 0;
	if (*m == '@')
		m++;
	qr->mark = cquery_capture_id(qr->q, m);
	if (qr->mark < 0)
		return problem(ld, MMR_EINVAL, h->line[H_MARK],
			       h->column[H_MARK],
			       "mark '%s' is not a capture of the query", m);
	return 0;
}

/* --- building the rule ---------------------------------------------------- */

static void qrule_free(struct rule *r)
{
	struct qrule *qr = r ? r->data : NULL;
	size_t i;

	if (!qr)
		return;
	for (i = 0; i < qr->npreds; i++)
		cquery_regex_free(qr->preds[i].re);
	free(qr->preds);
	free(qr->key_capture);
	cquery_free(qr->q);
	free(qr->id);
	free(qr->summary);
	free(qr->doc);
	free(qr->message);
	free(qr);
}

static char *make_doc(const struct header *h, const struct qrule *qr,
		      const char *path)
{
	struct sbuf sb = SBUF_INIT;
	const char *prose = h->prose.buf + strspn(h->prose.buf, "\n");

	if (*prose)
		sbuf_addf(&sb, "%s\n\n", prose);
	sbuf_addf(&sb,
		  "A query rule from %s (on: %s): it reports %s.\n"
		  "Message: %s\n\n"
		  "Silence it in the config (git-config syntax):\n"
		  "\t[rule \"%s\"]\n\t\tenabled = false\n",
		  path, on_names[qr->on], on_says[qr->on], qr->message, qr->id);
	return sbuf_detach(&sb, NULL);
}

static int qrule_check(const struct rule *self, struct rule_ctx *ctx,
		       const struct change *c);

static int header_values(const struct loader *ld, const struct header *h,
			 struct qrule *qr)
{
	static const char *const bools[] = { "false", "true", NULL };
	static const char *const sevs[] = { "info", "warning", "error", NULL };
	int on, sev, enabled;

	if (!h->value[H_ID])
		return problem(ld, MMR_EINVAL, 1, 1, "no '; id:' line");
	if (!rule_id_valid(h->value[H_ID]))
		return problem(ld, MMR_EINVAL, h->line[H_ID], h->column[H_ID],
			       "bad rule id '%s' (lowercase letters, digits "
			       "and '-', at most 64)",
			       h->value[H_ID]);
	if (!h->value[H_MESSAGE] || !*h->value[H_MESSAGE])
		return problem(ld, MMR_EINVAL, 1, 1, "no '; message:' line");
	if (parse_choice(ld, h, H_ON, on_names, ON_ADDED, &on) ||
	    parse_choice(ld, h, H_SEVERITY, sevs, RULE_WARNING, &sev) ||
	    parse_choice(ld, h, H_ENABLED, bools, 1, &enabled))
		return MMR_EINVAL;
	qr->on = (enum on)on;
	qr->rule.severity = (enum rule_severity)sev;
	qr->rule.off = !enabled;
	return 0;
}

static int compile(const struct loader *ld, struct qrule *qr)
{
	unsigned line = 0, column = 0;
	int err = cquery_new(&qr->q, ld->text, ld->len, custom_names, &line,
			     &column);

	if (err)
		return problem(ld, err, line, column, "%s", mmr_error_last());
	if (!cquery_pattern_count(qr->q))
		return problem(ld, MMR_EINVAL, 1, 1,
			       "no query after the header");
	return 0;
}

int rule_query_new(struct rule **out, const char *path, const char *text,
		   size_t len, rule_problem_fn fn, void *payload)
{
	struct loader ld = { path, text, len, fn, payload };
	struct header h = { 0 };
	struct qrule *qr = xcalloc(1, sizeof(*qr));
	int err;

	*out = NULL;
	qr->rule.version = RULE_VERSION;
	qr->rule.check = qrule_check;
	qr->rule.free = qrule_free;
	qr->rule.data = qr;
	if (len > RULE_MAX_FILE) {
		err = problem(&ld, MMR_ELIMIT, 0, 0,
			      "rule file larger than %zu bytes", RULE_MAX_FILE);
		goto fail;
	}
	err = header_parse(&ld, &h);
	if (!err)
		err = header_values(&ld, &h, qr);
	if (!err)
		err = compile(&ld, qr);
	if (!err)
		err = prepare_preds(&ld, qr);
	if (!err)
		err = check_mark(&ld, &h, qr);
	if (!err)
		err = check_message(&ld, &h, qr);
	if (err)
		goto fail;
	choose_key_captures(qr);
	qr->id = xstrdup(h.value[H_ID]);
	qr->message = xstrdup(h.value[H_MESSAGE]);
	qr->summary = xstrdup(h.value[H_SUMMARY] ? h.value[H_SUMMARY] :
						   h.value[H_MESSAGE]);
	qr->doc = make_doc(&h, qr, path);
	qr->rule.id = qr->id;
	qr->rule.summary = qr->summary;
	qr->rule.doc = qr->doc;
	header_release(&h);
	*out = &qr->rule;
	return 0;
fail:
	header_release(&h);
	qrule_free(&qr->rule);
	return err;
}

/* --- running: collecting the matches of each image ------------------------ */

struct qmatch {
	uint32_t start, end; /* the whole match */
	size_t cap, ncap; /* its nodes in the side's pool */
	uint64_t key; /* hash of the compared captures' text */
	uint64_t anchor; /* of the _captures' text */
	uint64_t all; /* of every capture's text */
	bool touched; /* a line of the match is removed or added */
	bool mark_touched; /* a line of the marked capture is */
	unsigned hunk;
};

struct qside {
	enum change_side side;
	const struct change *c; /* whose image this is */
	const struct csrc *cs;
	const char *text;
	uint32_t start, end; /* the definition's bytes */
	struct qmatch *m;
	size_t n, alloc;
	struct cquery_capture *caps;
	size_t ncaps, caps_alloc;
};

struct qrun {
	const struct qrule *qr;
	struct rule_ctx *ctx;
	const struct change *c;
	struct qside side[2];
	struct qside *cur;
	unsigned budget; /* names #macro-contains? may still resolve */
};

static const struct cquery_capture *qm_find(const struct qside *sd,
					    const struct qmatch *m, unsigned id)
{
	size_t i;

	for (i = 0; i < m->ncap; i++)
		if (sd->caps[m->cap + i].id == id)
			return &sd->caps[m->cap + i];
	return NULL;
}

static bool span_touched(const struct change *c, const struct qside *sd,
			 uint32_t start, uint32_t end)
{
	unsigned l = csrc_line_of(sd->cs, start);
	unsigned last = csrc_line_of(sd->cs, end > start ? end - 1 : start);

	for (; l <= last; l++)
		if (change_line_changed(c, sd->side, l))
			return true;
	return false;
}

/* The marked capture's span in m, or the whole match. */
static void mark_span(const struct qrule *qr, const struct qside *sd,
		      const struct qmatch *m, uint32_t *start, uint32_t *end)
{
	const struct cquery_capture *cap =
		qr->mark < 0 ? NULL : qm_find(sd, m, (unsigned)qr->mark);

	*start = cap ? cap->start : m->start;
	*end = cap ? cap->end : m->end;
}

/* FNV-1a over text with runs of blanks made one space, ends trimmed. */
static uint64_t hash_text(uint64_t h, const char *s, size_t n)
{
	bool blank = false, any = false;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (isspace(ch)) {
			blank = any;
			continue;
		}
		if (blank)
			h = (h ^ ' ') * 0x100000001b3ULL;
		blank = false;
		any = true;
		h = (h ^ ch) * 0x100000001b3ULL;
	}
	return (h ^ 0xff) * 0x100000001b3ULL;
}

enum key_part {
	KEY_PUBLIC, /* the captures compared between the images */
	KEY_PRIVATE, /* the _captures: what a changed match must keep */
	KEY_ALL,
};

static uint64_t match_key(const struct qrule *qr, const struct qside *sd,
			  const struct qmatch *m, enum key_part part)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < m->ncap; i++) {
		const struct cquery_capture *cap = &sd->caps[m->cap + i];

		if (part != KEY_ALL &&
		    qr->key_capture[cap->id] != (part == KEY_PUBLIC))
			continue;
		h = hash_text(h, cap->name, strlen(cap->name));
		h = hash_text(h, sd->text + cap->start, cap->end - cap->start);
	}
	return h;
}

static int keep_match(const struct cquery_match *m, void *payload)
{
	struct qrun *r = payload;
	struct qside *sd = r->cur;
	struct qmatch *qm;
	uint32_t ms, me;

	XGROW(sd->m, sd->alloc, sd->n + 1);
	XGROW(sd->caps, sd->caps_alloc, sd->ncaps + m->n);
	memcpy(sd->caps + sd->ncaps, m->captures, m->n * sizeof(*m->captures));
	qm = &sd->m[sd->n++];
	memset(qm, 0, sizeof(*qm));
	qm->start = m->start;
	qm->end = m->end;
	qm->cap = sd->ncaps;
	qm->ncap = m->n;
	sd->ncaps += m->n;
	qm->key = match_key(r->qr, sd, qm, KEY_PUBLIC);
	qm->anchor = match_key(r->qr, sd, qm, KEY_PRIVATE);
	qm->all = match_key(r->qr, sd, qm, KEY_ALL);
	qm->touched = span_touched(sd->c, sd, qm->start, qm->end);
	mark_span(r->qr, sd, qm, &ms, &me);
	qm->mark_touched = span_touched(sd->c, sd, ms, me);
	qm->hunk = change_hunk_of(sd->c, sd->side, csrc_line_of(sd->cs, ms));
	return 0;
}

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* A field name (after -> or .) is no macro to look into. */
static bool after_member_op(const char *s, size_t i)
{
	while (i > 0 && isspace((unsigned char)s[i - 1]))
		i--;
	return (i >= 1 && s[i - 1] == '.') ||
	       (i >= 2 && s[i - 2] == '-' && s[i - 1] == '>');
}

/*
 * Whether the identifier token is in s, or in the definition of a macro
 * or helper named in s, and so on QRULE_MAX_DEPTH deep.
 */
static bool contains_token(struct qrun *r, const char *s, size_t n,
			   const char *token, unsigned depth)
{
	size_t i = 0, tlen = strlen(token);

	while (i < n) {
		size_t j = i;
		char name[128];
		const struct change_expansion *e;

		if (!ident_char(s[i]) || isdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		while (j < n && ident_char(s[j]))
			j++;
		if (j - i == tlen && !memcmp(s + i, token, tlen))
			return true;
		if (depth < QRULE_MAX_DEPTH && r->budget &&
		    j - i < sizeof(name) && !after_member_op(s, i)) {
			r->budget--;
			snprintf(name, sizeof(name), "%.*s", (int)(j - i),
				 s + i);
			e = change_resolve(r->cur->c, name);
			if (e && e->exp.body &&
			    contains_token(r, e->exp.body, strlen(e->exp.body),
					   token, depth + 1))
				return true;
		}
		i = j;
	}
	return false;
}

static bool macro_contains(struct qrun *r, const struct cquery_match *m,
			   const struct qpred *qp)
{
	const char *text = r->cur->text;
	size_t i;

	r->budget = QRULE_MAX_RESOLVE;
	for (i = 0; i < m->n; i++) {
		const struct cquery_capture *cap = &m->captures[i];

		if (cap->id == qp->capture &&
		    contains_token(r, text + cap->start, cap->end - cap->start,
				   qp->token, 0) == qp->negate)
			return false;
	}
	return true;
}

static int eval_pred(const struct cquery_match *m, const struct cquery_pred *p,
		     void *payload)
{
	struct qrun *r = payload;
	const struct qpred *qp = &r->qr->preds[p->index];
	const struct change *c = r->cur->c;
	const char *name;

	switch (qp->kind) {
	case QP_IN_FUNCTION:
		name = change_name(c) ? change_name(c) : "";
		return cquery_regex_match(qp->re, name, strlen(name)) !=
		       qp->negate;
	case QP_IN_FILE:
		name = change_path(c) ? change_path(c) : "";
		return !fnmatch(qp->glob, name, 0) != qp->negate;
	default:
		return macro_contains(r, m, qp);
	}
}

/* Collect the matches of side of c (r->c, or where its code came from). */
static int collect(struct qrun *r, const struct change *c,
		   enum change_side side)
{
	const struct csrc_def *def = change_def(c, side);
	struct qside *sd = &r->side[side];
	int err;

	sd->side = side;
	sd->c = c;
	sd->cs = change_src(c, side);
	if (!def || !sd->cs)
		return 0;
	sd->text = csrc_text(sd->cs, NULL);
	sd->start = def->doc_start;
	sd->end = def->end;
	r->cur = sd;
	err = cquery_run(r->qr->q, sd->cs, def->doc_start, def->end, eval_pred,
			 keep_match, r);
	r->cur = NULL;
	return err;
}

static void qside_release(struct qside *sd)
{
	free(sd->m);
	free(sd->caps);
}

/* --- running: judging and reporting --------------------------------------- */

/* Capture text for a message: one line, printable, bounded. */
static void add_shown(struct sbuf *sb, const char *s, size_t n)
{
	bool blank = false;
	size_t i, shown = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (isspace(ch)) {
			blank = shown > 0;
			continue;
		}
		if (shown >= QRULE_MAX_SHOWN) {
			sbuf_addstr(sb, "...");
			return;
		}
		if (blank)
			sbuf_addch(sb, ' ');
		blank = false;
		sbuf_addch(sb, ch < 0x20 || ch == 0x7f ? '?' : ch);
		shown++;
	}
}

struct render {
	struct qrun *r;
	struct sbuf *out;
	const struct qside *sd; /* the reported match's side */
	const struct qmatch *m;
	const struct qmatch *old; /* for on: changed */
};

static void add_capture(struct render *rd, const struct qside *sd,
			const struct qmatch *m, const char *name)
{
	int id = cquery_capture_id(rd->r->qr->q, name);
	const struct cquery_capture *cap =
		id < 0 ? NULL : qm_find(sd, m, (unsigned)id);

	if (cap)
		add_shown(rd->out, sd->text + cap->start,
			  cap->end - cap->start);
}

static int fill_placeholder(const char *name, size_t at, void *arg)
{
	struct render *rd = arg;
	const struct change *c = rd->r->c;
	const char *dot = strrchr(name ? name : "", '.');
	char base[256];

	(void)at;
	if (!name)
		return 0;
	if (!strcmp(name, "function")) {
		const char *fn = change_name(c);

		sbuf_addstr(rd->out, fn && *fn ? fn : change_path(c));
		return 0;
	}
	if (cquery_capture_id(rd->r->qr->q, name) >= 0 || !dot) {
		add_capture(rd, rd->sd, rd->m, name);
		return 0;
	}
	snprintf(base, sizeof(base), "%.*s", (int)(dot - name), name);
	if (!strcmp(dot, ".old") && rd->old)
		add_capture(rd, &rd->r->side[CHANGE_OLD], rd->old, base);
	else
		add_capture(rd, rd->sd, rd->m, base);
	return 0;
}

/* The whole lines of [start, end) of a side: the old code of a finding. */
static char *lines_of(const struct qside *sd, uint32_t start, uint32_t end)
{
	unsigned first = csrc_line_of(sd->cs, start);
	unsigned last = csrc_line_of(sd->cs, end > start ? end - 1 : start);
	uint32_t b = csrc_line_start(sd->cs, first);
	uint32_t e = csrc_line_start(sd->cs, last + 1);

	while (e > b && (sd->text[e - 1] == '\n' || sd->text[e - 1] == '\r'))
		e--;
	return xstrndup(sd->text + b, e - b);
}

static int report(struct qrun *r, enum change_side side, const struct qmatch *m,
		  const struct qmatch *old)
{
	const struct qside *sd = &r->side[side];
	struct sbuf msg = SBUF_INIT;
	struct render rd = { r, &msg, sd, m, old };
	char *old_code =
		old ? lines_of(&r->side[CHANGE_OLD], old->start, old->end) :
		      NULL;
	uint32_t start, end;
	int err;

	message_walk(r->qr->message, &msg, fill_placeholder, &rd);
	mark_span(r->qr, sd, m, &start, &end);
	err = rule_report(r->ctx, r->c, side, start, end, old_code, NULL, "%s",
			  msg.buf);
	free(old_code);
	sbuf_release(&msg);
	return err;
}

static int report_where(struct qrun *r, enum change_side side, bool all)
{
	const struct qside *sd = &r->side[side];
	size_t i;
	int err = 0;

	for (i = 0; i < sd->n && !err; i++)
		if (all || sd->m[i].mark_touched)
			err = report(r, side, &sd->m[i], NULL);
	return err;
}

static int by_key(const void *a, const void *b, void *arg)
{
	const struct qside *sd = arg;
	const struct qmatch *x = &sd->m[*(const size_t *)a];
	const struct qmatch *y = &sd->m[*(const size_t *)b];

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* Of equal matches, those on changed lines are the new ones. */
	if (x->touched != y->touched)
		return x->touched ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static size_t *sorted_by_key(const struct qside *sd)
{
	size_t *idx = xcalloc(sd->n + 1, sizeof(*idx)), i;

	for (i = 0; i < sd->n; i++)
		idx[i] = i;
	qsort_r(idx, sd->n, sizeof(*idx), by_key, (void *)sd);
	return idx;
}

/*
 * on: new and gone. Matches of side a with no equal match (same key) on
 * side b; with k equal matches on a and j < k on b, k - j of them.
 */
static int report_excess(struct qrun *r, enum change_side a)
{
	const struct qside *sa = &r->side[a], *sb = &r->side[!a];
	size_t *ia = sorted_by_key(sa), *ib = sorted_by_key(sb);
	size_t i = 0, j = 0;
	int err = 0;

	while (i < sa->n && !err) {
		uint64_t key = sa->m[ia[i]].key;
		size_t na = 0, nb = 0;

		while (i + na < sa->n && sa->m[ia[i + na]].key == key)
			na++;
		while (j < sb->n && sb->m[ib[j]].key < key)
			j++;
		while (j + nb < sb->n && sb->m[ib[j + nb]].key == key)
			nb++;
		for (; nb < na && !err; nb++)
			err = report(r, a, &sa->m[ia[i + nb]], NULL);
		i += na;
	}
	free(ia);
	free(ib);
	return err;
}

/* The touched matches of a side in hunk h: [*at, end) of the list. */
static size_t hunk_run(const struct qside *sd, const size_t *list, size_t n,
		       size_t at, unsigned h)
{
	size_t end = at;

	while (end < n && sd->m[list[end]].hunk == h)
		end++;
	return end;
}

/* Whether the identifier token of n bytes is in the side's definition. */
static bool has_token(const struct qside *sd, const char *token, size_t n)
{
	const char *p = sd->text + sd->start, *end = sd->text + sd->end;

	while ((p = memmem(p, end - p, token, n))) {
		if ((p == sd->text || !ident_char(p[-1])) &&
		    (p + n == end || !ident_char(p[n])))
			return true;
		p++;
	}
	return false;
}

static bool is_ident(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ident_char(s[i]))
			return false;
	return n && !isdigit((unsigned char)s[0]);
}

/*
 * A consistent rename (folio to src in the whole function) is no change
 * of role: each capture that differs names, in the old code, an
 * identifier the new code lost and, in the new code, one the old did not
 * have.
 */
static bool renamed(const struct qrun *r, const struct qmatch *om,
		    const struct qmatch *nm)
{
	const struct qside *so = &r->side[CHANGE_OLD],
			   *sn = &r->side[CHANGE_NEW];
	size_t i;
	bool any = false;

	for (i = 0; i < nm->ncap; i++) {
		const struct cquery_capture *nc = &sn->caps[nm->cap + i];
		const struct cquery_capture *oc = qm_find(so, om, nc->id);
		const char *ot, *nt;
		size_t on, nn;

		if (!oc || !r->qr->key_capture[nc->id])
			continue;
		ot = so->text + oc->start;
		on = oc->end - oc->start;
		nt = sn->text + nc->start;
		nn = nc->end - nc->start;
		if (on == nn && !memcmp(ot, nt, on))
			continue;
		if (!is_ident(ot, on) || !is_ident(nt, nn) ||
		    has_token(sn, ot, on) || has_token(so, nt, nn))
			return false;
		any = true;
	}
	return any;
}

/*
 * Matches left between two aligned ones: an old and a new match with the
 * same _captures correspond, in order, and are reported when their other
 * captures differ.
 */
static int pair_in_order(struct qrun *r, const size_t *o, size_t no,
			 const size_t *n, size_t nn)
{
	const struct qside *so = &r->side[CHANGE_OLD],
			   *sn = &r->side[CHANGE_NEW];
	size_t i, j, from = 0;
	int err = 0;

	for (i = 0; i < no && from < nn && !err; i++) {
		const struct qmatch *om = &so->m[o[i]];

		for (j = from; j < nn && sn->m[n[j]].anchor != om->anchor;)
			j++;
		if (j == nn)
			continue;
		if (sn->m[n[j]].key != om->key && !renamed(r, om, &sn->m[n[j]]))
			err = report(r, CHANGE_NEW, &sn->m[n[j]], om);
		from = j + 1;
	}
	return err;
}

/*
 * Align the old and new matches of one hunk on equal captures (a longest
 * common subsequence); see pair_in_order() for those left between.
 */
static int align_hunk(struct qrun *r, const size_t *o, size_t no,
		      const size_t *n, size_t nn)
{
	const struct qside *so = &r->side[CHANGE_OLD],
			   *sn = &r->side[CHANGE_NEW];
	size_t i, j, pi = 0, pj = 0;
	unsigned *len;
	int err = 0;

	if (!no || !nn)
		return 0;
	if ((no + 1) * (nn + 1) > QRULE_MAX_ALIGN)
		return pair_in_order(r, o, no, n, nn);
	len = xcalloc((no + 1) * (nn + 1), sizeof(*len));
#define LCS(a, b) len[(a) * (nn + 1) + (b)]
	for (i = no; i-- > 0;)
		for (j = nn; j-- > 0;)
			LCS(i, j) = so->m[o[i]].all == sn->m[n[j]].all ?
					    LCS(i + 1, j + 1) + 1 :
				    LCS(i + 1, j) > LCS(i, j + 1) ?
					    LCS(i + 1, j) :
					    LCS(i, j + 1);
	for (i = j = 0; i < no && j < nn && !err;) {
		if (so->m[o[i]].all == sn->m[n[j]].all) {
			err = pair_in_order(r, o + pi, i - pi, n + pj, j - pj);
			pi = ++i;
			pj = ++j;
		} else if (LCS(i + 1, j) >= LCS(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef LCS
	if (!err)
		err = pair_in_order(r, o + pi, no - pi, n + pj, nn - pj);
	free(len);
	return err;
}

static size_t touched_list(const struct qside *sd, size_t **out)
{
	size_t i, n = 0;

	*out = xcalloc(sd->n + 1, sizeof(**out));
	for (i = 0; i < sd->n; i++)
		if (sd->m[i].touched)
			(*out)[n++] = i;
	return n;
}

static int by_hunk(const void *a, const void *b, void *arg)
{
	const struct qside *sd = arg;
	const struct qmatch *x = &sd->m[*(const size_t *)a];
	const struct qmatch *y = &sd->m[*(const size_t *)b];

	if (x->hunk != y->hunk)
		return x->hunk < y->hunk ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* on: changed: matches on changed lines that correspond, hunk by hunk. */
static int report_changed(struct qrun *r)
{
	const struct qside *so = &r->side[CHANGE_OLD],
			   *sn = &r->side[CHANGE_NEW];
	size_t *o, *n, no = touched_list(so, &o), nn = touched_list(sn, &n);
	size_t i = 0, j = 0;
	int err = 0;

	qsort_r(o, no, sizeof(*o), by_hunk, (void *)so);
	qsort_r(n, nn, sizeof(*n), by_hunk, (void *)sn);
	while (i < no && j < nn && !err) {
		unsigned ho = so->m[o[i]].hunk, hn = sn->m[n[j]].hunk;
		size_t ie = hunk_run(so, o, no, i, ho);
		size_t je = hunk_run(sn, n, nn, j, hn);

		if (ho == hn)
			err = align_hunk(r, o + i, ie - i, n + j, je - j);
		if (ho <= hn)
			i = ie;
		if (hn <= ho)
			j = je;
	}
	free(o);
	free(n);
	return err;
}

/*
 * Whether the images of c can be compared for on. Code outside every
 * definition has no old and new version to pair; a definition the patch
 * deletes has lost everything, which is no news for "gone".
 */
static bool compared(const struct change *c, enum on on)
{
	const char *name = change_name(c);

	if (on != ON_NEW && on != ON_GONE && on != ON_CHANGED)
		return true;
	if (!name || !*name)
		return false;
	return on != ON_GONE || change_def(c, CHANGE_NEW);
}

/*
 * The old code of c: its own, or for a definition the patch adds, that of
 * the one of the same name and kind it deletes (code moved to another
 * file), so that moving a function makes nothing "new".
 */
static const struct change *old_of(const struct change *c, enum on on)
{
	const struct change_set *set = change_owner(c);
	size_t i;

	if (on != ON_NEW || change_def(c, CHANGE_OLD))
		return c;
	for (i = 0; i < change_set_count(set); i++) {
		const struct change *o = change_set_at(set, i);

		if (o != c && change_kind(o) == change_kind(c) &&
		    !strcmp(change_name(o), change_name(c)) &&
		    change_def(o, CHANGE_OLD) && !change_def(o, CHANGE_NEW))
			return o;
	}
	return c;
}

static int qrule_check(const struct rule *self, struct rule_ctx *ctx,
		       const struct change *c)
{
	struct qrun r = { .qr = self->data, .ctx = ctx, .c = c };
	enum on on = r.qr->on;
	int err = 0;

	if (!compared(c, on))
		return 0;
	if (on != ON_ADDED && on != ON_ANY)
		err = collect(&r, old_of(c, on), CHANGE_OLD);
	if (!err && on != ON_REMOVED)
		err = collect(&r, c, CHANGE_NEW);
	if (err)
		goto out;
	switch (on) {
	case ON_ADDED:
	case ON_ANY:
		err = report_where(&r, CHANGE_NEW, on == ON_ANY);
		break;
	case ON_REMOVED:
		err = report_where(&r, CHANGE_OLD, false);
		break;
	case ON_NEW:
	case ON_GONE:
		err = report_excess(&r, on == ON_NEW ? CHANGE_NEW : CHANGE_OLD);
		break;
	case ON_CHANGED:
		err = report_changed(&r);
		break;
	}
out:
	qside_release(&r.side[CHANGE_OLD]);
	qside_release(&r.side[CHANGE_NEW]);
	return err;
}
