/* SPDX-License-Identifier: GPL-2.0 */
/*
 * review: the review pipeline behind one door, for every front end
 * (check, am, the daemon): "review this series with these rules and this
 * tree, give me the findings and how each file was read".
 *
 * It never prints, never exits and never calls the command line: errors
 * are returned (0 or a negative MMR_E* code, the message in
 * mmr_error_last()), warnings and progress go to the caller's callbacks,
 * each with the caller's payload last. The findings, the per-file origins
 * and what was skipped stay in the struct series (series.h).
 */
#ifndef MMR_REVIEW_H
#define MMR_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "series.h"

/* An input file read from disk or standard input, in bytes. */
#define REVIEW_MAX_INPUT ((size_t)1 << 30)

struct config;
struct mbox;
struct rule_set;
struct source;

typedef series_warn_fn review_warn_fn;
typedef series_progress_fn review_progress_fn;

/* What the caller hears while a review runs; any member may be NULL. */
struct review_hooks {
	review_warn_fn warn; /* one line, no trailing newline */
	review_progress_fn progress; /* files done of total */
	void *payload; /* given back to both */
};

struct rule_problem;

/* What review_rules_load() loads besides the config's rules. */
struct review_rules_opts {
	const char *const *dirs; /* more rule directories (--rules-dir) */
	size_t ndirs;
	/*
	 * A rule file or plugin that did not load, given the caller's
	 * payload; it is skipped and the other rules still load. NULL: a
	 * warning.
	 */
	void (*problem)(const struct rule_problem *p, void *payload);
};

/*
 * The rule set: the built-in rules and the shipped query rules, the
 * plugins of rules.plugin (never one from a tree's .mmreview), the rule
 * files of each rules.directory (a tree's are untrusted: no symbolic
 * link) and of opts->dirs, with the config's rule.<id>.enabled,
 * rule.<id>.severity and rule.<id>.<option> applied. A setting for a rule
 * or option that does not exist, and a bad value from a tree's .mmreview
 * (a stranger's file), only warn. opts may be NULL. Returns 0 and *out
 * (free with rule_set_free()), or MMR_EINVAL naming the first bad value
 * and where it was set.
 */
int review_rules_load(struct rule_set **out, const struct config *cfg,
		      const struct review_rules_opts *opts, review_warn_fn warn,
		      void *payload);

/*
 * post.min-severity: the least severity a reply carries (default
 * warning, so that what a patch explains, info, is not posted). Returns
 * 0, or MMR_EINVAL naming the key and its choices.
 */
int review_min_severity(const struct config *cfg, enum rule_severity *out);

/* A kernel tree is a directory holding mm/ and include/linux/. */
bool review_is_kernel_tree(const char *dir);
/*
 * The kernel tree around dir: dir or its nearest parent that is one (a
 * new string the caller frees), or NULL.
 */
char *review_find_tree(const char *dir);
/*
 * Open dir as the kernel tree to review against (source.h). Returns 0
 * and *out, or MMR_ENOTFOUND saying what was expected.
 */
int review_tree_open(struct source **out, const char *dir);

/*
 * An input file ("-" is standard input), read a bounded amount at a
 * time: an mbox, one message, or a plain diff. Directories are refused.
 * Returns 0 and *out (close with review_file_close()), or MMR_ENOTFOUND
 * or MMR_EIO naming the file.
 */
struct review_file;
int review_file_open(struct review_file **out, const char *path);
void review_file_close(struct review_file *rf);
/* The name to show: the path, or "<stdin>". Owned by rf. */
const char *review_file_name(const struct review_file *rf);
/* The messages of the file, for mbox_next(). Owned by rf. */
struct mbox *review_file_mbox(struct review_file *rf);

/*
 * Add the patches of each file, in the order given, as one series: the
 * messages of an mbox ordered by version and part, a plain diff (git
 * diff or git show output) as one patch. A message that cannot be read
 * is recorded as a skipped error and the rest is read; so is a file with
 * no patch in it. Returns 0, or a negative code when a file cannot be
 * opened or a series bound is passed.
 */
int review_add_files(struct series *s, const char *const *paths, size_t n,
		     const struct review_hooks *h);
/*
 * Add the commits of a git range of the repository around the current
 * directory (NULL: the branch's commits not in its upstream, or HEAD
 * with a warning). Returns 0 or a negative code.
 */
int review_add_range(struct series *s, const char *range,
		     const struct review_hooks *h);

/*
 * Review every patch of s with rules, against tree (NULL: the hunks
 * alone, or a git range's own work tree). Each patch gets its findings,
 * its error, and how each file was read (series_patch.files).
 * Returns 0 or a negative code.
 */
int review_run(struct series *s, const struct rule_set *rules,
	       struct source *tree, const struct review_hooks *h);

#endif
