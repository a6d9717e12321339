/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flow: what a function holds where it leaves. A walk of one side of a
 * changed function, statement by statement in text order, tracks the
 * locks taken and released (spin_lock()/spin_unlock(), mmap_read_lock()/
 * mmap_read_unlock(), ...) or the references taken and dropped
 * (folio_get()/folio_put(), mmget()/mmput(), ...), matched by the text
 * of their lock or object argument, and records each exit - return, goto,
 * break and continue out of a loop, the end of the body - with what is
 * surely held there. Conditional acquisition is followed through the test
 * of its result (if (!spin_trylock(l)) return; ptl = pmd_trans_huge_lock();
 * if (ptl) ...). Branches meet keeping what both hold.
 *
 * The pairs come from a built-in table; a call the table does not know
 * is seen through when change_resolve() finds it to be a macro or
 * one-expression helper calling a pair of the table.
 *
 * A struct flow_walk owns its sites, exits and strings until
 * flow_walk_release().
 */
#ifndef MMR_FLOW_H
#define MMR_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"

#define FLOW_MAX_SITES 1024 /* acquisitions, releases, exits, assignments */
#define FLOW_MAX_CANDIDATES 64 /* new exits judged in one function */
#define FLOW_MAX_HELD 32 /* held at once; more are not followed */
#define FLOW_MAX_DEPTH 200 /* statements nested in one another */
#define FLOW_MAX_LABELS 128

enum flow_kind {
	FLOW_LOCK,
	FLOW_REF,
};

/* A family: the acquisitions and releases that pair with each other. */
struct flow_family {
	enum flow_kind kind;
	/* What is held, %s the lock or object: "%s held", "%s locked" */
	const char *held;
	const char *release; /* the usual release: "spin_unlock" */
};

/* One call of the table (or a helper seen through to one). */
struct flow_site {
	const struct flow_family *family;
	const char *op; /* the call as written: "pte_offset_map_lock" */
	char *key; /* the lock or object, normalized: "ptl", "" for none */
	uint32_t start, end; /* the call's bytes */
	unsigned line; /* image line */
	bool changed; /* on an added (new side) or removed (old side) line */
	/* Where its result is stored ("pte" or "pte,start_pte"), or NULL. */
	char *var;
	/* The helper seen through, and where it is defined; or NULL. */
	const char *via_where;
	enum change_found via_found;
};

enum flow_exit_kind {
	FLOW_RETURN,
	FLOW_GOTO,
	FLOW_BREAK, /* out of a loop */
	FLOW_CONTINUE,
	FLOW_END, /* the end of the body reached */
};

struct flow_exit {
	enum flow_exit_kind kind;
	uint32_t start, end; /* the statement, without its ';' */
	unsigned line;
	bool changed;
	char *text; /* the statement, blanks removed: "return-EAGAIN;" */
	char *value; /* a return's value, blanks removed, or NULL */
	char *label; /* a goto's label, or NULL */
	uint32_t loop_start, loop_end; /* the loop a break/continue leaves */
	uint32_t loop_held; /* bit k: held[k] was held entering the loop */
	/*
	 * The arguments of the call statement right before the exit, one
	 * a line, blanks removed; or NULL.
	 */
	char *near;
	size_t held[FLOW_MAX_HELD]; /* indices in acq of what is held */
	size_t nheld;
	/*
	 * Bit k: held[k] leaks here (flow_exit_leaks() and not
	 * flow_exit_handoff()), computed once by the walk.
	 */
	uint32_t leaky;
};

struct flow_walk {
	enum flow_kind kind;
	const struct change *c;
	enum change_side side;
	uint32_t body_start, body_end;
	bool end_seen; /* the body's closing brace is shown (not a frame's) */
	struct flow_site *acq, *rel;
	size_t nacq, nrel;
	struct flow_exit *exits;
	size_t nexits;
	/* Labels of the body: name and the labeled statement's start. */
	char *labels[FLOW_MAX_LABELS];
	uint32_t label_at[FLOW_MAX_LABELS];
	size_t nlabels;
	/* Assignments: where, and the value assigned, blanks removed. */
	struct flow_assign {
		uint32_t start;
		char *value;
	} * assigns;
	size_t nassigns;
	uint32_t *returns; /* where the returns start, sorted */
	size_t nreturns;
};

#define FLOW_WALK_INIT \
	{              \
		0      \
	}

/*
 * Walk side of c's definition for kind. Returns 0 and fills w (release
 * it with flow_walk_release() either way), or MMR_ENOTFOUND when c is
 * not a function with a body on that side, or MMR_ELIMIT past a bound
 * above (the walk is then not to be trusted).
 */
int flow_walk(struct flow_walk *w, const struct change *c,
	      enum change_side side, enum flow_kind kind);
void flow_walk_release(struct flow_walk *w);

/* Whether acquisition a and site s take or drop the same thing. */
bool flow_same(const struct flow_site *a, const struct flow_site *s);

/* Whether exit x holds the thing acquisition a takes. */
bool flow_exit_holds(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a);

/*
 * Whether exit x leaves a's region still holding it: it holds it, its
 * loop (for break and continue) encloses a, and the code it goes to (the
 * label of a goto, the code after the loop of a break, up to the next
 * return) does not release it.
 */
bool flow_exit_leaks(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a);

/* The release of a's lock after a, one on an unchanged line if any. */
const struct flow_site *flow_release_after(const struct flow_walk *w,
					   const struct flow_site *a);

/*
 * Whether exit x hands what a holds on rather than leaking it, as the
 * code says: a lock's goto to a label named "...unlocked"; a return of
 * a call (the callee finishes the job), of the locked object or of a
 * pointer variable (not of ret, err...); a call right before the exit
 * that is given the lock or object; or the lock or object stored
 * somewhere (*ptlp = ptl) before a return or after a goto's label.
 */
bool flow_exit_handoff(const struct flow_walk *w, const struct flow_exit *x,
		       const struct flow_site *a);

/* Whether exit x leaks what a takes (see flow_exit.leaky). */
bool flow_exit_leaky(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a);

/* A finding: a new exit leaving with what acq took, released at rel. */
struct flow_leak {
	const struct flow_exit *exit;
	const struct flow_site *acq;
	/*
	 * The release on the other paths, or NULL when the images are the
	 * hunks and the function's end is not shown.
	 */
	const struct flow_site *rel;
};

/*
 * The exits of c's new side that the patch adds and that leave holding
 * something of kind while the existing exits after it release it, as a
 * reviewer compares them: an exit whose goto label or loop end releases
 * it is fine, a function that keeps it held on its existing exits hands
 * it to its caller (then only a return of a value that the releasing
 * exits return is one), an exit the old side had too (moved code) is not
 * new, and for images built from the hunks the acquisition and the exit
 * must be in one hunk. *out is caller-freed; the walk of the new side is
 * in *nw (release it). Returns the count, or a negative code.
 */
int flow_new_leaks(const struct change *c, enum flow_kind kind,
		   struct flow_walk *nw, struct flow_leak **out);

/* Whether a changed line of c's side holds one of words (substrings). */
bool flow_changed_lines_have(const struct change *c, enum change_side side,
			     const char *const *words);

/*
 * "This return leaves", "This goto out leaves", "This break leaves the
 * loop": a message's subject and verb, in buf or static.
 */
const char *flow_exit_what(const struct flow_exit *x, char *buf, size_t size);

/* "the return", "the goto out": an exit named in a message (buf or static). */
const char *flow_exit_name(const struct flow_exit *x, char *buf, size_t size);

/*
 * The note of a finding: "lock pairs: built-in table" and, when a site
 * was a helper seen through, where it was found. A new string.
 */
char *flow_note(const struct flow_site *a, const struct flow_site *r);

/* "ptl held", "folio locked": what a holds, for messages (buf). */
const char *flow_held_text(const struct flow_site *a, char *buf, size_t size);

struct rule_ctx;
/*
 * Report leak l of c on its exit: "This return leaves with ptl held
 * (taken by pte_offset_map_lock() at line 121, <released> at line 155 on
 * the other paths). <question>", released being "released" or "dropped".
 * Returns as rule_report().
 */
int flow_report_leak(struct rule_ctx *ctx, const struct change *c,
		     const struct flow_leak *l, const char *released,
		     const char *question);

#endif
