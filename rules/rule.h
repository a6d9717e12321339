/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rule: the rule engine. A rule looks at one change (a definition a patch
 * touched, before and after) and reports findings through its context.
 * The built-in rules register themselves in rule_set_new(); rule files and
 * plugins are added with rule_set_add() and run the same way.
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

#define RULE_MAX_FINDINGS 10000 /* per change set */

enum rule_severity {
	RULE_INFO,
	RULE_WARNING,
	RULE_ERROR,
};

struct rule_ctx;

struct rule {
	const char *id; /* "role-swap": lowercase, digits and '-' */
	enum rule_severity severity; /* the default */
	const char *summary; /* one line */
	/* what, why, an example, how to silence it: plain text, wrapped */
	const char *doc;
	/* Report findings with rule_report(); return 0 or a negative code. */
	int (*check)(struct rule_ctx *ctx, const struct change *c);
};

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

struct rule_set;
struct rule_findings;

/* A set with every built-in rule, enabled at its default severity. */
struct rule_set *rule_set_new(void);
void rule_set_free(struct rule_set *rs);
/* Add a rule; the set keeps the pointer. MMR_EINVAL on a duplicate id. */
int rule_set_add(struct rule_set *rs, const struct rule *r);
size_t rule_set_count(const struct rule_set *rs);
const struct rule *rule_set_at(const struct rule_set *rs, size_t i);
const struct rule *rule_set_find(const struct rule_set *rs, const char *id);
bool rule_set_enabled(const struct rule_set *rs, const char *id);
enum rule_severity rule_set_severity(const struct rule_set *rs, const char *id);
/* MMR_ENOTFOUND for an unknown id. */
int rule_set_enable(struct rule_set *rs, const char *id, bool enabled);
int rule_set_set_severity(struct rule_set *rs, const char *id,
			  enum rule_severity sev);

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
