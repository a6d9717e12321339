// SPDX-License-Identifier: GPL-2.0
/*
 * The rule engine: the set of rules with their configuration, the run over
 * a change set, and the finding list.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define RULE_MAX_RULES 4096
#define RULE_MAX_ID 64
#define RULE_MAX_MESSAGE ((size_t)64 << 10)
#define RULE_BUILTIN "built-in"

struct rule_entry {
	const struct rule *rule;
	char *origin;
	bool enabled;
	enum rule_severity severity;
	char *options[RULE_MAX_OPTIONS]; /* values, by index in rule->options */
};

struct rule_set {
	struct rule_entry *v;
	size_t n, alloc;
};

struct rule_findings {
	struct rule_finding *v;
	size_t n, alloc;
	unsigned long seq; /* insertion order, the last sort key */
	unsigned long *order;
	size_t order_alloc;
};

struct rule_ctx {
	const struct rule_entry *entry;
	struct rule_findings *findings;
	bool dropped;
};

/* --- the set ------------------------------------------------------------- */

struct rule_set *rule_set_new_empty(void)
{
	return xcalloc(1, sizeof(struct rule_set));
}

static void entry_release(struct rule_entry *e)
{
	size_t i;

	for (i = 0; i < RULE_MAX_OPTIONS; i++)
		free(e->options[i]);
	free(e->origin);
	/* Only heap rules have a free hook: the const was ours to keep. */
	if (e->rule->free)
		e->rule->free((struct rule *)e->rule);
}

void rule_set_free(struct rule_set *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = rs->n; i-- > 0;)
		entry_release(&rs->v[i]);
	free(rs->v);
	free(rs);
}

bool rule_id_valid(const char *id)
{
	size_t i;

	if (!id || !*id)
		return false;
	for (i = 0; id[i]; i++) {
		char ch = id[i];

		if (i >= RULE_MAX_ID)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '-'))
			return false;
	}
	return true;
}

static struct rule_entry *entry_find(const struct rule_set *rs, const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->v[i].rule->id, id))
			return &rs->v[i];
	return NULL;
}

static size_t options_count(const struct rule *r)
{
	size_t n = 0;

	while (r->options && r->options[n])
		n++;
	return n;
}

int rule_set_add(struct rule_set *rs, const struct rule *r, const char *origin)
{
	struct rule_entry *e;

	if (!origin)
		origin = RULE_BUILTIN;
	if (!r || (!r->check && !r->check_patch) || !rule_id_valid(r->id))
		return mmr_error_set(MMR_EINVAL, "invalid rule id '%s'",
				     r && r->id ? r->id : "");
	if (r->version != RULE_VERSION)
		return mmr_error_set(MMR_EINVAL,
				     "rule '%s' is of version %u, not %u",
				     r->id, r->version, RULE_VERSION);
	if (options_count(r) > RULE_MAX_OPTIONS)
		return mmr_error_set(MMR_ELIMIT,
				     "rule '%s' has more than %d options",
				     r->id, RULE_MAX_OPTIONS);
	e = entry_find(rs, r->id);
	if (e)
		return mmr_error_set(MMR_EINVAL,
				     "rule id '%s' of %s is already defined "
				     "by %s",
				     r->id, origin, e->origin);
	if (rs->n >= RULE_MAX_RULES)
		return mmr_error_set(MMR_ELIMIT, "more than %d rules",
				     RULE_MAX_RULES);
	XGROW(rs->v, rs->alloc, rs->n + 1);
	e = &rs->v[rs->n++];
	memset(e, 0, sizeof(*e));
	e->rule = r;
	e->origin = xstrdup(origin);
	e->enabled = !r->off;
	e->severity = r->severity;
	return 0;
}

int rule_set_remove(struct rule_set *rs, const char *id)
{
	struct rule_entry *e = entry_find(rs, id);

	if (!e)
		return mmr_error_set(MMR_ENOTFOUND, "no rule '%s'",
				     id ? id : "");
	entry_release(e);
	memmove(e, e + 1, (rs->v + rs->n - e - 1) * sizeof(*e));
	rs->n--;
	return 0;
}

size_t rule_set_count(const struct rule_set *rs)
{
	return rs->n;
}

const struct rule *rule_set_at(const struct rule_set *rs, size_t i)
{
	return i < rs->n ? rs->v[i].rule : NULL;
}

const struct rule *rule_set_find(const struct rule_set *rs, const char *id)
{
	struct rule_entry *e = entry_find(rs, id);

	return e ? e->rule : NULL;
}

const char *rule_set_origin(const struct rule_set *rs, const char *id)
{
	struct rule_entry *e = entry_find(rs, id);

	return e ? e->origin : NULL;
}

bool rule_set_enabled(const struct rule_set *rs, const char *id)
{
	struct rule_entry *e = entry_find(rs, id);

	return e && e->enabled;
}

enum rule_severity rule_set_severity(const struct rule_set *rs, const char *id)
{
	struct rule_entry *e = entry_find(rs, id);

	return e ? e->severity : RULE_WARNING;
}

int rule_set_enable(struct rule_set *rs, const char *id, bool enabled)
{
	struct rule_entry *e = entry_find(rs, id);

	if (!e)
		return mmr_error_set(MMR_ENOTFOUND, "no rule '%s'",
				     id ? id : "");
	e->enabled = enabled;
	return 0;
}

int rule_set_set_severity(struct rule_set *rs, const char *id,
			  enum rule_severity sev)
{
	struct rule_entry *e = entry_find(rs, id);

	if (!e)
		return mmr_error_set(MMR_ENOTFOUND, "no rule '%s'",
				     id ? id : "");
	if (sev != RULE_INFO && sev != RULE_WARNING && sev != RULE_ERROR)
		return mmr_error_set(MMR_EINVAL, "invalid severity %d",
				     (int)sev);
	e->severity = sev;
	return 0;
}

/* The index of option name in r->options, or -1. */
static int option_index(const struct rule *r, const char *name)
{
	size_t i;

	for (i = 0; name && r->options && r->options[i]; i++)
		if (!strcmp(r->options[i], name))
			return (int)i;
	return -1;
}

int rule_set_set_option(struct rule_set *rs, const char *id, const char *name,
			const char *value)
{
	struct rule_entry *e = entry_find(rs, id);
	int i;

	if (!e)
		return mmr_error_set(MMR_ENOTFOUND, "no rule '%s'",
				     id ? id : "");
	i = option_index(e->rule, name);
	if (i < 0)
		return mmr_error_set(MMR_ENOTFOUND,
				     "rule '%s' has no option '%s'", id,
				     name ? name : "");
	free(e->options[i]);
	e->options[i] = value ? xstrdup(value) : NULL;
	return 0;
}

const char *rule_option(const struct rule_ctx *ctx, const char *name)
{
	int i = option_index(ctx->entry->rule, name);

	return i < 0 ? NULL : ctx->entry->options[i];
}

/* --- severities ---------------------------------------------------------- */

static const char *const severity_names[] = {
	[RULE_INFO] = "info",
	[RULE_WARNING] = "warning",
	[RULE_ERROR] = "error",
};

const char *rule_severity_name(enum rule_severity sev)
{
	if ((unsigned)sev >= sizeof(severity_names) / sizeof(*severity_names))
		return "unknown";
	return severity_names[sev];
}

int rule_severity_parse(const char *s, enum rule_severity *out)
{
	size_t i;

	for (i = 0; s && i < sizeof(severity_names) / sizeof(*severity_names);
	     i++) {
		if (!strcasecmp(s, severity_names[i])) {
			*out = (enum rule_severity)i;
			return 0;
		}
	}
	return mmr_error_set(MMR_EINVAL,
			     "invalid severity '%s' (error, warning or info)",
			     s ? s : "");
}

/* --- findings ------------------------------------------------------------ */

struct rule_findings *rule_findings_new(void)
{
	return xcalloc(1, sizeof(struct rule_findings));
}

static void finding_release(struct rule_finding *f)
{
	free((char *)f->rule);
	free((char *)f->path);
	free((char *)f->function);
	free((char *)f->message);
	free((char *)f->old_code);
	free((char *)f->note);
	free((char *)f->partial_reason);
	free((char *)f->line_text);
}

void rule_findings_free(struct rule_findings *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		finding_release(&f->v[i]);
	free(f->v);
	free(f->order);
	free(f);
}

size_t rule_findings_count(const struct rule_findings *f)
{
	return f ? f->n : 0;
}

const struct rule_finding *rule_findings_at(const struct rule_findings *f,
					    size_t i)
{
	return f && i < f->n ? &f->v[i] : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Image line `line` of cs as written, without its newline. */
static char *line_text(const struct csrc *cs, unsigned line)
{
	size_t len;
	const char *text = csrc_text(cs, &len);
	uint32_t b = csrc_line_start(cs, line),
		 e = csrc_line_start(cs, line + 1);

	while (e > b && (text[e - 1] == '\n' || text[e - 1] == '\r'))
		e--;
	return xstrndup(text + b, e - b);
}

/* Where [start, end) of the side's image is: file line and byte columns. */
static void finding_locate(struct rule_finding *f, const struct change *c,
			   enum change_side side, uint32_t start, uint32_t end)
{
	const struct csrc *cs = change_src(c, side);
	size_t len = 0;
	unsigned line, end_line;

	f->line = 0;
	f->column = f->end_column = 1;
	if (!cs) {
		f->line_text = xstrdup("");
		return;
	}
	csrc_text(cs, &len);
	if (start > len)
		start = (uint32_t)len;
	if (end > len)
		end = (uint32_t)len;
	if (end < start)
		end = start;
	line = csrc_line_of(cs, start);
	end_line = csrc_line_of(cs, end);
	f->column = csrc_column_of(cs, start);
	if (end_line == line) {
		f->end_column = csrc_column_of(cs, end);
	} else {
		/* Stop at the end of the first line: a caret line is one line. */
		uint32_t eol = csrc_line_start(cs, line + 1);

		f->end_column = csrc_column_of(cs, start) + (eol - start);
		if (eol > start && eol <= len)
			f->end_column--;
	}
	if (f->end_column <= f->column)
		f->end_column = f->column + 1;
	f->line = change_file_line(c, side, line);
	f->line_text = line_text(cs, line);
}

/*
 * A new finding of the running rule, its message formatted and the rest
 * zero, appended to the list; NULL, with the error set, past
 * RULE_MAX_FINDINGS.
 */
static struct rule_finding *finding_add(struct rule_ctx *ctx,
					enum rule_severity sev, const char *fmt,
					va_list ap)
{
	struct rule_findings *fl = ctx->findings;
	struct sbuf msg = SBUF_INIT;
	struct rule_finding *f;

	if (fl->n >= RULE_MAX_FINDINGS) {
		ctx->dropped = true;
		mmr_error_set(MMR_ELIMIT,
			      "more than %d findings, the rest dropped",
			      RULE_MAX_FINDINGS);
		return NULL;
	}
	sbuf_init(&msg, RULE_MAX_MESSAGE);
	sbuf_vaddf(&msg, fmt, ap);
	sbuf_rtrim(&msg);

	XGROW(fl->v, fl->alloc, fl->n + 1);
	XGROW(fl->order, fl->order_alloc, fl->n + 1);
	f = &fl->v[fl->n];
	memset(f, 0, sizeof(*f));
	f->rule = xstrdup(ctx->entry->rule->id);
	f->severity = sev;
	f->message = sbuf_detach(&msg, NULL);
	fl->order[fl->n] = fl->seq++;
	fl->n++;
	return f;
}

static int vreport(struct rule_ctx *ctx, enum rule_severity sev,
		   const struct change *c, enum change_side side,
		   uint32_t start, uint32_t end, const char *old_code,
		   const char *note, const char *fmt, va_list ap)
{
	struct rule_finding *f;

	assert(ctx && c && fmt);
	f = finding_add(ctx, sev, fmt, ap);
	if (!f)
		return MMR_ELIMIT;
	f->path = xstrdup(change_path(c) ? change_path(c) : "");
	f->side = side;
	finding_locate(f, c, side, start, end);
	f->function = *change_name(c) ? xstrdup(change_name(c)) : NULL;
	f->old_code = dup_or_null(old_code);
	f->note = dup_or_null(note);
	f->partial = change_partial(c);
	f->partial_reason = dup_or_null(change_partial_reason(c));
	f->change = c;
	f->start = start;
	f->end = end;
	return 0;
}

int rule_report(struct rule_ctx *ctx, const struct change *c,
		enum change_side side, uint32_t start, uint32_t end,
		const char *old_code, const char *note, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vreport(ctx, ctx->entry->severity, c, side, start, end, old_code,
		      note, fmt, ap);
	va_end(ap);
	return err;
}

int rule_report_info(struct rule_ctx *ctx, const struct change *c,
		     enum change_side side, uint32_t start, uint32_t end,
		     const char *old_code, const char *note, const char *fmt,
		     ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vreport(ctx, RULE_INFO, c, side, start, end, old_code, note, fmt,
		      ap);
	va_end(ap);
	return err;
}

/* Line `line` (1-based) of text, without its newline; NULL past the end. */
static const char *text_line(const char *text, unsigned line, size_t *len)
{
	const char *p = text;

	while (*p && --line) {
		const char *nl = strchr(p, '\n');

		p = nl ? nl + 1 : p + strlen(p);
	}
	if (line)
		return NULL;
	*len = strcspn(p, "\n");
	while (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

int rule_report_message(struct rule_ctx *ctx, const struct change_set *cs,
			unsigned line, unsigned column, unsigned end_column,
			const char *note, const char *fmt, ...)
{
	struct rule_finding *f;
	const char *text;
	size_t len = 0;
	va_list ap;

	assert(ctx && cs && fmt);
	va_start(ap, fmt);
	f = finding_add(ctx, ctx->entry->severity, fmt, ap);
	va_end(ap);
	if (!f)
		return MMR_ELIMIT;
	text = line ? text_line(change_set_message(cs), line, &len) : NULL;
	if (!text)
		text = "";
	f->path = xstrdup(RULE_CHANGELOG_PATH);
	f->side = CHANGE_NEW;
	f->line = line;
	/* A caret line is one line, on the text there is. */
	f->column = !column ? 1 : column > len + 1 ? (unsigned)len + 1 : column;
	f->end_column = end_column > len + 1 ? (unsigned)len + 1 : end_column;
	if (f->end_column <= f->column)
		f->end_column = f->column + 1;
	f->note = dup_or_null(note);
	f->line_text = xstrndup(text, len);
	f->changelog = true;
	return 0;
}

/* --- running ------------------------------------------------------------- */

static int finding_cmp(const struct rule_finding *a,
		       const struct rule_finding *b)
{
	int r;

	/* The changelog first, as a reviewer reads a patch. */
	if (a->changelog != b->changelog)
		return a->changelog ? -1 : 1;
	r = strcmp(a->path, b->path);
	if (r)
		return r;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

static int finding_order_cmp(const void *pa, const void *pb, void *arg)
{
	const struct rule_findings *fl = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int r = finding_cmp(&fl->v[a], &fl->v[b]);

	if (r)
		return r;
	/* Equal keys keep the order they were reported in: deterministic. */
	return fl->order[a] < fl->order[b] ? -1 : fl->order[a] > fl->order[b];
}

static void findings_sort(struct rule_findings *fl)
{
	struct rule_finding *v;
	unsigned long *order;
	size_t *idx, i;

	if (fl->n < 2)
		return;
	idx = xcalloc(fl->n, sizeof(*idx));
	for (i = 0; i < fl->n; i++)
		idx[i] = i;
	qsort_r(idx, fl->n, sizeof(*idx), finding_order_cmp, fl);
	v = xcalloc(fl->alloc, sizeof(*v));
	order = xcalloc(fl->order_alloc, sizeof(*order));
	for (i = 0; i < fl->n; i++) {
		v[i] = fl->v[idx[i]];
		order[i] = fl->order[idx[i]];
	}
	free(fl->v);
	free(fl->order);
	fl->v = v;
	fl->order = order;
	free(idx);
}

/* Drop findings equal to their predecessor in rule, path, line, column. */
static void findings_dedup(struct rule_findings *fl)
{
	size_t i, out = 0;

	for (i = 0; i < fl->n; i++) {
		if (out && !finding_cmp(&fl->v[out - 1], &fl->v[i])) {
			finding_release(&fl->v[i]);
			continue;
		}
		fl->v[out] = fl->v[i];
		fl->order[out] = fl->order[i];
		out++;
	}
	fl->n = out;
}

static int run_rule(struct rule_ctx *ctx, const struct change *c)
{
	int err;

	if (!ctx->entry->rule->check)
		return 0;
	mmr_error_clear();
	err = ctx->entry->rule->check(ctx->entry->rule, ctx, c);
	if (err < 0)
		mmr_error_prefix("rule '%s' on %s() in '%s'",
				 ctx->entry->rule->id,
				 change_name(c) ? change_name(c) : "",
				 change_path(c) ? change_path(c) : "");
	return err;
}

static int run_patch_rule(struct rule_ctx *ctx, const struct change_set *cs)
{
	int err;

	mmr_error_clear();
	err = ctx->entry->rule->check_patch(ctx->entry->rule, ctx, cs);
	if (err < 0)
		mmr_error_prefix("rule '%s' on the patch \"%s\"",
				 ctx->entry->rule->id, change_set_subject(cs));
	return err;
}

int rule_set_run(const struct rule_set *rs, const struct change_set *cs,
		 struct rule_findings **findings)
{
	struct rule_ctx ctx = { 0 };
	size_t i, j;
	int first = 0;
	char first_msg[512] = "";

	if (!*findings)
		*findings = rule_findings_new();
	ctx.findings = *findings;
	for (i = 0; cs && i < change_set_count(cs); i++) {
		const struct change *c = change_set_at(cs, i);

		for (j = 0; j < rs->n; j++) {
			int err;

			if (!rs->v[j].enabled)
				continue;
			ctx.entry = &rs->v[j];
			err = run_rule(&ctx, c);
			if (err < 0 && !first) {
				first = err;
				snprintf(first_msg, sizeof(first_msg), "%s",
					 mmr_error_last());
			}
		}
	}
	for (j = 0; cs && j < rs->n; j++) {
		int err;

		if (!rs->v[j].enabled || !rs->v[j].rule->check_patch)
			continue;
		ctx.entry = &rs->v[j];
		err = run_patch_rule(&ctx, cs);
		if (err < 0 && !first) {
			first = err;
			snprintf(first_msg, sizeof(first_msg), "%s",
				 mmr_error_last());
		}
	}
	findings_sort(ctx.findings);
	findings_dedup(ctx.findings);
	if (first)
		mmr_error_set(first, "%s", first_msg);
	return first;
}
