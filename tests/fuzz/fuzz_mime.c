// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for parsers/mime.c. The input is decoded as a header
 * value, as a body in a charset it picks, as quoted-printable and base64,
 * and as Content-* fields; what the decoders hand out as text must be
 * valid UTF-8 and no longer than their bounds allow. Then the input, made
 * valid UTF-8, is encoded as a subject and a display name: the lines and
 * encoded words must keep their lengths, and decoding must give the text
 * back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "mime.h"
#include "sbuf.h"
#include "util.h"

static const char *const charsets[] = {
	"",	  "utf-8",	 "iso-8859-1",	"windows-1252",
	"koi8-r", "shift_jis",	 "euc-jp",	"gb18030",
	"big5",	  "utf-16",	 "iso-2022-jp", "x-unknown",
	"../bad", "iso-8859-15", "cp866",
};

static void warn_line(const char *msg, void *payload)
{
	(void)payload;
	if (strchr(msg, '\n'))
		abort();
}

static void decode_all(const char *s, size_t n, uint8_t pick)
{
	struct mime *mc = mime_new(warn_line, NULL);
	struct sbuf out = SBUF_INIT;
	struct mime_ctype ct;
	char *str, *disp, *cte;

	mime_decode_words(mc, &out, s, n);
	check_utf8(out.buf, out.len);
	sbuf_reset(&out);
	mime_convert(mc, &out,
		     charsets[pick % (sizeof(charsets) / sizeof(charsets[0]))],
		     s, n);
	check_utf8(out.buf, out.len);
	sbuf_reset(&out);
	mime_qp_decode(&out, s, n);
	if (out.len > n)
		abort();
	sbuf_reset(&out);
	mime_base64_decode(&out, s, n);
	if (out.len > n / 4 * 3 + 3)
		abort();
	sbuf_release(&out);
	mime_free(mc);

	/* Content-Type, Content-Disposition and the encoding: NUL separated */
	str = xmalloc(n + 2);
	memcpy(str, s, n);
	str[n] = str[n + 1] = '\0';
	disp = str + strlen(str) < str + n ? str + strlen(str) + 1 : NULL;
	cte = disp && disp + strlen(disp) < str + n ? disp + strlen(disp) + 1 :
						      NULL;
	mime_ctype_parse(&ct, pick & 1 ? NULL : str, disp, cte);
	if (!ct.type || !ct.cte)
		abort();
	mime_ctype_release(&ct);
	free(str);
}

/* Encoded words in s, each at most MIME_WORD_MAX characters. */
static size_t count_words(const char *s)
{
	const char *w, *e;
	size_t n = 0;

	for (; (w = strstr(s, "=?UTF-8?B?")); s = e + 2, n++) {
		e = strstr(w + 10, "?=");
		if (!e || e + 2 - w > MIME_WORD_MAX)
			abort();
	}
	return n;
}

/*
 * A folded header unfolded, its lines and encoded words measured; *words
 * is the number of encoded words.
 */
static char *unfold(const char *h, size_t *words)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = h, *nl;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl || nl - p > MIME_LINE_MAX || (p != h && *p != ' '))
			abort();
		sbuf_add(&sb, p, (size_t)(nl - p));
	}
	*words = count_words(sb.buf);
	return sbuf_detach(&sb, NULL);
}

/* s with runs of spaces made one, trimmed. */
static char *squeeze(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	size_t sp;

	while (*s) {
		sp = strspn(s, " ");
		s += sp;
		if (!*s)
			break;
		if (sp && sb.len)
			sbuf_addch(&sb, ' ');
		sbuf_addch(&sb, *s++);
	}
	return sbuf_detach(&sb, NULL);
}

static void encode_roundtrip(const char *s, size_t n)
{
	struct mime *mc = mime_new(warn_line, NULL);
	struct sbuf text = SBUF_INIT, hdr = SBUF_INIT, dec = SBUF_INIT;
	char *flat, *want, *got;
	size_t i, words;

	/* the text: valid UTF-8, no NUL; line ends are text too */
	for (i = 0; i < n; i++)
		if (!s[i])
			break;
	sbuf_add_utf8(&text, s, i);

	if (mime_fold_header(&hdr, "Subject", text.buf))
		abort();
	flat = unfold(hdr.buf, &words);
	if (strncmp(flat, "Subject:", 8))
		abort();
	mime_decode_words(mc, &dec, flat + 8, strlen(flat + 8));
	want = squeeze(text.buf);
	got = squeeze(dec.buf);
	/* past MIME_MAX_WORDS the decoder keeps words as written */
	if (words <= MIME_MAX_WORDS && strcmp(want, got))
		abort();
	free(flat);
	free(want);
	free(got);

	sbuf_reset(&hdr);
	sbuf_reset(&dec);
	if (mime_encode_phrase(&hdr, text.buf))
		abort();
	if (strchr(hdr.buf, '\n') || strchr(hdr.buf, '\r'))
		abort();
	if (hdr.buf[0] == '"')
		mime_quoted_string(hdr.buf, hdr.len, 0, &dec);
	else
		mime_decode_words(mc, &dec, hdr.buf, hdr.len);
	if (count_words(hdr.buf) <= MIME_MAX_WORDS && strcmp(dec.buf, text.buf))
		abort();
	sbuf_release(&text);
	sbuf_release(&hdr);
	sbuf_release(&dec);
	mime_free(mc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	decode_all(s, size, size ? data[0] : 0);
	encode_roundtrip(s, size);
	return 0;
}
