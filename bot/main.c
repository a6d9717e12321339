// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview: review Linux mm patches the way an mm reviewer would.
 * The command table; each command lives in bot/cmd-<name>.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{ "check", cmd_check, "review commits, an mbox or a series" },
	{ "show", cmd_show, "print what mmreview parsed from an mbox" },
	{ "rules", cmd_rules, "list, show and test the rules" },
	{ "config", cmd_config, "print the effective configuration" },
	{ "am", cmd_am,
	  "fetch a series from a public-inbox archive, review it" },
	{ "lore", cmd_lore, "follow public-inbox archives: one round" },
	{ "daemon", cmd_daemon,
	  "follow the list, review each series once, post replies" },
	{ "status", cmd_status, "what the daemon is doing" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: mmreview [--version] [--help] [--config FILE] "
		   "[-c key=value] [-v]\n"
		   "                <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'mmreview <command> --help' and 'man mmreview' say "
		   "more.\n");
}

/* --config FILE or -c key=value, before or after the command. */
static int take_config_option(struct cli_global *g, const char *opt,
			      const char *value)
{
	bool is_c = !strcmp(opt, "-c");

	if (!value) {
		cli_error("'%s' needs a value (%s)", opt,
			  is_c ? "-c key=value" : "--config FILE");
		return -1;
	}
	if (!is_c) {
		g->config_file = value;
		return 0;
	}
	if (g->noverrides == CLI_MAX_OVERRIDES) {
		cli_error("too many -c options (at most %d)",
			  CLI_MAX_OVERRIDES);
		return -1;
	}
	g->overrides[g->noverrides++] = value;
	return 0;
}

/*
 * Take -c and --config out of the command's arguments, so that
 * "mmreview check -c k=v" works as "mmreview -c k=v check" does.
 */
static int take_command_config(int *argc, char **argv, struct cli_global *g)
{
	int i, n = 1;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "-c") && strcmp(argv[i], "--config")) {
			argv[n++] = argv[i];
			continue;
		}
		if (take_config_option(g, argv[i],
				       i + 1 < *argc ? argv[i + 1] : NULL))
			return -1;
		i++;
	}
	*argc = n;
	argv[n] = NULL;
	return 0;
}

static int parse_global(int *argc, char ***argv, struct cli_global *g)
{
	while (*argc > 0 && (*argv)[0][0] == '-') {
		const char *a = (*argv)[0];

		if (!strcmp(a, "--version")) {
			printf("mmreview %s\n", MMR_VERSION);
			exit(CLI_OK);
		} else if (cli_is_help(a)) {
			usage(stdout);
			exit(CLI_OK);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			g->verbose++;
		} else if (!strcmp(a, "--config") || !strcmp(a, "-c")) {
			if (take_config_option(g, a,
					       *argc > 1 ? (*argv)[1] : NULL))
				return -1;
			(*argc)--, (*argv)++;
		} else {
			cli_error("unknown option '%s'", a);
			return -1;
		}
		(*argc)--, (*argv)++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_global g = { 0 };
	size_t i;

	argc--, argv++;
	if (parse_global(&argc, &argv, &g)) {
		usage(stderr);
		return CLI_ERROR;
	}
	if (!argc) {
		usage(stderr);
		return CLI_ERROR;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		if (take_command_config(&argc, argv, &g))
			return CLI_ERROR;
		return commands[i].fn(argc, argv, &g);
	}
	cli_error("'%s' is not a command; see 'mmreview --help'", argv[0]);
	return CLI_ERROR;
}
