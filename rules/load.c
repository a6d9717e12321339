// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files from disk: regular files only, bounded, read without
 * blocking (a FIFO cannot hang a run); directories in name order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rule.h"
#include "sbuf.h"
#include "util.h"

int rule_problem_say(rule_problem_fn fn, void *payload, int code,
		     const char *path, unsigned line, unsigned column,
		     const char *fmt, ...)
{
	struct rule_problem p = { path, line, column, NULL };
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	sbuf_init(&msg, 4096);
	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	p.message = msg.buf;
	if (fn)
		fn(&p, payload);
	mmr_error_set(code, "%s", msg.buf);
	sbuf_release(&msg);
	return code;
}

static void say(rule_problem_fn fn, void *payload, const char *path,
		const char *msg)
{
	rule_problem_say(fn, payload, MMR_EINVAL, path, 0, 0, "%s", msg);
}

static int read_fd(int fd, const char *path, size_t max, struct sbuf *out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mmr_error_set(MMR_EIO, "cannot read '%s': %s",
					     path, strerror(errno));
		if (out->len + n > max)
			return mmr_error_set(MMR_ELIMIT,
					     "'%s' is larger than %zu bytes",
					     path, max);
		sbuf_add(out, buf, n);
	}
	return 0;
}

int rule_file_read(const char *path, size_t max, unsigned flags, char **text,
		   size_t *len)
{
	int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	struct sbuf sb = SBUF_INIT;
	struct stat st;
	int fd, err;

	*text = NULL;
	*len = 0;
	if (flags & RULE_LOAD_UNTRUSTED)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0)
		return mmr_error_set(errno == ENOENT ? MMR_ENOTFOUND : MMR_EIO,
				     "cannot read '%s': %s", path,
				     errno == ELOOP ? "a symbolic link in an "
						      "untrusted directory" :
						      strerror(errno));
	sbuf_init(&sb, max + 1);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		err = mmr_error_set(
			MMR_EIO, "cannot read '%s': not a regular file", path);
	else if ((size_t)st.st_size > max)
		err = mmr_error_set(MMR_ELIMIT, "'%s' is larger than %zu bytes",
				    path, max);
	else
		err = read_fd(fd, path, max, &sb);
	close(fd);
	if (!err)
		*text = sbuf_detach(&sb, len);
	sbuf_release(&sb);
	return err;
}

int rule_set_add_query(struct rule_set *rs, const char *path, const char *text,
		       size_t len, const char *origin, unsigned flags,
		       rule_problem_fn fn, void *payload)
{
	struct rule *r;
	const char *old;
	int err;

	err = rule_query_new(&r, path, text, len, fn, payload);
	if (err)
		return MMR_EINVAL;
	if (!origin)
		origin = path;
	old = rule_set_origin(rs, r->id);
	/* A built-in rule, or the same file loaded before. */
	if ((flags & RULE_LOAD_REPLACE) && old &&
	    (!strcmp(old, "built-in") || !strcmp(old, origin)))
		rule_set_remove(rs, r->id);
	err = rule_set_add(rs, r, origin);
	if (err) {
		say(fn, payload, path, mmr_error_last());
		r->free(r);
		return MMR_EINVAL;
	}
	return 0;
}

int rule_set_load_file(struct rule_set *rs, const char *path, unsigned flags,
		       rule_problem_fn fn, void *payload)
{
	char *text;
	size_t len;
	int err = rule_file_read(path, RULE_MAX_FILE, flags, &text, &len);

	if (err)
		say(fn, payload, path, mmr_error_last());
	else
		err = rule_set_add_query(rs, path, text, len, NULL, flags, fn,
					 payload);
	free(text);
	return err ? MMR_EINVAL : 0;
}

static bool is_rule_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".scm");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule file names of dir, sorted; NULL with a message on failure. */
static char **rule_names(const char *dir, size_t *n, bool *more)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t alloc = 0;

	*n = 0;
	*more = false;
	if (!d) {
		mmr_error_set(errno == ENOENT ? MMR_ENOTFOUND : MMR_EIO,
			      "cannot read rules directory '%s': %s", dir,
			      strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!is_rule_name(de->d_name))
			continue;
		if (*n == RULE_MAX_DIR_FILES) {
			*more = true;
			break;
		}
		XGROW(names, alloc, *n + 1);
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names ? names : xcalloc(1, sizeof(*names));
}

int rule_set_load_dir(struct rule_set *rs, const char *dir, unsigned flags,
		      rule_problem_fn fn, void *payload)
{
	struct sbuf path = SBUF_INIT;
	char **names;
	size_t i, n;
	bool more;
	int ret = 0;

	names = rule_names(dir, &n, &more);
	if (!names) {
		say(fn, payload, dir, mmr_error_last());
		return MMR_EINVAL;
	}
	if (more) {
		mmr_error_set(MMR_ELIMIT,
			      "more than %d rule files: only the first %d "
			      "read",
			      RULE_MAX_DIR_FILES, RULE_MAX_DIR_FILES);
		say(fn, payload, dir, mmr_error_last());
		ret = MMR_EINVAL;
	}
	for (i = 0; i < n; i++) {
		sbuf_reset(&path);
		sbuf_addf(&path, "%s%s%s", dir,
			  *dir && dir[strlen(dir) - 1] == '/' ? "" : "/",
			  names[i]);
		if (rule_set_load_file(rs, path.buf, flags, fn, payload))
			ret = MMR_EINVAL;
		free(names[i]);
	}
	free(names);
	sbuf_release(&path);
	return ret;
}
