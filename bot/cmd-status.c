// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview status: what the daemon is doing, read from its state database
 * (read-only, while it runs too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd-lore.h"
#include "config.h"
#include "sbuf.h"
#include "state.h"
#include "util.h"

static const char status_usage[] =
	"usage: mmreview status [--state-dir DIR]\n"
	"\n"
	"What the daemon is doing, from its state database: the series waiting\n"
	"for parts, reviewed and not reviewed today (with the reason), the\n"
	"replies pending, of unknown fate, sent and refused, the last fetch and\n"
	"the last error. Works while the daemon runs.\n"
	"\n"
	"  --state-dir DIR  instead of daemon.state-dir\n"
	"\n"
	"Exit status: 0; 2 when there is no state database or it cannot be\n"
	"read.\n";

/* Series listed of each kind, the newest. */
#define STATUS_MAX_LISTED 20

static void put_time(const char *what, time_t t, time_t now)
{
	char buf[64];
	struct tm tm;

	printf("%-20s", what);
	if (!t) {
		puts("never");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z", &tm);
	printf("%s (%lld s ago)\n", buf, (long long)(now - t));
}

struct listing {
	time_t since; /* only those updated since (0: all) */
	char *lines[STATUS_MAX_LISTED];
	size_t n, skipped;
};

/* Keep the newest STATUS_MAX_LISTED lines. */
static int list_series(const struct state_series *s, void *payload)
{
	struct listing *l = payload;
	struct sbuf sb = SBUF_INIT;

	if (s->updated < l->since)
		return 0;
	sbuf_addf(&sb, "  <%s> v%u", s->key, s->version);
	if (s->status == STATE_SERIES_WAITING)
		sbuf_addf(&sb, ": %u of %u parts", s->seen,
			  s->expected ? s->expected : 1);
	if (s->reason)
		sbuf_addf(&sb, ": %s", s->reason);
	if (l->n == STATUS_MAX_LISTED) {
		free(l->lines[0]);
		memmove(l->lines, l->lines + 1, (l->n - 1) * sizeof(*l->lines));
		l->n--;
		l->skipped++;
	}
	l->lines[l->n++] = sbuf_detach(&sb, NULL);
	return 0;
}

static int show_series(struct state *st, enum state_series_status status,
		       time_t since, const char *title)
{
	struct listing l = { .since = since };
	size_t i;
	int error = state_series_foreach(st, status, list_series, &l);

	if (l.n)
		printf("%s%s:\n", title, l.skipped ? " (the newest)" : "");
	for (i = 0; i < l.n; i++) {
		cmd_lore_put(stdout, l.lines[i]);
		putchar('\n');
		free(l.lines[i]);
	}
	return error;
}

static int show_reply(const struct state_reply *r, void *payload)
{
	(void)payload;
	printf("  <%s> to <%s>", r->reply_id, r->patch_id);
	if (r->last_error)
		printf(": %s", r->last_error);
	putchar('\n');
	return 0;
}

static int show_replies(struct state *st, enum state_outbox_status status,
			const char *title)
{
	int64_t ids[STATUS_MAX_LISTED];
	size_t n, i;
	int error = state_outbox_list(st, status, ids, STATUS_MAX_LISTED, &n);

	if (!error && n)
		printf("%s:\n", title);
	for (i = 0; !error && i < n; i++)
		error = state_outbox_get(st, ids[i], show_reply, NULL);
	return error;
}

static time_t midnight(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int show(struct state *st)
{
	time_t now = time(NULL), day = midnight(now);
	struct state_status s;
	int error = state_status(st, day, &s);

	if (error < 0)
		return error;
	printf("%-20s%s\n", "state:", state_path(st));
	put_time("last fetch:", s.last_fetch, now);
	printf("%-20s%zu\n", "series waiting:", s.waiting);
	printf("%-20s%zu\n", "series ready:", s.ready);
	printf("%-20s%zu\n", "reviewed today:", s.reviewed_today);
	printf("%-20s%zu\n", "not reviewed today:", s.failed_today);
	printf("%-20s%zu\n", "replies pending:", s.pending);
	printf("%-20s%zu\n", "replies sending:", s.sending);
	printf("%-20s%zu (today %zu)\n", "replies sent:", s.sent, s.sent_today);
	printf("%-20s%zu\n", "replies refused:", s.failed);
	put_time("last error:", s.last_error_at, now);
	if (s.last_error_at) {
		fputs("  ", stdout);
		cmd_lore_put(stdout, s.last_error);
		putchar('\n');
	}
	error = show_series(st, STATE_SERIES_WAITING, 0, "waiting for parts");
	if (!error)
		error = show_series(st, STATE_SERIES_FAILED, day,
				    "not reviewed today");
	if (!error)
		error = show_replies(st, STATE_OUTBOX_SENDING,
				     "replies of unknown fate (sending; "
				     "never sent twice)");
	if (!error)
		error = show_replies(st, STATE_OUTBOX_FAILED,
				     "replies refused");
	return error;
}

int cmd_status(int argc, char **argv, const struct cli_global *g)
{
	const char *given = NULL;
	struct state *st = NULL;
	struct config *cfg;
	char *dir = NULL;
	int i, ret = CLI_ERROR;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(status_usage, stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--state-dir") && i + 1 < argc) {
			given = argv[++i];
		} else {
			cli_error("unknown argument '%s'", argv[i]);
			fputs(status_usage, stderr);
			return CLI_ERROR;
		}
	}
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	if (given)
		dir = xstrdup(given);
	if ((dir || !state_dir(cfg, &dir)) &&
	    !state_open(&st, dir, STATE_OPEN_READ) && !show(st))
		ret = CLI_OK;
	if (ret != CLI_OK)
		cli_error("%s", mmr_error_last());
	fflush(stdout);
	state_free(st);
	free(dir);
	config_free(cfg);
	return ret;
}
