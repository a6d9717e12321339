// SPDX-License-Identifier: GPL-2.0
/*
 * lore: the client, its positions, and the names of messages in URLs.
 * The modes are in lore-git.c and lore-atom.c, HTTP in lore-http.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "config.h"
#include "lore-priv.h"
#include "state.h"
#include "util.h"

/* Longer Message-IDs are refused (RFC 5322 lines stop at 998). */
#define LORE_MAX_MSGID 998

void lore__log(const struct lore *l, enum lore_level level, const char *fmt,
	       ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (!l->opts.log)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	l->opts.log(level, sb.buf, l->opts.log_payload);
	sbuf_release(&sb);
}

int lore_new(struct lore **out, const struct lore_opts *opts,
	     struct lore_store *store)
{
	struct lore *l;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return mmr_error_set(MMR_EIO, "cannot initialise libcurl");
	l = xcalloc(1, sizeof(*l));
	l->opts = *opts;
	if (l->opts.connect_timeout <= 0)
		l->opts.connect_timeout = LORE_DEFAULT_CONNECT_TIMEOUT;
	if (l->opts.timeout <= 0)
		l->opts.timeout = LORE_DEFAULT_TIMEOUT;
	if (l->opts.retries < 0)
		l->opts.retries = LORE_DEFAULT_RETRIES;
	l->store = store;
	l->curl = curl_easy_init();
	if (!l->curl) {
		free(l);
		curl_global_cleanup();
		return mmr_error_set(MMR_EIO, "cannot initialise libcurl");
	}
	snprintf(l->user_agent, sizeof(l->user_agent), "mmreview/%s",
		 MMR_VERSION);
	lore__git_init();
	*out = l;
	return 0;
}

void lore_free(struct lore *l)
{
	if (!l)
		return;
	curl_easy_cleanup(l->curl);
	free(l);
	curl_global_cleanup();
	git_libgit2_shutdown(); /* the init of lore__git_init() */
}

char *lore_url_normalize(const char *url)
{
	size_t n = strlen(url);

	while (n && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

static bool url_ok(const char *url)
{
	size_t i;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	for (i = 0; url[i]; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return false;
	return i <= LORE_MAX_URL;
}

/* url checked, and without its trailing slashes, in *out. */
static int inbox_url(const char *url, char **out)
{
	*out = NULL;
	if (!url_ok(url))
		return mmr_error_set(MMR_EINVAL,
				     "'%s' is not an http:// or https:// URL "
				     "of an inbox",
				     url);
	*out = lore_url_normalize(url);
	return 0;
}

int lore_fetch(struct lore *l, const char *url, lore_msg_fn fn, void *payload)
{
	char *u;
	int error = inbox_url(url, &u);

	if (error)
		return error;
	if (l->opts.mode == LORE_ATOM)
		error = lore__atom_round(l, u, fn, payload);
	else
		error = lore__git_round(l, u, fn, payload);
	free(u);
	return error;
}

int lore_thread(struct lore *l, const char *url, const char *msgid,
		struct sbuf *out)
{
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT;
	char *u;
	long status;
	int error = inbox_url(url, &u);

	if (error)
		return error;
	sbuf_init(&body, LORE_MAX_BODY);
	error = lore__msg_url(&addr, u, msgid, "t.mbox.gz");
	if (!error)
		error = lore__http_get(l, addr.buf, NULL, &body, &status);
	if (error == MMR_ENOTFOUND)
		error = mmr_error_set(MMR_ENOTFOUND, "no message <%s> in %s",
				      msgid, u);
	if (!error && lore__is_gzip(body.buf, body.len))
		error = lore__gunzip(body.buf, body.len, out, LORE_MAX_BODY);
	else if (!error)
		error = sbuf_add(out, body.buf, body.len);
	if (error && error != MMR_ENOTFOUND)
		mmr_error_prefix("thread of <%s>", msgid);
	sbuf_release(&body);
	sbuf_release(&addr);
	free(u);
	return error;
}

int lore_has_message(struct lore *l, const char *url, const char *msgid)
{
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT;
	char *u;
	long status;
	int error = inbox_url(url, &u);

	if (error)
		return error;
	error = lore__msg_url(&addr, u, msgid, "raw");
	if (!error)
		error = lore__http_get(l, addr.buf, NULL, &body, &status);
	if (!error)
		error = 1;
	else if (error == MMR_ENOTFOUND)
		error = 0;
	else
		mmr_error_prefix("looking for <%s> in %s", msgid, u);
	sbuf_release(&body);
	sbuf_release(&addr);
	free(u);
	return error;
}

/* --- positions ---------------------------------------------------------- */

static void pos_key(struct sbuf *key, const char *url, const char *name)
{
	sbuf_reset(key);
	sbuf_addf(key, "%s %s", url, name);
}

int lore__pos_get(struct lore *l, const char *url, const char *name,
		  struct sbuf *value)
{
	struct sbuf key = SBUF_INIT;
	int error;

	pos_key(&key, url, name);
	error = lore_store_get(l->store, LORE_NS_POSITION, key.buf, value);
	sbuf_release(&key);
	return error;
}

int lore__pos_put(struct lore *l, const char *url, const char *name,
		  const char *value)
{
	struct sbuf key = SBUF_INIT;
	int error;

	pos_key(&key, url, name);
	error = lore_store_put(l->store, LORE_NS_POSITION, key.buf, value,
			       strlen(value));
	sbuf_release(&key);
	return error;
}

/* "etag\nmodified": the validators of the last answer to a request. */
void lore__cond_load(struct lore *l, const char *url, const char *name,
		     struct lore__cond *c)
{
	struct sbuf v = SBUF_INIT;
	char *nl;

	if (!lore__pos_get(l, url, name, &v) && (nl = strchr(v.buf, '\n'))) {
		if (nl > v.buf)
			c->etag = xstrndup(v.buf, nl - v.buf);
		if (nl[1])
			c->modified = xstrdup(nl + 1);
	}
	sbuf_release(&v);
}

int lore__cond_save(struct lore *l, const char *url, const char *name,
		    const struct lore__cond *c)
{
	struct sbuf v = SBUF_INIT;
	int error;

	sbuf_addf(&v, "%s\n%s", c->etag ? c->etag : "",
		  c->modified ? c->modified : "");
	error = lore__pos_put(l, url, name, v.buf);
	sbuf_release(&v);
	return error;
}

/* --- names ---------------------------------------------------------------- */

int lore_msgid_escape(struct sbuf *out, const char *msgid)
{
	const unsigned char *p;
	int error = 0;

	for (p = (const unsigned char *)msgid; *p && !error; p++) {
		if (isalnum(*p) || strchr("-._~@", *p))
			error = sbuf_addch(out, *p);
		else
			error = sbuf_addf(out, "%%%02X", *p);
	}
	return error;
}

int lore__url(struct sbuf *out, const char *url, const char *suffix)
{
	sbuf_reset(out);
	return sbuf_addf(out, "%s/%s", url, suffix);
}

int lore__msg_url(struct sbuf *out, const char *url, const char *msgid,
		  const char *suffix)
{
	int error;

	sbuf_reset(out);
	error = sbuf_addf(out, "%s/", url);
	if (!error)
		error = lore_msgid_escape(out, msgid);
	if (!error)
		error = sbuf_addf(out, "/%s", suffix);
	return error;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* [s, s+n) with %XX decoded, in a new string. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool msgid_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if ((unsigned char)id[i] <= ' ' || id[i] == 0x7f ||
		    id[i] == '<' || id[i] == '>')
			return false;
	return i && i <= LORE_MAX_MSGID;
}

/*
 * "https://host/inbox/<msgid>/T/#u": the inbox is what comes before the
 * first path segment holding an '@' (lore's /r/ redirector is /all/).
 */
static int parse_url(const char *arg, char **inbox, char **msgid)
{
	const char *host = strstr(arg, "://") + 3;
	const char *path = host + strcspn(host, "/?#");
	const char *end = path + strcspn(path, "?#");
	const char *seg = path, *prev = NULL;

	while (seg < end && *seg == '/') {
		const char *s = seg + 1;
		size_t n = strcspn(s, "/?#");

		if (s + n > end)
			n = end - s;
		if (memchr(s, '@', n) && prev) {
			struct sbuf sb = SBUF_INIT;

			sbuf_add(&sb, arg, prev - arg);
			if (seg - prev == 2 && prev[1] == 'r')
				sbuf_addstr(&sb, "/all");
			else
				sbuf_add(&sb, prev, seg - prev);
			*inbox = sbuf_detach(&sb, NULL);
			*msgid = pct_decode(s, n);
			return 0;
		}
		prev = seg;
		seg = s + n;
	}
	return mmr_error_set(MMR_EINVAL,
			     "'%s' names no message: expected "
			     "https://host/inbox/<message-id>/",
			     arg);
}

int lore_parse_target(const char *arg, char **inbox, char **msgid)
{
	size_t n;
	int error;

	*inbox = *msgid = NULL;
	while (isspace((unsigned char)*arg))
		arg++;
	if (!strncmp(arg, "http://", 7) || !strncmp(arg, "https://", 8)) {
		error = parse_url(arg, inbox, msgid);
	} else {
		if (!strncmp(arg, "id:", 3))
			arg += 3;
		if (*arg == '<')
			arg++;
		n = strlen(arg);
		while (n && isspace((unsigned char)arg[n - 1]))
			n--;
		if (n && arg[n - 1] == '>')
			n--;
		*msgid = xstrndup(arg, n);
		error = 0;
	}
	if (!error && !msgid_ok(*msgid))
		error = mmr_error_set(MMR_EINVAL, "'%s' is not a message-id",
				      *msgid);
	if (error) {
		free(*inbox);
		free(*msgid);
		*inbox = *msgid = NULL;
	}
	return error;
}

/* --- time ----------------------------------------------------------------- */

static bool num(const char **s, size_t digits, unsigned long max,
		unsigned long *out)
{
	if (strlen(*s) < digits ||
	    mmr_parse_uint(*s, digits, max, out) != digits)
		return false;
	*s += digits;
	return true;
}

static bool expect(const char **s, const char *set)
{
	if (!**s || !strchr(set, **s))
		return false;
	(*s)++;
	return true;
}

/* "Z", "+hh:mm", "-hhmm" or nothing (UTC): the offset in seconds. */
static bool zone(const char *s, long *off)
{
	unsigned long h, m;
	int sign;

	*off = 0;
	if (!*s || !strcmp(s, "Z") || !strcmp(s, "z"))
		return true;
	if (*s != '+' && *s != '-')
		return false;
	sign = *s++ == '-' ? -1 : 1;
	if (!num(&s, 2, 23, &h))
		return false;
	if (*s == ':')
		s++;
	if (!num(&s, 2, 59, &m) || *s)
		return false;
	*off = sign * (long)(h * 3600 + m * 60);
	return true;
}

time_t lore_parse_time(const char *s)
{
	unsigned long y, mo, d, h = 0, mi = 0, sec = 0;
	struct tm tm = { 0 };
	long off;

	if (!num(&s, 4, 9999, &y) || !expect(&s, "-") || !num(&s, 2, 12, &mo) ||
	    !expect(&s, "-") || !num(&s, 2, 31, &d) || !y || !mo || !d)
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (!num(&s, 2, 23, &h) || !expect(&s, ":") ||
		    !num(&s, 2, 59, &mi))
			return -1;
		if (*s == ':' && (s++, !num(&s, 2, 60, &sec)))
			return -1;
		if (*s == '.')
			for (s++; isdigit((unsigned char)*s); s++)
				;
	}
	if (!zone(s, &off))
		return -1;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	return timegm(&tm) - off;
}

/* --- settings ---------------------------------------------------------------- */

struct str_list {
	char ***v;
	size_t *n;
	size_t alloc;
	const char *key;
};

static int add_value(const char *value, void *payload)
{
	struct str_list *l = payload;

	if (!value || !*value)
		return mmr_error_set(MMR_EINVAL, "'%s' without a value",
				     l->key);
	XGROW(*l->v, l->alloc, *l->n + 1);
	(*l->v)[(*l->n)++] = xstrdup(value);
	return 0;
}

static int all_values(const struct config *cfg, const char *key, char ***v,
		      size_t *n)
{
	struct str_list l = { v, n, 0, key };

	return config_get_all(cfg, key, add_value, &l);
}

static int positive(const struct config *cfg, const char *key, long dflt,
		    long min, long *out)
{
	int error = config_get_int(cfg, key, dflt, out);

	if (!error && *out < min)
		error = mmr_error_set(MMR_EINVAL,
				      "'%s' must be at least %ld (is %ld)", key,
				      min, *out);
	return error;
}

static int check_urls(const struct lore_settings *s)
{
	size_t i;
	char *u;
	int error = 0;

	for (i = 0; i < s->nurls && !error; i++) {
		error = inbox_url(s->urls[i], &u);
		free(u);
	}
	if (error)
		mmr_error_prefix("lore.url");
	return error;
}

int lore_settings_load(struct lore_settings *s, const struct config *cfg)
{
	static const char *const modes[] = { "git", "atom", NULL };
	long retries;
	int mode, error;

	memset(s, 0, sizeof(*s));
	s->opts.retries = -1;
	error = all_values(cfg, "lore.url", &s->urls, &s->nurls);
	if (!error && !s->nurls)
		error = add_value(LORE_DEFAULT_URL,
				  &(struct str_list){ &s->urls, &s->nurls, 0,
						      "lore.url" });
	if (!error)
		error = check_urls(s);
	if (!error)
		error = all_values(cfg, "lore.ignore-from", &s->ignore_from,
				   &s->nignore_from);
	if (!error)
		error = config_get_enum(cfg, "lore.mode", modes, LORE_GIT,
					&mode);
	if (!error)
		error = positive(cfg, "lore.settle", ASSEMBLE_DEFAULT_SETTLE, 0,
				 &s->settle);
	if (!error)
		error = positive(cfg, "lore.connect-timeout",
				 LORE_DEFAULT_CONNECT_TIMEOUT, 1,
				 &s->opts.connect_timeout);
	if (!error)
		error = positive(cfg, "lore.timeout", LORE_DEFAULT_TIMEOUT, 1,
				 &s->opts.timeout);
	if (!error)
		error = positive(cfg, "lore.retries", LORE_DEFAULT_RETRIES, 0,
				 &retries);
	if (!error && retries > 100)
		error = mmr_error_set(MMR_EINVAL,
				      "'lore.retries' must be at most 100");
	if (!error) {
		s->opts.mode = mode;
		s->opts.retries = (int)retries;
		error = state_dir(cfg, &s->state_dir);
	}
	s->opts.state_dir = s->state_dir;
	return error;
}

static void free_list(char **v, size_t n)
{
	while (n--)
		free(v[n]);
	free(v);
}

void lore_settings_release(struct lore_settings *s)
{
	free_list(s->urls, s->nurls);
	free_list(s->ignore_from, s->nignore_from);
	free(s->state_dir);
	memset(s, 0, sizeof(*s));
}
