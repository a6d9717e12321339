/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff: unified diffs as they appear in a patch mail or git format-patch
 * output: the commit message, the "---" separator and diffstat, then one
 * or more "diff --git" (or plain "--- a/x" / "+++ b/x") file sections,
 * and the "-- " signature, which ends the diff.
 *
 * A struct diff owns everything reachable from it (files, hunks, lines and
 * their strings) until diff_free(). The line texts point into a private
 * copy of the input.
 */
#ifndef MMR_DIFF_H
#define MMR_DIFF_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds, documented in mmreview(1). */
#define DIFF_MAX_INPUT ((size_t)32 << 20)
#define DIFF_MAX_FILES 4096
#define DIFF_MAX_HUNKS 65536 /* in all files */
#define DIFF_MAX_LINE ((size_t)1 << 20) /* bytes in one diff line */
#define DIFF_MAX_LINES ((size_t)4 << 20) /* hunk lines in all files */
#define DIFF_MAX_PATH 4096

enum diff_status {
	DIFF_MODIFIED,
	DIFF_ADDED,
	DIFF_DELETED,
	DIFF_RENAMED,
	DIFF_COPIED,
};

struct diff_line {
	char origin; /* ' ', '-' or '+' */
	bool no_newline; /* followed by "\ No newline at end of file" */
	const char *text; /* without the origin char, not NUL-terminated */
	size_t len; /* without the newline */
	unsigned old_lineno; /* 0 for '+' lines */
	unsigned new_lineno; /* 0 for '-' lines */
	unsigned patch_lineno; /* 1-based line in the input */
};

struct diff_hunk {
	unsigned old_start, old_count;
	unsigned new_start, new_count;
	const char *section; /* text after the second "@@", "" if none */
	unsigned patch_lineno; /* line of the "@@" header in the input */
	size_t nlines;
	const struct diff_line *lines;
};

/*
 * Paths are relative, without "a/" or "b/": never empty, never starting
 * with '/', without a ".." component and without control characters
 * (bytes below 0x20 but tab, 0x7f); a patch with such a path fails to
 * parse.
 * A modified, renamed or copied file has both paths, an added file only
 * new_path, a deleted file only old_path.
 */
struct diff_file {
	const char *old_path; /* NULL for an added file */
	const char *new_path; /* NULL for a deleted file */
	enum diff_status status;
	unsigned old_mode, new_mode; /* 0 when not given */
	unsigned similarity; /* for renames and copies, 0..100 */
	const char *old_id, *new_id; /* "index" abbreviated blob ids, or NULL */
	bool binary; /* "Binary files differ" or "GIT binary patch": no hunks */
	unsigned patch_lineno; /* line of the file's header in the input */
	size_t nhunks;
	const struct diff_hunk *hunks;
};

struct diff;

/*
 * Parse the diff in a patch body (text before the first file header is
 * the message; it may be empty). Returns 0 and *out (free with
 * diff_free()), or a negative code with a message that names the file and
 * the hunk ("hunk 2 of 'mm/memory.c' (line 57): header says 7 old lines,
 * found 6"). A body with no diff at all is not an error: nfiles is 0.
 */
int diff_parse(struct diff **out, const char *buf, size_t len);
void diff_free(struct diff *d);

size_t diff_nfiles(const struct diff *d);
const struct diff_file *diff_file(const struct diff *d, size_t i);
/* The path a rule should name: new_path, or old_path for a deletion. */
const char *diff_file_path(const struct diff_file *f);
/* Lines added and removed in all files. */
void diff_stats(const struct diff *d, size_t *added, size_t *removed);
/* The message before the diff ("---" and diffstat excluded). */
const char *diff_message(const struct diff *d, size_t *len);
/* "modified", "added", ... */
const char *diff_status_name(enum diff_status s);

#endif
