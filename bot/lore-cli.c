// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "lore-cli.h"
#include "report.h"
#include "review.h"
#include "rule.h"
#include "series.h"
#include "source.h"
#include "util.h"

void lore_cli_log(enum lore_level level, const char *text, void *payload)
{
	(void)payload;
	if (level == LORE_ERROR)
		cli_error("%s", text);
	else if (level == LORE_WARN)
		cli_warn("%s", text);
	else
		cli_info("%s", text);
}

void lore_cli_put(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

struct lore_cli_review {
	struct report_opts ro;
	struct rule_set *rules;
	struct source *tree;
	char *from;
	struct cli_progress progress;
};

/* The tree given, configured, or around the current directory. */
static int open_tree(struct lore_cli_review *r, const struct config *cfg,
		     const char *given)
{
	char *dir = NULL;
	int error = 0;

	if (given)
		dir = xstrdup(given);
	else if (config_get_path(cfg, "review.kernel-tree", &dir) ==
		 MMR_ENOTFOUND)
		dir = review_find_tree(".");
	if (dir)
		error = review_tree_open(&r->tree, dir);
	free(dir);
	return error;
}

struct lore_cli_review *
lore_cli_review_new(const struct config *cfg,
		    const struct lore_cli_review_opts *o)
{
	struct lore_cli_review *r = xcalloc(1, sizeof(*r));
	const char *format = o->format, *from = o->from;

	if (!format && config_get_string(cfg, "review.format", &format))
		format = "text";
	if (!from && config_get_string(cfg, "post.from", &from))
		from = NULL;
	r->from = from ? xstrdup(from) : NULL;
	r->ro.from = r->from;
	r->ro.verbose = o->verbose;
	if (report_format_parse(format, &r->ro.format) < 0 ||
	    review_rules_load(&r->rules, cfg, cli_warn_cb, NULL) < 0 ||
	    open_tree(r, cfg, o->tree) < 0) {
		cli_error("%s", mmr_error_last());
		lore_cli_review_free(r);
		return NULL;
	}
	return r;
}

void lore_cli_review_free(struct lore_cli_review *r)
{
	if (!r)
		return;
	rule_set_free(r->rules);
	source_free(r->tree);
	free(r->from);
	free(r);
}

/*
 * The patches of series i, in order, as a struct series (which owns
 * them); *cover keeps the cover letter, whose base-commit: the patches
 * may point to (free it after the series).
 */
static struct series *series_of(struct assemble *as, size_t i,
				struct mail **cover, size_t *refused)
{
	const struct assemble_series *chosen = assemble_at(as, i);
	const char *base = chosen->base_commit;
	size_t n = chosen->nparts, k;
	struct mail **mails = xcalloc(n + 1, sizeof(*mails));
	struct series *s = series_new();
	struct series_patch *p;

	if (assemble_take(as, i, mails))
		cli_error("%s", mmr_error_last());
	*cover = mails[0];
	for (k = 1; k <= n; k++) {
		if (!mails[k])
			continue;
		if (series_add_mail(s, mails[k])) {
			cli_error("%s", mmr_error_last());
			(*refused)++;
			continue;
		}
		p = series_at(s, series_count(s) - 1);
		if (!p->base_commit)
			p->base_commit = base;
	}
	free(mails);
	return s;
}

static void show_progress(size_t done, size_t total, void *payload)
{
	cli_progress_update(payload, "reviewing files", done, total);
}

int lore_cli_review_series(struct lore_cli_review *r, struct assemble *as,
			   size_t i, FILE *out)
{
	struct review_hooks h = { cli_warn_cb, show_progress, &r->progress };
	struct mail *cover = NULL;
	struct series *s;
	size_t k, errors = 0;
	int ret = CLI_ERROR;

	s = series_of(as, i, &cover, &errors);
	cli_progress_init(&r->progress);
	review_run(s, r->rules, r->tree, &h);
	cli_progress_done(&r->progress);
	for (k = 0; k < series_count(s); k++) {
		const struct series_patch *p = series_at(s, k);

		if (!p->error)
			continue;
		cli_error("<%s>: %s", p->message_id, p->error);
		errors++;
	}
	if (report_write(out, s, r->rules, &r->ro) < 0 || fflush(out) ||
	    ferror(out))
		cli_error("cannot write the report: %s",
			  ferror(out) ? strerror(errno) : mmr_error_last());
	else
		ret = errors		 ? CLI_ERROR :
		      series_findings(s) ? CLI_FINDINGS :
					   CLI_OK;
	series_free(s);
	mail_free(cover);
	return ret;
}
