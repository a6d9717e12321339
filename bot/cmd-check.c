// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview check: review commits of a git repository, or the patches of an
 * mbox, and report what the rules find.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "report.h"
#include "rule.h"
#include "series.h"
#include "source.h"
#include "util.h"

static const char check_usage[] =
	"usage: mmreview check [options] [RANGE | FILE.mbox | -]\n"
	"\n"
	"Review each commit of RANGE (default: the current branch's commits\n"
	"not in its upstream, or HEAD), or each patch of an mbox, and print\n"
	"what the rules find.\n"
	"\n"
	"  --format F     text (default), json, sarif or email (the replies)\n"
	"  --tree DIR     a kernel tree for exact pre-images and definitions\n"
	"                 (default: review.kernel-tree)\n"
	"  --from ADDR    From: of the reply emails (default: post.from)\n"
	"  --rules-dir DIR\n"
	"                 also run the rule files (*.scm) of DIR; repeatable\n"
	"  -o FILE        write the report to FILE\n"
	"  -v             say where each file's images came from, and more\n"
	"\n"
	"Exit status: 0 nothing found, 1 findings, 2 errors.\n";

struct check_opts {
	const char *input;
	const char *format;
	const char *tree;
	const char *from;
	const char *output;
	int verbose;
	const char *rule_dirs[CLI_MAX_RULE_DIRS]; /* --rules-dir */
	size_t nrule_dirs;
};

static int parse_check_args(int argc, char **argv, struct check_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (cli_is_help(a)) {
			fputs(check_usage, stdout);
			exit(CLI_OK);
		} else if (!strcmp(a, "--format")) {
			slot = &o->format;
		} else if (!strncmp(a, "--format=", 9)) {
			o->format = a + 9;
		} else if (!strcmp(a, "--tree")) {
			slot = &o->tree;
		} else if (!strncmp(a, "--tree=", 7)) {
			o->tree = a + 7;
		} else if (!strcmp(a, "--from")) {
			slot = &o->from;
		} else if (!strcmp(a, "--rules-dir")) {
			if (o->nrule_dirs == CLI_MAX_RULE_DIRS) {
				cli_error("too many --rules-dir (at most %d)",
					  CLI_MAX_RULE_DIRS);
				return -1;
			}
			slot = &o->rule_dirs[o->nrule_dirs++];
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			slot = &o->output;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose++;
		} else if (a[0] == '-' && a[1]) {
			cli_error("unknown option '%s'", a);
			return -1;
		} else if (!o->input) {
			o->input = a;
		} else {
			cli_error("more than one input ('%s', '%s')", o->input,
				  a);
			return -1;
		}
		if (slot) {
			if (++i == argc) {
				cli_error("'%s' needs a value", a);
				return -1;
			}
			*slot = argv[i];
		}
	}
	return 0;
}

static bool is_mbox_input(const char *input)
{
	struct stat st;

	return input && (!strcmp(input, "-") ||
			 (!stat(input, &st) && S_ISREG(st.st_mode)));
}

/* A name no git range has: a missing file, not a range to look up. */
static bool looks_like_file(const char *input)
{
	static const char *const ext[] = { ".mbox", ".eml", ".patch", ".mbx" };
	size_t n = strlen(input), i;

	if (strchr(input, '/') && !strstr(input, ".."))
		return true;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > strlen(ext[i]) &&
		    !strcmp(input + n - strlen(ext[i]), ext[i]))
			return true;
	return false;
}

static void log_warning(const char *msg)
{
	cli_warn("%s", msg);
}

static struct cli_progress progress;

static void show_progress(size_t done, size_t total)
{
	cli_progress_update(&progress, "reviewing files", done, total);
}

/* Settings from the config, unless given on the command line. */
static int apply_config(struct check_opts *o, const struct config *cfg,
			char **tree_owned)
{
	if (!o->format && config_get_string(cfg, "review.format", &o->format))
		o->format = "text";
	if (!o->tree && !config_get_path(cfg, "review.kernel-tree", tree_owned))
		o->tree = *tree_owned;
	if (!o->from && config_get_string(cfg, "post.from", &o->from))
		o->from = NULL;
	return 0;
}

static int load_series(struct series *s, const struct check_opts *o)
{
	int error;

	if (is_mbox_input(o->input)) {
		error = series_add_mbox(s, o->input, log_warning);
	} else if (o->input && looks_like_file(o->input)) {
		cli_error("cannot open '%s': %s", o->input, strerror(ENOENT));
		return -1;
	} else {
		error = series_add_git_range(s, o->input);
	}
	if (error < 0) {
		cli_error("%s", mmr_error_last());
		return -1;
	}
	return 0;
}

static int report_errors(const struct series *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		if (!p->error)
			continue;
		cli_error("%s: %s", p->message_id ? p->message_id : p->subject,
			  p->error);
		n++;
	}
	return n;
}

static int run_check(struct check_opts *o, const struct config *cfg,
		     const struct rule_set *rules)
{
	struct report_opts ro = { REPORT_TEXT, o->verbose, o->from };
	struct series *s = series_new();
	struct source *tree = NULL;
	FILE *out = stdout;
	int ret = CLI_ERROR, errors;

	(void)cfg;
	if (report_format_parse(o->format, &ro.format) < 0) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	if (o->tree && source_open(&tree, o->tree) < 0) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	if (load_series(s, o))
		goto out;
	cli_progress_init(&progress);
	series_review(s, rules, tree, show_progress);
	cli_progress_done(&progress);
	/* A message that could not be read must not pass a CI gate. */
	errors = report_errors(s) + (int)series_skipped(s);
	if (o->output && !(out = fopen(o->output, "w"))) {
		cli_error("cannot write '%s': %s", o->output, strerror(errno));
		goto out;
	}
	if (report_write(out, s, rules, &ro) < 0 || fflush(out) ||
	    ferror(out)) {
		cli_error("cannot write the report to '%s': %s",
			  o->output ? o->output : "<stdout>", strerror(errno));
		goto out;
	}
	ret = errors ? CLI_ERROR : series_findings(s) ? CLI_FINDINGS : CLI_OK;
out:
	if (out && out != stdout && fclose(out) && ret != CLI_ERROR) {
		cli_error("cannot write '%s': %s", o->output, strerror(errno));
		ret = CLI_ERROR;
	}
	source_free(tree);
	series_free(s);
	return ret;
}

int cmd_check(int argc, char **argv, const struct cli_global *g)
{
	struct check_opts o = { 0 };
	struct config *cfg;
	struct rule_set *rules = NULL;
	char *tree = NULL;
	bool broken = false;
	int ret = CLI_ERROR;

	if (parse_check_args(argc, argv, &o)) {
		fputs(check_usage, stderr);
		return CLI_ERROR;
	}
	o.verbose += g->verbose;
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	apply_config(&o, cfg, &tree);
	rules = cli_rules_load(cfg, o.rule_dirs, o.nrule_dirs, &broken);
	if (rules)
		ret = run_check(&o, cfg, rules);
	/* The other rules ran; a broken one still fails a CI gate. */
	if (broken)
		ret = CLI_ERROR;
	rule_set_free(rules);
	free(tree);
	config_free(cfg);
	return ret;
}
