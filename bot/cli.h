/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli: what the subcommands share: the command table, logging to stderr
 * (journald-readable), the global options and bounded input reading.
 * Only bot/ prints or exits.
 */
#ifndef MMR_CLI_H
#define MMR_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, like checkpatch: 0 clean, 1 findings, 2 usage/input error. */
enum {
	CLI_OK = 0,
	CLI_FINDINGS = 1,
	CLI_ERROR = 2,
};

#define CLI_MAX_OVERRIDES 64
#define CLI_MAX_RULE_DIRS 64 /* --rules-dir options */

struct config;

/* Options given before the command name. */
struct cli_global {
	const char *config_file; /* --config FILE */
	const char *overrides[CLI_MAX_OVERRIDES]; /* -c key=value */
	size_t noverrides;
	int verbose;
};

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli_global *g);
	const char *summary;
};

int cmd_show(int argc, char **argv, const struct cli_global *g);
int cmd_config(int argc, char **argv, const struct cli_global *g);
int cmd_check(int argc, char **argv, const struct cli_global *g);
int cmd_rules(int argc, char **argv, const struct cli_global *g);
int cmd_lore(int argc, char **argv, const struct cli_global *g);
int cmd_am(int argc, char **argv, const struct cli_global *g);
int cmd_daemon(int argc, char **argv, const struct cli_global *g);
int cmd_status(int argc, char **argv, const struct cli_global *g);

/* Log to stderr, "mmreview: error: ..."; with a <N> prefix for journald. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Is this "--help" or "-h"? Commands print their usage to stdout and exit
 * 0 on it, and to stderr with exit 2 on a usage error.
 */
bool cli_is_help(const char *arg);

/* What an option of a command takes. */
enum cli_opt_kind {
	CLI_OPT_STRING, /* const char **: the value; the last one given wins */
	CLI_OPT_LIST, /* const char *[max]: each value, in order */
	CLI_OPT_COUNT, /* int *: how many times it was given */
	CLI_OPT_FLAG, /* bool *: given or not */
};

/*
 * An option of a command: its long name ("--format") and, or, an alias
 * ("-o"). A value is the next argument, or follows "=" of the long name
 * ("--format=json") or the short alias itself ("-v3").
 */
struct cli_option {
	const char *name; /* "--format", or NULL */
	const char *alias; /* "-o", or NULL */
	enum cli_opt_kind kind;
	void *value;
	size_t *count; /* CLI_OPT_LIST: the values stored */
	size_t max; /* CLI_OPT_LIST: room in value */
};

/*
 * Parse argv[first..argc) against opts (ended by an entry without name
 * and alias), the other arguments going to args (room for argc) in order,
 * *nargs of them; "-" is an argument. On --help, print usage on stdout
 * and exit 0. Returns 0, or -1 after logging what was wrong (an unknown
 * option, a missing value, too many of a list).
 */
int cli_parse_options(int argc, char **argv, int first,
		      const struct cli_option *opts, const char *usage,
		      const char **args, int *nargs);

/*
 * Load the configuration in the usual order (system, user, the .mmreview
 * at the top of the current git tree, --config, -c) and log warnings.
 * Returns NULL with the error logged.
 */
struct config *cli_config_load(const struct cli_global *g);

/* A review_warn_fn and config_warn_cb that logs a warning. */
void cli_warn_cb(const char *msg, void *payload);
/*
 * A rule_problem_fn that logs "path:line:col: message" as an error and
 * sets the bool payload points to (when not NULL): a rule file or plugin
 * did not load, and the command exits 2 when done.
 */
struct rule_problem;
void cli_rule_problem(const struct rule_problem *p, void *payload);

/* Progress on a TTY: a line on stderr, redrawn, only after a second. */
struct cli_progress {
	bool tty;
	double start;
	bool shown;
};
void cli_progress_init(struct cli_progress *p);
void cli_progress_update(struct cli_progress *p, const char *what, size_t done,
			 size_t total);
void cli_progress_done(struct cli_progress *p);

#endif
