// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview show: print what was parsed from an mbox, as text or JSON, so a
 * user can see what the reviewer sees.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "mail.h"
#include "mbox.h"
#include "report.h"
#include "review.h"
#include "util.h"

static const char show_usage[] =
	"usage: mmreview show [--format text|json] FILE.mbox|-\n"
	"\n"
	"Print each message of the mbox (subject, from, message-id, version,\n"
	"part m/n, trailers) and, for each patch, its files, hunks and line\n"
	"counts. Exit status: 0, or 2 when a message could not be read.\n";

static void hunk_counts(const struct diff_hunk *h, size_t *add, size_t *del)
{
	size_t i;

	*add = *del = 0;
	for (i = 0; i < h->nlines; i++) {
		*add += h->lines[i].origin == '+';
		*del += h->lines[i].origin == '-';
	}
}

static void print_files_text(const struct diff *d)
{
	size_t i, j, add, del;

	diff_stats(d, &add, &del);
	printf("  patch: %zu file%s, %zu insertion%s(+), %zu deletion%s(-)\n",
	       diff_nfiles(d), diff_nfiles(d) == 1 ? "" : "s", add,
	       add == 1 ? "" : "s", del, del == 1 ? "" : "s");
	for (i = 0; i < diff_nfiles(d); i++) {
		const struct diff_file *f = diff_file(d, i);

		printf("    %s (%s", diff_file_path(f),
		       diff_status_name(f->status));
		if (f->status == DIFF_RENAMED || f->status == DIFF_COPIED)
			printf(" from %s", f->old_path);
		if (f->old_id && f->new_id)
			printf(", index %s..%s", f->old_id, f->new_id);
		if (f->binary)
			printf(", binary");
		printf(")\n");
		for (j = 0; j < f->nhunks; j++) {
			const struct diff_hunk *h = &f->hunks[j];

			hunk_counts(h, &add, &del);
			printf("      @@ -%u,%u +%u,%u @@ +%zu -%zu%s%s\n",
			       h->old_start, h->old_count, h->new_start,
			       h->new_count, add, del, *h->section ? "  " : "",
			       h->section);
		}
	}
}

static void print_addrs(const char *label, const struct mail_addr *a, size_t n)
{
	size_t i;

	if (!n)
		return;
	printf("  %-11s ", label);
	for (i = 0; i < n; i++)
		printf("%s%s%s<%s>", i ? ", " : "", a[i].name,
		       *a[i].name ? " " : "", a[i].addr);
	printf("\n");
}

static void print_mail_text(size_t idx, const struct mail *m,
			    const struct diff *d, const char *diff_error)
{
	const struct mail_subject *s = mail_subject_info(m);
	const struct mail_addr *from = mail_from(m), *addrs;
	const struct mail_trailer *t;
	const char *id = mail_message_id(m);
	size_t n, i;

	printf("message %zu: %s\n", idx, mail_patch_subject(m));
	if (from)
		print_addrs("from:", from, 1);
	n = mail_to(m, &addrs);
	print_addrs("to:", addrs, n);
	n = mail_cc(m, &addrs);
	print_addrs("cc:", addrs, n);
	printf("  message-id: %s%s%s\n", id ? "<" : "", id ? id : "(none)",
	       id ? ">" : "");
	if (mail_in_reply_to(m))
		printf("  in-reply-to: <%s>\n", mail_in_reply_to(m));
	if (mail_date_text(m))
		printf("  date:       %s\n", mail_date_text(m));
	if (s->patch) {
		printf("  version:    %u", s->version);
		if (s->total)
			printf(", part %u/%u%s", s->part, s->total,
			       s->part ? "" : " (cover letter)");
		printf("%s%s%s%s\n", s->rfc ? ", RFC" : "",
		       s->reply ? ", reply" : "", *s->tags ? ", tags: " : "",
		       s->tags);
	}
	n = mail_trailers(m, &t);
	for (i = 0; i < n; i++)
		printf("  trailer:    %s: %s\n", t[i].key, t[i].value);
	if (diff_error)
		printf("  patch: unreadable: %s\n", diff_error);
	else if (d && diff_nfiles(d))
		print_files_text(d);
}

static json_t *json_addr(const struct mail_addr *a)
{
	return json_pack("{s:s, s:s}", "name", a->name, "addr", a->addr);
}

static json_t *json_addrs(const struct mail_addr *a, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_addr(&a[i]));
	return arr;
}

static json_t *json_hunk(const struct diff_hunk *h)
{
	size_t add, del;

	hunk_counts(h, &add, &del);
	return json_pack("{s:i, s:i, s:i, s:i, s:o, s:i, s:i}", "old_start",
			 (json_int_t)h->old_start, "old_count",
			 (json_int_t)h->old_count, "new_start",
			 (json_int_t)h->new_start, "new_count",
			 (json_int_t)h->new_count, "section",
			 report_json_text(h->section), "added", (json_int_t)add,
			 "removed", (json_int_t)del);
}

static json_t *json_files(const struct diff *d)
{
	json_t *files = json_array();
	size_t i, j;

	for (i = 0; d && i < diff_nfiles(d); i++) {
		const struct diff_file *f = diff_file(d, i);
		json_t *hunks = json_array();

		for (j = 0; j < f->nhunks; j++)
			json_array_append_new(hunks, json_hunk(&f->hunks[j]));
		json_array_append_new(
			files,
			json_pack("{s:o, s:o, s:s, s:o, s:o, s:b, s:o}",
				  "old_path", report_json_text(f->old_path),
				  "new_path", report_json_text(f->new_path),
				  "status", diff_status_name(f->status),
				  "old_id", report_json_text(f->old_id),
				  "new_id", report_json_text(f->new_id),
				  "binary", f->binary, "hunks", hunks));
	}
	return files;
}

static json_t *json_mail(size_t idx, const struct mail *m, const struct diff *d,
			 const char *diff_error)
{
	const struct mail_subject *s = mail_subject_info(m);
	const struct mail_addr *addrs;
	const struct mail_trailer *t;
	const char *const *w;
	json_t *o, *arr;
	size_t n, i;

	o = json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "index",
		      (json_int_t)idx, "subject", mail_patch_subject(m),
		      "message_id", report_json_text(mail_message_id(m)),
		      "in_reply_to", report_json_text(mail_in_reply_to(m)),
		      "date", report_json_text(mail_date_text(m)), "from",
		      mail_from(m) ? json_addr(mail_from(m)) : json_null());
	n = mail_to(m, &addrs);
	json_object_set_new(o, "to", json_addrs(addrs, n));
	n = mail_cc(m, &addrs);
	json_object_set_new(o, "cc", json_addrs(addrs, n));
	json_object_set_new(
		o, "subject_info",
		json_pack("{s:b, s:b, s:b, s:i, s:i, s:i, s:s, s:s}", "patch",
			  s->patch, "reply", s->reply, "rfc", s->rfc, "version",
			  (json_int_t)s->version, "part", (json_int_t)s->part,
			  "total", (json_int_t)s->total, "tags", s->tags,
			  "title", s->title ? s->title : ""));
	arr = json_array();
	n = mail_trailers(m, &t);
	for (i = 0; i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:s, s:s}", "key", t[i].key,
						"value", t[i].value));
	json_object_set_new(o, "trailers", arr);
	arr = json_array();
	n = mail_warnings(m, &w);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(w[i]));
	json_object_set_new(o, "warnings", arr);
	json_object_set_new(o, "files", json_files(d));
	json_object_set_new(o, "error", report_json_text(diff_error));
	return o;
}

struct show_state {
	bool json;
	size_t printed; /* messages written so far, for the JSON commas */
	json_t *errors;
	size_t nerrors;
};

/* Messages are written as they are read, so memory stays bounded. */
static void json_emit(struct show_state *st, json_t *o)
{
	fputs(st->printed++ ? ",\n" : "{\"messages\": [\n", stdout);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(o);
}

static void show_error(struct show_state *st, size_t idx, const char *msg)
{
	st->nerrors++;
	if (st->json)
		json_array_append_new(st->errors,
				      json_pack("{s:i, s:o}", "index",
						(json_int_t)idx, "error",
						report_json_text(msg)));
}

static void show_one(struct show_state *st, size_t idx, struct mail *m)
{
	const char *const *w;
	struct diff *d = NULL;
	const char *body, *id = mail_message_id(m);
	char *diff_error = NULL;
	size_t len, n, i;

	n = mail_warnings(m, &w);
	for (i = 0; i < n; i++)
		cli_warn("message %zu (<%s>): %s", idx, id ? id : "?", w[i]);
	body = mail_body(m, &len);
	if (diff_parse(&d, body, len) < 0) {
		diff_error = xstrdup(mmr_error_last());
		cli_error("message %zu (<%s>): %s", idx, id ? id : "?",
			  diff_error);
		show_error(st, idx, diff_error);
	}
	if (st->json)
		json_emit(st, json_mail(idx, m, d, diff_error));
	else
		print_mail_text(idx, m, d, diff_error);
	free(diff_error);
	diff_free(d);
}

static int show_mbox(struct show_state *st, const char *path)
{
	struct review_file *rf;
	struct mail *m;
	int ret;

	if (review_file_open(&rf, path) < 0) {
		cli_error("%s", mmr_error_last());
		return CLI_ERROR;
	}
	while ((ret = mbox_next(review_file_mbox(rf), &m)) != 0) {
		size_t idx = mbox_index(review_file_mbox(rf));

		if (ret < 0) {
			cli_error("%s: %s", path, mmr_error_last());
			show_error(st, idx, mmr_error_last());
			if (ret == MMR_EIO)
				break;
			continue;
		}
		show_one(st, idx, m);
		mail_free(m);
	}
	review_file_close(rf);
	return st->nerrors ? CLI_ERROR : CLI_OK;
}

int cmd_show(int argc, char **argv, const struct cli_global *g)
{
	struct show_state st = { 0 };
	const char *path = NULL;
	int i, ret;

	(void)g;
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(show_usage, stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];

			if (strcmp(f, "json") && strcmp(f, "text")) {
				cli_error("unknown format '%s'", f);
				return CLI_ERROR;
			}
			st.json = !strcmp(f, "json");
		} else if (!strncmp(argv[i], "--format=", 9)) {
			const char *f = argv[i] + 9;

			if (strcmp(f, "json") && strcmp(f, "text")) {
				cli_error("unknown format '%s'", f);
				return CLI_ERROR;
			}
			st.json = !strcmp(f, "json");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s'", argv[i]);
			fputs(show_usage, stderr);
			return CLI_ERROR;
		} else if (!path) {
			path = argv[i];
		} else {
			fputs(show_usage, stderr);
			return CLI_ERROR;
		}
	}
	if (!path) {
		fputs(show_usage, stderr);
		return CLI_ERROR;
	}
	if (st.json)
		st.errors = json_array();
	ret = show_mbox(&st, path);
	if (st.json) {
		fputs(st.printed ? "\n], \"errors\": " :
				   "{\"messages\": [], \"errors\": ",
		      stdout);
		json_dumpf(st.errors, stdout,
			   JSON_INDENT(2) | JSON_ENSURE_ASCII);
		fputs("}\n", stdout);
		json_decref(st.errors);
	}
	return ret;
}
