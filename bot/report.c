// SPDX-License-Identifier: GPL-2.0
#include <git2.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "report.h"
#include "sbuf.h"
#include "util.h"

static const char *const format_names[] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_SARIF] = "sarif",
	[REPORT_EMAIL] = "email",
};

int report_format_parse(const char *s, enum report_format *out)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return mmr_error_set(MMR_EINVAL,
			     "unknown format '%s' (text, json, sarif, email)",
			     s);
}

/* --- text ------------------------------------------------------------------ */

static void indent_lines(FILE *f, const char *text, const char *indent)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		fprintf(f, "%s%.*s\n", n ? indent : "", (int)n, text);
		text += n + (nl != NULL);
	}
}

static void text_finding(FILE *f, const struct rule_finding *fd, int verbose)
{
	fprintf(f, "%s:%u:%u: %s: %.*s [%s]\n", fd->path, fd->line, fd->column,
		rule_severity_name(fd->severity),
		(int)strcspn(fd->message, "\n"), fd->message, fd->rule);
	if (!verbose)
		return;
	if (strchr(fd->message, '\n'))
		indent_lines(f, strchr(fd->message, '\n') + 1, "    ");
	if (fd->old_code) {
		fprintf(f, "    the old code was:\n");
		indent_lines(f, fd->old_code, "    | ");
	}
	if (fd->note)
		fprintf(f, "    note: %s\n", fd->note);
	if (fd->partial)
		fprintf(f, "    note: reviewed from the hunks alone: %s\n",
			fd->partial_reason ? fd->partial_reason : "");
}

static void text_patch_header(FILE *f, const struct series_patch *p)
{
	fprintf(f, "%s", p->subject);
	if (p->message_id)
		fprintf(f, " <%s>", p->message_id);
	else if (p->commit)
		fprintf(f, " (%.12s)", p->commit);
	fprintf(f, "\n");
}

static void text_origins(FILE *f, const struct series_patch *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		const struct series_file *sf = &p->files[i];

		if (!sf->reviewed)
			fprintf(f, "  %s: not reviewed: %s\n", sf->path,
				series_why_name(sf->why));
		else
			fprintf(f, "  %s: images from %s%s%s\n", sf->path,
				change_origin_name(sf->origin),
				sf->partial ? ": " : "",
				sf->partial ? sf->reason : "");
	}
}

/*
 * "2 files reviewed from the hunks alone: 1 no kernel tree, 1 did not
 * apply": a partial review must not read as a clean one.
 */
static void text_partial_summary(FILE *f, const struct series *s)
{
	size_t n[SERIES_NOT_C + 1] = { 0 }, i, j, total = 0;
	const char *sep = "";

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		for (j = 0; j < p->nfiles; j++)
			if (p->files[j].reviewed && p->files[j].partial) {
				n[p->files[j].why]++;
				total++;
			}
	}
	if (!total)
		return;
	fprintf(f, "%zu file%s reviewed from the hunks alone (", total,
		total == 1 ? "" : "s");
	for (i = 0; i <= SERIES_NOT_C; i++) {
		if (!n[i])
			continue;
		fprintf(f, "%s%s: %zu", sep,
			series_why_name((enum series_why)i), n[i]);
		sep = ", ";
	}
	fprintf(f, ")%s\n", "; -v says which");
}

static void write_text(FILE *f, const struct series *s,
		       const struct report_opts *o)
{
	size_t i, j, count[3] = { 0 }, patches = 0;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		size_t n = p->findings ? rule_findings_count(p->findings) : 0;

		if (!n && !p->error && !o->verbose)
			continue;
		text_patch_header(f, p);
		if (o->verbose)
			text_origins(f, p);
		if (p->error)
			fprintf(f, "%s: error: %s\n",
				p->message_id ? p->message_id : p->subject,
				p->error);
		for (j = 0; j < n; j++) {
			const struct rule_finding *fd =
				rule_findings_at(p->findings, j);

			text_finding(f, fd, o->verbose);
			count[fd->severity]++;
		}
		patches += n > 0;
	}
	fprintf(f,
		"total: %zu error%s, %zu warning%s, %zu info in %zu of %zu "
		"patch%s\n",
		count[RULE_ERROR], count[RULE_ERROR] == 1 ? "" : "s",
		count[RULE_WARNING], count[RULE_WARNING] == 1 ? "" : "s",
		count[RULE_INFO], patches, series_count(s),
		series_count(s) == 1 ? "" : "es");
	text_partial_summary(f, s);
	if (series_skip_count(s))
		fprintf(f,
			"skipped: %zu message%s or commit%s (%zu in error)\n",
			series_skip_count(s),
			series_skip_count(s) == 1 ? "" : "s",
			series_skip_count(s) == 1 ? "" : "s",
			series_skip_errors(s));
}

/* --- JSON ------------------------------------------------------------------ */

/*
 * A JSON string of s, made valid UTF-8 first: jansson refuses anything
 * else, and a finding must not vanish because a path or a line of old
 * code carries a stray byte.
 */
json_t *report_json_text(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	json_t *j;

	if (!s)
		return json_null();
	/*
	 * Cannot fail: every string here comes from a bounded parser (16 MiB
	 * a message), under SBUF_DEFAULT_MAX even with each byte replaced.
	 */
	sbuf_add_utf8(&sb, s, strlen(s));
	j = json_stringn(sb.buf, sb.len);
	sbuf_release(&sb);
	return j ? j : json_string("");
}

/* Append o to arr; a NULL from json_pack() is a bug, not a lost finding. */
static void append(json_t *arr, json_t *o)
{
	if (!o) {
		fprintf(stderr,
			"mmreview: internal error: cannot build JSON\n");
		abort();
	}
	json_array_append_new(arr, o);
}

/*
 * The explanation under a finding's question (the message's lines after
 * the first) and its note, as one text; NULL when there is neither.
 */
static json_t *json_note(const struct rule_finding *fd)
{
	const char *nl = strchr(fd->message, '\n');
	struct sbuf sb = SBUF_INIT;
	json_t *j;

	while (nl && nl[1] == '\n')
		nl++;
	if (nl)
		sbuf_addstr(&sb, nl + 1);
	if (nl && fd->note)
		sbuf_addstr(&sb, "\n\n");
	if (fd->note)
		sbuf_addstr(&sb, fd->note);
	j = nl || fd->note ? report_json_text(sb.buf) : json_null();
	sbuf_release(&sb);
	return j;
}

/* The first line of a finding's message: the question. */
static json_t *json_question(const struct rule_finding *fd)
{
	char *q = xstrndup(fd->message, strcspn(fd->message, "\n"));
	json_t *j = report_json_text(q);

	free(q);
	return j;
}

static json_t *json_finding(const struct rule_finding *fd,
			    const struct series_patch *p)
{
	return json_pack(
		"{s:s, s:s, s:o, s:b, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:b, "
		"s:o, s:{s:o, s:o, s:o}}",
		"rule", fd->rule, "severity", rule_severity_name(fd->severity),
		"file", report_json_text(fd->path), "changelog", fd->changelog,
		"line", (json_int_t)fd->line, "column", (json_int_t)fd->column,
		"end_column", (json_int_t)fd->end_column, "function",
		report_json_text(fd->function), "message", json_question(fd),
		"old_code", report_json_text(fd->old_code), "note",
		json_note(fd), "partial", fd->partial, "partial_reason",
		report_json_text(fd->partial ? fd->partial_reason : NULL),
		"patch", "subject", report_json_text(p->subject), "message_id",
		report_json_text(p->message_id), "commit",
		report_json_text(p->commit));
}

/* Every finding of the series, each made into JSON by fn. */
static json_t *findings_array(const struct series *s,
			      json_t *(*fn)(const struct rule_finding *fd,
					    const struct series_patch *p))
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		size_t n = p->findings ? rule_findings_count(p->findings) : 0;

		for (j = 0; j < n; j++)
			append(arr, fn(rule_findings_at(p->findings, j), p));
	}
	return arr;
}

/* How each file of a patch was read, reviewed or not. */
static json_t *json_files(const struct series_patch *p)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		const struct series_file *sf = &p->files[i];

		append(arr,
		       json_pack("{s:o, s:o, s:b, s:o}", "path",
				 report_json_text(sf->path), "origin",
				 sf->reviewed ? json_string(change_origin_name(
							sf->origin)) :
						json_null(),
				 "partial", sf->partial, "reason",
				 sf->reviewed ?
					 report_json_text(sf->reason) :
					 report_json_text(
						 series_why_name(sf->why))));
	}
	return arr;
}

/*
 * One entry per patch, even without findings, with where its files'
 * images came from; then one per message or commit left out, with why.
 */
static json_t *json_patches(const struct series *s)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		append(arr,
		       json_pack("{s:o, s:o, s:o, s:o}", "subject",
				 report_json_text(p->subject), "message_id",
				 report_json_text(p->message_id), "commit",
				 report_json_text(p->commit), "files",
				 json_files(p)));
	}
	for (i = 0; i < series_skip_count(s); i++) {
		const struct series_skip *k = series_skip_at(s, i);

		append(arr,
		       json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}", "subject",
				 report_json_text(k->subject), "message_id",
				 report_json_text(k->message_id), "commit",
				 report_json_text(k->commit), "input",
				 report_json_text(k->input), "skipped",
				 report_json_text(k->reason), "error",
				 k->error));
	}
	return arr;
}

static void write_json(FILE *f, const struct series *s)
{
	json_t *arr = findings_array(s, json_finding), *errors = json_array();
	json_t *root;
	size_t i;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		if (p->error)
			append(errors,
			       json_pack("{s:o, s:o, s:o}", "subject",
					 report_json_text(p->subject),
					 "message_id",
					 report_json_text(p->message_id),
					 "error", report_json_text(p->error)));
	}
	root = json_pack("{s:o, s:o, s:o}", "patches", json_patches(s),
			 "findings", arr, "errors", errors);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
}

/* --- SARIF 2.1.0 ------------------------------------------------------------- */

static const char *sarif_level(enum rule_severity sev)
{
	return sev == RULE_ERROR   ? "error" :
	       sev == RULE_WARNING ? "warning" :
				     "note";
}

static json_t *sarif_rules(const struct rule_set *rules)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < rule_set_count(rules); i++) {
		const struct rule *r = rule_set_at(rules, i);

		append(arr,
		       json_pack("{s:o, s:{s:o}, s:{s:o}, s:{s:s, s:b}}", "id",
				 report_json_text(r->id), "shortDescription",
				 "text", report_json_text(r->summary),
				 "fullDescription", "text",
				 report_json_text(r->doc),
				 "defaultConfiguration", "level",
				 sarif_level(rule_set_severity(rules, r->id)),
				 "enabled", rule_set_enabled(rules, r->id)));
	}
	return arr;
}

static json_t *sarif_result(const struct rule_finding *fd,
			    const struct series_patch *p)
{
	return json_pack(
		"{s:s, s:s, s:{s:o}, s:[{s:{s:{s:o}, s:{s:I, s:I, s:I}}}], "
		"s:{s:o, s:o, s:o, s:b, s:b}}",
		"ruleId", fd->rule, "level", sarif_level(fd->severity),
		"message", "text", report_json_text(fd->message), "locations",
		"physicalLocation", "artifactLocation", "uri",
		report_json_text(fd->path), "region", "startLine",
		(json_int_t)fd->line, "startColumn", (json_int_t)fd->column,
		"endColumn", (json_int_t)fd->end_column, "properties",
		"function", report_json_text(fd->function), "patch",
		report_json_text(p->message_id ? p->message_id : p->commit),
		"oldCode", report_json_text(fd->old_code), "partial",
		fd->partial, "changelog", fd->changelog);
}

/*
 * The run's invocation: the patches and how their files were read in
 * its properties (as JSON's "patches"), each file read from the hunks
 * alone and each message or commit left out as a notification.
 */
static json_t *sarif_invocation(const struct series *s)
{
	json_t *notes = json_array();
	size_t i, j;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		for (j = 0; j < p->nfiles; j++) {
			const struct series_file *sf = &p->files[j];

			if (!sf->reviewed || !sf->partial)
				continue;
			append(notes,
			       json_pack("{s:s, s:{s:o}, s:[{s:{s:{s:o}}}]}",
					 "level", "note", "message", "text",
					 report_json_text(sf->reason),
					 "locations", "physicalLocation",
					 "artifactLocation", "uri",
					 report_json_text(sf->path)));
		}
	}
	for (i = 0; i < series_skip_count(s); i++) {
		const struct series_skip *k = series_skip_at(s, i);

		append(notes, json_pack("{s:s, s:{s:o}}", "level",
					k->error ? "error" : "note", "message",
					"text", report_json_text(k->reason)));
	}
	return json_pack("{s:b, s:o, s:{s:o}}", "executionSuccessful",
			 !series_skip_errors(s), "toolExecutionNotifications",
			 notes, "properties", "patches", json_patches(s));
}

static void write_sarif(FILE *f, const struct series *s,
			const struct rule_set *rules)
{
	json_t *results = findings_array(s, sarif_result), *root;

	root = json_pack(
		"{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:[o]}]}",
		"$schema", "https://json.schemastore.org/sarif-2.1.0.json",
		"version", "2.1.0", "runs", "tool", "driver", "name",
		"mmreview", "version", MMR_VERSION, "informationUri",
		"https://lore.kernel.org/linux-mm/", "rules",
		sarif_rules(rules), "results", results, "invocations",
		sarif_invocation(s));
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
}

static int write_email(FILE *f, const struct series *s,
		       const struct report_opts *o)
{
	size_t i;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		char *mail;

		if (reply_email(&mail, p, o->from, o->min) < 0)
			return -1;
		if (!mail)
			continue;
		/* An mbox, so several replies can be saved and sent. */
		fprintf(f, "From mmreview Thu Jan  1 00:00:00 1970\n%s\n",
			mail);
		free(mail);
	}
	return 0;
}

int report_write(FILE *f, const struct series *s, const struct rule_set *rules,
		 const struct report_opts *opts)
{
	int error = 0;

	switch (opts->format) {
	case REPORT_TEXT:
		write_text(f, s, opts);
		break;
	case REPORT_JSON:
		write_json(f, s);
		break;
	case REPORT_SARIF:
		write_sarif(f, s, rules);
		break;
	case REPORT_EMAIL:
		error = write_email(f, s, opts);
		break;
	}
	if (error)
		return error;
	return ferror(f) ? mmr_error_set(MMR_EIO, "cannot write the report") :
			   0;
}
