// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview rules: what the rules are, what they look for, and whether they
 * find what their cases say they must.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "change.h"
#include "cli.h"
#include "config.h"
#include "csrc.h"
#include "diff.h"
#include "review.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

static const char rules_usage[] =
	"usage: mmreview rules list [--rules-dir DIR]...\n"
	"       mmreview rules show [--rules-dir DIR]... ID\n"
	"       mmreview rules test [--rules-dir DIR]... [PATH...]\n"
	"\n"
	"list: each rule with its severity, whether it is enabled (after the\n"
	"configuration), where it comes from and a one-line summary.\n"
	"show: the rule's documentation: what it finds, why, an example and\n"
	"how to silence it.\n"
	"test: run the rules over their cases and say, per rule, whether\n"
	"every expectation is met. A PATH is a directory of rule files and\n"
	"cases, a rule file (its cases are the files beside it whose name\n"
	"starts with its own), or a case, run with the rules beside it:\n"
	"NAME.patch (reviewed from its hunks alone), or NAME.before.c with\n"
	"NAME.after.c (.h too; reviewed from the whole files). A rule file\n"
	"named on the command line replaces the built-in rule of its id.\n"
	"Without PATH: the directories of rules.directory and --rules-dir.\n"
	"In a case, /* expect: ID */ on a line says that rule must flag it,\n"
	"/* expect-none: ID */ that it must not; a finding of a rule the\n"
	"case names on any other line fails too. Every rule runs, also one\n"
	"disabled by default.\n"
	"\n"
	"  --rules-dir DIR  also load the rule files (*.scm) of DIR\n"
	"\n"
	"Exit status: 0 all passed, 1 an expectation failed, 2 errors.\n";

struct rules_opts {
	const char *dirs[CLI_MAX_RULE_DIRS];
	size_t ndirs;
	char **args; /* after the subcommand and options */
	int nargs;
};

static int parse_rules_args(int argc, char **argv, struct rules_opts *o)
{
	int i;

	o->args = xcalloc(argc + 1, sizeof(*o->args));
	for (i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(rules_usage, stdout);
			exit(CLI_OK);
		} else if (!strcmp(argv[i], "--rules-dir")) {
			if (++i == argc || o->ndirs == CLI_MAX_RULE_DIRS) {
				cli_error("'--rules-dir' needs a value (at "
					  "most %d of them)",
					  CLI_MAX_RULE_DIRS);
				return -1;
			}
			o->dirs[o->ndirs++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s'", argv[i]);
			return -1;
		} else {
			o->args[o->nargs++] = argv[i];
		}
	}
	return 0;
}

/* --- list and show ------------------------------------------------------------ */

static void list_rules(const struct rule_set *rs)
{
	size_t i;

	for (i = 0; i < rule_set_count(rs); i++) {
		const struct rule *r = rule_set_at(rs, i);

		printf("%-24s %-8s %-9s %-18s %s\n", r->id,
		       rule_severity_name(rule_set_severity(rs, r->id)),
		       rule_set_enabled(rs, r->id) ? "enabled" : "disabled",
		       rule_set_origin(rs, r->id), r->summary);
	}
}

static int show_rule(const struct rule_set *rs, const char *id)
{
	const struct rule *r = rule_set_find(rs, id);
	size_t i;

	if (!r) {
		cli_error("no rule '%s' (see 'mmreview rules list')", id);
		return CLI_ERROR;
	}
	printf("%s (%s, %s, %s)\n\n%s\n\n%s\n", r->id,
	       rule_severity_name(rule_set_severity(rs, id)),
	       rule_set_enabled(rs, id) ? "enabled" : "disabled",
	       rule_set_origin(rs, id), r->summary, r->doc);
	for (i = 0; r->options && r->options[i]; i++)
		printf("%s rule.%s.%s\n", i ? "        " : "Options:", r->id,
		       r->options[i]);
	return CLI_OK;
}

/* --- test: the cases ------------------------------------------------------------ */

/* Bounds of a case file. */
#define RULES_MAX_CASE ((size_t)4 << 20)
#define RULES_MAX_CASES 4096

struct tally {
	char *rule;
	unsigned expects, misses;
	struct sbuf why; /* one line per miss */
};

struct tester {
	struct rule_set *rs;
	struct tally *t;
	size_t n, alloc;
	char **cases; /* case files, in order */
	size_t ncases, cases_alloc;
	bool errors;
};

static struct tally *tally_of(struct tester *ts, const char *rule)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].rule, rule))
			return &ts->t[i];
	XGROW(ts->t, ts->alloc, ts->n + 1);
	memset(&ts->t[ts->n], 0, sizeof(*ts->t));
	ts->t[ts->n].rule = xstrdup(rule);
	ts->t[ts->n].why = (struct sbuf)SBUF_INIT;
	return &ts->t[ts->n++];
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static bool is_case(const char *name)
{
	return ends_with(name, ".patch") || ends_with(name, ".before.c") ||
	       ends_with(name, ".before.h");
}

static void add_case(struct tester *ts, const char *path)
{
	size_t i;

	for (i = 0; i < ts->ncases; i++)
		if (!strcmp(ts->cases[i], path))
			return;
	if (ts->ncases == RULES_MAX_CASES) {
		cli_error("more than %d cases: '%s' and the rest are not run",
			  RULES_MAX_CASES, path);
		ts->errors = true;
		return;
	}
	XGROW(ts->cases, ts->cases_alloc, ts->ncases + 1);
	ts->cases[ts->ncases++] = xstrdup(path);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cases in dir whose name starts with prefix ("" for all). */
static void find_cases(struct tester *ts, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;

	if (!d) {
		cli_error("cannot read '%s': %s", dir, strerror(errno));
		ts->errors = true;
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && is_case(de->d_name) &&
		    !strncmp(de->d_name, prefix, strlen(prefix))) {
			XGROW(names, alloc, n + 1);
			names[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		struct sbuf path = SBUF_INIT;

		sbuf_addf(&path, "%s/%s", dir, names[i]);
		add_case(ts, path.buf);
		sbuf_release(&path);
		free(names[i]);
	}
	free(names);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, slash - path) : xstrdup(".");
}

/* A PATH of "rules test": its rules into the set, its cases listed. */
static void add_path(struct tester *ts, const char *path)
{
	struct stat st;
	char *dir, *stem;

	if (stat(path, &st) < 0) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		ts->errors = true;
	} else if (S_ISDIR(st.st_mode)) {
		rule_set_load_dir(ts->rs, path, RULE_LOAD_REPLACE,
				  cli_rule_problem, &ts->errors);
		find_cases(ts, path, "");
	} else if (ends_with(path, ".scm")) {
		rule_set_load_file(ts->rs, path, RULE_LOAD_REPLACE,
				   cli_rule_problem, &ts->errors);
		dir = dir_of(path);
		stem = xstrndup(path + strlen(dir) + 1,
				strlen(path) - strlen(dir) - 1 - 4);
		find_cases(ts, dir, stem);
		free(stem);
		free(dir);
	} else if (is_case(path) || ends_with(path, ".after.c") ||
		   ends_with(path, ".after.h")) {
		struct sbuf before = SBUF_INIT;

		/* the rules beside the case */
		dir = dir_of(path);
		rule_set_load_dir(ts->rs, dir, RULE_LOAD_REPLACE,
				  cli_rule_problem, &ts->errors);
		free(dir);
		if (ends_with(path, ".patch") || !strstr(path, ".after.")) {
			add_case(ts, path);
			return;
		}
		sbuf_add(&before, path, strlen(path) - strlen("after.c"));
		sbuf_addstr(&before, "before");
		sbuf_addstr(&before, path + strlen(path) - 2);
		add_case(ts, before.buf);
		sbuf_release(&before);
	} else {
		cli_error("'%s' is not a rule file, a case or a directory",
			  path);
		ts->errors = true;
	}
}

/* --- test: running a case -------------------------------------------------------- */

/* The unified diff of two texts, as git writes it, for path. */
static int diff_texts(struct sbuf *out, const char *path, const char *old,
		      size_t olen, const char *new, size_t nlen)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_patch *patch = NULL;
	git_buf buf = { 0 };
	int err;

	git_libgit2_init();
	err = git_patch_from_buffers(&patch, old, olen, path, new, nlen, path,
				     &opts);
	if (!err)
		err = git_patch_to_buf(&buf, patch);
	if (!err)
		sbuf_add(out, buf.ptr, buf.size);
	else
		mmr_error_set(MMR_EIO, "cannot diff the case '%s'", path);
	git_buf_dispose(&buf);
	git_patch_free(patch);
	git_libgit2_shutdown();
	return err ? MMR_EIO : 0;
}

struct case_run {
	char *patch, *old, *new;
	size_t plen, olen, nlen;
	struct diff *d;
	struct change_set *cs;
	struct rule_expects e;
};

static void case_release(struct case_run *cr)
{
	rule_expects_release(&cr->e);
	change_set_free(cr->cs);
	diff_free(cr->d);
	free(cr->patch);
	free(cr->old);
	free(cr->new);
}

/* A patch: reviewed from its hunks alone. */
static int load_patch_case(struct case_run *cr, const char *path)
{
	size_t i;
	int err =
		rule_file_read(path, RULES_MAX_CASE, 0, &cr->patch, &cr->plen);

	if (!err)
		err = diff_parse(&cr->d, cr->patch, cr->plen);
	if (!err)
		err = rule_expects_from_diff(&cr->e, cr->d);
	if (!err) {
		/* Its message, headers and all, is the changelog rules read. */
		size_t mlen;
		const char *msg = diff_message(cr->d, &mlen);

		change_set_set_patch(cr->cs, "", msg ? msg : "",
				     msg ? mlen : 0);
	}
	for (i = 0; !err && i < diff_nfiles(cr->d); i++)
		err = change_set_add_file(cr->cs, diff_file(cr->d, i), NULL, 0,
					  NULL, 0, CHANGE_FROM_HUNKS,
					  "a patch case");
	return err;
}

/*
 * A before/after pair: reviewed from the whole files, as a change of the
 * file named as the after file is (NAME.after.c), without its directory.
 */
static int load_pair_case(struct case_run *cr, const char *before)
{
	struct sbuf after = SBUF_INIT, patch = SBUF_INIT;
	const char *name;
	int err;

	sbuf_add(&after, before, strlen(before) - strlen("before.c"));
	sbuf_addf(&after, "after%s", before + strlen(before) - 2);
	name = strrchr(after.buf, '/') ? strrchr(after.buf, '/') + 1 :
					 after.buf;
	err = rule_file_read(before, CSRC_MAX_INPUT, 0, &cr->old, &cr->olen);
	if (!err)
		err = rule_file_read(after.buf, CSRC_MAX_INPUT, 0, &cr->new,
				     &cr->nlen);
	if (!err)
		err = diff_texts(&patch, name, cr->old, cr->olen, cr->new,
				 cr->nlen);
	if (!err)
		err = diff_parse(&cr->d, patch.buf, patch.len);
	if (!err)
		err = rule_expects_from_text(&cr->e, cr->old, cr->olen, name,
					     CHANGE_OLD);
	if (!err)
		err = rule_expects_from_text(&cr->e, cr->new, cr->nlen, name,
					     CHANGE_NEW);
	if (!err && diff_nfiles(cr->d))
		err = change_set_add_file(cr->cs, diff_file(cr->d, 0), cr->old,
					  cr->olen, cr->new, cr->nlen,
					  CHANGE_FROM_GIT, NULL);
	sbuf_release(&after);
	sbuf_release(&patch);
	return err;
}

struct miss_ctx {
	struct tester *ts;
	const char *case_path;
};

static void note_miss(const struct rule_miss *m, void *payload)
{
	struct miss_ctx *mc = payload;
	struct tally *t = tally_of(mc->ts, m->rule);
	const char *side = m->side == CHANGE_OLD ? " (old side)" : "";

	t->misses++;
	switch (m->kind) {
	case RULE_MISS_MISSING:
		sbuf_addf(&t->why, "%s:%u: expected on %s:%u%s, not found\n",
			  mc->case_path, m->src_line, m->path, m->line, side);
		break;
	case RULE_MISS_FORBIDDEN:
		sbuf_addf(&t->why,
			  "%s:%u: expect-none, but found on %s:%u%s: "
			  "%s\n",
			  mc->case_path, m->src_line, m->path, m->line, side,
			  m->message);
		break;
	case RULE_MISS_UNEXPECTED:
		sbuf_addf(&t->why, "%s: unexpected on %s:%u%s: %s\n",
			  mc->case_path, m->path, m->line, side, m->message);
		break;
	case RULE_MISS_UNKNOWN:
		sbuf_addf(&t->why, "%s:%u: no rule '%s'\n", mc->case_path,
			  m->src_line, m->rule);
		break;
	}
}

static void run_case(struct tester *ts, const char *path)
{
	struct case_run cr = { .e = RULE_EXPECTS_INIT };
	struct rule_findings *f = NULL;
	struct miss_ctx mc = { ts, path };
	size_t i;
	int err;

	cr.cs = change_set_new();
	if (ends_with(path, ".patch"))
		err = load_patch_case(&cr, path);
	else
		err = load_pair_case(&cr, path);
	if (!err)
		err = rule_set_run(ts->rs, cr.cs, &f);
	if (err) {
		cli_error("case '%s': %s", path, mmr_error_last());
		ts->errors = true;
	} else if (!cr.e.n) {
		cli_error("case '%s' has no expect: or expect-none: comment",
			  path);
		ts->errors = true;
	} else {
		for (i = 0; i < cr.e.n; i++)
			tally_of(ts, cr.e.v[i].rule)->expects++;
		rule_expects_judge(&cr.e, ts->rs, f, note_miss, &mc);
	}
	rule_findings_free(f);
	case_release(&cr);
}

static void print_indented(const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		printf("     %.*s\n", (int)n, text);
		text += n + (nl != NULL);
	}
}

static int print_tally(struct tester *ts)
{
	size_t i, failed = 0;

	for (i = 0; i < ts->n; i++) {
		struct tally *t = &ts->t[i];

		printf("%s %s (%u expectation%s)\n",
		       t->misses ? "FAIL" : "ok  ", t->rule, t->expects,
		       t->expects == 1 ? "" : "s");
		print_indented(t->why.buf);
		failed += t->misses > 0;
	}
	printf("%zu rule%s tested, %zu failed\n", ts->n, ts->n == 1 ? "" : "s",
	       failed);
	return failed ? CLI_FINDINGS : CLI_OK;
}

static int config_dir_cases(const char *path, enum config_origin origin,
			    const char *where, void *payload)
{
	(void)origin;
	(void)where;
	find_cases(payload, path, "");
	return 0;
}

static int tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->rule,
		      ((const struct tally *)b)->rule);
}

static void tester_release(struct tester *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++) {
		free(ts->t[i].rule);
		sbuf_release(&ts->t[i].why);
	}
	for (i = 0; i < ts->ncases; i++)
		free(ts->cases[i]);
	free(ts->t);
	free(ts->cases);
}

/* Every rule runs in a test: one disabled by default has cases too. */
static void enable_all(struct rule_set *rs)
{
	size_t i;

	for (i = 0; i < rule_set_count(rs); i++)
		rule_set_enable(rs, rule_set_at(rs, i)->id, true);
}

static int test_rules(struct rule_set *rs, const struct config *cfg,
		      const struct rules_opts *o)
{
	struct tester ts = { .rs = rs };
	size_t i;
	int ret;

	for (i = 0; i < (size_t)o->nargs; i++)
		add_path(&ts, o->args[i]);
	if (!o->nargs) {
		config_get_paths(cfg, "rules.directory", config_dir_cases, &ts);
		for (i = 0; i < o->ndirs; i++)
			find_cases(&ts, o->dirs[i], "");
	}
	if (!ts.ncases && !ts.errors) {
		cli_error("no cases to run (*.patch, *.before.c with "
			  "*.after.c)");
		ts.errors = true;
	}
	enable_all(rs);
	for (i = 0; i < ts.ncases; i++)
		run_case(&ts, ts.cases[i]);
	if (ts.n)
		qsort(ts.t, ts.n, sizeof(*ts.t), tally_cmp);
	ret = print_tally(&ts);
	if (ts.errors)
		ret = CLI_ERROR;
	tester_release(&ts);
	return ret;
}

int cmd_rules(int argc, char **argv, const struct cli_global *g)
{
	struct rules_opts o = { 0 };
	struct config *cfg = NULL;
	struct rule_set *rs = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	struct review_rules_opts ro = { NULL, 0, cli_rule_problem };
	bool broken = false;
	int ret = CLI_ERROR;

	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(rules_usage, stdout);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(sub, "list") && strcmp(sub, "show") &&
	    strcmp(sub, "test")) {
		cli_error("'%s' is not a rules command (list, show, test)",
			  sub);
		fputs(rules_usage, stderr);
		return CLI_ERROR;
	}
	if (parse_rules_args(argc, argv, &o) || argc < 2 ||
	    (!strcmp(sub, "list") && o.nargs) ||
	    (!strcmp(sub, "show") && o.nargs != 1)) {
		fputs(rules_usage, stderr);
		goto out;
	}
	cfg = cli_config_load(g);
	ro.dirs = o.dirs;
	ro.ndirs = o.ndirs;
	if (!cfg)
		goto out;
	if (review_rules_load(&rs, cfg, &ro, cli_warn_cb, &broken) < 0) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	if (!strcmp(sub, "list")) {
		list_rules(rs);
		ret = CLI_OK;
	} else if (!strcmp(sub, "show")) {
		ret = show_rule(rs, o.args[0]);
	} else {
		ret = test_rules(rs, cfg, &o);
	}
	if (broken)
		ret = CLI_ERROR;
out:
	rule_set_free(rs);
	config_free(cfg);
	free(o.args);
	return ret;
}
