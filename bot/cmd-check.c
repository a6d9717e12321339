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
#include "review.h"
#include "rule.h"
#include "series.h"
#include "source.h"
#include "util.h"

static const char check_usage[] =
	"usage: mmreview check [options] [RANGE | FILE... | -]\n"
	"\n"
	"Review each commit of RANGE (default: the current branch's commits\n"
	"not in its upstream, or HEAD), or the patches of the files named, in\n"
	"order, as one series: mboxes, patch files (git format-patch, DEP-3)\n"
	"or diffs (git diff, git show); and print what the rules find.\n"
	"\n"
	"  --format F     text (default), json, sarif or email (the replies)\n"
	"  --tree DIR     a kernel tree for exact pre-images and definitions\n"
	"                 (default: review.kernel-tree, else the kernel tree\n"
	"                 around the current directory)\n"
	"  --from ADDR    From: of the reply emails (default: post.from)\n"
	"  --rules-dir DIR\n"
	"                 also run the rule files (*.scm) of DIR; repeatable\n"
	"  -o FILE        write the report to FILE\n"
	"  -c KEY=VALUE   set a configuration value (also before 'check')\n"
	"  -v             say where each file's images came from, and more\n"
	"\n"
	"Exit status: 0 nothing found, 1 findings, 2 errors.\n";

struct check_opts {
	const char **inputs;
	size_t ninputs;
	const char *format;
	const char *tree;
	bool tree_given; /* --tree or review.kernel-tree, not found around */
	const char *from;
	enum rule_severity min; /* post.min-severity */
	const char *output;
	int verbose;
	const char *rule_dirs[CLI_MAX_RULE_DIRS]; /* --rules-dir */
	size_t nrule_dirs;
};

static int parse_check_args(int argc, char **argv, struct check_opts *o)
{
	const struct cli_option opts[] = {
		{ "--format", NULL, CLI_OPT_STRING, &o->format },
		{ "--tree", NULL, CLI_OPT_STRING, &o->tree },
		{ "--from", NULL, CLI_OPT_STRING, &o->from },
		{ "--rules-dir", NULL, CLI_OPT_LIST, o->rule_dirs,
		  &o->nrule_dirs, CLI_MAX_RULE_DIRS },
		{ "--output", "-o", CLI_OPT_STRING, &o->output },
		{ "--verbose", "-v", CLI_OPT_COUNT, &o->verbose },
		{ 0 },
	};
	int n;

	o->inputs = xcalloc((size_t)argc, sizeof(*o->inputs));
	if (cli_parse_options(argc, argv, 1, opts, check_usage, o->inputs, &n))
		return -1;
	o->ninputs = (size_t)n;
	return 0;
}

/* A name no git range has: a missing file, not a range to look up. */
static bool looks_like_file(const char *input)
{
	static const char *const ext[] = { ".mbox", ".eml", ".patch", ".mbx",
					   ".diff" };
	size_t n = strlen(input), i;

	if (strchr(input, '/') && !strstr(input, ".."))
		return true;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > strlen(ext[i]) &&
		    !strcmp(input + n - strlen(ext[i]), ext[i]))
			return true;
	return false;
}

/* One argument that is no file is a git range; several are files. */
static bool is_range(const struct check_opts *o)
{
	struct stat st;

	if (o->ninputs != 1 || !strcmp(o->inputs[0], "-"))
		return false;
	return stat(o->inputs[0], &st) < 0 && !looks_like_file(o->inputs[0]);
}

static struct cli_progress progress;

static void show_progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	cli_progress_update(&progress, "reviewing files", done, total);
}

/* Settings from the config, unless given on the command line. */
static void apply_config(struct check_opts *o, const struct config *cfg,
			 char **tree_owned)
{
	if (!o->format && config_get_string(cfg, "review.format", &o->format))
		o->format = "text";
	o->tree_given = o->tree != NULL;
	if (!o->tree && !config_get_path(cfg, "review.kernel-tree", tree_owned))
		o->tree = *tree_owned;
	if (o->tree)
		o->tree_given = true;
	if (!o->from && config_get_string(cfg, "post.from", &o->from))
		o->from = NULL;
}

/*
 * The kernel tree: the one given, else for files the kernel tree around
 * the current directory (a git range uses its own work tree).
 */
static int open_tree(struct check_opts *o, bool range, struct source **tree,
		     char **found)
{
	if (!o->tree && !range) {
		*found = review_find_tree(".");
		o->tree = *found;
		if (o->tree && o->verbose)
			cli_info("using the kernel tree '%s' (the current "
				 "directory's)",
				 o->tree);
	}
	if (o->tree && review_tree_open(tree, o->tree) < 0) {
		cli_error("%s", mmr_error_last());
		return -1;
	}
	return 0;
}

static int load_series(struct series *s, const struct check_opts *o, bool range,
		       const struct review_hooks *h)
{
	int error;

	if (range || !o->ninputs)
		error = review_add_range(s, o->ninputs ? o->inputs[0] : NULL,
					 h);
	else
		error = review_add_files(s, o->inputs, o->ninputs, h);
	if (error < 0) {
		cli_error("%s", mmr_error_last());
		return -1;
	}
	return 0;
}

/* What was skipped, counted by reason, for one input. */
struct skip_count {
	const char *reason;
	size_t n;
};

static void say_skipped_summary(const struct series *s, const char *input)
{
	struct skip_count c[16];
	size_t i, j, nc = 0, total = 0;
	char line[1024];
	int at = 0;

	for (i = 0; i < series_skip_count(s); i++) {
		const struct series_skip *k = series_skip_at(s, i);

		if (k->error || !k->input || strcmp(k->input, input))
			continue;
		total++;
		for (j = 0; j < nc && strcmp(c[j].reason, k->reason); j++)
			;
		if (j == nc && nc == sizeof(c) / sizeof(c[0]))
			continue;
		if (j == nc)
			c[nc++] = (struct skip_count){ k->reason, 0 };
		c[j].n++;
	}
	if (!total)
		return;
	for (j = 0; j < nc && at >= 0 && (size_t)at < sizeof(line); j++)
		at += snprintf(line + at, sizeof(line) - at, "%s%s: %zu",
			       j ? ", " : "", c[j].reason, c[j].n);
	cli_info("%s: skipped %zu message%s (%s); -v names them", input, total,
		 total == 1 ? "" : "s", line);
}

/*
 * Say what was left out, and why: errors one by one; messages that are
 * not patches one by one with -v, else counted per input.
 */
static void say_skipped(const struct series *s, int verbose)
{
	const char *last = NULL;
	size_t i;

	for (i = 0; i < series_skip_count(s); i++) {
		const struct series_skip *k = series_skip_at(s, i);

		if (k->error) {
			cli_error("%s", k->reason);
		} else if (verbose) {
			cli_info("%s: skipped '%s'%s%s%s: %s",
				 k->input ? k->input : "", k->subject,
				 k->message_id ? " <" : "",
				 k->message_id ? k->message_id : "",
				 k->message_id ? ">" : "", k->reason);
		} else if (k->input && (!last || strcmp(last, k->input))) {
			say_skipped_summary(s, k->input);
			last = k->input;
		}
	}
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

static int write_report(const struct check_opts *o, const struct series *s,
			const struct rule_set *rules)
{
	struct report_opts ro = { REPORT_TEXT, o->verbose, o->from, o->min };
	FILE *out = stdout;
	int ret = 0;

	if (report_format_parse(o->format, &ro.format) < 0) {
		cli_error("%s", mmr_error_last());
		return -1;
	}
	if (o->output && !(out = fopen(o->output, "w"))) {
		cli_error("cannot write '%s': %s", o->output, strerror(errno));
		return -1;
	}
	if (report_write(out, s, rules, &ro) < 0 || fflush(out) ||
	    ferror(out)) {
		cli_error("cannot write the report to '%s': %s",
			  o->output ? o->output : "<stdout>",
			  ferror(out) ? strerror(errno) : mmr_error_last());
		ret = -1;
	}
	if (out != stdout && fclose(out) && !ret) {
		cli_error("cannot write '%s': %s", o->output, strerror(errno));
		ret = -1;
	}
	return ret;
}

static int run_check(struct check_opts *o, const struct rule_set *rules)
{
	struct review_hooks h = { cli_warn_cb, show_progress, NULL };
	struct series *s = series_new();
	struct source *tree = NULL;
	char *found = NULL;
	bool range = is_range(o);
	int ret = CLI_ERROR, errors;
	enum report_format fmt;

	if (report_format_parse(o->format, &fmt) < 0) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	if (open_tree(o, range, &tree, &found) || load_series(s, o, range, &h))
		goto out;
	say_skipped(s, o->verbose);
	if (!series_count(s) && !series_skip_count(s))
		cli_info("no commit to review in %s",
			 range ? o->inputs[0] : "the current branch");
	cli_progress_init(&progress);
	review_run(s, rules, tree, &h);
	cli_progress_done(&progress);
	/* A message that could not be read must not pass a CI gate. */
	errors = report_errors(s) + (int)series_skip_errors(s);
	if (write_report(o, s, rules))
		goto out;
	/* As checkpatch: only warnings and errors fail the run. */
	ret = errors			       ? CLI_ERROR :
	      series_findings(s, RULE_WARNING) ? CLI_FINDINGS :
						 CLI_OK;
out:
	source_free(tree);
	free(found);
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
	struct review_rules_opts ro = { o.rule_dirs, 0, cli_rule_problem };
	int ret = CLI_ERROR;

	if (parse_check_args(argc, argv, &o)) {
		fputs(check_usage, stderr);
		free(o.inputs);
		return CLI_ERROR;
	}
	o.verbose += g->verbose;
	ro.ndirs = o.nrule_dirs;
	cfg = cli_config_load(g);
	if (!cfg) {
		free(o.inputs);
		return CLI_ERROR;
	}
	apply_config(&o, cfg, &tree);
	if (review_min_severity(cfg, &o.min) < 0)
		cli_error("%s", mmr_error_last());
	else if (review_rules_load(&rules, cfg, &ro, cli_warn_cb, &broken) < 0)
		cli_error("%s", mmr_error_last());
	else
		ret = run_check(&o, rules);
	/* The other rules ran; a broken one still fails a CI gate. */
	if (broken)
		ret = CLI_ERROR;
	rule_set_free(rules);
	free(tree);
	free(o.inputs);
	config_free(cfg);
	return ret;
}
