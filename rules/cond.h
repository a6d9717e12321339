/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cond: a condition before and after a patch, for the rules that ask
 * about a changed test (condition-flip, no-functional-change).
 *
 * Pairing. A condition (if, while, for, do, ?:, the return of a boolean
 * expression) on a removed line is paired with the one on an added line
 * that stands in its place: between the same unchanged lines around the
 * change, the k-th changed condition of that kind on each side.
 *
 * Comparing. Both tests are brought to one form first - negations pushed
 * down to the operands (De Morgan), "!(a < b)" read as "a >= b", "x == 0"
 * and "x == NULL" as "!x", "b > a" as "a < b", likely() and unlikely()
 * seen through - so that a rewrite that keeps the meaning compares equal.
 * What differs is then classified where it differs: the polarity of a
 * term, a comparison's operator, a connective, a flag of a mask test, a
 * term added or dropped, an operand naming the counterpart role (role.h),
 * another operand.
 *
 * Everything a struct cond_diff or cond_pair holds belongs to it until
 * its release function; spans are byte offsets in the side's csrc.
 */
#ifndef MMR_COND_H
#define MMR_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"

#define COND_MAX_TERMS 512 /* terms of one condition compared */
#define COND_MAX_DEPTH 64 /* deeper subexpressions are compared as text */
#define COND_MAX_CANON ((size_t)64 << 10) /* bytes of one normal form */
#define COND_MAX_QUOTE 200 /* bytes of a condition quoted back */
#define COND_MAX_PER_DEF 4096 /* conditions looked at per definition */

enum cond_class {
	COND_SAME, /* the same test, maybe written another way */
	COND_POLARITY, /* inverted: x <-> !x, == <-> !=, < <-> >= */
	COND_COMPARISON, /* < <-> <=, > <-> >=, < <-> > */
	COND_CONNECTIVE, /* && <-> || */
	COND_FLAG, /* a flag added to or removed from a mask test */
	COND_TERM, /* a && or || term added or dropped */
	COND_ROLE, /* an operand now names its counterpart role */
	COND_OPERAND, /* an operand changed */
	COND_REORDER, /* the terms of && or || exchanged */
	COND_REWRITE, /* reshaped beyond the above */
};

/* "polarity", "comparison"... */
const char *cond_class_name(enum cond_class cls);

struct cond_diff {
	enum cond_class cls;
	/* The part that differs, on each side, and where to point at it. */
	uint32_t old_start, old_end;
	uint32_t new_start, new_end;
	uint32_t at_start, at_end; /* new side: its operator, else the part */
	/* The parts as written, whitespace squeezed, at most COND_MAX_QUOTE. */
	char *old_text, *new_text;
	/* COND_ROLE: the roles, old then new; else NULL. */
	char *from, *to;
	/* COND_COMPARISON: the direction changed (< to >), not the bound. */
	bool direction;
};

/*
 * Compare the expression old_expr of old with new_expr of new. Returns 0
 * and fills *out (release with cond_diff_release()), or MMR_ELIMIT when a
 * side has more than COND_MAX_TERMS terms or a normal form would pass
 * COND_MAX_CANON (*out is then COND_REWRITE, spans the whole
 * expressions).
 */
int cond_compare(struct cond_diff *out, const struct csrc *old, TSNode old_expr,
		 const struct csrc *new, TSNode new_expr);
void cond_diff_release(struct cond_diff *d);

struct cond_pair {
	struct csrc_cond old, new;
	/* The code the condition guards reads the same on both sides. */
	bool body_same;
	/*
	 * The lines the patch changed there are the condition's own: one
	 * condition on each side, nothing else removed or added with it.
	 */
	bool alone;
	/*
	 * The part that differs calls a function the patch (or an earlier
	 * patch of the series) also changes: its convention may have
	 * changed with it (folio_isolate_lru() returning true on success).
	 */
	bool callee_changed;
	/* The image lines of each side's condition the patch changed. */
	unsigned old_first, old_last, new_first, new_last;
	struct cond_diff diff;
};

struct cond_pairs {
	struct cond_pair *v;
	size_t n, alloc;
};
#define COND_PAIRS_INIT    \
	{                  \
		NULL, 0, 0 \
	}

/*
 * The changed conditions of c's definition paired across the sides, in
 * the new side's text order, each compared (none for the top-level
 * change). An if/else whose test was
 * inverted and whose branches were exchanged compares COND_SAME. Returns
 * 0 or a negative code; release *out either way.
 */
int cond_pairs_collect(struct cond_pairs *out, const struct change *c);
void cond_pairs_release(struct cond_pairs *p);

/*
 * Whether no line within reach lines of pair i's statement, or inside
 * it, changed on either side but blank and comment lines and the lines
 * of conditions changed alone (this one's, and others of pairs that are
 * alone): the patch changed tests there and nothing else. Lines of the
 * guarded code farther than reach from the test and from the
 * statement's end are left to body_same.
 */
bool cond_pair_quiet(const struct change *c, const struct cond_pairs *pairs,
		     size_t i, unsigned reach);

/*
 * The question a reviewer asks of a difference: "Is the boundary change
 * intended?", "Is the inverted test intended?"... A static string.
 */
const char *cond_question(const struct cond_diff *d);

#endif
