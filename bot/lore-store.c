// SPDX-License-Identifier: GPL-2.0
/*
 * lore-store: the positions (and whatever else a caller keeps) as small
 * files in a directory: dir/<ns>/<sha1 of the key>, holding the key on the
 * first line and the value after it, replaced with rename() so a crash
 * leaves the old value or the new one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "lore-priv.h"
#include "util.h"

struct lore_store {
	const struct lore_store_ops *ops;
	void *payload;
};

struct lore_store *lore_store_new(const struct lore_store_ops *ops,
				  void *payload)
{
	struct lore_store *st = xcalloc(1, sizeof(*st));

	st->ops = ops;
	st->payload = payload;
	return st;
}

void lore_store_free(struct lore_store *st)
{
	if (!st)
		return;
	if (st->ops->free)
		st->ops->free(st->payload);
	free(st);
}

static int check_key(const char *ns, const char *key)
{
	if (!*ns || strchr(ns, '/') || ns[0] == '.' || strchr(key, '\n'))
		return mmr_error_set(MMR_EINVAL, "bad store key '%s' in '%s'",
				     key, ns);
	return 0;
}

int lore_store_get(struct lore_store *st, const char *ns, const char *key,
		   struct sbuf *value)
{
	int error = check_key(ns, key);

	return error ? error : st->ops->get(st->payload, ns, key, value);
}

int lore_store_put(struct lore_store *st, const char *ns, const char *key,
		   const char *value, size_t len)
{
	int error = check_key(ns, key);

	return error ? error : st->ops->put(st->payload, ns, key, value, len);
}

int lore_store_del(struct lore_store *st, const char *ns, const char *key)
{
	int error = check_key(ns, key);

	return error ? error : st->ops->del(st->payload, ns, key);
}

int lore_store_each(struct lore_store *st, const char *ns,
		    lore_store_each_fn fn, void *arg)
{
	int error = check_key(ns, "");

	return error ? error : st->ops->each(st->payload, ns, fn, arg);
}

/* --- the directory backend ------------------------------------------------ */

struct dir_store {
	char *dir;
};

static int mkdir_p(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = path;
	int error = 0;

	while (!error && *p) {
		const char *slash = strchr(p + 1, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);

		sbuf_reset(&sb);
		sbuf_add(&sb, path, n);
		if (mkdir(sb.buf, 0700) && errno != EEXIST)
			error = mmr_error_set(MMR_EIO, "cannot create '%s': %s",
					      sb.buf, strerror(errno));
		p = path + n;
	}
	sbuf_release(&sb);
	return error;
}

static void key_path(struct sbuf *out, const struct dir_store *ds,
		     const char *ns, const char *key)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;

	git_odb_hash(&id, key, strlen(key), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &id);
	sbuf_reset(out);
	sbuf_addf(out, "%s/%s/%s", ds->dir, ns, hex);
}

/* The whole of a file of the store, bounded. */
static int read_file(const char *path, struct sbuf *out)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), error = 0;

	if (fd < 0)
		return errno == ENOENT ?
			       MMR_ENOTFOUND :
			       mmr_error_set(MMR_EIO, "cannot read '%s': %s",
					     path, strerror(errno));
	sbuf_reset(out);
	while (!error && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			error = mmr_error_set(MMR_EIO, "cannot read '%s': %s",
					      path, strerror(errno));
		else if (out->len + n > LORE_MAX_BODY)
			error = mmr_error_set(MMR_ELIMIT,
					      "'%s' is larger than %zu bytes",
					      path, LORE_MAX_BODY);
		else
			sbuf_add(out, buf, n);
	}
	close(fd);
	return error;
}

/* Split "key\nvalue": the key must be the one asked for (no collision). */
static const char *file_value(const struct sbuf *file, const char *key,
			      size_t *len)
{
	const char *nl = memchr(file->buf, '\n', file->len);

	if (!nl || (key && ((size_t)(nl - file->buf) != strlen(key) ||
			    memcmp(file->buf, key, nl - file->buf))))
		return NULL;
	*len = file->len - (nl + 1 - file->buf);
	return nl + 1;
}

static int dir_get(void *payload, const char *ns, const char *key,
		   struct sbuf *value)
{
	struct sbuf path = SBUF_INIT, file = SBUF_INIT;
	const char *v;
	size_t len;
	int error;

	key_path(&path, payload, ns, key);
	error = read_file(path.buf, &file);
	if (!error) {
		v = file_value(&file, key, &len);
		sbuf_reset(value);
		if (!v)
			error = MMR_ENOTFOUND;
		else
			error = sbuf_add(value, v, len);
	}
	sbuf_release(&file);
	sbuf_release(&path);
	return error;
}

static int dir_put(void *payload, const char *ns, const char *key,
		   const char *value, size_t len)
{
	struct dir_store *ds = payload;
	struct sbuf path = SBUF_INIT, tmp = SBUF_INIT;
	FILE *f = NULL;
	bool ok = false;
	int fd, error;

	sbuf_addf(&path, "%s/%s", ds->dir, ns);
	error = mkdir_p(path.buf);
	if (error)
		goto out;
	key_path(&path, ds, ns, key);
	sbuf_addf(&tmp, "%s.tmp%ld", path.buf, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && !(f = fdopen(fd, "w")))
		close(fd);
	if (f) {
		ok = fprintf(f, "%s\n", key) >= 0 &&
		     fwrite(value, 1, len, f) == len;
		ok = !fclose(f) && ok;
	}
	/* a new file, renamed over the old: one or the other after a crash */
	if (!ok || rename(tmp.buf, path.buf)) {
		error = mmr_error_set(MMR_EIO, "cannot write '%s': %s",
				      path.buf, strerror(errno));
		unlink(tmp.buf);
	}
out:
	sbuf_release(&tmp);
	sbuf_release(&path);
	return error;
}

static int dir_del(void *payload, const char *ns, const char *key)
{
	struct sbuf path = SBUF_INIT;
	int error = 0;

	key_path(&path, payload, ns, key);
	if (unlink(path.buf) && errno != ENOENT)
		error = mmr_error_set(MMR_EIO, "cannot remove '%s': %s",
				      path.buf, strerror(errno));
	sbuf_release(&path);
	return error;
}

/* Only the files the store wrote: 40 hex digits. */
static bool is_key_file(const char *name)
{
	size_t n = strspn(name, "0123456789abcdef");

	return n == GIT_OID_HEXSZ && !name[n];
}

static int dir_each(void *payload, const char *ns, lore_store_each_fn fn,
		    void *arg)
{
	struct dir_store *ds = payload;
	struct sbuf path = SBUF_INIT, file = SBUF_INIT;
	struct dirent *de;
	DIR *d;
	int error = 0;

	sbuf_addf(&path, "%s/%s", ds->dir, ns);
	d = opendir(path.buf);
	if (!d) {
		if (errno != ENOENT)
			error = mmr_error_set(MMR_EIO, "cannot read '%s': %s",
					      path.buf, strerror(errno));
		goto out;
	}
	while (!error && (de = readdir(d))) {
		const char *v, *nl;
		size_t len;

		if (!is_key_file(de->d_name))
			continue;
		sbuf_reset(&path);
		sbuf_addf(&path, "%s/%s/%s", ds->dir, ns, de->d_name);
		error = read_file(path.buf, &file);
		if (error == MMR_ENOTFOUND) {
			error = 0; /* removed meanwhile */
			continue;
		}
		if (error)
			break;
		v = file_value(&file, NULL, &len);
		if (!v)
			continue; /* not one of ours */
		nl = v - 1;
		file.buf[nl - file.buf] = '\0';
		error = fn(file.buf, v, len, arg);
	}
	closedir(d);
out:
	sbuf_release(&file);
	sbuf_release(&path);
	return error;
}

static void dir_free(void *payload)
{
	struct dir_store *ds = payload;

	free(ds->dir);
	free(ds);
	git_libgit2_shutdown();
}

static const struct lore_store_ops dir_ops = {
	dir_get, dir_put, dir_del, dir_each, dir_free,
};

int lore_store_open_dir(struct lore_store **out, const char *dir)
{
	struct dir_store *ds;
	int error;

	*out = NULL;
	error = mkdir_p(dir);
	if (error)
		return error;
	git_libgit2_init(); /* for the hash of the keys */
	ds = xcalloc(1, sizeof(*ds));
	ds->dir = xstrdup(dir);
	*out = lore_store_new(&dir_ops, ds);
	return 0;
}
