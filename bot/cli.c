// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cli.h"
#include "config.h"
#include "util.h"

/* journald reads "<N>" at the start of a line as its priority. */
static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "mmreview: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(3, "error: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(4, "warning: ", fmt, ap);
	va_end(ap);
}

void cli_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(6, "", fmt, ap);
	va_end(ap);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p)
{
	p->tty = isatty(STDERR_FILENO);
	p->start = now();
	p->shown = false;
}

void cli_progress_update(struct cli_progress *p, const char *what, size_t done,
			 size_t total)
{
	if (!p->tty || now() - p->start < 1.0)
		return;
	if (total)
		fprintf(stderr, "\r%s: %zu/%zu", what, done, total);
	else
		fprintf(stderr, "\r%s: %zu", what, done);
	p->shown = true;
}

void cli_progress_done(struct cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

/* The top of the git work tree around the current directory, or NULL. */
static char *tree_top(void)
{
	git_repository *repo = NULL;
	char *top = NULL;

	git_libgit2_init();
	if (!git_repository_open_ext(&repo, ".", 0, NULL) &&
	    git_repository_workdir(repo))
		top = xstrdup(git_repository_workdir(repo));
	git_repository_free(repo);
	git_libgit2_shutdown();
	return top;
}

struct config *cli_config_load(const struct cli_global *g)
{
	struct config *cfg = NULL;
	char *top = tree_top();
	size_t i;

	if (config_new(&cfg) < 0 ||
	    config_load_default(cfg, top, g->config_file) < 0)
		goto fail;
	for (i = 0; i < g->noverrides; i++)
		if (config_add_override(cfg, g->overrides[i]) < 0)
			goto fail;
	config_check(cfg, cli_warn_cb, NULL);
	free(top);
	return cfg;
fail:
	cli_error("%s", mmr_error_last());
	config_free(cfg);
	free(top);
	return NULL;
}

/* Warnings of the library, logged: the payload is unused. */
void cli_warn_cb(const char *msg, void *payload)
{
	(void)payload;
	cli_warn("%s", msg);
}
