/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lore-cli: what the commands that read an archive share (lore fetch, am):
 * the client's log on stderr, list text made safe for a terminal.
 */
#ifndef MMR_LORE_CLI_H
#define MMR_LORE_CLI_H

#include <stdio.h>

#include "lore.h"

/* A lore_log_fn writing through cli_error(), cli_warn(), cli_info(). */
void lore_cli_log(enum lore_level level, const char *text, void *payload);

/* Write s to f with control characters (from the list) as '?'. */
void lore_cli_put(FILE *f, const char *s);

#endif
