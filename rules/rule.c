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

/* The built-in rules, one file each under rules/. */
extern const struct rule rule_role_swap, rule_comment_mismatch;

static const struct rule *const builtin_rules[] = {
	&rule_role_swap,
	&rule_comment_mismatch,
};

#define RULE_MAX_RULES 4096
#define RULE_MAX_ID 64
#define RULE_MAX_MESSAGE ((size_t)64 << 10)

struct rule_entry {
	const struct rule *rule;
	bool enabled;
	enum rule_severity severity;
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

struct rule_set *rule_set_new(void)
{
	struct rule_set *rs = xcalloc(1, sizeof(*rs));
	size_t i;

	for (i = 0; i < sizeof(builtin_rules) / sizeof(builtin_rules[0]); i++)
		rule_set_add(rs, builtin_rules[i]);
	return rs;
}

void rule_set_free(struct rule_set *rs)
{
	if (!rs)
		return;
	free(rs->v);
	free(rs);
}

static bool rule_id_valid(const char *id)
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

int rule_set_add(struct rule_set *rs, const struct rule *r)
{
	struct rule_entry *e;

	if (!r || !r->check || !rule_id_valid(r->id))
		return mmr_error_set(MMR_EINVAL, "invalid rule id '%s'",
				     r && r->id ? r->id : "");
	if (entry_find(rs, r->id))
		return mmr_error_set(MMR_EINVAL, "duplicate rule id '%s'",
				     r->id);
	if (rs->n >= RULE_MAX_RULES)
		return mmr_error_set(MMR_ELIMIT, "more than %d rules",
				     RULE_MAX_RULES);
	XGROW(rs->v, rs->alloc, rs->n + 1);
	e = &rs->v[rs->n++];
	e->rule = r;
	e->enabled = true;
	e->severity = r->severity;
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

static int vreport(struct rule_ctx *ctx, enum rule_severity sev,
		   const struct change *c, enum change_side side,
		   uint32_t start, uint32_t end, const char *old_code,
		   const char *note, const char *fmt, va_list ap)
{
	struct rule_findings *fl = ctx->findings;
	struct sbuf msg = SBUF_INIT;
	struct rule_finding *f;

	assert(ctx && c && fmt);
	if (fl->n >= RULE_MAX_FINDINGS) {
		ctx->dropped = true;
		return mmr_error_set(MMR_ELIMIT,
				     "more than %d findings, the rest dropped",
				     RULE_MAX_FINDINGS);
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
	f->path = xstrdup(change_path(c) ? change_path(c) : "");
	f->side = side;
	finding_locate(f, c, side, start, end);
	f->function = *change_name(c) ? xstrdup(change_name(c)) : NULL;
	f->message = sbuf_detach(&msg, NULL);
	f->old_code = dup_or_null(old_code);
	f->note = dup_or_null(note);
	f->partial = change_partial(c);
	f->partial_reason = dup_or_null(change_partial_reason(c));
	f->change = c;
	f->start = start;
	f->end = end;
	fl->order[fl->n] = fl->seq++;
	fl->n++;
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

/* --- running ------------------------------------------------------------- */

static int finding_cmp(const struct rule_finding *a,
		       const struct rule_finding *b)
{
	int r = strcmp(a->path, b->path);

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

	mmr_error_clear();
	err = ctx->entry->rule->check(ctx, c);
	if (err < 0)
		mmr_error_prefix("rule '%s' on %s() in '%s'",
				 ctx->entry->rule->id,
				 change_name(c) ? change_name(c) : "",
				 change_path(c) ? change_path(c) : "");
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
	findings_sort(ctx.findings);
	findings_dedup(ctx.findings);
	if (first)
		mmr_error_set(first, "%s", first_msg);
	return first;
}
