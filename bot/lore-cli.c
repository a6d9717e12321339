// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "lore-cli.h"

void lore_cli_log(enum lore_level level, const char *text, void *payload)
{
	(void)payload;
	if (level == LORE_ERROR)
		cli_error("%s", text);
	else if (level == LORE_WARN)
		cli_warn("%s", text);
	else
		cli_info("%s", text);
}

void lore_cli_put(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}
