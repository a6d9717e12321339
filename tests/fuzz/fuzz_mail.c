// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for parsers/mail.c: mail_parse() on the input, and the
 * input as a subject line. Every string handed out must be valid UTF-8.
 * fuzz_mbox.c reads the input as an mbox, fuzz_mime.c feeds the codec.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "mail.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_subject si;
	struct mail *m;
	bool mboxrd = size && (data[0] & 1);
	char *str;

	if (!mail_parse(&m, (const char *)data, size, mboxrd)) {
		check_mail(m);
		mail_free(m);
	}
	str = xstrndup((const char *)data, size);
	mail_subject_parse(&si, str);
	if (strlen(si.tags) >= sizeof(si.tags))
		abort();
	(void)mail_field_line(str, strlen(str));
	free(str);
	free(mail_peek_id((const char *)data, size));
	return 0;
}
