/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source: a kernel tree to take pre-images and definitions from: a git
 * repository (blobs by the patch's "index" id, the "base-commit:" tree,
 * HEAD) or a plain directory (Debian's linux-source, an unpacked tarball).
 */
#ifndef MMR_SOURCE_H
#define MMR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"

struct source;

/*
 * Open dir as a tree. Returns 0 and *out (free with source_free()), or
 * MMR_ENOTFOUND when dir is not a directory.
 */
int source_open(struct source **out, const char *dir);
void source_free(struct source *src);
const char *source_path(const struct source *src);
/* Whether the tree is a git repository, whose commits source_commit() reads. */
bool source_has_history(const struct source *src);

/*
 * The pre-image of a file of a patch: the blob named by old_id, else the
 * file in the base_commit tree (may be NULL), else the file at HEAD (or
 * on disk). *origin says which. Returns 0 and a new *text (caller frees),
 * or MMR_ENOTFOUND with a message saying what was tried.
 */
int source_read_base(const struct source *src, const char *path,
		     const char *old_id, const char *base_commit, char **text,
		     size_t *len, enum change_origin *origin);

/* Does text hash to the (abbreviated, hex) git blob id the patch names? */
bool source_blob_matches(const char *text, size_t len, const char *id);

/*
 * The change_lookup_fn of a tree: the definition of a macro or static
 * inline helper from the tree's headers (include/linux, include/asm-generic,
 * mm/ headers), indexed on first use. ctx is the struct source.
 */
char *source_lookup(void *ctx, const char *name, char **where);

/*
 * The change_commit_fn of a tree: the patch text of commit (an id or a
 * prefix of one) against its first parent, and its subject, when the
 * tree is a git repository that has it; NULL otherwise or past
 * DIFF_MAX_INPUT. ctx is the struct source.
 */
char *source_commit(void *ctx, const char *commit, char **subject);

#endif
