// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "sbuf.h"
#include "source.h"
#include "util.h"

#define SOURCE_MAX_FILE ((size_t)16 << 20)
#define SOURCE_MAX_DEF 8192 /* bytes of one definition looked up */
#define SOURCE_MAX_NAME 128

/* Where a name is defined: a file of the tree and the line's offset. */
struct def_loc {
	char *name;
	unsigned file;
	unsigned line;
	size_t offset;
};

struct source {
	char *dir;
	char *real_dir; /* dir with symbolic links resolved */
	git_repository *repo; /* NULL for a plain directory */
	bool indexed;
	char **files; /* header paths relative to dir */
	size_t nfiles, files_alloc;
	struct def_loc *table; /* open addressing, size a power of two */
	size_t table_size, table_used;
};

static const char *const index_dirs[] = {
	"include/linux",
	"include/asm-generic",
	"mm",
};

int source_open(struct source **out, const char *dir)
{
	struct source *src;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return mmr_error_set(MMR_ENOTFOUND,
				     "kernel tree '%s' is not a directory",
				     dir);
	src = xcalloc(1, sizeof(*src));
	src->dir = xstrdup(dir);
	src->real_dir = realpath(dir, NULL);
	if (!src->real_dir)
		src->real_dir = xstrdup(dir);
	git_libgit2_init();
	if (git_repository_open_ext(&src->repo, dir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		src->repo = NULL;
	*out = src;
	return 0;
}

void source_free(struct source *src)
{
	size_t i;

	if (!src)
		return;
	for (i = 0; i < src->table_size; i++)
		free(src->table[i].name);
	free(src->table);
	for (i = 0; i < src->nfiles; i++)
		free(src->files[i]);
	free(src->files);
	git_repository_free(src->repo);
	git_libgit2_shutdown();
	free(src->real_dir);
	free(src->dir);
	free(src);
}

const char *source_path(const struct source *src)
{
	return src->dir;
}

bool source_has_history(const struct source *src)
{
	return src->repo != NULL;
}

/*
 * Open path inside the tree for reading: a regular file only (a FIFO
 * named like a kernel file must not hang the review), opened without
 * blocking, and not through a symbolic link that leaves the tree.
 */
static int open_in_tree(const struct source *src, const char *path,
			const char *full, off_t *size)
{
	char *real;
	struct stat st;
	size_t dl = strlen(src->real_dir);
	int fd;

	real = realpath(full, NULL);
	if (!real)
		return mmr_error_set(MMR_ENOTFOUND, "'%s' not in '%s'", path,
				     src->dir);
	if (strncmp(real, src->real_dir, dl) || real[dl] != '/') {
		free(real);
		return mmr_error_set(MMR_EINVAL,
				     "'%s' leads out of the tree '%s'", path,
				     src->dir);
	}
	fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	free(real);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return mmr_error_set(MMR_EINVAL,
				     "'%s' in '%s' is not a regular file", path,
				     src->dir);
	}
	*size = st.st_size;
	return fd;
}

static int read_disk(const struct source *src, const char *path, char **text,
		     size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	char full[8192], buf[65536];
	off_t size = 0;
	ssize_t n;
	int fd, error = 0;

	if (!path || strstr(path, "..") || path[0] == '/')
		return mmr_error_set(MMR_EINVAL, "refusing path '%s'",
				     path ? path : "(none)");
	snprintf(full, sizeof(full), "%s/%s", src->dir, path);
	fd = open_in_tree(src, path, full, &size);
	if (fd < 0)
		return fd;
	if ((size_t)size > SOURCE_MAX_FILE) {
		close(fd);
		return mmr_error_set(MMR_ELIMIT,
				     "'%s' is larger than %zu bytes", full,
				     SOURCE_MAX_FILE);
	}
	sbuf_init(&sb, SOURCE_MAX_FILE);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sbuf_add(&sb, buf, (size_t)n)) {
			error = mmr_error_set(MMR_ELIMIT,
					      "'%s' is larger than %zu bytes",
					      full, SOURCE_MAX_FILE);
			break;
		}
	}
	if (n < 0)
		error = mmr_error_set(MMR_EIO, "cannot read '%s': %s", full,
				      strerror(errno));
	close(fd);
	if (error) {
		sbuf_release(&sb);
		return error;
	}
	*text = sbuf_detach(&sb, len);
	return 0;
}

bool source_blob_matches(const char *text, size_t len, const char *id)
{
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_odb_hash(&oid, text, len, GIT_OBJECT_BLOB) < 0)
		return false;
	git_oid_tostr(hex, sizeof(hex), &oid);
	return !strncmp(hex, id, strlen(id));
}

static int read_blob_prefix(const struct source *src, const char *id,
			    char **text, size_t *len)
{
	git_oid oid;
	git_blob *blob = NULL;
	size_t n = strlen(id);

	if (!src->repo || n < 7 || n > GIT_OID_HEXSZ ||
	    git_oid_fromstrn(&oid, id, n) < 0 ||
	    git_blob_lookup_prefix(&blob, src->repo, &oid, n) < 0)
		return MMR_ENOTFOUND;
	*len = (size_t)git_blob_rawsize(blob);
	*text = xstrndup(git_blob_rawcontent(blob), *len);
	git_blob_free(blob);
	return 0;
}

static int read_commit_file(const struct source *src, const char *rev,
			    const char *path, char **text, size_t *len)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int error = MMR_ENOTFOUND;

	if (!src->repo || git_revparse_single(&obj, src->repo, rev) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) <
		    0 ||
	    git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_blob_lookup(&blob, src->repo, git_tree_entry_id(entry)) < 0)
		goto out;
	*len = (size_t)git_blob_rawsize(blob);
	*text = xstrndup(git_blob_rawcontent(blob), *len);
	error = 0;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return error;
}

/*
 * A "base-commit:" from a mail is an object id, nothing else: git's
 * revision syntax (":/regex", "@{...}") would let a stranger make every
 * lookup search the whole history.
 */
static bool is_object_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return n >= 7 && n <= GIT_OID_HEXSZ && !s[n];
}

int source_read_base(const struct source *src, const char *path,
		     const char *old_id, const char *base_commit, char **text,
		     size_t *len, enum change_origin *origin)
{
	char *t = NULL;
	size_t n = 0;

	if (old_id && !read_blob_prefix(src, old_id, text, len)) {
		*origin = CHANGE_FROM_BLOB;
		return 0;
	}
	if (base_commit && is_object_id(base_commit) &&
	    !read_commit_file(src, base_commit, path, text, len)) {
		*origin = CHANGE_FROM_BASE_COMMIT;
		return 0;
	}
	if (src->repo && !read_commit_file(src, "HEAD", path, &t, &n)) {
		/* fall through to the blob check below */
	} else {
		int error = read_disk(src, path, &t, &n);

		/* Keep the reason when the file is there but refused. */
		if (error == MMR_ENOTFOUND)
			return mmr_error_set(
				MMR_ENOTFOUND,
				"'%s' is not in the kernel tree '%s'", path,
				src->dir);
		if (error < 0)
			return error;
	}
	*origin = old_id && source_blob_matches(t, n, old_id) ?
			  CHANGE_FROM_BLOB :
			  CHANGE_FROM_APPLIED;
	*text = t;
	*len = n;
	return 0;
}

/* --- the index of macros and static inline helpers --------------------------- */

static size_t hash_name(const char *s, size_t n)
{
	size_t h = 5381, i;

	for (i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

static struct def_loc *table_slot(struct source *src, const char *name,
				  size_t n)
{
	size_t mask = src->table_size - 1;
	size_t i = hash_name(name, n) & mask;

	while (src->table[i].name && (strlen(src->table[i].name) != n ||
				      strncmp(src->table[i].name, name, n)))
		i = (i + 1) & mask;
	return &src->table[i];
}

static void table_grow(struct source *src)
{
	struct def_loc *old = src->table;
	size_t old_size = src->table_size, i;

	src->table_size = old_size ? old_size * 2 : 4096;
	src->table = xcalloc(src->table_size, sizeof(*src->table));
	for (i = 0; i < old_size; i++) {
		if (!old[i].name)
			continue;
		*table_slot(src, old[i].name, strlen(old[i].name)) = old[i];
	}
	free(old);
}

/* The first definition of a name wins, as the first #ifdef branch does. */
static void table_add(struct source *src, const char *name, size_t n,
		      unsigned file, unsigned line, size_t offset)
{
	struct def_loc *slot;

	if (!n || n >= SOURCE_MAX_NAME)
		return;
	if ((src->table_used + 1) * 2 > src->table_size)
		table_grow(src);
	slot = table_slot(src, name, n);
	if (slot->name)
		return;
	slot->name = xstrndup(name, n);
	slot->file = file;
	slot->line = line;
	slot->offset = offset;
	src->table_used++;
}

static bool is_ident(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static size_t skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* "#define NAME" at line start. */
static void index_define(struct source *src, const char *s, size_t b, size_t e,
			 unsigned file, unsigned line)
{
	size_t i = skip_blank(s, b + 1, e), n;

	if (e - i < 7 || strncmp(s + i, "define", 6))
		return;
	i = skip_blank(s, i + 6, e);
	for (n = 0; i + n < e && is_ident(s[i + n]); n++)
		;
	table_add(src, s + i, n, file, line, b);
}

/*
 * "static inline T name(" on one line, or "static inline T" with "name("
 * opening the next line (the kernel's two styles).
 */
static void index_inline(struct source *src, const char *s, size_t b, size_t e,
			 size_t len, unsigned file, unsigned line)
{
	const char *paren = memchr(s + b, '(', e - b);
	size_t p, n;

	if (!paren) {
		size_t nb = e + 1, ne;

		if (nb >= len)
			return;
		ne = nb;
		while (ne < len && s[ne] != '\n')
			ne++;
		paren = memchr(s + nb, '(', ne - nb);
		if (!paren)
			return;
	}
	p = (size_t)(paren - s);
	while (p > b && (s[p - 1] == ' ' || s[p - 1] == '\t'))
		p--;
	for (n = 0; p > n && is_ident(s[p - n - 1]); n++)
		;
	table_add(src, s + p - n, n, file, line, b);
}

static void index_text(struct source *src, const char *s, size_t len,
		       unsigned file)
{
	size_t b = 0, e;
	unsigned line = 1;

	for (; b < len; b = e + 1, line++) {
		const char *nl = memchr(s + b, '\n', len - b);

		e = nl ? (size_t)(nl - s) : len;
		if (s[b] == '#')
			index_define(src, s, b, e, file, line);
		else if (mmr_starts_with(s + b, e - b, "static inline ") ||
			 mmr_starts_with(s + b, e - b,
					 "static __always_inline "))
			index_inline(src, s, b, e, len, file, line);
	}
}

static void index_dir(struct source *src, const char *rel, int depth)
{
	char full[8192], sub[4096];
	struct dirent *de;
	DIR *d;

	snprintf(full, sizeof(full), "%s/%s", src->dir, rel);
	d = opendir(full);
	if (!d || depth > 4) {
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *text;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		if (de->d_type == DT_DIR) {
			index_dir(src, sub, depth + 1);
			continue;
		}
		if (n < 3 || strcmp(de->d_name + n - 2, ".h"))
			continue;
		if (read_disk(src, sub, &text, &len) < 0)
			continue;
		XGROW(src->files, src->files_alloc, src->nfiles + 1);
		src->files[src->nfiles] = xstrdup(sub);
		index_text(src, text, len, (unsigned)src->nfiles);
		src->nfiles++;
		free(text);
	}
	closedir(d);
}

static void source_index(struct source *src)
{
	size_t i;

	src->indexed = true;
	table_grow(src);
	for (i = 0; i < sizeof(index_dirs) / sizeof(index_dirs[0]); i++)
		index_dir(src, index_dirs[i], 0);
}

/* The text of the definition starting at offset: a macro or a function. */
static char *definition_text(const char *s, size_t len, size_t off)
{
	size_t i = off,
	       end = off + SOURCE_MAX_DEF < len ? off + SOURCE_MAX_DEF : len;
	int depth = 0;
	bool seen_brace = false;

	/* The header may have changed since it was indexed. */
	if (off >= len)
		return NULL;
	if (s[off] == '#') {
		while (i < end &&
		       (s[i] != '\n' || (i > off && s[i - 1] == '\\')))
			i++;
		return xstrndup(s + off, i - off);
	}
	for (; i < end; i++) {
		if (s[i] == '{') {
			depth++;
			seen_brace = true;
		} else if (s[i] == '}' && --depth == 0 && seen_brace) {
			return xstrndup(s + off, i + 1 - off);
		} else if (s[i] == ';' && !seen_brace) {
			break; /* a prototype */
		}
	}
	return NULL;
}

char *source_lookup(void *ctx, const char *name, char **where)
{
	struct source *src = ctx;
	struct def_loc *loc;
	char *text, *def, buf[4200];
	size_t len;

	if (!src->indexed)
		source_index(src);
	loc = table_slot(src, name, strlen(name));
	if (!loc->name)
		return NULL;
	if (read_disk(src, src->files[loc->file], &text, &len) < 0)
		return NULL;
	def = definition_text(text, len, loc->offset);
	free(text);
	if (def && where) {
		snprintf(buf, sizeof(buf), "%s:%u", src->files[loc->file],
			 loc->line);
		*where = xstrdup(buf);
	}
	return def;
}

/* --- history -------------------------------------------------------------- */

/* The diff of a commit against its first parent (none: the empty tree). */
static int commit_patch_buf(git_buf *buf, git_repository *repo,
			    git_commit *commit)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	int error;

	error = git_commit_tree(&tree, commit);
	if (!error && git_commit_parentcount(commit) > 0) {
		error = git_commit_parent(&parent, commit, 0);
		if (!error)
			error = git_commit_tree(&ptree, parent);
	}
	if (!error)
		error = git_diff_tree_to_tree(&diff, repo, ptree, tree, &opts);
	if (!error)
		error = git_diff_to_buf(buf, diff, GIT_DIFF_FORMAT_PATCH);
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return error;
}

char *source_commit(void *ctx, const char *commit, char **subject)
{
	struct source *src = ctx;
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_buf buf = { 0 };
	char *text = NULL;

	*subject = NULL;
	if (!src->repo || git_revparse_single(&obj, src->repo, commit) < 0 ||
	    git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0)
		goto out;
	if (commit_patch_buf(&buf, src->repo, c) < 0 ||
	    buf.size > DIFF_MAX_INPUT)
		goto out;
	text = xstrndup(buf.ptr, buf.size);
	*subject = xstrdup(git_commit_summary(c) ? git_commit_summary(c) : "");
out:
	git_buf_dispose(&buf);
	git_commit_free(c);
	git_object_free(obj);
	return text;
}
