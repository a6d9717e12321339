// SPDX-License-Identifier: GPL-2.0
/*
 * smtp: libcurl's SMTP, with the protocol watched through the debug
 * callback so that a refused recipient can be named and a message whose
 * data went out without an answer is told apart from one that never left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "sbuf.h"
#include "smtp.h"
#include "util.h"

struct smtp {
	char *url;
	char *server; /* scheme://host:port, for messages */
	char *user;
	char *pass; /* wiped by smtp_free() */
	bool starttls;
	long connect_timeout, timeout;
	bool curl_ready; /* curl_global_init() done */
};

/* --- settings -------------------------------------------------------------- */

/* Check the URL and keep "scheme://host:port" for messages. */
static int parse_url(struct smtp *s)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *pass = NULL;
	struct sbuf sb = SBUF_INIT;
	int error = 0;

	if (curl_url_set(u, CURLUPART_URL, s->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		error = mmr_error_set(MMR_EINVAL,
				      "bad smtp.url: not a URL with a host");
		goto out;
	}
	if (strcmp(scheme, "smtp") && strcmp(scheme, "smtps")) {
		error = mmr_error_set(MMR_EINVAL,
				      "bad smtp.url: the scheme is '%s', "
				      "smtp or smtps expected",
				      scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		error = mmr_error_set(MMR_EINVAL,
				      "smtp.url carries a password: put it in "
				      "smtp.pass-file or $MMREVIEW_SMTP_PASS");
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	sbuf_addf(&sb, "%s://%s:%s", scheme, host, port ? port : "?");
	s->server = sbuf_detach(&sb, NULL);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(pass);
	curl_url_cleanup(u);
	return error;
}

/* The first line of a file only its owner can read; never quoted. */
static int read_pass_file(struct smtp *s, const char *path)
{
	char buf[SMTP_MAX_PASS + 1];
	struct stat sb;
	ssize_t n = 0, got;
	int error = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return mmr_error_set(MMR_EINVAL,
				     "cannot read smtp.pass-file '%s': %s",
				     path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		error = mmr_error_set(MMR_EINVAL,
				      "smtp.pass-file '%s' is not a regular "
				      "file",
				      path);
	else if (sb.st_mode & 077)
		error = mmr_error_set(MMR_EINVAL,
				      "smtp.pass-file '%s' can be read by "
				      "others (mode %04o): chmod 600 it",
				      path, (unsigned)(sb.st_mode & 07777));
	while (!error && n < (ssize_t)sizeof(buf) &&
	       (got = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (got < 0 && errno != EINTR)
			error = mmr_error_set(MMR_EINVAL,
					      "cannot read smtp.pass-file "
					      "'%s': %s",
					      path, strerror(errno));
		n += got > 0 ? got : 0;
	}
	close(fd);
	if (!error && n > SMTP_MAX_PASS)
		error = mmr_error_set(MMR_EINVAL,
				      "smtp.pass-file '%s' is larger than %d "
				      "bytes",
				      path, SMTP_MAX_PASS);
	if (!error) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!*buf)
			error = mmr_error_set(MMR_EINVAL,
					      "smtp.pass-file '%s' is empty",
					      path);
		else
			s->pass = xstrdup(buf);
	}
	explicit_bzero(buf, sizeof(buf));
	return error;
}

/* [smtp] pass-file wins over $MMREVIEW_SMTP_PASS. */
static int read_password(struct smtp *s, const struct config *cfg)
{
	const char *env = getenv("MMREVIEW_SMTP_PASS");
	char *path = NULL;
	int error = config_get_path(cfg, "smtp.pass-file", &path);

	if (!error) {
		error = read_pass_file(s, path);
		free(path);
		return error;
	}
	if (error != MMR_ENOTFOUND)
		return error;
	if (env && *env) {
		s->pass = xstrdup(env);
		return 0;
	}
	return mmr_error_set(MMR_EINVAL,
			     "smtp.user is set but there is no password: set "
			     "smtp.pass-file or $MMREVIEW_SMTP_PASS");
}

static int get_seconds(const struct config *cfg, const char *key, long dflt,
		       long *out)
{
	int error = config_get_int(cfg, key, dflt, out);

	if (!error && (*out < 1 || *out > 86400))
		error = mmr_error_set(
			MMR_EINVAL, "bad %s: %ld seconds, 1 to 86400 expected",
			key, *out);
	return error;
}

int smtp_new(struct smtp **out, const struct config *cfg)
{
	struct smtp *s = xcalloc(1, sizeof(*s));
	const char *v;
	int error;

	*out = NULL;
	if (config_get_string(cfg, "smtp.pass", &v) != MMR_ENOTFOUND) {
		error = mmr_error_set(
			MMR_EINVAL, "smtp.pass is not read: put the password "
				    "in smtp.pass-file or $MMREVIEW_SMTP_PASS");
		goto fail;
	}
	error = config_get_string(cfg, "smtp.url", &v);
	if (error == MMR_ENOTFOUND)
		error = mmr_error_set(MMR_EINVAL,
				      "post.mode is smtp but smtp.url is not "
				      "set");
	if (error < 0)
		goto fail;
	s->url = xstrdup(v);
	error = parse_url(s);
	if (!error)
		error = config_get_bool(cfg, "smtp.starttls", true,
					&s->starttls);
	if (!error)
		error = get_seconds(cfg, "smtp.connect-timeout",
				    SMTP_CONNECT_TIMEOUT, &s->connect_timeout);
	if (!error)
		error = get_seconds(cfg, "smtp.timeout", SMTP_TIMEOUT,
				    &s->timeout);
	if (!error) {
		int user = config_get_string(cfg, "smtp.user", &v);

		if (!user) {
			s->user = xstrdup(v);
			error = read_password(s, cfg);
		} else if (user != MMR_ENOTFOUND) {
			error = user;
		}
	}
	if (!error && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		error = mmr_error_set(MMR_EIO, "cannot initialise libcurl");
	if (error < 0)
		goto fail;
	s->curl_ready = true;
	*out = s;
	return 0;
fail:
	smtp_free(s);
	return error;
}

void smtp_free(struct smtp *s)
{
	if (!s)
		return;
	if (s->pass) {
		explicit_bzero(s->pass, strlen(s->pass));
		free(s->pass);
	}
	if (s->curl_ready)
		curl_global_cleanup();
	free(s->url);
	free(s->server);
	free(s->user);
	free(s);
}

const char *smtp_server(const struct smtp *s)
{
	return s->server;
}

/* --- one message --------------------------------------------------------------- */

/* What the protocol said, seen through the debug callback. */
struct transfer {
	const char *msg;
	size_t len, pos;
	bool cr; /* the last byte given was '\r' */
	bool data_done; /* the whole message was handed to libcurl */
	char command[16]; /* "RCPT", "MAIL", "DATA", ... the last one sent */
	char address[256]; /* "<a@b>" of the last MAIL FROM or RCPT TO */
	int refused_code; /* the first 4xx/5xx reply before the data */
	bool refused_rcpt; /* and it was to a RCPT TO */
	char refused_what[300]; /* "recipient <a@b>", "the command AUTH" */
	char refused_line[256];
	int final_code; /* the reply after the data, 0 when none came */
	char final_line[256];
};

/* The message with each bare LF sent as CRLF. */
static size_t read_msg(char *buf, size_t size, size_t nmemb, void *payload)
{
	struct transfer *t = payload;
	size_t room = size * nmemb, n = 0;

	while (n < room && t->pos < t->len) {
		char c = t->msg[t->pos];

		if (c == '\n' && !t->cr) {
			buf[n++] = '\r';
			t->cr = true;
			continue;
		}
		buf[n++] = c;
		t->cr = c == '\r';
		t->pos++;
	}
	/* a message that does not end with a line break gets one */
	if (t->pos == t->len && n < room && t->len &&
	    t->msg[t->len - 1] != '\n') {
		if (!t->cr) {
			buf[n++] = '\r';
			t->cr = true;
		}
		if (n < room) {
			buf[n++] = '\n';
			t->pos = t->len + 1;
		}
	}
	if (!n)
		t->data_done = true;
	return n;
}

/* A line of the server's for a message: one line, no control bytes. */
static void copy_line(char *dst, size_t size, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < size - 1; i++) {
		if (src[i] == '\r' || src[i] == '\n')
			break;
		dst[i] = (unsigned char)src[i] < 0x20 ? '?' : src[i];
	}
	dst[i] = '\0';
}

static void saw_command(struct transfer *t, const char *data, size_t n)
{
	/* only the verb and the address of MAIL and RCPT: AUTH has secrets */
	size_t verb = 0;

	while (verb < n && verb < sizeof(t->command) - 1 && data[verb] != ' ' &&
	       data[verb] != ':' && data[verb] != '\r')
		verb++;
	copy_line(t->command, sizeof(t->command), data, verb);
	if (!strcasecmp(t->command, "RCPT") ||
	    !strcasecmp(t->command, "MAIL")) {
		const char *lt = memchr(data, '<', n);
		const char *gt = lt ? memchr(lt, '>', n - (lt - data)) : NULL;

		t->address[0] = '\0';
		if (lt && gt)
			copy_line(t->address, sizeof(t->address), lt,
				  gt - lt + 1);
	}
}

static void saw_reply_line(struct transfer *t, const char *line, size_t n)
{
	unsigned long code;

	/* the last line of a reply: "250 ok", not "250-PIPELINING" */
	if (mmr_parse_uint(line, n < 3 ? n : 3, 999, &code) != 3 ||
	    (n > 3 && line[3] == '-'))
		return;
	if (t->data_done) {
		t->final_code = (int)code;
		copy_line(t->final_line, sizeof(t->final_line), line, n);
		return;
	}
	if (code < 400 || t->refused_code)
		return;
	t->refused_code = (int)code;
	t->refused_rcpt = !strcasecmp(t->command, "RCPT");
	copy_line(t->refused_line, sizeof(t->refused_line), line, n);
	if (t->refused_rcpt || !strcasecmp(t->command, "MAIL"))
		snprintf(t->refused_what, sizeof(t->refused_what), "%s %s",
			 t->refused_rcpt ? "recipient" : "sender", t->address);
	else
		snprintf(t->refused_what, sizeof(t->refused_what),
			 "the command %s", t->command);
}

static int watch(CURL *curl, curl_infotype type, char *data, size_t n,
		 void *payload)
{
	struct transfer *t = payload;
	const char *end = data + n;

	(void)curl;
	if (type == CURLINFO_HEADER_OUT) {
		saw_command(t, data, n);
	} else if (type == CURLINFO_HEADER_IN) {
		while (data < end) {
			const char *nl = memchr(data, '\n', end - data);
			size_t len = nl ? (size_t)(nl - data) :
					  (size_t)(end - data);

			saw_reply_line(t, data, len);
			data += len + (nl != NULL);
		}
	}
	return 0;
}

bool smtp_address_ok(const char *addr)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	const unsigned char *p;

	if (!at || at == addr || !at[1] || strchr(at + 1, '@'))
		return false;
	for (p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>,\"\\", *p))
			return false;
	return true;
}

static struct curl_slist *rcpt_list(const char *const *rcpt, size_t n)
{
	struct curl_slist *list = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		struct sbuf sb = SBUF_INIT;

		sbuf_addf(&sb, "<%s>", rcpt[i]);
		list = curl_slist_append(list, sb.buf);
		sbuf_release(&sb);
	}
	return list;
}

/* Which fate the transfer met, with its message. */
static int judge(struct smtp *s, CURLcode rc, const struct transfer *t,
		 const char *curl_error, enum smtp_fate *fate)
{
	if (rc == CURLE_OK || (t->data_done && t->final_code / 100 == 2)) {
		*fate = SMTP_SENT;
		return 0;
	}
	if (t->refused_code) {
		/* only a recipient is the reply's own; the rest is the setup's */
		*fate = t->refused_rcpt && t->refused_code >= 500 ?
				SMTP_REFUSED :
				SMTP_NOT_SENT;
		return mmr_error_set(
			MMR_EIO, "%s %s by %s: %s", t->refused_what,
			t->refused_code >= 500 ? "refused" : "deferred",
			s->server, t->refused_line);
	}
	if (t->data_done && t->final_code) {
		*fate = t->final_code >= 500 ? SMTP_REFUSED : SMTP_NOT_SENT;
		return mmr_error_set(MMR_EIO, "the message was %s by %s: %s",
				     t->final_code >= 500 ? "refused" :
							    "deferred",
				     s->server, t->final_line);
	}
	if (t->data_done) {
		*fate = SMTP_UNKNOWN;
		return mmr_error_set(MMR_EIO,
				     "no answer from %s after the message was "
				     "sent (it may have been delivered): %s",
				     s->server,
				     *curl_error ? curl_error :
						   curl_easy_strerror(rc));
	}
	*fate = SMTP_NOT_SENT;
	return mmr_error_set(MMR_EIO, "cannot send through %s: %s", s->server,
			     *curl_error ? curl_error : curl_easy_strerror(rc));
}

int smtp_send(struct smtp *s, const char *sender, const char *const *rcpt,
	      size_t n, const char *msg, size_t len, enum smtp_fate *fate)
{
	struct transfer t = { .msg = msg, .len = len };
	char curl_error[CURL_ERROR_SIZE] = "";
	struct curl_slist *list = rcpt_list(rcpt, n);
	struct sbuf from = SBUF_INIT;
	CURL *curl = curl_easy_init();
	CURLcode rc;
	size_t i;
	int error;

	*fate = SMTP_NOT_SENT;
	for (i = 0; i <= n; i++) {
		const char *a = i < n ? rcpt[i] : sender;

		if (!smtp_address_ok(a)) {
			*fate = SMTP_REFUSED;
			error = mmr_error_set(MMR_EINVAL,
					      "'%s' cannot be sent to as it is",
					      a ? a : "(null)");
			goto out;
		}
	}
	if (!curl || !list) {
		error = mmr_error_set(MMR_EIO, "cannot set up libcurl");
		goto out;
	}
	sbuf_addf(&from, "<%s>", sender);
	curl_easy_setopt(curl, CURLOPT_URL, s->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 s->starttls ? (long)CURLUSESSL_ALL :
				       (long)CURLUSESSL_NONE);
	if (s->user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, s->pass);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.buf);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_msg);
	curl_easy_setopt(curl, CURLOPT_READDATA, &t);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, s->connect_timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, s->timeout);
	/* libcurl waits for the reply to the data by this one alone */
	curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, s->timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	/* the debug callback sees the dialogue; nothing is printed */
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, watch);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &t);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	rc = curl_easy_perform(curl);
	error = judge(s, rc, &t, curl_error, fate);
out:
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);
	sbuf_release(&from);
	return error;
}
