/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cquery: tree-sitter queries (the S-expression patterns of .scm files)
 * over a csrc. tree-sitter's C library only parses predicates; cquery
 * evaluates the standard ones itself:
 *
 *   (#eq? @a "text")  (#eq? @a @b)  (#not-eq? ...)
 *   (#match? @a "regex")  (#not-match? ...)        POSIX extended regex
 *   (#any-of? @a "x" "y" ...)  (#not-any-of? ...)
 *
 * and hands those the caller names to cquery_new() (#in-function?...) to
 * a callback. A predicate on a capture that holds several nodes (@a+)
 * holds when it holds for each node; on a capture without a node (@a?)
 * it holds.
 *
 * Queries come from strangers (a tree's rule directory): the source, its
 * nesting, each regular expression, the matches and the time of one run
 * are bounded by the constants below.
 *
 * A struct cquery owns everything it hands out until cquery_free().
 * Errors: 0 or a negative MMR_E* code with a message (util.h).
 */
#ifndef MMR_CQUERY_H
#define MMR_CQUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csrc.h"

#define CQUERY_MAX_SOURCE ((size_t)64 << 10) /* bytes of a query */
#define CQUERY_MAX_NESTING 64 /* ( and [ open at once in a query */
/*
 * tree-sitter's compile time grows fast with these, and cannot be
 * stopped: node patterns in a query, node patterns directly inside one
 * (each alternative of a [ ] counted), and quantifiers (?, *, +).
 */
#define CQUERY_MAX_NODES 128
#define CQUERY_MAX_CHILDREN 16
#define CQUERY_MAX_QUANTIFIERS 4
#define CQUERY_MAX_REGEX 256 /* bytes of a #match? regex */
/* The product of the upper bounds of a regex's {m,n} intervals. */
#define CQUERY_MAX_REGEX_REPEAT 256
/* A #match? sees at most this many bytes of a node's text. */
#define CQUERY_MAX_SUBJECT 4096
/* Per cquery_run(): matches tree-sitter finds, and the wall time. */
#define CQUERY_MAX_MATCHES 100000
#define CQUERY_MAX_MICROS (1000ULL * 1000)
/* Nodes in one match (quantified captures). */
#define CQUERY_MAX_MATCH_CAPTURES 256

struct cquery;

/* A predicate argument: a capture or a string. */
struct cquery_arg {
	bool capture;
	unsigned id; /* the capture's id, for a capture */
	const char *text; /* the string, or the capture's name */
};

/* A predicate of the query that the caller evaluates (see cquery_new()). */
struct cquery_pred {
	const char *name; /* without '#': "in-function?" */
	unsigned pattern; /* its pattern, 0-based */
	unsigned index; /* 0-based, among the caller's predicates */
	unsigned line, column; /* where it is in the query, 1-based */
	size_t nargs;
	const struct cquery_arg *args;
};

/*
 * Compile a query of len bytes for the C grammar. custom is a
 * NULL-terminated list of predicate names the caller evaluates (without
 * '#', e.g. "in-function?"), or NULL; any other predicate but the standard
 * ones is an error. Returns 0 and *out (free with cquery_free()), or
 * MMR_EINVAL (a syntax error, an unknown node type, field, capture or
 * predicate, wrong predicate arguments, a bad regex) or MMR_ELIMIT (a
 * bound above), with *line and *column (1-based; 0 when unknown) where
 * the problem is and the message in mmr_error_last().
 */
int cquery_new(struct cquery **out, const char *src, size_t len,
	       const char *const *custom, unsigned *line, unsigned *column);
void cquery_free(struct cquery *q);

unsigned cquery_pattern_count(const struct cquery *q);
unsigned cquery_capture_count(const struct cquery *q);
/* The name of capture id, without '@' ("" for a bad id). */
const char *cquery_capture_name(const struct cquery *q, unsigned id);
/* The id of the capture named name, or -1. */
int cquery_capture_id(const struct cquery *q, const char *name);
/* The caller's predicates, in query order; returns the count. */
size_t cquery_custom_preds(const struct cquery *q,
			   const struct cquery_pred **out);

/*
 * A regular expression (POSIX extended, bounded as #match?'s are), for
 * the caller's predicates. cquery_regex_new() returns 0 and *out, or
 * MMR_EINVAL / MMR_ELIMIT with *out NULL. A match sees at most
 * CQUERY_MAX_SUBJECT bytes of text.
 */
struct cquery_regex;
int cquery_regex_new(struct cquery_regex **out, const char *re);
bool cquery_regex_match(const struct cquery_regex *re, const char *text,
			size_t len);
void cquery_regex_free(struct cquery_regex *re);

/* One node of a match. */
struct cquery_capture {
	unsigned id;
	const char *name; /* the capture's name */
	const char *type; /* the node's type: "identifier"... */
	uint32_t start, end; /* bytes in the csrc */
};

struct cquery_match {
	unsigned pattern;
	size_t n;
	const struct cquery_capture *captures; /* in text order */
	uint32_t start,
		end; /* from the first capture's start to the last end */
};

/*
 * The first node of capture id in m, or NULL when it has none.
 */
const struct cquery_capture *cquery_match_find(const struct cquery_match *m,
					       unsigned id);

/*
 * Evaluate the caller's predicate p on m: return 1 when it holds, 0 when
 * not, or a negative code to stop the run with it.
 */
typedef int (*cquery_pred_fn)(const struct cquery_match *m,
			      const struct cquery_pred *p, void *payload);
/* A match that passed every predicate: 0 goes on, 1 stops, < 0 fails. */
typedef int (*cquery_match_fn)(const struct cquery_match *m, void *payload);

/*
 * Run q over the matches lying within bytes [start, end) of cs (in
 * tree-sitter's order, which is deterministic; a pattern that captures
 * nothing never matches); m and its strings are valid during the call. pred may be NULL
 * when q has no caller's predicates. Returns 0, MMR_ELIMIT past
 * CQUERY_MAX_MATCHES or CQUERY_MAX_MICROS, or what pred or fn returned
 * when negative.
 */
int cquery_run(const struct cquery *q, const struct csrc *cs, uint32_t start,
	       uint32_t end, cquery_pred_fn pred, cquery_match_fn fn,
	       void *payload);

#endif
