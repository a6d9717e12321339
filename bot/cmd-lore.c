// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview lore fetch: one round of following the inboxes, as the daemon
 * does it, printing each message seen and each series it completes. Also
 * what am shares with it (cmd-lore.h): the log, and the review of a
 * series from the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "cli.h"
#include "config.h"
#include "cmd-lore.h"
#include "lore.h"
#include "report.h"
#include "review.h"
#include "rule.h"
#include "series.h"
#include "source.h"
#include "util.h"

static const char lore_usage[] =
	"usage: mmreview lore fetch [options]\n"
	"\n"
	"One round of following the inboxes of lore.url: fetch what is new,\n"
	"print each message and each series that is ready, and remember where\n"
	"this round stopped (under daemon.state-dir).\n"
	"\n"
	"  --mode M         git or atom (default: lore.mode, else git)\n"
	"  --since DATE     an inbox read for the first time: its mail since\n"
	"                   DATE (YYYY-MM-DD[THH:MM[:SS]][Z|+hh:mm], UTC),\n"
	"                   not only what arrives from now on\n"
	"  --url URL        this inbox instead of lore.url (may be repeated)\n"
	"  --state-dir DIR  instead of daemon.state-dir\n"
	"  --review         review each series that is ready (or settled),\n"
	"                   as check does, with check's --format, --tree and\n"
	"                   --from\n"
	"\n"
	"Output: a line per message, \"<message-id>: <kind>: <subject>\", then\n"
	"a line per series, \"series <message-id>: <status> vN ...\", then\n"
	"with --review the report of each series reviewed.\n"
	"Exit status: 0; 1 when --review found something; 2 when an inbox\n"
	"could not be read (the others are) or a review failed.\n";

#define LORE_MAX_URLS 64

struct lore_args {
	const char *mode, *since, *state_dir;
	bool review;
	struct cmd_lore_review_opts ro;
	const char *urls[LORE_MAX_URLS];
	size_t nurls;
};

static int parse_lore_args(int argc, char **argv, struct lore_args *o)
{
	const struct cli_option opts[] = {
		{ "--mode", NULL, CLI_OPT_STRING, &o->mode },
		{ "--since", NULL, CLI_OPT_STRING, &o->since },
		{ "--state-dir", NULL, CLI_OPT_STRING, &o->state_dir },
		{ "--review", NULL, CLI_OPT_FLAG, &o->review },
		{ "--format", NULL, CLI_OPT_STRING, &o->ro.format },
		{ "--tree", NULL, CLI_OPT_STRING, &o->ro.tree },
		{ "--from", NULL, CLI_OPT_STRING, &o->ro.from },
		{ "--url", NULL, CLI_OPT_LIST, o->urls, &o->nurls,
		  LORE_MAX_URLS },
		{ 0 },
	};
	const char **args;
	int n, err;

	if (argc < 2 || cli_is_help(argv[1])) {
		if (argc >= 2) {
			fputs(lore_usage, stdout);
			exit(CLI_OK);
		}
		cli_error("which lore command? (fetch)");
		return -1;
	}
	if (strcmp(argv[1], "fetch")) {
		cli_error("'%s' is not a lore command (fetch)", argv[1]);
		return -1;
	}
	args = xcalloc((size_t)argc, sizeof(*args));
	err = cli_parse_options(argc, argv, 2, opts, lore_usage, args, &n);
	if (!err && n) {
		cli_error("unknown argument '%s'", args[0]);
		err = -1;
	}
	free(args);
	return err;
}

struct round {
	struct assemble *as;
	size_t messages;
	bool fatal; /* the pool could not be written: stop */
};

static void print_message(const char *msgid, const char *what,
			  const char *subject)
{
	cmd_lore_put(stdout, msgid ? msgid : "(no message-id)");
	printf(": %s: ", what);
	cmd_lore_put(stdout, subject);
	putchar('\n');
}

static int on_message(const struct lore_msg *msg, void *payload)
{
	struct round *r = payload;
	struct mail *m;
	enum assemble_kind kind;
	char *msgid, *subject;
	int error;

	if (assemble_parse(r->as, &m, msg->raw, msg->len, msg->mboxrd)) {
		cli_warn("%s %s: unreadable message skipped: %s", msg->inbox,
			 msg->where, mmr_error_last());
		return 0;
	}
	r->messages++;
	msgid = mail_message_id(m) ? xstrdup(mail_message_id(m)) : NULL;
	subject = xstrdup(mail_subject_text(m));
	if (msg->deleted) {
		print_message(msgid, "deleted from the archive", subject);
		mail_free(m);
		error = 0;
		goto out;
	}
	error = assemble_add(r->as, m, msg->raw, msg->len, msg->mboxrd,
			     time(NULL), &kind);
	if (error == MMR_ELIMIT) {
		cli_warn("%s", mmr_error_last());
		error = 0;
	} else if (error) {
		r->fatal = true;
	} else {
		print_message(msgid, assemble_kind_name(kind), subject);
	}
out:
	free(msgid);
	free(subject);
	return error;
}

static void print_series(const struct assemble_series *s)
{
	char missing[256];

	fputs("series ", stdout);
	cmd_lore_put(stdout, s->id);
	printf(": %s v%u, ", assemble_status_name(s->status), s->version);
	if (s->complete)
		printf("%zu patch%s", s->npresent,
		       s->npresent == 1 ? "" : "es");
	else
		printf("%zu of %zu patches", s->npresent, s->nparts);
	if (!s->complete) {
		assemble_missing(s, missing, sizeof(missing));
		printf(", missing %s", missing);
	}
	if (s->superseded_by) {
		printf(" (superseded by v%u ", s->superseded_by->version);
		cmd_lore_put(stdout, s->superseded_by->id);
		putchar(')');
	}
	fputs(": ", stdout);
	cmd_lore_put(stdout, s->subject);
	putchar('\n');
}

/* The worse of two exit codes. */
static int worse(int a, int b)
{
	return a > b ? a : b;
}

/*
 * The series: print each, then take out those done with (ready, settled
 * or superseded), reviewing the ready and settled ones when r is given.
 */
static int finish_round(struct assemble *as, struct cmd_lore_review *r)
{
	size_t n = assemble_group(as, time(NULL)), i;
	enum assemble_status st;
	int ret = CLI_OK;

	for (i = 0; i < n; i++)
		print_series(assemble_at(as, i));
	fflush(stdout);
	for (i = 0; i < n; i++) {
		st = assemble_at(as, i)->status;
		if (st == ASSEMBLE_WAITING)
			continue;
		if (r && st != ASSEMBLE_SUPERSEDED) {
			ret = worse(ret,
				    cmd_lore_review_series(r, as, i, stdout));
		} else if (assemble_take(as, i, NULL)) {
			cli_error("%s", mmr_error_last());
			return CLI_ERROR;
		}
	}
	return ret;
}

static int apply_args(struct lore_settings *ls, const struct lore_args *o)
{
	size_t i;

	if (o->mode && !strcmp(o->mode, "atom")) {
		ls->opts.mode = LORE_ATOM;
	} else if (o->mode && !strcmp(o->mode, "git")) {
		ls->opts.mode = LORE_GIT;
	} else if (o->mode) {
		cli_error("unknown mode '%s' (git or atom)", o->mode);
		return -1;
	}
	if (!o->review && (o->ro.format || o->ro.tree || o->ro.from)) {
		cli_error("--format, --tree and --from go with --review");
		return -1;
	}
	if (o->since && (ls->opts.since = lore_parse_time(o->since)) <= 0) {
		cli_error("bad date '%s' (expected YYYY-MM-DD[THH:MM[:SS]])",
			  o->since);
		return -1;
	}
	if (o->state_dir) {
		free(ls->state_dir);
		ls->state_dir = xstrdup(o->state_dir);
		ls->opts.state_dir = ls->state_dir;
	}
	if (!o->nurls)
		return 0;
	while (ls->nurls)
		free(ls->urls[--ls->nurls]);
	free(ls->urls);
	ls->urls = xcalloc(o->nurls, sizeof(*ls->urls));
	for (i = 0; i < o->nurls; i++)
		ls->urls[ls->nurls++] = xstrdup(o->urls[i]);
	return 0;
}

static int run_round(struct lore_settings *ls, struct cmd_lore_review *review)
{
	struct assemble_opts ao = { ls->settle,
				    (const char *const *)ls->ignore_from,
				    ls->nignore_from };
	struct sbuf dir = SBUF_INIT;
	struct lore_store *store = NULL;
	struct lore *l = NULL;
	struct round r = { 0 };
	size_t i;
	int ret = CLI_ERROR, failed = 0;

	ls->opts.log = cmd_lore_log;
	sbuf_addf(&dir, "%s/lore", ls->state_dir);
	if (lore_store_open_dir(&store, dir.buf) ||
	    assemble_new(&r.as, &ao, store) || lore_new(&l, &ls->opts, store)) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	for (i = 0; i < ls->nurls; i++) {
		int error = lore_fetch(l, ls->urls[i], on_message, &r);

		if (error) {
			cli_error("%s", mmr_error_last());
			failed++;
		}
		if (r.fatal)
			goto out;
	}
	fflush(stdout);
	ret = worse(finish_round(r.as, review), failed ? CLI_ERROR : CLI_OK);
out:
	fflush(stdout);
	lore_free(l);
	assemble_free(r.as);
	lore_store_free(store);
	sbuf_release(&dir);
	return ret;
}

int cmd_lore(int argc, char **argv, const struct cli_global *g)
{
	struct lore_args o = { 0 };
	struct cmd_lore_review *review = NULL;
	struct lore_settings ls;
	struct config *cfg;
	int ret = CLI_ERROR;

	if (parse_lore_args(argc, argv, &o)) {
		fputs(lore_usage, stderr);
		return CLI_ERROR;
	}
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	o.ro.verbose = g->verbose;
	if (lore_settings_load(&ls, cfg))
		cli_error("%s", mmr_error_last());
	else if (!apply_args(&ls, &o) &&
		 (!o.review || (review = cmd_lore_review_new(cfg, &o.ro))))
		ret = run_round(&ls, review);
	cmd_lore_review_free(review);
	lore_settings_release(&ls);
	config_free(cfg);
	return ret;
}

/* --- shared with am (cmd-lore.h) --------------------------------------------- */

void cmd_lore_log(enum lore_level level, const char *text, void *payload)
{
	(void)payload;
	if (level == LORE_ERROR)
		cli_error("%s", text);
	else if (level == LORE_WARN)
		cli_warn("%s", text);
	else
		cli_info("%s", text);
}

void cmd_lore_put(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

struct cmd_lore_review {
	struct report_opts ro;
	struct rule_set *rules;
	struct source *tree;
	char *from;
	struct cli_progress progress;
};

/* The tree given, configured, or around the current directory. */
static int open_tree(struct cmd_lore_review *r, const struct config *cfg,
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

struct cmd_lore_review *
cmd_lore_review_new(const struct config *cfg,
		    const struct cmd_lore_review_opts *o)
{
	struct cmd_lore_review *r = xcalloc(1, sizeof(*r));
	const char *format = o->format, *from = o->from;

	if (!format && config_get_string(cfg, "review.format", &format))
		format = "text";
	if (!from && config_get_string(cfg, "post.from", &from))
		from = NULL;
	r->from = from ? xstrdup(from) : NULL;
	r->ro.from = r->from;
	r->ro.verbose = o->verbose;
	if (report_format_parse(format, &r->ro.format) < 0 ||
	    review_min_severity(cfg, &r->ro.min) < 0 ||
	    review_rules_load(&r->rules, cfg, NULL, cli_warn_cb, NULL) < 0 ||
	    open_tree(r, cfg, o->tree) < 0) {
		cli_error("%s", mmr_error_last());
		cmd_lore_review_free(r);
		return NULL;
	}
	return r;
}

void cmd_lore_review_free(struct cmd_lore_review *r)
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

int cmd_lore_review_series(struct cmd_lore_review *r, struct assemble *as,
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
		ret = errors			       ? CLI_ERROR :
		      series_findings(s, RULE_WARNING) ? CLI_FINDINGS :
							 CLI_OK;
	series_free(s);
	mail_free(cover);
	return ret;
}
