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

struct cli_mbox {
	FILE *f;
	bool close;
	size_t read;
	struct mbox *mb;
	const char *path;
};

static ssize_t mbox_read(void *ctx, char *buf, size_t len)
{
	struct cli_mbox *cm = ctx;
	size_t n;

	if (cm->read >= CLI_MAX_INPUT)
		return mmr_error_set(MMR_ELIMIT,
				     "'%s' is larger than %zu bytes", cm->path,
				     CLI_MAX_INPUT);
	n = fread(buf, 1, len, cm->f);
	if (!n && ferror(cm->f))
		return mmr_error_set(MMR_EIO, "cannot read '%s': %s", cm->path,
				     strerror(errno));
	cm->read += n;
	return (ssize_t)n;
}

struct cli_mbox *cli_mbox_open(const char *path)
{
	struct cli_mbox *cm = xcalloc(1, sizeof(*cm));

	cm->path = path;
	if (!strcmp(path, "-")) {
		cm->f = stdin;
		cm->path = "<stdin>";
	} else {
		cm->f = fopen(path, "rb");
		if (!cm->f) {
			cli_error("cannot open '%s': %s", path,
				  strerror(errno));
			free(cm);
			return NULL;
		}
		cm->close = true;
	}
	cm->mb = mbox_new(mbox_read, cm, false);
	return cm;
}

struct mbox *cli_mbox_reader(struct cli_mbox *cm)
{
	return cm->mb;
}

void cli_mbox_close(struct cli_mbox *cm)
{
	if (!cm)
		return;
	mbox_free(cm->mb);
	if (cm->close)
		fclose(cm->f);
	free(cm);
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

static void config_warning(const char *text, void *ctx)
{
	(void)ctx;
	cli_warn("%s", text);
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
	config_check(cfg, config_warning, NULL);
	free(top);
	return cfg;
fail:
	cli_error("%s", mmr_error_last());
	config_free(cfg);
	free(top);
	return NULL;
}

struct rule_config {
	const struct config *cfg;
	struct rule_set *rules;
	int error;
};

/* Text from a config file, made safe for a terminal. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Whether a value comes from the .mmreview of the tree under review. */
static bool from_tree(const char *origin)
{
	size_t n = strlen(origin), t = strlen("/" CONFIG_TREE_NAME);

	return n > t && !strcmp(origin + n - t, "/" CONFIG_TREE_NAME);
}

/* rule.<id>.enabled and rule.<id>.severity. */
static int apply_rule_key(const char *key, const char *value,
			  const char *origin, void *ctx)
{
	/* In the order of enum rule_severity. */
	static const char *const severities[] = { "info", "warning", "error",
						  NULL };
	struct rule_config *rc = ctx;
	const char *dot = strrchr(key, '.');
	char id[128], msg[1024];
	bool on;
	int sev;

	(void)value;
	if (strncmp(key, "rule.", 5) || dot == key + 4 ||
	    (size_t)(dot - key - 5) >= sizeof(id))
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)(dot - key - 5), key + 5);
	if (!rule_set_find(rc->rules, id)) {
		printable(id);
		cli_warn("%s: no rule '%s' (see 'mmreview rules list')", origin,
			 id);
		return 0;
	}
	if (!strcmp(dot, ".enabled")) {
		if (config_get_bool(rc->cfg, key, true, &on) < 0)
			goto bad;
		rule_set_enable(rc->rules, id, on);
	} else if (!strcmp(dot, ".severity")) {
		if (config_get_enum(rc->cfg, key, severities, RULE_WARNING,
				    &sev) < 0)
			goto bad;
		rule_set_set_severity(rc->rules, id, (enum rule_severity)sev);
	}
	return 0;
bad:
	snprintf(msg, sizeof(msg), "%s", mmr_error_last());
	printable(msg);
	/* A tree's .mmreview is a stranger's: its mistakes only warn. */
	if (from_tree(origin)) {
		cli_warn("ignoring %s", msg);
		return 0;
	}
	cli_error("%s", msg);
	rc->error = -1;
	return 0;
}

struct rule_set *cli_rules_load(const struct config *cfg)
{
	struct rule_config rc = { cfg, rule_set_new(), 0 };

	config_foreach(cfg, apply_rule_key, &rc);
	if (rc.error) {
		rule_set_free(rc.rules);
		return NULL;
	}
	return rc.rules;
}
