/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report: the findings of a reviewed series as compiler-style text, JSON,
 * SARIF 2.1.0, or an mbox of reply emails (reply.h writes each). Output
 * is deterministic: the same series and rules give the same bytes.
 */
#ifndef MMR_REPORT_H
#define MMR_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "rule.h"
#include "series.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_EMAIL,
};

struct report_opts {
	enum report_format format;
	int verbose;
	const char *from; /* From: of replies, "Name <addr>" */
	enum rule_severity min; /* of the findings a reply carries */
};

/*
 * A new JSON string of s made valid UTF-8 (bad bytes become U+FFFD), or
 * JSON null for NULL: jansson refuses invalid UTF-8 and would drop it.
 */
json_t *report_json_text(const char *s);

/* MMR_EINVAL for an unknown name. */
int report_format_parse(const char *s, enum report_format *out);

/* Write the report of every patch of s to f. */
int report_write(FILE *f, const struct series *s, const struct rule_set *rules,
		 const struct report_opts *opts);

#endif
