// SPDX-License-Identifier: GPL-2.0
/* mmreview config: the effective settings, and where each came from. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const char config_usage[] =
	"usage: mmreview config --list [--show-origin]\n"
	"       mmreview config KEY\n"
	"\n"
	"Print the effective settings read from /etc/mmreview/config,\n"
	"~/.config/mmreview/config, .mmreview at the top of the current git\n"
	"tree (rule settings only), --config FILE and -c key=value, later\n"
	"ones winning. Secrets are shown as <redacted>.\n";

static int print_entry(const char *key, const char *value, const char *origin,
		       void *ctx)
{
	const bool *show_origin = ctx;

	if (*show_origin)
		printf("%s\t", origin);
	printf("%s=%s\n", key, value ? value : "true");
	return 0;
}

int cmd_config(int argc, char **argv, const struct cli_global *g)
{
	bool list = false, show_origin = false;
	const char *key = NULL, *value;
	struct config *cfg;
	int i, ret = CLI_OK;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(config_usage, stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--list") ||
			   !strcmp(argv[i], "-l")) {
			list = true;
		} else if (!strcmp(argv[i], "--show-origin")) {
			show_origin = true;
		} else if (argv[i][0] != '-' && !key) {
			key = argv[i];
		} else {
			fputs(config_usage, stderr);
			return CLI_ERROR;
		}
	}
	if (list == !!key) {
		fputs(config_usage, stderr);
		return CLI_ERROR;
	}
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	if (list) {
		config_foreach(cfg, print_entry, &show_origin);
	} else if (config_get_string(cfg, key, &value) < 0) {
		ret = 1; /* as git config: 1 when the key is not set */
	} else {
		if (show_origin)
			printf("%s\t", config_origin_of(cfg, key));
		printf("%s\n", config_key_is_secret(key) ? "<redacted>" :
			       value			 ? value :
							   "true");
	}
	config_free(cfg);
	return ret;
}
