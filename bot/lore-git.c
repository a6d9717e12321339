// SPDX-License-Identifier: GPL-2.0
/*
 * lore-git: follow an inbox through its epoch repositories, as public-inbox
 * v2 serves them (URL/git/N.git: one linear master, one message per commit
 * in the blob "m", a deletion in "d"). Each epoch is mirrored as a bare
 * repository under the state directory; a round fetches the current epoch
 * and any newer one, then reads the commits since the last one seen.
 *
 * libgit2 1.5 has no network timeouts, so its plain sockets (under TLS
 * too) are ours: connect, stall and total timeouts.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/stream.h>
#include <jansson.h>

#include "lore-priv.h"
#include "util.h"

/* --- sockets with timeouts -------------------------------------------------- */

/*
 * The limits of the fetch running on this thread. libgit2 creates the
 * streams without a payload, hence a thread-local.
 */
static __thread struct {
	long connect_ms;
	double deadline; /* monotonic seconds; 0: none */
} sock_limits;

struct sock {
	git_stream parent;
	char *host, *port;
	int fd;
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How long the next wait may be, in ms: the stall bound or what is left. */
static int wait_ms(long bound_ms)
{
	double left;

	if (!sock_limits.deadline)
		return (int)bound_ms;
	left = (sock_limits.deadline - now_mono()) * 1000;
	if (left <= 0)
		return 0;
	return left < bound_ms ? (int)left : (int)bound_ms;
}

static int sock_fail(const struct sock *s, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s %s:%s: %s", what, s->host, s->port,
		 errno ? strerror(errno) : "timed out");
	git_error_set_str(GIT_ERROR_NET, msg);
	return -1;
}

/* Wait until fd is ready for events; 0, or -1 with errno (0: timeout). */
static int sock_wait(int fd, short events, long bound_ms)
{
	struct pollfd p = { fd, events, 0 };
	int n;

	do {
		n = poll(&p, 1, wait_ms(bound_ms));
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = 0;
	return n > 0 ? 0 : -1;
}

static int try_connect(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family,
			ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return -1;
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
		return fd;
	if (errno == EINPROGRESS &&
	    !sock_wait(fd, POLLOUT, sock_limits.connect_ms) &&
	    !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && !err)
		return fd;
	if (err)
		errno = err;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int sock_connect(git_stream *stream)
{
	struct sock *s = (struct sock *)stream;
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(s->host, s->port, &hints, &res);
	if (rc) {
		char msg[512];

		snprintf(msg, sizeof(msg), "cannot resolve %s: %s", s->host,
			 gai_strerror(rc));
		git_error_set_str(GIT_ERROR_NET, msg);
		return -1;
	}
	for (ai = res; ai && s->fd < 0; ai = ai->ai_next)
		s->fd = try_connect(ai);
	freeaddrinfo(res);
	return s->fd < 0 ? sock_fail(s, "cannot connect to") : 0;
}

static ssize_t sock_read(git_stream *stream, void *buf, size_t len)
{
	struct sock *s = (struct sock *)stream;
	ssize_t n;

	for (;;) {
		if (sock_wait(s->fd, POLLIN, LORE_STALL_SECONDS * 1000L))
			return sock_fail(s, "reading from");
		n = recv(s->fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return sock_fail(s, "reading from");
	}
}

static ssize_t sock_write(git_stream *stream, const char *buf, size_t len,
			  int flags)
{
	struct sock *s = (struct sock *)stream;
	size_t off = 0;
	ssize_t n;

	(void)flags;
	while (off < len) {
		if (sock_wait(s->fd, POLLOUT, LORE_STALL_SECONDS * 1000L))
			return sock_fail(s, "writing to");
		n = send(s->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return sock_fail(s, "writing to");
		if (n > 0)
			off += n;
	}
	return (ssize_t)len;
}

static int sock_close(git_stream *stream)
{
	struct sock *s = (struct sock *)stream;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return 0;
}

static void sock_free(git_stream *stream)
{
	struct sock *s = (struct sock *)stream;

	sock_close(stream);
	free(s->host);
	free(s->port);
	free(s);
}

static int sock_new(git_stream **out, const char *host, const char *port)
{
	struct sock *s = xcalloc(1, sizeof(*s));

	s->parent.version = GIT_STREAM_VERSION;
	s->parent.connect = sock_connect;
	s->parent.read = sock_read;
	s->parent.write = sock_write;
	s->parent.close = sock_close;
	s->parent.free = sock_free;
	s->host = xstrdup(host);
	s->port = xstrdup(port);
	s->fd = -1;
	*out = &s->parent;
	return 0;
}

void lore__git_init(void)
{
	static git_stream_registration reg = { GIT_STREAM_VERSION, sock_new,
					       NULL };

	git_libgit2_init();
	git_stream_register(GIT_STREAM_STANDARD, &reg);
	/* libgit2 says "git/2.0 (libgit2 1.5.1)" otherwise */
	git_libgit2_opts(GIT_OPT_SET_USER_AGENT, "mmreview/" MMR_VERSION);
	/*
	 * Kept initialised until lore_free(): a last shutdown would free the
	 * user agent and the stream registration set here.
	 */
}

/* --- the epochs of an inbox -------------------------------------------------- */

/* The path part of url ("/linux-mm" of https://lore.kernel.org/linux-mm). */
static const char *url_path(const char *url)
{
	const char *host = strstr(url, "://");

	host = host ? host + 3 : url;
	return host + strcspn(host, "/");
}

/* N of "<path>/git/N.git", or -1. */
static long manifest_epoch(const char *key, const char *path)
{
	size_t n = strlen(path), k;
	unsigned long e;

	if (strncmp(key, path, n) || strncmp(key + n, "/git/", 5))
		return -1;
	key += n + 5;
	k = mmr_parse_uint(key, strlen(key), LORE_MAX_EPOCHS - 1, &e);
	return k && !strcmp(key + k, ".git") ? (long)e : -1;
}

/* The highest epoch a manifest.js.gz lists for url, or -1. */
static long manifest_top(const char *url, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr), *v;
	const char *key;
	long top = -1, e;

	if (!json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, key, v)
	{
		e = manifest_epoch(key, url_path(url));
		if (e > top)
			top = e;
	}
	json_decref(root);
	return top;
}

/*
 * The highest epoch from URL/manifest.js.gz (asked conditionally): -1 when
 * the server has none for this inbox.
 */
static long top_from_manifest(struct lore *l, const char *url)
{
	struct lore__cond cond = { 0 };
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT, text = SBUF_INIT;
	unsigned long kept;
	long status, top = -1;

	sbuf_init(&body, LORE_MAX_BODY);
	lore__cond_load(l, url, "manifest-http", &cond);
	lore__url(&addr, url, "manifest.js.gz");
	if (lore__http_get(l, addr.buf, &cond, &body, &status))
		goto out;
	if (status == 304) {
		if (!lore__pos_get(l, url, "manifest-top", &text) &&
		    mmr_parse_uint(text.buf, text.len, LORE_MAX_EPOCHS, &kept))
			top = (long)kept;
		goto out;
	}
	if (lore__is_gzip(body.buf, body.len) &&
	    lore__gunzip(body.buf, body.len, &text, LORE_MAX_BODY))
		goto out;
	top = lore__is_gzip(body.buf, body.len) ?
		      manifest_top(url, text.buf, text.len) :
		      manifest_top(url, body.buf, body.len);
	if (top >= 0) {
		sbuf_reset(&text);
		sbuf_addf(&text, "%ld", top);
		lore__pos_put(l, url, "manifest-top", text.buf);
		lore__cond_save(l, url, "manifest-http", &cond);
	}
out:
	lore__cond_release(&cond);
	sbuf_release(&text);
	sbuf_release(&body);
	sbuf_release(&addr);
	return top;
}

static int epoch_url(struct sbuf *out, const char *url, long epoch)
{
	sbuf_reset(out);
	return sbuf_addf(out, "%s/git/%ld.git", url, epoch);
}

/* Probe URL/git/N.git from N = from up: the last that answers, or -1. */
static long top_by_probing(struct lore *l, const char *url, long from,
			   int *error)
{
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT;
	long status, e;

	*error = 0;
	for (e = from; e < LORE_MAX_EPOCHS; e++) {
		epoch_url(&addr, url, e);
		/* smart HTTP: what every git server answers (dumb may not) */
		sbuf_addstr(&addr, "/info/refs?service=git-upload-pack");
		*error = lore__http_get(l, addr.buf, NULL, &body, &status);
		if (*error)
			break;
	}
	if (*error == MMR_ENOTFOUND)
		*error = 0;
	sbuf_release(&body);
	sbuf_release(&addr);
	return e - 1;
}

/*
 * The newest epoch of the inbox: from its manifest where served, else by
 * probing from the epoch known (a new epoch shows up as known + 1).
 */
static int find_top(struct lore *l, const char *url, long known, long *top)
{
	int error;

	*top = top_from_manifest(l, url);
	if (*top >= known && *top >= 0)
		return 0;
	*top = top_by_probing(l, url, known < 0 ? 0 : known, &error);
	if (error)
		return error;
	if (*top < 0)
		return mmr_error_set(MMR_ENOTFOUND,
				     "%s has no epoch %s/git/0.git (not a "
				     "public-inbox v2 inbox?)",
				     url, url);
	return 0;
}

/* --- the mirror -------------------------------------------------------------- */

/* state_dir/lore/<host and path>-<hash>: one directory per inbox URL. */
static void mirror_dir(struct sbuf *out, const struct lore *l, const char *url,
		       long epoch)
{
	const char *p = strstr(url, "://");
	uint32_t h = 2166136261u;
	const char *s;
	size_t n = 0;

	for (s = url; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	sbuf_reset(out);
	sbuf_addf(out, "%s/lore/", l->opts.state_dir);
	for (p = p ? p + 3 : url; *p && n < 100; p++, n++)
		sbuf_addch(out, (isalnum((unsigned char)*p) || *p == '.' ||
				 *p == '-') ?
					*p :
					'_');
	sbuf_addf(out, "-%08x/git/%ld.git", (unsigned)h, epoch);
}

static int on_progress(const git_indexer_progress *stats, void *payload)
{
	(void)stats;
	(void)payload;
	if (sock_limits.deadline && now_mono() > sock_limits.deadline) {
		git_error_set_str(GIT_ERROR_NET, "timed out");
		return -1;
	}
	return 0;
}

static int open_mirror(git_repository **repo, git_remote **remote,
		       const char *dir, const char *remote_url)
{
	const char *spec = "+refs/heads/*:refs/heads/*";
	struct stat st;

	/* heads onto heads: a bare clone's default spec leaves them stale */
	if (!stat(dir, &st) ? git_repository_open_bare(repo, dir) < 0 :
			      git_repository_init(repo, dir, 1) < 0)
		return lore__git_fail("cannot open the mirror", dir);
	if (!git_remote_lookup(remote, *repo, "origin"))
		return 0;
	if (git_remote_create_with_fetchspec(remote, *repo, "origin",
					     remote_url, spec) < 0)
		return lore__git_fail("cannot set up the mirror", dir);
	return 0;
}

static int fetch_once(struct lore *l, git_remote *remote, const char *what)
{
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	int error;

	fo.callbacks.transfer_progress = on_progress;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	sock_limits.connect_ms = l->opts.connect_timeout * 1000;
	sock_limits.deadline = now_mono() + l->opts.timeout;
	error = git_remote_fetch(remote, NULL, &fo, "mmreview: fetch");
	sock_limits.deadline = 0;
	return error < 0 ? lore__git_fail("cannot fetch", what) : 0;
}

/* Bring the mirror of one epoch up to date, retrying as HTTP does. */
static int fetch_epoch(struct lore *l, const char *url, long epoch,
		       struct sbuf *dir)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	struct sbuf remote_url = SBUF_INIT;
	long wait = LORE_BACKOFF_MS;
	int attempt, error;

	mirror_dir(dir, l, url, epoch);
	epoch_url(&remote_url, url, epoch);
	git_libgit2_init();
	error = open_mirror(&repo, &remote, dir->buf, remote_url.buf);
	for (attempt = 0; !error; attempt++) {
		error = fetch_once(l, remote, remote_url.buf);
		if (!error || attempt >= l->opts.retries)
			break;
		lore__log(l, LORE_WARN, "%s; again in %ld ms", mmr_error_last(),
			  wait);
		lore__sleep_ms(wait);
		wait *= 2;
		error = 0;
	}
	git_remote_free(remote);
	git_repository_free(repo);
	git_libgit2_shutdown();
	sbuf_release(&remote_url);
	return error;
}

/* --- a round ------------------------------------------------------------------ */

/* Where reading stopped: an epoch and its last commit read ("" for none). */
struct git_pos {
	long epoch;
	char hex[GIT_OID_HEXSZ + 1];
};

static bool pos_load(struct lore *l, const char *url, struct git_pos *p)
{
	struct sbuf v = SBUF_INIT;
	unsigned long e;
	size_t k;
	bool ok = false;

	if (lore__pos_get(l, url, "git", &v))
		goto out;
	k = mmr_parse_uint(v.buf, v.len, LORE_MAX_EPOCHS - 1, &e);
	if (!k || v.buf[k] != ' ')
		goto out;
	p->epoch = (long)e;
	snprintf(p->hex, sizeof(p->hex), "%s", v.buf + k + 1);
	ok = !strcmp(p->hex, "-") ||
	     (strlen(p->hex) == GIT_OID_HEXSZ &&
	      strspn(p->hex, "0123456789abcdef") == GIT_OID_HEXSZ);
	if (!strcmp(p->hex, "-"))
		p->hex[0] = '\0';
out:
	if (!ok && v.len)
		lore__log(l, LORE_WARN, "%s: bad position '%s' ignored", url,
			  v.buf);
	sbuf_release(&v);
	return ok;
}

static int pos_save(struct lore *l, const char *url, const struct git_pos *p)
{
	struct sbuf v = SBUF_INIT;
	int error;

	sbuf_addf(&v, "%ld %s", p->epoch, p->hex[0] ? p->hex : "-");
	error = lore__pos_put(l, url, "git", v.buf);
	sbuf_release(&v);
	return error;
}

/* Each message as the caller sees it: the inbox URL and the epoch. */
struct relay {
	const char *url;
	long epoch;
	lore_msg_fn fn;
	void *payload;
};

static int relay_msg(const struct lore_msg *m, void *arg)
{
	const struct relay *r = arg;
	struct lore_msg copy = *m;
	char where[96];

	snprintf(where, sizeof(where), "epoch %ld %s", r->epoch, m->where);
	copy.inbox = r->url;
	copy.where = where;
	return r->fn(&copy, r->payload);
}

static int read_tip(const char *dir, char *hex)
{
	git_repository *repo = NULL;
	git_oid tip;
	int error;

	git_libgit2_init();
	if (git_repository_open_bare(&repo, dir) < 0)
		error = lore__git_fail("cannot open", dir);
	else if (!(error = lore__branch_tip(repo, &tip)))
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &tip);
	else if (error == MMR_ENOTFOUND)
		error = 0, hex[0] = '\0';
	git_repository_free(repo);
	git_libgit2_shutdown();
	return error;
}

/* A first round without --since: remember the newest commit, read none. */
static int start_from_now(struct lore *l, const char *url, long top)
{
	struct sbuf dir = SBUF_INIT;
	struct git_pos p = { top, "" };
	int error;

	error = fetch_epoch(l, url, top, &dir);
	if (!error)
		error = read_tip(dir.buf, p.hex);
	if (!error)
		error = pos_save(l, url, &p);
	if (!error)
		lore__log(l, LORE_INFO,
			  "%s: following from now (epoch %ld, commit %.12s); "
			  "--since DATE reads older mail",
			  url, top, p.hex[0] ? p.hex : "none");
	sbuf_release(&dir);
	return error;
}

/* Read one mirrored epoch from the position on; p moves with it. */
static int read_epoch(struct lore *l, const char *url, const char *dir,
		      time_t since, struct git_pos *p, lore_msg_fn fn,
		      void *payload)
{
	struct relay r = { url, p->epoch, fn, payload };
	int error;

	error = lore_epoch_read(dir, p->hex[0] ? p->hex : NULL, since,
				relay_msg, &r, p->hex);
	if (error == MMR_ENOTFOUND && p->hex[0]) {
		lore__log(l, LORE_WARN,
			  "%s: %s; going on from the newest commit, older "
			  "messages of epoch %ld may be missed",
			  url, mmr_error_last(), p->epoch);
		error = read_tip(dir, p->hex);
	}
	return error;
}

int lore__git_round(struct lore *l, const char *url, lore_msg_fn fn,
		    void *payload)
{
	struct sbuf dir = SBUF_INIT;
	struct git_pos p = { 0, "" };
	bool have = pos_load(l, url, &p);
	time_t since = have ? 0 : l->opts.since;
	long top, e;
	int error, saved;

	error = find_top(l, url, have ? p.epoch : -1, &top);
	if (error)
		return error;
	if (!have && !since)
		return start_from_now(l, url, top);
	if (have && top < p.epoch)
		top = p.epoch;
	for (e = p.epoch; e <= top && !error; e++) {
		if (e != p.epoch) {
			p.epoch = e; /* a new epoch: from its first commit */
			p.hex[0] = '\0';
		}
		error = fetch_epoch(l, url, e, &dir);
		if (!error)
			error = read_epoch(l, url, dir.buf, since, &p, fn,
					   payload);
		saved = pos_save(l, url, &p);
		if (!error)
			error = saved;
	}
	sbuf_release(&dir);
	return error;
}
