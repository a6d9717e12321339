// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview lore fetch: one round of following the inboxes, as the daemon
 * does it, printing each message seen and each series it completes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "cli.h"
#include "config.h"
#include "lore-cli.h"
#include "lore.h"
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
	struct lore_cli_review_opts ro;
	const char *urls[LORE_MAX_URLS];
	size_t nurls;
};

static int parse_lore_args(int argc, char **argv, struct lore_args *o)
{
	int i;

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
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], **slot = NULL;

		if (cli_is_help(a)) {
			fputs(lore_usage, stdout);
			exit(CLI_OK);
		} else if (!strcmp(a, "--mode")) {
			slot = &o->mode;
		} else if (!strcmp(a, "--since")) {
			slot = &o->since;
		} else if (!strcmp(a, "--state-dir")) {
			slot = &o->state_dir;
		} else if (!strcmp(a, "--review")) {
			o->review = true;
			continue;
		} else if (!strcmp(a, "--format")) {
			slot = &o->ro.format;
		} else if (!strcmp(a, "--tree")) {
			slot = &o->ro.tree;
		} else if (!strcmp(a, "--from")) {
			slot = &o->ro.from;
		} else if (!strcmp(a, "--url")) {
			if (o->nurls == LORE_MAX_URLS) {
				cli_error("more than %d --url", LORE_MAX_URLS);
				return -1;
			}
			slot = &o->urls[o->nurls++];
		} else {
			cli_error("unknown argument '%s'", a);
			return -1;
		}
		if (++i == argc) {
			cli_error("'%s' needs a value", a);
			return -1;
		}
		*slot = argv[i];
	}
	return 0;
}

struct round {
	struct assemble *as;
	size_t messages;
	bool fatal; /* the pool could not be written: stop */
};

static void print_message(const char *msgid, const char *what,
			  const char *subject)
{
	lore_cli_put(stdout, msgid ? msgid : "(no message-id)");
	printf(": %s: ", what);
	lore_cli_put(stdout, subject);
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
	lore_cli_put(stdout, s->id);
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
		lore_cli_put(stdout, s->superseded_by->id);
		putchar(')');
	}
	fputs(": ", stdout);
	lore_cli_put(stdout, s->subject);
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
static int finish_round(struct assemble *as, struct lore_cli_review *r)
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
				    lore_cli_review_series(r, as, i, stdout));
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

static int run_round(struct lore_settings *ls, struct lore_cli_review *review)
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

	ls->opts.log = lore_cli_log;
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
	struct lore_cli_review *review = NULL;
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
		 (!o.review || (review = lore_cli_review_new(cfg, &o.ro))))
		ret = run_round(&ls, review);
	lore_cli_review_free(review);
	lore_settings_release(&ls);
	config_free(cfg);
	return ret;
}
