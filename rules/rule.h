/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rule: the rule engine. A rule looks at one change (a definition a patch
 * touches, before and after) and reports findings through its context; it
 * may also look at the patch as a whole, once, for what is not in a
 * definition: its changelog.
 * Rules come from three places and run the same way: the built-in C rules
 * (rule_set_new()) and the query rules shipped with mmreview
 * (rule_set_load_shipped()), query rule files (rule_set_load_dir(),
 * rule_set_load_file()) and C plugins (rule_set_load_plugin()).
 *
 * Findings and their strings belong to the finding list until
 * rule_findings_free(). Rules never print and never touch the network.
 */
#ifndef MMR_RULE_H
#define MMR_RULE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"

#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif

#define RULE_MAX_FINDINGS 10000 /* per change set */

enum rule_severity {
	RULE_INFO,
	RULE_WARNING,
	RULE_ERROR,
};

/* The layout of struct rule; a rule says which one it was built for. */
#define RULE_VERSION 1
#define RULE_MAX_OPTIONS 16 /* names in rule.options */

struct rule_ctx;

struct rule {
	unsigned version; /* RULE_VERSION */
	const char *id; /* "role-swap": lowercase, digits and '-' */
	enum rule_severity severity; /* the default */
	bool off; /* disabled unless the config enables it */
	const char *summary; /* one line */
	/* what, why, an example, how to silence it: plain text, wrapped */
	const char *doc;
	/*
	 * The names of the options the rule reads (rule.<id>.<name> in the
	 * config, see rule_option()), NULL-terminated; or NULL.
	 */
	const char *const *options;
	/*
	 * Report findings on c with rule_report(); return 0 or a negative
	 * code. self is this rule: one check function can serve many rules,
	 * each with its own data.
	 */
	int (*check)(const struct rule *self, struct rule_ctx *ctx,
		     const struct change *c);
	void *data; /* the rule's own */
	/*
	 * NULL for a static rule. Otherwise the rule is the set's once added:
	 * rule_set_free() calls free(self), which frees data and the rule.
	 */
	void (*free)(struct rule *self);
	/*
	 * Optional: report findings on the patch as a whole, its changelog
	 * (change_set_message()) above all, with rule_report_message() or
	 * rule_report(); called once per change set, after check() has seen
	 * each change. check may be NULL when this is not.
	 */
	int (*check_patch)(const struct rule *self, struct rule_ctx *ctx,
			   const struct change_set *cs);
};

/*
 * The path a finding on the changelog has, as Gerrit names the commit
 * message: its line is the changelog's line as "git show -s --format=%B"
 * prints it, 1 being the subject line.
 */
#define RULE_CHANGELOG_PATH "COMMIT_MSG"

struct rule_finding {
	const char *rule;
	enum rule_severity severity;
	const char *path;
	enum change_side side; /* where line/column point: old or new file */
	unsigned line; /* 1-based, in the file of that side */
	unsigned column, end_column; /* 1-based bytes, end exclusive */
	const char *function; /* the definition's name */
	const char *message; /* one or more lines, no trailing newline */
	const char *old_code; /* the code before the patch, or NULL */
	const char *note; /* e.g. the built-in table was used, or NULL */
	bool partial;
	const char *partial_reason;
	/* The finding's line of its side as reviewed, for quoting it. */
	const char *line_text;
	/*
	 * The change and the byte span in its side's csrc: valid while the
	 * change set is awake (change_set_sleep()); the strings above are
	 * all a report needs.
	 */
	const struct change *change;
	uint32_t start, end;
	/*
	 * On a line of the patch's changelog, not of a file: path is
	 * RULE_CHANGELOG_PATH, side CHANGE_NEW, function and change NULL,
	 * line_text the changelog's line. Sorted before the files' findings.
	 */
	bool changelog;
};

/*
 * Report a finding on the span [start, end) of the side's csrc of c. The
 * message is printf-formatted; old_code and note may be NULL. Returns 0,
 * or MMR_ELIMIT past RULE_MAX_FINDINGS (further reports are dropped).
 */
int rule_report(struct rule_ctx *ctx, const struct change *c,
		enum change_side side, uint32_t start, uint32_t end,
		const char *old_code, const char *note, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * The same for a finding the patch itself explains (its changelog or a
 * comment it adds says why): reported as RULE_INFO whatever the rule's
 * severity, the explanation in note.
 */
int rule_report_info(struct rule_ctx *ctx, const struct change *c,
		     enum change_side side, uint32_t start, uint32_t end,
		     const char *old_code, const char *note, const char *fmt,
		     ...) __attribute__((format(printf, 8, 9)));

/*
 * Report a finding on the changelog of cs (change_set_message()): on its
 * 1-based line, bytes [column, end_column) of it, 1-based, end exclusive
 * (clamped to the line). note may be NULL. Returns as rule_report().
 */
int rule_report_message(struct rule_ctx *ctx, const struct change_set *cs,
			unsigned line, unsigned column, unsigned end_column,
			const char *note, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

struct rule_set;
struct rule_findings;

/* The value of the option name (in r->options) for the running rule. */
const char *rule_option(const struct rule_ctx *ctx, const char *name);

/*
 * A set with every built-in C rule, enabled at its default severity. The
 * query rules shipped with mmreview are added by rule_set_load_shipped().
 */
struct rule_set *rule_set_new(void);
/*
 * The spelling rule, which keeps its dictionaries (read once) with it: a
 * new rule with a free hook, for rule_set_new().
 */
struct rule *rule_spelling_new(void);
/* An empty set. */
struct rule_set *rule_set_new_empty(void);
/* Free the set and each rule it owns (those with a free hook). */
void rule_set_free(struct rule_set *rs);
/*
 * Add a rule. origin says where it comes from for "rules list" and for
 * messages ("built-in", a file's path, "plugin /x/y.so"); it is copied,
 * NULL means "built-in". The set keeps the pointer and, on success, owns
 * a rule with a free hook. MMR_EINVAL for a bad id or version, or an id
 * the set has already ("rule id 'x' of <origin> is already defined by
 * <origin>"); the caller still owns r then.
 */
int rule_set_add(struct rule_set *rs, const struct rule *r, const char *origin);
/* Remove rule id (freeing it if the set owns it); MMR_ENOTFOUND. */
int rule_set_remove(struct rule_set *rs, const char *id);
size_t rule_set_count(const struct rule_set *rs);
const struct rule *rule_set_at(const struct rule_set *rs, size_t i);
const struct rule *rule_set_find(const struct rule_set *rs, const char *id);
/* Where the rule comes from (see rule_set_add()), or NULL. */
const char *rule_set_origin(const struct rule_set *rs, const char *id);
bool rule_set_enabled(const struct rule_set *rs, const char *id);
enum rule_severity rule_set_severity(const struct rule_set *rs, const char *id);
/* MMR_ENOTFOUND for an unknown id. */
int rule_set_enable(struct rule_set *rs, const char *id, bool enabled);
int rule_set_set_severity(struct rule_set *rs, const char *id,
			  enum rule_severity sev);
/*
 * Set option name of rule id (value is copied). MMR_ENOTFOUND for an
 * unknown id or an option the rule does not read.
 */
int rule_set_set_option(struct rule_set *rs, const char *id, const char *name,
			const char *value);

/* --- loading rule files and plugins --------------------------------------- */

/* Bounds on a rule file (query rules also have the bounds of cquery.h). */
#define RULE_MAX_FILE ((size_t)64 << 10) /* bytes of a .scm file */
#define RULE_MAX_DIR_FILES 1024 /* .scm files read from one directory */

/*
 * What was wrong with one rule file or plugin: its path, the 1-based line
 * and column when known (else 0) and a one-line message. Valid during the
 * call only.
 */
struct rule_problem {
	const char *path;
	unsigned line, column;
	const char *message;
};
typedef void (*rule_problem_fn)(const struct rule_problem *p, void *payload);
/*
 * Pass a problem, its message printf-formatted, to fn (if not NULL); the
 * message is also the last error. Returns code, for "return
 * rule_problem_say(...)".
 */
int rule_problem_say(rule_problem_fn fn, void *payload, int code,
		     const char *path, unsigned line, unsigned column,
		     const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

enum rule_load_flags {
	/*
	 * A rule file replaces a built-in rule of the same id, or the rule
	 * the same file gave before ("rules test").
	 */
	RULE_LOAD_REPLACE = 1 << 0,
	/*
	 * The directory is a stranger's (a tree's .mmreview): symbolic links
	 * are not followed.
	 */
	RULE_LOAD_UNTRUSTED = 1 << 1,
};

/*
 * Read a whole regular file of at most max bytes without blocking (a
 * FIFO is refused, not waited on; with RULE_LOAD_UNTRUSTED a symbolic
 * link too). Returns 0 and a new NUL-terminated *text (the caller frees
 * it), or MMR_ENOTFOUND / MMR_EIO / MMR_ELIMIT naming the file.
 */
int rule_file_read(const char *path, size_t max, unsigned flags, char **text,
		   size_t *len);

/*
 * Add the query rules of one .scm file (see docs/rules.md). Each problem
 * (unreadable file, bad header, a query that does not compile, an id
 * already in the set) is passed to fn and the file is skipped. Returns 0,
 * or MMR_EINVAL after a problem.
 */
int rule_set_load_file(struct rule_set *rs, const char *path, unsigned flags,
		       rule_problem_fn fn, void *payload);
/*
 * Add the rules of every *.scm file directly in dir, in name order (at
 * most RULE_MAX_DIR_FILES). A broken file is reported through fn and the
 * others are still loaded. Returns 0, or MMR_EINVAL after a problem
 * (MMR_ENOTFOUND, also reported, when dir cannot be read).
 */
int rule_set_load_dir(struct rule_set *rs, const char *dir, unsigned flags,
		      rule_problem_fn fn, void *payload);
/*
 * Add the query rules shipped with mmreview (rules/query/ *.scm, compiled
 * into the binary), with origin "built-in". Returns as rule_set_load_dir().
 */
int rule_set_load_shipped(struct rule_set *rs, rule_problem_fn fn,
			  void *payload);
/*
 * Add the query rule of text, the contents of the .scm file path (named
 * in problems), with origin (NULL: the path). Returns as
 * rule_set_load_file().
 */
int rule_set_add_query(struct rule_set *rs, const char *path, const char *text,
		       size_t len, const char *origin, unsigned flags,
		       rule_problem_fn fn, void *payload);
/*
 * Make the query rule of text (a .scm file's contents; path names it in
 * problems): parse its header and compile its query. Returns 0 and *out,
 * a rule with a free hook (give it to rule_set_add() or call
 * (*out)->free(*out)), or MMR_EINVAL / MMR_ELIMIT after passing the
 * problem, with its line and column, to fn.
 */
int rule_query_new(struct rule **out, const char *path, const char *text,
		   size_t len, rule_problem_fn fn, void *payload);

/*
 * Load a plugin (a shared object built against <mmreview/rule.h>) and add
 * its rules. A plugin built for another ABI version is refused, naming
 * both versions. The set keeps the object loaded until rule_set_free().
 * Only ever call this for a path from the user's own configuration.
 * Returns 0, or MMR_EINVAL after a problem reported through fn.
 */
int rule_set_load_plugin(struct rule_set *rs, const char *path,
			 rule_problem_fn fn, void *payload);

/* --- rule tests ("mmreview rules test") ------------------------------------ */

#define RULE_MAX_EXPECTS 10000 /* expectations in one case */

/*
 * An expectation written in a case: a comment "expect: ID[, ID...]" on a
 * line a rule must flag, "expect-none: ID" on one it must not; on a line
 * of the changelog, "# expect: ID" at its end.
 */
struct rule_expect {
	char *rule;
	char *path; /* the file, as findings name it */
	enum change_side side;
	unsigned line; /* the file's line on that side */
	bool none; /* expect-none */
	unsigned src_line; /* where it is written in the case */
	bool changelog; /* on the changelog's line (RULE_CHANGELOG_PATH) */
};

struct rule_expects {
	struct rule_expect *v;
	size_t n, alloc;
};
#define RULE_EXPECTS_INIT  \
	{                  \
		NULL, 0, 0 \
	}
void rule_expects_release(struct rule_expects *e);

/*
 * Add the expectations of a patch's lines: on the old side for removed
 * lines, on the new side for added and context lines. Returns 0 or
 * MMR_ELIMIT past RULE_MAX_EXPECTS.
 */
int rule_expects_from_diff(struct rule_expects *e, const struct diff *d);
/* The same for every line of a text, on one side of the file path. */
int rule_expects_from_text(struct rule_expects *e, const char *text, size_t len,
			   const char *path, enum change_side side);
/*
 * The same for lines of a changelog (text, changelog line first_line
 * first, written on line src_line of the case): a line that ends with
 * "# expect: ID[, ID...]" or "# expect-none: ID" states it on that line.
 * The annotation and the blanks before it are cut out of text, in place,
 * so that the rules read the line as it would be without it; *len is
 * updated (text must be NUL-terminated at text[*len]). Returns 0 or MMR_ELIMIT past RULE_MAX_EXPECTS.
 */
int rule_expects_from_changelog(struct rule_expects *e, char *text, size_t *len,
				unsigned first_line, unsigned src_line);

enum rule_miss_kind {
	RULE_MISS_MISSING, /* expect: without a finding */
	RULE_MISS_FORBIDDEN, /* a finding on an expect-none: line */
	RULE_MISS_UNEXPECTED, /* a finding of a rule the case names, elsewhere */
	RULE_MISS_UNKNOWN, /* an expectation names no rule of the set */
};

struct rule_miss {
	enum rule_miss_kind kind;
	const char *rule;
	const char *path;
	enum change_side side;
	unsigned line;
	unsigned src_line; /* the expectation's line in the case, or 0 */
	const char *message; /* the finding's, or NULL */
};
typedef void (*rule_miss_fn)(const struct rule_miss *m, void *payload);

/*
 * Judge the findings of a case against its expectations; only the rules
 * the case names are judged. Each miss is passed to fn; returns how many.
 */
size_t rule_expects_judge(const struct rule_expects *e,
			  const struct rule_set *rs,
			  const struct rule_findings *f, rule_miss_fn fn,
			  void *payload);

/* A rule id: 1 to 64 of lowercase letters, digits and '-'. */
bool rule_id_valid(const char *id);

/* "error", "warning", "info"; parse returns MMR_EINVAL on others. */
const char *rule_severity_name(enum rule_severity sev);
int rule_severity_parse(const char *s, enum rule_severity *out);

/*
 * Run every enabled rule over every change of the set, appending to
 * *findings (created when NULL). Findings are sorted by path, line,
 * column, rule. A rule's error is recorded, not fatal: the other rules
 * still run; returns the first error seen or 0.
 */
int rule_set_run(const struct rule_set *rs, const struct change_set *cs,
		 struct rule_findings **findings);

struct rule_findings *rule_findings_new(void);
void rule_findings_free(struct rule_findings *f);
size_t rule_findings_count(const struct rule_findings *f);
const struct rule_finding *rule_findings_at(const struct rule_findings *f,
					    size_t i);

#endif
