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
#include "rule.h"
#include "sbuf.h"
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

/* The option arg names, and where its attached value starts, if any. */
static bool option_matches(const struct cli_option *o, const char *arg,
			   const char **attached)
{
	size_t n;

	*attached = NULL;
	if ((o->name && !strcmp(arg, o->name)) ||
	    (o->alias && !strcmp(arg, o->alias)))
		return true;
	if (o->kind != CLI_OPT_STRING && o->kind != CLI_OPT_LIST)
		return false;
	n = o->name ? strlen(o->name) : 0;
	if (n && !strncmp(arg, o->name, n) && arg[n] == '=') {
		*attached = arg + n + 1;
		return true;
	}
	if (o->alias && strlen(o->alias) == 2 && !strncmp(arg, o->alias, 2) &&
	    arg[2]) {
		*attached = arg + 2;
		return true;
	}
	return false;
}

static const struct cli_option *find_option(const struct cli_option *opts,
					    const char *arg,
					    const char **attached)
{
	for (; opts->name || opts->alias; opts++)
		if (option_matches(opts, arg, attached))
			return opts;
	return NULL;
}

static int store_option(const struct cli_option *o, const char *value)
{
	switch (o->kind) {
	case CLI_OPT_STRING:
		*(const char **)o->value = value;
		return 0;
	case CLI_OPT_LIST:
		if (*o->count == o->max) {
			cli_error("too many '%s' (at most %zu)",
				  o->name ? o->name : o->alias, o->max);
			return -1;
		}
		((const char **)o->value)[(*o->count)++] = value;
		return 0;
	case CLI_OPT_COUNT:
		(*(int *)o->value)++;
		return 0;
	case CLI_OPT_FLAG:
		*(bool *)o->value = true;
		return 0;
	}
	return -1;
}

int cli_parse_options(int argc, char **argv, int first,
		      const struct cli_option *opts, const char *usage,
		      const char **args, int *nargs)
{
	int i;

	*nargs = 0;
	for (i = first; i < argc; i++) {
		const char *a = argv[i], *value;
		const struct cli_option *o;

		if (cli_is_help(a)) {
			fputs(usage, stdout);
			exit(CLI_OK);
		}
		if (a[0] != '-' || !a[1]) {
			args[(*nargs)++] = a;
			continue;
		}
		o = find_option(opts, a, &value);
		if (!o) {
			cli_error("unknown option '%s'", a);
			return -1;
		}
		if (!value &&
		    (o->kind == CLI_OPT_STRING || o->kind == CLI_OPT_LIST)) {
			if (++i == argc) {
				cli_error("'%s' needs a value", a);
				return -1;
			}
			value = argv[i];
		}
		if (store_option(o, value))
			return -1;
	}
	return 0;
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

/* A rule file or plugin that did not load; *(bool *)payload is set. */
void cli_rule_problem(const struct rule_problem *p, void *payload)
{
	struct sbuf sb = SBUF_INIT;
	bool *broken = payload;
	char *s;

	if (p->line)
		sbuf_addf(&sb, "%s:%u:%u: %s", p->path, p->line, p->column,
			  p->message);
	else
		sbuf_addf(&sb, "%s: %s", p->path, p->message);
	/* a path and a message from files: safe for a terminal */
	for (s = sb.buf; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	cli_error("%s", sb.buf);
	if (broken)
		*broken = true;
	sbuf_release(&sb);
}
