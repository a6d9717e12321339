// SPDX-License-Identifier: GPL-2.0
/*
 * ingest: how fast messages are read from a local epoch (the code the git
 * mode runs, lore_epoch_read()) and assembled into series, as the daemon
 * does it: a round every ROUND messages groups the pool and takes out what
 * is ready, settled or superseded.
 *
 * usage: ingest read|parse|assemble GITDIR
 * Prints one line: "<stage> <messages> <series> <seconds> <peak KiB>
 * <bytes> <unreadable> <CPU seconds>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "assemble.h"
#include "lore.h"
#include "mail.h"
#include "util.h"

#define ROUND 1000

enum stage { READ, PARSE, ASSEMBLE };

struct run {
	enum stage stage;
	struct assemble *as;
	size_t messages, bytes, series, bad;
	time_t now;
};

/* Take out each series that is no longer waiting. */
static void round_end(struct run *r)
{
	size_t n = assemble_group(r->as, r->now), i;

	for (i = 0; i < n; i++) {
		if (assemble_at(r->as, i)->status == ASSEMBLE_WAITING)
			continue;
		if (assemble_take(r->as, i, NULL)) {
			fprintf(stderr, "ingest: %s\n", mmr_error_last());
			exit(2);
		}
		r->series++;
	}
}

static int on_message(const struct lore_msg *msg, void *payload)
{
	struct run *r = payload;
	enum assemble_kind kind;
	struct mail *m;

	r->messages++;
	r->bytes += msg->len;
	if (r->stage == READ || msg->deleted)
		return 0;
	if (r->stage == PARSE ?
		    mail_parse(&m, msg->raw, msg->len, msg->mboxrd) :
		    assemble_parse(r->as, &m, msg->raw, msg->len,
				   msg->mboxrd)) {
		r->bad++;
		return 0;
	}
	if (r->stage == PARSE) {
		mail_free(m);
		return 0;
	}
	r->now = msg->time;
	if (assemble_add(r->as, m, msg->raw, msg->len, msg->mboxrd, msg->time,
			 &kind)) {
		fprintf(stderr, "ingest: %s\n", mmr_error_last());
		exit(2);
	}
	if (r->messages % ROUND == 0)
		round_end(r);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const stages[] = { "read", "parse", "assemble" };
	struct assemble_opts ao = { 600, NULL, 0 };
	struct run r = { 0 };
	struct rusage ru;
	char last[41] = "";
	double t0, t1;
	int s;

	if (argc != 3) {
		fprintf(stderr, "usage: ingest read|parse|assemble GITDIR\n");
		return 2;
	}
	for (s = 0; s < 3 && strcmp(argv[1], stages[s]); s++)
		;
	if (s == 3 || assemble_new(&r.as, &ao, NULL)) {
		fprintf(stderr, "ingest: bad stage '%s'\n", argv[1]);
		return 2;
	}
	r.stage = (enum stage)s;
	t0 = now_s();
	if (lore_epoch_read(argv[2], NULL, 0, on_message, &r, last)) {
		fprintf(stderr, "ingest: %s\n", mmr_error_last());
		return 2;
	}
	if (r.stage == ASSEMBLE) {
		r.now += 3600; /* the last round, after the settle time */
		round_end(&r);
	}
	t1 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("%s %zu %zu %.3f %ld %zu %zu %.3f\n", stages[s], r.messages,
	       r.series, t1 - t0, ru.ru_maxrss, r.bytes, r.bad,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	assemble_free(r.as);
	return 0;
}
