// SPDX-License-Identifier: GPL-2.0
/*
 * lore-http: GET with libcurl, as a polite client of a shared server: a
 * User-Agent naming mmreview, timeouts, retries with a growing wait,
 * conditional requests and gzip; and gunzip for the .gz files it serves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zlib.h>

#include "lore-priv.h"
#include "util.h"

struct http_call {
	struct sbuf *body;
	struct lore__cond *cond;
	bool too_large;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_call *hc = arg;

	if (sbuf_add(hc->body, data, size * n) < 0) {
		hc->too_large = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

/* The value of header "Name: value\r\n" when name matches, else NULL. */
static char *header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n <= k + 1 || strncasecmp(line, name, k) || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
		     line[n - 1] == ' '))
		n--;
	return n ? xstrndup(line, n) : NULL;
}

static void replace(char **slot, char *value)
{
	if (!value)
		return;
	free(*slot);
	*slot = value;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_call *hc = arg;

	if (hc->cond) {
		replace(&hc->cond->etag, header_value(data, size * n, "ETag"));
		replace(&hc->cond->modified,
			header_value(data, size * n, "Last-Modified"));
	}
	return size * n;
}

void lore__cond_release(struct lore__cond *c)
{
	free(c->etag);
	free(c->modified);
	c->etag = c->modified = NULL;
}

static struct curl_slist *cond_headers(const struct lore__cond *c)
{
	struct curl_slist *h = NULL;
	struct sbuf sb = SBUF_INIT;

	if (c && c->etag) {
		sbuf_addf(&sb, "If-None-Match: %s", c->etag);
		h = curl_slist_append(h, sb.buf);
	}
	if (c && c->modified) {
		sbuf_reset(&sb);
		sbuf_addf(&sb, "If-Modified-Since: %s", c->modified);
		h = curl_slist_append(h, sb.buf);
	}
	sbuf_release(&sb);
	return h;
}

static void setup(struct lore *l, const char *url, struct http_call *hc,
		  struct curl_slist *headers)
{
	CURL *c = l->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, l->user_agent);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, l->opts.connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, l->opts.timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)LORE_STALL_SECONDS);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* all curl has */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, hc);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hc);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
}

/* Worth another try: the server or the network may be back soon. */
static bool transient(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status >= 500 || status == 429;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

void lore__sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int once(struct lore *l, const char *url, struct lore__cond *cond,
		struct sbuf *body, long *status, CURLcode *rc)
{
	struct http_call hc = { body, cond, false };
	struct curl_slist *headers = cond_headers(cond);

	sbuf_reset(body);
	setup(l, url, &hc, headers);
	*status = 0;
	*rc = curl_easy_perform(l->curl);
	curl_easy_getinfo(l->curl, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(headers);
	if (hc.too_large)
		return mmr_error_set(MMR_ELIMIT,
				     "GET %s: the answer is larger than %zu "
				     "bytes",
				     url, body->max);
	return 0;
}

int lore__http_get(struct lore *l, const char *url, struct lore__cond *cond,
		   struct sbuf *body, long *status)
{
	long wait = LORE_BACKOFF_MS;
	CURLcode rc;
	int attempt, error;

	for (attempt = 0;; attempt++) {
		error = once(l, url, cond, body, status, &rc);
		if (error)
			return error;
		if (attempt >= l->opts.retries || !transient(rc, *status))
			break;
		lore__log(l, LORE_WARN, "GET %s: %s; again in %ld ms", url,
			  rc ? curl_easy_strerror(rc) : "server error", wait);
		lore__sleep_ms(wait);
		wait *= 2;
	}
	if (rc != CURLE_OK)
		return mmr_error_set(MMR_EIO, "GET %s: %s", url,
				     curl_easy_strerror(rc));
	if (*status == 404 || *status == 410)
		return mmr_error_set(MMR_ENOTFOUND, "GET %s: not found (%ld)",
				     url, *status);
	if (*status != 304 && (*status < 200 || *status > 299))
		return mmr_error_set(MMR_EIO, "GET %s: HTTP status %ld", url,
				     *status);
	return 0;
}

/* --- gzip ----------------------------------------------------------------- */

bool lore__is_gzip(const char *buf, size_t len)
{
	return len >= 2 && (unsigned char)buf[0] == 0x1f &&
	       (unsigned char)buf[1] == 0x8b;
}

int lore__gunzip(const char *in, size_t len, struct sbuf *out, size_t max)
{
	char buf[65536];
	z_stream zs = { 0 };
	int zr = Z_OK, error = 0;

	/* 32: a gzip or zlib header, told apart by zlib */
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return mmr_error_set(MMR_EIO, "cannot start zlib");
	sbuf_reset(out);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	while (!error) {
		zs.next_out = (Bytef *)buf;
		zs.avail_out = sizeof(buf);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			error = mmr_error_set(MMR_EINVAL, "bad gzip data: %s",
					      zs.msg ? zs.msg : "error");
			break;
		}
		if (out->len + (sizeof(buf) - zs.avail_out) > max) {
			error = mmr_error_set(MMR_ELIMIT,
					      "gzip data larger than %zu bytes "
					      "once unpacked",
					      max);
			break;
		}
		sbuf_add(out, buf, sizeof(buf) - zs.avail_out);
		if (zr == Z_STREAM_END && zs.avail_in)
			inflateReset(&zs); /* the next member */
		else if (zr == Z_STREAM_END)
			break;
		else if (zr == Z_BUF_ERROR)
			error = mmr_error_set(MMR_EINVAL,
					      "truncated gzip data");
	}
	inflateEnd(&zs);
	return error;
}
