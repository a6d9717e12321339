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
