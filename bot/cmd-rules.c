// SPDX-License-Identifier: GPL-2.0
/* mmreview rules: what the rules are and what they look for. */
#include <string.h>

#include "cli.h"
#include "config.h"
#include "review.h"
#include "rule.h"
#include "util.h"

static const char rules_usage[] =
	"usage: mmreview rules list\n"
	"       mmreview rules show ID\n"
	"\n"
	"list: each rule with its severity, whether it is enabled (after the\n"
	"configuration) and a one-line summary.\n"
	"show: the rule's documentation: what it finds, why, an example and\n"
	"how to silence it.\n";

static void list_rules(const struct rule_set *rs)
{
	size_t i;

	for (i = 0; i < rule_set_count(rs); i++) {
		const struct rule *r = rule_set_at(rs, i);

		printf("%-20s %-8s %-9s %s\n", r->id,
		       rule_severity_name(rule_set_severity(rs, r->id)),
		       rule_set_enabled(rs, r->id) ? "enabled" : "disabled",
		       r->summary);
	}
}

static int show_rule(const struct rule_set *rs, const char *id)
{
	const struct rule *r = rule_set_find(rs, id);

	if (!r) {
		cli_error("no rule '%s' (see 'mmreview rules list')", id);
		return CLI_ERROR;
	}
	printf("%s (%s, %s)\n\n%s\n\n%s\n", r->id,
	       rule_severity_name(rule_set_severity(rs, id)),
	       rule_set_enabled(rs, id) ? "enabled" : "disabled", r->summary,
	       r->doc);
	return CLI_OK;
}

int cmd_rules(int argc, char **argv, const struct cli_global *g)
{
	struct config *cfg;
	struct rule_set *rs;
	int ret = CLI_OK;

	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(rules_usage, stdout);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "list") && strcmp(argv[1], "show")) {
		cli_error("'%s' is not a rules command (list, show)", argv[1]);
		fputs(rules_usage, stderr);
		return CLI_ERROR;
	}
	if (argc < 2 || (!strcmp(argv[1], "list") && argc != 2) ||
	    (!strcmp(argv[1], "show") && argc != 3)) {
		fputs(rules_usage, stderr);
		return CLI_ERROR;
	}
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	if (review_rules_load(&rs, cfg, cli_warn_cb, NULL) < 0) {
		cli_error("%s", mmr_error_last());
		config_free(cfg);
		return CLI_ERROR;
	}
	if (!strcmp(argv[1], "list"))
		list_rules(rs);
	else
		ret = show_rule(rs, argv[2]);
	rule_set_free(rs);
	config_free(cfg);
	return ret;
}
