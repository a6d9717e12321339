/* SPDX-License-Identifier: GPL-2.0 */
/*
 * change: what a patch did to each definition it touches, as a reviewer
 * reads it: the definition before (old side) and after (new side), with
 * their tree-sitter trees, which lines were removed and added, and a way
 * to see through macros and small helpers.
 *
 * A change set holds the changes of one patch. The caller gives it, for
 * each file of the patch, the exact pre- and post-image when it has them
 * (from git, from a kernel tree), or nothing, in which case the images are
 * built from the hunks alone (context and removed lines; context and
 * added lines) and every change of that file is "partial".
 *
 * Lines: an "image line" is a 1-based line of the csrc of a side; for a
 * full image it is the file's own line, for a partial image
 * change_file_line() maps it to the file's line. A partial image is every
 * hunk's lines of that side, hunks separated by one empty line.
 *
 * Each removed or added line belongs to the definition covering it, its
 * doc comment included; definitions pair across sides by kind, name and
 * occurrence (the #ifdef and #else variants of one helper stay apart).
 * A non-blank changed line outside every definition belongs, when it is
 * function body code (tab-indented, or "}") and the hunk header names a
 * function ("@@ ... @@ copy_p4d_range(struct ..."), to a CSRC_FUNCTION
 * change of that name spanning the hunk, else to the file's one CSRC_DECL
 * change named "". Such changes get a synthesized def (node: the root of
 * the image). Changes come in the order of their first changed line.
 *
 * The set owns every change, csrc and string it hands out, until
 * change_set_free().
 */
#ifndef MMR_CHANGE_H
#define MMR_CHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "csrc.h"
#include "diff.h"

#define CHANGE_MAX_PER_SET 20000

enum change_side {
	CHANGE_OLD = 0,
	CHANGE_NEW = 1,
};

/* Where the images came from, best first. */
enum change_origin {
	CHANGE_FROM_GIT, /* the parent's and the commit's blobs */
	CHANGE_FROM_BLOB, /* the patch's "index" pre-image blob in a tree */
	CHANGE_FROM_BASE_COMMIT, /* the "base-commit:" tree */
	CHANGE_FROM_APPLIED, /* the tree's HEAD, hunks applied by context */
	CHANGE_FROM_HUNKS, /* the hunks alone: partial */
};

struct change;
struct change_set;

/*
 * Look a macro or static inline helper up in the base tree: return a new
 * string (the caller, i.e. the set, frees it) holding the text of its
 * definition and set *where ("include/linux/userfaultfd_k.h:213", a new
 * string too), or NULL.
 */
typedef char *(*change_lookup_fn)(void *ctx, const char *name, char **where);

struct change_set *change_set_new(void);
void change_set_free(struct change_set *set);

/*
 * Add one file of the patch. old_text/new_text are the full images, or
 * NULL: an added file has no old image and a deleted one no new image;
 * with origin CHANGE_FROM_HUNKS both are ignored and built from the hunks.
 * why says, for a partial file, what kept the full images from being used
 * ("mm/memory.c: pre-image blob eba719e not in the tree"); it is copied.
 * Each hunk is looked for in the full images (apply_find_hunk(), so
 * header lines may be off); when one is not found the file falls back to
 * the hunks, partial, with a reason naming the file and the hunk. Nothing
 * of f is kept. Returns 0 or a negative code (MMR_ELIMIT past
 * CHANGE_MAX_PER_SET, or for an image over a csrc_parse() bound such as
 * CSRC_MAX_INPUT or CSRC_MAX_NESTING, naming the file and the image:
 * "mm/memory.c (post image built from the hunks): nesting deeper than 256
 * at line 3", a line of the fragment for a partial image).
 */
int change_set_add_file(struct change_set *set, const struct diff_file *f,
			const char *old_text, size_t old_len,
			const char *new_text, size_t new_len,
			enum change_origin origin, const char *why);

/*
 * Free the trees of the set and of the earlier patches linked to it,
 * keeping their texts: a reviewed patch costs its texts, not its trees,
 * while the rest of the series is reviewed. Whatever asks for a tree of
 * a sleeping file (change_src(), change_def(), change_resolve()) makes it
 * again; nodes taken before are not valid after. The findings of the set
 * must have been made.
 */
void change_set_sleep(struct change_set *set);

/* Where to resolve names beyond the set: earlier patches of the series. */
void change_set_link(struct change_set *set, const struct change_set *prev);
/* The earlier patches linked to set, nearest first. */
size_t change_set_nlinks(const struct change_set *set);
const struct change_set *change_set_link_at(const struct change_set *set,
					    size_t i);

/*
 * The patch the set reviews: its subject and its message, copied, so that
 * rules can see whether the patch explains what it does. The message is
 * the changelog as "git show -s --format=%B" prints it: the subject line,
 * a blank line, the body and its trailers (a mail's, before "---"). Both
 * are "" until set.
 */
void change_set_set_patch(struct change_set *set, const char *subject,
			  const char *message, size_t len);
const char *change_set_subject(const struct change_set *set);
const char *change_set_message(const struct change_set *set);

/*
 * The history of the base tree, for a "Fixes:" trailer: the patch text
 * (a diff) of commit, and its subject in *subject (new strings the
 * caller frees), or NULL when the commit is not known.
 */
typedef char *(*change_commit_fn)(void *ctx, const char *commit,
				  char **subject);
void change_set_set_history(struct change_set *set, change_commit_fn fn,
			    void *ctx);
char *change_set_commit(const struct change_set *set, const char *commit,
			char **subject);
/* Whether the set has a history to ask (change_set_set_history()). */
bool change_set_has_history(const struct change_set *set);
/*
 * The root directory of the base tree (a kernel tree, for the files a
 * rule reads from it such as scripts/spelling.txt), copied; NULL (the
 * default) without one.
 */
void change_set_set_root(struct change_set *set, const char *dir);
const char *change_set_root(const struct change_set *set);
/* The base tree; without it a built-in table of mm helpers is used. */
void change_set_set_lookup(struct change_set *set, change_lookup_fn fn,
			   void *ctx);

size_t change_set_count(const struct change_set *set);
const struct change *change_set_at(const struct change_set *set, size_t i);

/*
 * The change of the definition (kind, name) in set, else in the earlier
 * patches linked to it (nearest first); NULL when no patch touches it.
 */
const struct change *change_set_find(const struct change_set *set,
				     enum csrc_kind kind, const char *name);

/*
 * The files added to the set, in the order added (with or without a
 * changed definition), and how each was read: its origin, whether it is
 * partial (the hunks alone) and why, NULL when not partial. i must be
 * below change_set_nfiles().
 */
size_t change_set_nfiles(const struct change_set *set);
const char *change_set_file_path(const struct change_set *set, size_t i);
enum change_origin change_set_file_origin(const struct change_set *set,
					  size_t i);
bool change_set_file_partial(const struct change_set *set, size_t i);
const char *change_set_file_reason(const struct change_set *set, size_t i);

const struct change_set *change_owner(const struct change *c);
const char *change_path(const struct change *c);
/*
 * The definition's name; "" for the top-level lines outside every
 * definition (kind CSRC_DECL) and for a function whose name no line of
 * the patch shows (kind CSRC_FUNCTION).
 */
const char *change_name(const struct change *c);
/* Whether c gathers the top-level lines outside every definition. */
bool change_is_toplevel(const struct change *c);
enum csrc_kind change_kind(const struct change *c);
enum change_origin change_origin(const struct change *c);
const char *change_origin_name(enum change_origin o);
bool change_partial(const struct change *c);
/* Why the full file was not used; NULL when not partial. */
const char *change_partial_reason(const struct change *c);

/*
 * The parsed image of a side (the whole file or fragment, not only this
 * definition), and the definition in it, NULL when the definition does
 * not exist on that side (added or removed by the patch).
 */
const struct csrc *change_src(const struct change *c, enum change_side side);
const struct csrc_def *change_def(const struct change *c,
				  enum change_side side);
/* Removed (old side) or added (new side) image line. */
bool change_line_changed(const struct change *c, enum change_side side,
			 unsigned line);
/*
 * The file's line number of an image line, as the patch numbers the
 * file (0 if unknown): the tree's line shifted by the offset at which
 * the nearest hunk stood in it, when the tree is not the patch's base.
 */
unsigned change_file_line(const struct change *c, enum change_side side,
			  unsigned line);
/*
 * For an image built from the hunks: the line of the patch text an image
 * line comes from; 0 for a full image or a synthetic line.
 */
unsigned change_patch_line(const struct change *c, enum change_side side,
			   unsigned line);
/* The 1-based hunk whose lines hold an image line of side, or 0. */
unsigned change_hunk_of(const struct change *c, enum change_side side,
			unsigned line);
/* The new image line an unchanged old image line became (0: removed). */
unsigned change_map_old_to_new(const struct change *c, unsigned old_line);

/* Where an expansion was found. */
enum change_found {
	CHANGE_FOUND_PATCH, /* this patch's new images */
	CHANGE_FOUND_SERIES, /* an earlier patch of the series */
	CHANGE_FOUND_TREE, /* the base tree */
	CHANGE_FOUND_BUILTIN, /* mmreview's table of common mm helpers */
};

struct change_expansion {
	struct csrc_expansion exp;
	enum change_found found;
	const char *where; /* "include/linux/mm.h:436", or "built-in" */
};

/*
 * Resolve a macro or one-expression static inline helper by name, looking
 * in this patch's new images, the linked earlier patches, the base tree,
 * then the built-in table. The result is cached and owned by the set
 * (misses too). Returns NULL when not found or name is not an identifier.
 */
const struct change_expansion *change_resolve(const struct change *c,
					      const char *name);

/*
 * The whole text of the definition of a function or macro name, whatever
 * its body (change_resolve() takes one-expression helpers only): from a
 * full new image of this patch, else the base tree (its macros and static
 * inline helpers). Returns a new string the caller frees, and *where
 * ("include/linux/mm.h:436", a new string too, NULL when not found), or
 * NULL.
 */
char *change_definition(const struct change *c, const char *name, char **where);

#endif
