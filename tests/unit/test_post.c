// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bot/post: the settings of [post], the recipient policy,
 * and the outbox modes (mbox and Maildir) with the state's outbox:
 * queueing once, the hourly quota, and settling a reply whose fate a
 * crash left unknown. Each test works in a fresh mkdtemp() directory,
 * which is also $HOME.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mail.h"
#include "mbox.h"
#include "post.h"
#include "sbuf.h"
#include "state.h"
#include "testlib.h"
#include "util.h"

struct env {
	char dir[64];
	struct config *cfg;
	struct post *post;
	struct state *st;
	struct sbuf events; /* one line per post_event */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	test_tmpdir(e->dir, sizeof(e->dir), "post");
	setenv("HOME", e->dir, 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("STATE_DIRECTORY");
	assert_int_equal(config_new(&e->cfg), 0);
	sbuf_init(&e->events, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	post_free(e->post);
	state_free(e->st);
	config_free(e->cfg);
	sbuf_release(&e->events);
	test_rmtree(e->dir);
	free(e);
	return 0;
}

static bool contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

static void set(struct env *e, const char *key_value)
{
	assert_int_equal(config_add_override(e->cfg, key_value), 0);
}

static struct post *new_post(struct env *e)
{
	if (post_new(&e->post, e->cfg) < 0)
		fail_msg("post_new: %s", mmr_error_last());
	return e->post;
}

static void assert_post_error(struct env *e, const char *why)
{
	struct post *p = (struct post *)1;

	assert_true(post_new(&p, e->cfg) < 0);
	assert_null(p);
	if (!contains(mmr_error_last(), why))
		fail_msg("got '%s', want '%s'", mmr_error_last(), why);
}

static char *tpath(struct env *e, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", e->dir, name);
	return sbuf_detach(&sb, NULL);
}

/* --- settings ----------------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct env *e = *state;
	struct post *p = new_post(e);
	char *want = tpath(e, ".local/state/mmreview/outbox/");
	size_t i;

	assert_int_equal(post_mode(p), POST_OUTBOX);
	assert_string_equal(post_outbox_path(p), want);
	assert_null(post_from(p));
	assert_string_equal(post_sender(p), "mmreview@mmreview.invalid");
	assert_false(post_severity_wanted(p, RULE_INFO));
	assert_true(post_severity_wanted(p, RULE_WARNING));
	assert_true(post_severity_wanted(p, RULE_ERROR));
	for (i = 0; i < 20; i++)
		assert_int_equal(post_quota(p, i), 20 - i);
	assert_int_equal(post_quota(p, 20), 0);
	assert_int_equal(post_quota(p, 25), 0);
	assert_string_equal(post_mode_name(POST_SMTP), "smtp");
	free(want);
}

static void test_settings(void **state)
{
	struct env *e = *state;
	struct post *p;

	set(e, "post.mode=none");
	set(e, "post.min-severity=error");
	set(e, "post.max-per-hour=3");
	set(e, "post.from=Review Bot <Bot@Example.org>");
	p = new_post(e);
	assert_int_equal(post_mode(p), POST_NONE);
	assert_false(post_severity_wanted(p, RULE_WARNING));
	assert_true(post_severity_wanted(p, RULE_ERROR));
	assert_int_equal(post_quota(p, 1), 2);
	assert_string_equal(post_from(p), "Review Bot <Bot@Example.org>");
	assert_string_equal(post_sender(p), "Bot@Example.org");
}

static void test_bad_settings(void **state)
{
	static const char *const cases[][2] = {
		{ "post.mode=mail", "post.mode" },
		{ "post.reply-to=everyone", "post.reply-to" },
		{ "post.min-severity=fatal", "post.min-severity" },
		{ "post.max-per-hour=0", "post.max-per-hour" },
		{ "post.max-per-hour=many", "post.max-per-hour" },
		{ "post.from=nobody", "post.from" },
		{ "post.list=not an address", "post.list" },
		{ "post.ignore-from=spammer", "'spammer'" },
		{ "post.only-from=a@b@c", "'a@b@c'" },
		{ "post.only-from=a@", "'a@'" },
		{ "post.reply-to=list", "post.list" },
	};
	struct env *e = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		config_free(e->cfg);
		assert_int_equal(config_new(&e->cfg), 0);
		set(e, cases[i][0]);
		assert_post_error(e, cases[i][1]);
	}
	/* smtp needs its sender and its server */
	config_free(e->cfg);
	assert_int_equal(config_new(&e->cfg), 0);
	set(e, "post.mode=smtp");
	assert_post_error(e, "post.from");
	set(e, "post.from=bot@example.org");
	assert_post_error(e, "smtp.url is not set");
}

static void test_too_many_patterns(void **state)
{
	struct env *e = *state;
	struct sbuf sb = SBUF_INIT;
	size_t i;

	sbuf_addstr(&sb, "post.ignore-from=");
	for (i = 0; i <= POST_MAX_PATTERNS; i++)
		sbuf_addf(&sb, "u%zu@x.org,", i);
	set(e, sb.buf);
	assert_true(post_new(&e->post, e->cfg) == MMR_ELIMIT);
	assert_true(contains(mmr_error_last(), "post.ignore-from"));
	sbuf_release(&sb);
}

/* --- the policy ------------------------------------------------------------------- */

static const struct mail_addr author = { "Ada Developer", "ada@example.org" };
static const struct mail_addr patch_to[] = {
	{ "Maintainer One", "maint@example.org" },
	{ "", "linux-mm@kvack.org" },
};
static const struct mail_addr patch_cc[] = {
	{ "Ada again", "ADA@example.org" }, /* the author, other case */
	{ "Reviewer Two", "rev2@example.org" },
	{ "", "Linux-MM@kvack.org" }, /* twice */
	{ "The Bot", "bot@example.org" }, /* ourselves */
};

/* "to: a, b | cc: c" */
static char *show(const struct post_rcpt *r)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	sbuf_addstr(&sb, "to:");
	for (i = 0; i < r->nto; i++)
		sbuf_addf(&sb, " %s", r->to[i].addr);
	sbuf_addstr(&sb, " | cc:");
	for (i = 0; i < r->ncc; i++)
		sbuf_addf(&sb, " %s", r->cc[i].addr);
	return sbuf_detach(&sb, NULL);
}

static void assert_rcpt(struct env *e, const char *want)
{
	struct post_rcpt *r;
	char *got;

	assert_int_equal(post_recipients(e->post, &author, patch_to, 2,
					 patch_cc, 4, &r),
			 0);
	got = show(r);
	assert_string_equal(got, want);
	free(got);
	post_rcpt_free(r);
	post_free(e->post);
	e->post = NULL;
}

static void test_reply_to(void **state)
{
	struct env *e = *state;

	set(e, "post.from=The Bot <bot@example.org>");
	new_post(e);
	assert_rcpt(e, "to: ada@example.org | cc:");

	set(e, "post.reply-to=all");
	new_post(e);
	assert_rcpt(e, "to: ada@example.org | cc: maint@example.org "
		       "linux-mm@kvack.org rev2@example.org");

	set(e, "post.reply-to=list");
	set(e, "post.list=Linux MM <linux-mm@kvack.org>");
	new_post(e);
	assert_rcpt(e, "to: linux-mm@kvack.org | cc:");

	/* fixed Cc addresses, with names, each once */
	set(e, "post.cc=Archive <archive@example.net>, \"Doe, J.\" "
	       "<jd@example.net>, LINUX-MM@kvack.org");
	new_post(e);
	assert_rcpt(e, "to: linux-mm@kvack.org | cc: archive@example.net "
		       "jd@example.net");
	set(e, "post.reply-to=author");
	new_post(e);
	assert_rcpt(e, "to: ada@example.org | cc: archive@example.net "
		       "jd@example.net LINUX-MM@kvack.org");
}

static void test_rcpt_names(void **state)
{
	struct env *e = *state;
	struct post_rcpt *r;

	set(e, "post.cc=\"Doe, J.\" <jd@example.net>");
	new_post(e);
	assert_int_equal(
		post_recipients(e->post, &author, NULL, 0, NULL, 0, &r), 0);
	assert_int_equal(r->nto, 1);
	assert_string_equal(r->to[0].name, "Ada Developer");
	assert_int_equal(r->ncc, 1);
	assert_string_equal(r->cc[0].name, "Doe, J.");
	assert_string_equal(r->cc[0].addr, "jd@example.net");
	post_rcpt_free(r);
}

static void test_no_recipient(void **state)
{
	struct env *e = *state;
	struct mail_addr bot = { "", "BOT@example.org" };
	struct post_rcpt *r = (struct post_rcpt *)1;

	set(e, "post.from=bot@example.org");
	new_post(e);
	assert_int_equal(post_recipients(e->post, &bot, NULL, 0, NULL, 0, &r),
			 MMR_EINVAL);
	assert_null(r);
	assert_true(contains(mmr_error_last(), "no recipient"));
	assert_int_equal(post_recipients(e->post, NULL, NULL, 0, NULL, 0, &r),
			 MMR_EINVAL);
}

/* Addresses from the list that could not go in an envelope are dropped. */
static void test_rcpt_hostile(void **state)
{
	static const struct mail_addr evil_author = {
		"", "ada@example.org>\r\nRCPT TO:<x@evil.example"
	};
	static const struct mail_addr evil_cc[] = {
		{ "", "a b@example.org" },
		{ "", "<c@example.org>" },
		{ "", "d@example.org,e@x" },
		{ "", "@example.org" },
		{ "", "f@" },
		{ "", "g\x7f@example.org" },
		{ "", "ok@example.org" },
		{ "", "j\xc3\xb6rg@example.org" },
	};
	struct env *e = *state;
	struct post_rcpt *r;
	char *got;

	set(e, "post.reply-to=all");
	new_post(e);
	assert_int_equal(post_recipients(e->post, &evil_author, NULL, 0, NULL,
					 0, &r),
			 MMR_EINVAL);
	assert_int_equal(post_recipients(e->post, &evil_author, NULL, 0,
					 evil_cc, 8, &r),
			 0);
	got = show(r);
	assert_string_equal(got, "to: | cc: ok@example.org "
				 "j\xc3\xb6rg@example.org");
	free(got);
	post_rcpt_free(r);
}

static void test_rcpt_bound(void **state)
{
	struct env *e = *state;
	struct mail_addr *many = calloc(MAIL_MAX_ADDRS + 10, sizeof(*many));
	char(*addrs)[32] = calloc(MAIL_MAX_ADDRS + 10, 32);
	struct post_rcpt *r;
	size_t i;

	for (i = 0; i < MAIL_MAX_ADDRS + 10; i++) {
		snprintf(addrs[i], 32, "u%zu@example.org", i);
		many[i].name = "";
		many[i].addr = addrs[i];
	}
	set(e, "post.reply-to=all");
	new_post(e);
	assert_int_equal(post_recipients(e->post, &author, many,
					 MAIL_MAX_ADDRS + 10, NULL, 0, &r),
			 0);
	assert_int_equal(r->nto + r->ncc, MAIL_MAX_ADDRS);
	assert_string_equal(r->to[0].addr, "ada@example.org");
	post_rcpt_free(r);
	free(many);
	free(addrs);
}

static void test_opt_in_out(void **state)
{
	struct env *e = *state;
	const char *why;

	new_post(e);
	assert_true(post_author_wanted(e->post, "ada@example.org", &why));
	assert_null(why);
	assert_false(post_author_wanted(e->post, "", &why));
	assert_true(contains(why, "no usable author address"));
	assert_false(post_author_wanted(e->post, "a@x>\r\nDATA", &why));
	assert_false(post_author_wanted(e->post, NULL, NULL));
	post_free(e->post);

	set(e, "post.from=bot@example.org");
	set(e, "post.ignore-from=Quiet@Example.org, @noreply.example.com");
	new_post(e);
	assert_false(post_author_wanted(e->post, "quiet@example.org", &why));
	assert_true(contains(why, "post.ignore-from"));
	assert_false(
		post_author_wanted(e->post, "x@NOREPLY.example.com", &why));
	assert_true(
		post_author_wanted(e->post, "x@a.noreply.example.com", &why));
	assert_true(
		post_author_wanted(e->post, "noreply.example.com@x.org", &why));
	assert_false(post_author_wanted(e->post, "Bot@example.org", &why));
	assert_true(contains(why, "post.from"));
	post_free(e->post);

	set(e, "post.only-from=ada@example.org @optin.example.net");
	new_post(e);
	assert_true(post_author_wanted(e->post, "ADA@example.org", &why));
	assert_true(post_author_wanted(e->post, "z@optin.example.net", &why));
	assert_false(post_author_wanted(e->post, "bob@example.org", &why));
	assert_true(contains(why, "post.only-from"));
	/* opting out wins over opting in */
	assert_false(post_author_wanted(e->post, "quiet@example.org", &why));
	assert_true(contains(why, "post.ignore-from"));
}

/* --- queueing and the outbox modes ------------------------------------------- */

static struct state *open_state(struct env *e, const char *name)
{
	char *dir = tpath(e, name);
	struct state *st;

	if (state_open(&st, dir, STATE_OPEN_DAEMON) < 0)
		fail_msg("%s", mmr_error_last());
	free(dir);
	return st;
}

/* Queue the test reply to patch n, Cc nobody more. */
static int queue(struct env *e, struct state *st, int n, time_t now)
{
	return test_queue_reply(e->post, st, n, NULL, now);
}

static size_t count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The one file of dir/, read whole. */
static char *only_file(const char *dir, size_t *len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *text = NULL;

	assert_non_null(d);
	while ((de = readdir(d))) {
		struct sbuf sb = SBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		assert_null(text);
		sbuf_addf(&sb, "%s/%s", dir, de->d_name);
		text = test_need_file(sb.buf, len);
		sbuf_release(&sb);
	}
	closedir(d);
	assert_non_null(text);
	return text;
}

static void test_maildir(void **state)
{
	struct env *e = *state;
	char *md = tpath(e, "out/"), *new = tpath(e, "out/new");
	char *tmp = tpath(e, "out/tmp"), *text, *want;
	struct sbuf opt = SBUF_INIT;
	struct state_status s;
	size_t len, wlen;

	sbuf_addf(&opt, "post.outbox=%s", md);
	set(e, opt.buf);
	set(e, "post.reply-to=all");
	set(e, "post.from=bot@example.org");
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1);
	assert_int_equal(queue(e, e->st, 1, 1001), 0); /* never twice */
	assert_int_equal(count_dir(new), 0); /* queued is not sent */
	assert_int_equal(post_flush(e->post, e->st, 1002, test_note_event,
				    &e->events),
			 1);
	assert_string_equal(e->events.buf, "sent patch-1@example.org 3\n");
	assert_int_equal(count_dir(tmp), 0);
	text = only_file(new, &len);
	want = test_reply_text(1, &wlen);
	assert_int_equal(len, wlen);
	assert_memory_equal(text, want, len);
	free(text);
	free(want);
	/* nothing left to send; a second flush does nothing */
	assert_int_equal(post_flush(e->post, e->st, 1003, NULL, NULL), 0);
	assert_int_equal(count_dir(new), 1);
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.pending, 0);
	sbuf_release(&opt);
	free(md);
	free(new);
	free(tmp);
}

static ssize_t file_read(void *ctx, char *buf, size_t len)
{
	size_t n = fread(buf, 1, len, ctx);

	return ferror((FILE *)ctx) ? -1 : (ssize_t)n;
}

/* Each message of an mbox read back with the mail module (mboxrd). */
static size_t read_mbox(const char *path, char **bodies, size_t max)
{
	FILE *f = fopen(path, "r");
	struct mbox *mb;
	struct mail *m;
	size_t n = 0;

	assert_non_null(f);
	mb = mbox_new(file_read, f, true);
	while (mbox_next(mb, &m) == 1) {
		size_t len;

		if (n < max)
			bodies[n] = strdup(mail_body(m, &len));
		n++;
		mail_free(m);
	}
	mbox_free(mb);
	fclose(f);
	return n;
}

static void test_mbox(void **state)
{
	struct env *e = *state;
	char *mbox = tpath(e, "replies.mbox"), *bodies[4] = { 0 }, *text;
	struct sbuf opt = SBUF_INIT;
	struct mail *m;
	const char *body;
	size_t len, n, i;

	sbuf_addf(&opt, "post.outbox=%s", mbox);
	set(e, opt.buf);
	set(e, "post.from=Review Bot <bot@example.org>");
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1);
	assert_int_equal(queue(e, e->st, 2, 1000), 1);
	assert_int_equal(post_flush(e->post, e->st, 86400 * 365,
				    test_note_event, &e->events),
			 2);
	assert_string_equal(e->events.buf, "sent patch-1@example.org 1\n"
					   "sent patch-2@example.org 1\n");
	text = test_need_file(mbox, &len);
	assert_true(mmr_starts_with(text, len,
				    "From bot@example.org Fri Jan  1 "
				    "00:00:00 1971\n"));
	/* mboxrd quoting, and a blank line between messages */
	assert_true(contains(text, "\n>From the start of a line\n"));
	assert_true(contains(text, "\n>>From a quoted one\n"));
	assert_true(contains(text, "return true;\n\nFrom bot@example.org "));
	assert_true(mmr_starts_with(text + len - 2, 2, "\n\n"));
	free(text);

	/* read back, the bodies are the fixture's */
	n = read_mbox(mbox, bodies, 4);
	assert_int_equal(n, 2);
	text = test_need_file(TEST_REPLY, &len);
	assert_int_equal(mail_parse(&m, text, len, false), 0);
	body = mail_body(m, &len);
	for (i = 0; i < n; i++) {
		assert_string_equal(bodies[i], body);
		free(bodies[i]);
	}
	mail_free(m);
	free(text);
	sbuf_release(&opt);
	free(mbox);
}

/* A human's mbox that does not end with a blank line is not run into. */
static void test_mbox_appends_cleanly(void **state)
{
	struct env *e = *state;
	char *mbox = tpath(e, "replies.mbox"), *bodies[4] = { 0 };
	struct sbuf opt = SBUF_INIT;
	FILE *f = fopen(mbox, "w");
	size_t n;

	assert_non_null(f);
	fputs("From someone Mon Jan  1 00:00:00 2024\nSubject: mine\n\nno "
	      "newline at the end",
	      f);
	fclose(f);
	sbuf_addf(&opt, "post.outbox=%s", mbox);
	set(e, opt.buf);
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1);
	assert_int_equal(post_flush(e->post, e->st, 1000, NULL, NULL), 1);
	n = read_mbox(mbox, bodies, 4);
	assert_int_equal(n, 2);
	assert_string_equal(bodies[0], "no newline at the end\n");
	assert_true(contains(bodies[1], "Hi Ada,"));
	free(bodies[0]);
	free(bodies[1]);
	sbuf_release(&opt);
	free(mbox);
}

static void test_outbox_unwritable(void **state)
{
	struct env *e = *state;
	char *mbox = tpath(e, "no/such/dir/replies.mbox");
	struct sbuf opt = SBUF_INIT;
	struct state_status s;

	sbuf_addf(&opt, "post.outbox=%s", mbox);
	set(e, opt.buf);
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1);
	assert_int_equal(post_flush(e->post, e->st, 1000, test_note_event,
				    &e->events),
			 MMR_EIO);
	assert_true(contains(mmr_error_last(), mbox));
	assert_true(contains(e->events.buf, "retry patch-1@example.org"));
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.sending, 0);
	sbuf_release(&opt);
	free(mbox);
}

static void test_quota(void **state)
{
	struct env *e = *state;
	struct sbuf opt = SBUF_INIT;
	char *md = tpath(e, "out/"), *new = tpath(e, "out/new");
	int i;

	sbuf_addf(&opt, "post.outbox=%s", md);
	set(e, opt.buf);
	set(e, "post.max-per-hour=2");
	new_post(e);
	e->st = open_state(e, "st");
	for (i = 1; i <= 5; i++)
		assert_int_equal(queue(e, e->st, i, 1000), 1);
	assert_int_equal(post_flush(e->post, e->st, 5000, test_note_event,
				    &e->events),
			 2);
	/* oldest first */
	assert_string_equal(e->events.buf, "sent patch-1@example.org 1\n"
					   "sent patch-2@example.org 1\n");
	assert_int_equal(post_flush(e->post, e->st, 5000 + 3599, NULL, NULL),
			 0);
	assert_int_equal(count_dir(new), 2);
	/* an hour later, two more */
	assert_int_equal(post_flush(e->post, e->st, 5000 + 3600, NULL, NULL),
			 2);
	assert_int_equal(count_dir(new), 4);
	assert_int_equal(post_flush(e->post, e->st, 5000 + 7200, NULL, NULL),
			 1);
	assert_int_equal(count_dir(new), 5);
	sbuf_release(&opt);
	free(md);
	free(new);
}

static void test_none(void **state)
{
	struct env *e = *state;
	struct state_status s;

	set(e, "post.mode=none");
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 0);
	assert_int_equal(post_flush(e->post, e->st, 1000, NULL, NULL), 0);
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.pending + s.sent, 0);
	assert_null(post_outbox_path(e->post));
	assert_int_equal(count_dir(e->dir), 1); /* only the state directory */
}

static void test_queue_checks_message(void **state)
{
	struct env *e = *state;
	struct post_rcpt *r;
	size_t len;
	char *right = test_reply_text(1, NULL);
	char *text = test_replace(right, "reply-1@", "other@", &len);
	struct post_reply reply = {
		.reply_id = "reply-1@example.org",
		.patch_id = "patch-1@example.org",
		.msg = text,
		.len = len,
	};

	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(
		post_recipients(e->post, &author, NULL, 0, NULL, 0, &r), 0);
	reply.rcpt = r;
	assert_int_equal(post_queue(e->post, e->st, &reply, 1), MMR_EINVAL);
	assert_true(contains(mmr_error_last(), "<other@example.org>"));
	reply.msg = "";
	reply.len = 0;
	assert_true(post_queue(e->post, e->st, &reply, 1) < 0);
	post_rcpt_free(r);
	free(text);
	free(right);
}

/* --- an unknown fate ------------------------------------------------------------- */

/*
 * Crash after delivery, before the mark: a second state directory holds
 * the same reply, left sending, beside an outbox that has it already.
 */
static void crash_after_delivery(struct env *e, const char *outbox)
{
	struct sbuf opt = SBUF_INIT;
	struct state *other;
	int64_t ids[4];
	size_t n;

	sbuf_addf(&opt, "post.outbox=%s", outbox);
	set(e, opt.buf);
	new_post(e);
	other = open_state(e, "first");
	assert_int_equal(queue(e, other, 1, 1000), 1);
	assert_int_equal(post_flush(e->post, other, 1000, NULL, NULL), 1);
	state_free(other);

	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1); /* the same reply */
	assert_int_equal(queue(e, e->st, 2, 1000), 1); /* never delivered */
	assert_int_equal(
		state_outbox_list(e->st, STATE_OUTBOX_PENDING, ids, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(state_outbox_claim(e->st, ids[0], 1001), 0);
	assert_int_equal(state_outbox_claim(e->st, ids[1], 1001), 0);
	/* the flush leaves replies of unknown fate alone */
	assert_int_equal(post_flush(e->post, e->st, 1002, NULL, NULL), 0);
	assert_int_equal(post_recover(e->post, e->st, NULL, NULL, 1003,
				      test_note_event, &e->events),
			 2);
	assert_string_equal(e->events.buf, "found patch-1@example.org 1\n"
					   "resend patch-2@example.org 1\n");
	assert_int_equal(post_flush(e->post, e->st, 1004, NULL, NULL), 1);
	sbuf_release(&opt);
}

static void test_recover_maildir(void **state)
{
	struct env *e = *state;
	char *md = tpath(e, "out/"), *new = tpath(e, "out/new");

	crash_after_delivery(e, md);
	assert_int_equal(count_dir(new), 2); /* one each, none twice */
	free(md);
	free(new);
}

static void test_recover_mbox(void **state)
{
	struct env *e = *state;
	char *mbox = tpath(e, "replies.mbox"), *bodies[4] = { 0 };
	size_t i, n;

	crash_after_delivery(e, mbox);
	n = read_mbox(mbox, bodies, 4);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		free(bodies[i]);
	free(mbox);
}

/* The archive's answers, in turn: 1, 0, then an error. */
static int archive(const char *msgid, void *payload)
{
	int *calls = payload;

	(void)msgid;
	switch ((*calls)++) {
	case 0:
		return 1;
	case 1:
		return 0;
	default:
		return mmr_error_set(MMR_EIO, "archive unreachable");
	}
}

static void test_recover_lookup(void **state)
{
	struct env *e = *state;
	struct state_status s;
	int64_t ids[4];
	size_t n, i;
	int calls = 0;

	/* no connection is made before a send */
	set(e, "post.mode=smtp");
	set(e, "post.from=bot@example.org");
	set(e, "smtp.url=smtp://127.0.0.1:1");
	set(e, "post.reply-to=list");
	set(e, "post.list=linux-mm@kvack.org");
	set(e, "post.archive-wait=0");
	new_post(e);
	e->st = open_state(e, "st");
	for (i = 1; i <= 3; i++)
		assert_int_equal(queue(e, e->st, i, 1000), 1);
	assert_int_equal(
		state_outbox_list(e->st, STATE_OUTBOX_PENDING, ids, 4, &n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(state_outbox_claim(e->st, ids[i], 1001), 0);
	assert_int_equal(post_recover(e->post, e->st, NULL, NULL, 1002, NULL,
				      NULL),
			 MMR_EUSAGE);
	assert_int_equal(post_recover(e->post, e->st, archive, &calls, 1002,
				      test_note_event, &e->events),
			 MMR_EIO);
	assert_true(contains(mmr_error_last(), "archive unreachable"));
	assert_string_equal(e->events.buf, "found patch-1@example.org 1\n"
					   "resend patch-2@example.org 1\n");
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.sending, 1); /* cannot tell: never sent twice */
}

/*
 * A reply that went to the author alone never reaches the archive: it
 * stays sending, the lookup never asked; one to the list is looked up
 * only once [post] archive-wait has passed.
 */
static void test_recover_unarchived(void **state)
{
	struct env *e = *state;
	struct state_status s;
	int64_t ids[4];
	size_t n, i;
	int calls = 0;

	set(e, "post.mode=smtp");
	set(e, "post.from=bot@example.org");
	set(e, "smtp.url=smtp://127.0.0.1:1");
	set(e, "post.list=linux-mm@kvack.org");
	set(e, "post.archive-wait=600");
	new_post(e);
	e->st = open_state(e, "st");
	assert_int_equal(queue(e, e->st, 1, 1000), 1); /* to the author */
	/* then the config says list (a reload): the next one goes there */
	post_free(e->post);
	set(e, "post.reply-to=list");
	new_post(e);
	assert_int_equal(queue(e, e->st, 2, 1000), 1);
	assert_int_equal(
		state_outbox_list(e->st, STATE_OUTBOX_PENDING, ids, 4, &n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(state_outbox_claim(e->st, ids[i], 1001), 0);
	/* before archive-wait: nothing asked, both stay sending */
	assert_int_equal(post_recover(e->post, e->st, archive, &calls, 1500,
				      test_note_event, &e->events),
			 0);
	assert_int_equal(calls, 0);
	assert_true(contains(e->events.buf, "unknown patch-1@example.org 1: "
					    "sent to no archived address"));
	sbuf_reset(&e->events);
	/* after it: the one to the list is found, the other stays */
	assert_int_equal(post_recover(e->post, e->st, archive, &calls, 1601,
				      test_note_event, &e->events),
			 1);
	assert_int_equal(calls, 1);
	assert_true(contains(e->events.buf, "found patch-2@example.org 1\n"));
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.sending, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_defaults),
		T(test_settings),
		T(test_bad_settings),
		T(test_too_many_patterns),
		T(test_reply_to),
		T(test_rcpt_names),
		T(test_no_recipient),
		T(test_rcpt_hostile),
		T(test_rcpt_bound),
		T(test_opt_in_out),
		T(test_maildir),
		T(test_mbox),
		T(test_mbox_appends_cleanly),
		T(test_outbox_unwritable),
		T(test_quota),
		T(test_none),
		T(test_queue_checks_message),
		T(test_recover_maildir),
		T(test_recover_mbox),
		T(test_recover_lookup),
		T(test_recover_unarchived),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
