// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of bot/smtp and post's smtp mode against a real SMTP
 * receiver: Debian's aiosmtpd on 127.0.0.1, on a free port, started by
 * each test and stopped by its PID, writing a Maildir that the test reads
 * (headers, X-MailFrom and X-RcptTo, the body's bytes). Also: the server
 * down and back, a refused and a deferred recipient, a server that never
 * answers the data (the fate unknown, settled by the archive lookup),
 * STARTTLS required, and the password's sources, which never show in an
 * error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "post.h"
#include "sbuf.h"
#include "smtp.h"
#include "state.h"
#include "testlib.h"
#include "util.h"

#define PYTHON "/usr/bin/python3"
#define SECRET "s3cret-Pa55"
/* Tries of 50 ms for the server to listen. */
#define SERVER_WAIT_TRIES 200

struct env {
	char dir[64];
	int port;
	pid_t server; /* 0 when not running */
	struct config *cfg;
	struct post *post;
	struct state *st;
	struct sbuf events;
};

/* A port nobody listens on now (the kernel's pick). */
static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static bool listening(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0;
}

static char *tpath(struct env *e, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", e->dir, name);
	return sbuf_detach(&sb, NULL);
}

/*
 * Start aiosmtpd on e->port with the Mailbox handler, or with the picky
 * one of tests/fixtures/smtp/picky.py, writing e->dir/Maildir.
 */
static void server_start(struct env *e, bool picky)
{
	char listen[32], cwd[4096], *maildir = tpath(e, "Maildir");
	struct sbuf pypath = SBUF_INIT;
	int i;

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", e->port);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	sbuf_addf(&pypath, "%s/tests/fixtures/smtp", cwd);
	e->server = fork();
	assert_true(e->server >= 0);
	if (!e->server) {
		setenv("PYTHONPATH", pypath.buf, 1);
		execl(PYTHON, PYTHON, "-m", "aiosmtpd", "-n", "-l", listen,
		      "-c",
		      picky ? "picky.PickyMailbox" :
			      "aiosmtpd.handlers.Mailbox",
		      maildir, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < SERVER_WAIT_TRIES && !listening(e->port); i++) {
		int status;

		if (waitpid(e->server, &status, WNOHANG) == e->server) {
			e->server = 0;
			fail_msg("aiosmtpd exited (status %d): is "
				 "python3-aiosmtpd installed (make deps)?",
				 status);
		}
		usleep(50 * 1000);
	}
	assert_true(listening(e->port));
	sbuf_release(&pypath);
	free(maildir);
}

static void server_stop(struct env *e)
{
	int status;

	if (!e->server)
		return;
	/* at once: a message the picky server holds is never delivered */
	kill(e->server, SIGKILL);
	waitpid(e->server, &status, 0);
	e->server = 0;
}

static void set(struct env *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set(struct env *e, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	assert_int_equal(config_add_override(e->cfg, sb.buf), 0);
	sbuf_release(&sb);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char *st;

	test_tmpdir(e->dir, sizeof(e->dir), "smtp");
	e->port = free_port();
	unsetenv("MMREVIEW_SMTP_PASS");
	assert_int_equal(config_new(&e->cfg), 0);
	set(e, "smtp.url=smtp://127.0.0.1:%d/bot.example.org", e->port);
	set(e, "smtp.starttls=false"); /* aiosmtpd here has no TLS */
	set(e, "smtp.connect-timeout=5");
	set(e, "smtp.timeout=20");
	set(e, "post.mode=smtp");
	set(e, "post.from=Review Bot <bot@example.org>");
	st = tpath(e, "state");
	assert_int_equal(state_open(&e->st, st, STATE_OPEN_DAEMON), 0);
	free(st);
	sbuf_init(&e->events, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	server_stop(e);
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

static void new_post(struct env *e)
{
	if (post_new(&e->post, e->cfg) < 0)
		fail_msg("post_new: %s", mmr_error_last());
}

/* Queue the test reply to patch n, Cc cc (or NULL) too. */
static void queue(struct env *e, int n, const char *cc)
{
	assert_int_equal(test_queue_reply(e->post, e->st, n, cc, 1000), 1);
}

/* The files aiosmtpd wrote, read whole, in *files; returns how many. */
static size_t delivered(struct env *e, char **files, size_t max)
{
	char *dir = tpath(e, "Maildir/new");
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, len;

	while (d && (de = readdir(d))) {
		struct sbuf sb = SBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		sbuf_addf(&sb, "%s/%s", dir, de->d_name);
		if (n < max)
			files[n] = test_need_file(sb.buf, &len);
		n++;
		sbuf_release(&sb);
	}
	if (d)
		closedir(d);
	free(dir);
	return n;
}

static void free_files(char **files, size_t n)
{
	while (n--)
		free(files[n]);
}

/* The delivered file is our message, with aiosmtpd's X- lines added. */
static void assert_same_message(const char *file, const char *sent)
{
	const char *body = strstr(sent, "\n\n"), *got = strstr(file, "\n\n");
	size_t head = body - sent + 1;

	assert_non_null(body);
	assert_non_null(got);
	/* our header lines first, unchanged, then the receiver's */
	assert_memory_equal(file, sent, head);
	assert_true(mmr_starts_with(file + head, got - file - head + 1,
				    "X-Peer: "));
	/* the body's bytes unchanged */
	assert_string_equal(got, body);
}

/* --- sending ----------------------------------------------------------------- */

static void test_send(void **state)
{
	struct env *e = *state;
	char *files[4], *sent;
	size_t len;

	set(e, "post.reply-to=all");
	new_post(e);
	server_start(e, false);
	queue(e, 1, NULL);
	assert_int_equal(post_flush(e->post, e->st, 2000, test_note_event,
				    &e->events),
			 1);
	assert_string_equal(e->events.buf, "sent patch-1@example.org 3\n");
	assert_int_equal(delivered(e, files, 4), 1);
	sent = test_reply_text(1, &len);
	assert_same_message(files[0], sent);
	assert_true(contains(files[0], "\nX-MailFrom: bot@example.org\n"));
	assert_true(contains(files[0], "\nX-RcptTo: ada@example.org, "
				       "maint@example.org, "
				       "linux-mm@kvack.org\n"));
	free_files(files, 1);
	/* sent once: another flush sends nothing */
	assert_int_equal(post_flush(e->post, e->st, 2001, NULL, NULL), 0);
	assert_int_equal(delivered(e, files, 4), 1);
	free_files(files, 1);
	free(sent);
}

/* Only the patch's author, the default. */
static void test_send_author_only(void **state)
{
	struct env *e = *state;
	char *files[4];

	new_post(e);
	server_start(e, false);
	queue(e, 1, NULL);
	assert_int_equal(post_flush(e->post, e->st, 2000, NULL, NULL), 1);
	assert_int_equal(delivered(e, files, 4), 1);
	assert_true(contains(files[0], "\nX-RcptTo: ada@example.org\n"));
	free_files(files, 1);
}

/* CRLF in, the same bytes as LF out; a last line without its newline. */
static void test_line_endings(void **state)
{
	struct env *e = *state;
	static const char crlf[] = "From: bot@example.org\r\nTo: a@example.org"
				   "\r\nMessage-ID: <c@x>\r\n\r\nline 1\r\n."
				   "\r\n.x\r\nlast";
	static const char lf[] = "From: bot@example.org\nTo: a@example.org\n"
				 "Message-ID: <c@x>\n\nline 1\n.\n.x\nlast\n";
	const char *rcpt[] = { "a@example.org" };
	struct smtp *s;
	enum smtp_fate fate;
	char *files[2];

	server_start(e, false);
	assert_int_equal(smtp_new(&s, e->cfg), 0);
	assert_int_equal(smtp_send(s, "bot@example.org", rcpt, 1, crlf,
				   sizeof(crlf) - 1, &fate),
			 0);
	assert_int_equal(fate, SMTP_SENT);
	assert_int_equal(delivered(e, files, 2), 1);
	assert_same_message(files[0], lf);
	free_files(files, 1);
	smtp_free(s);
}

/* --- when it does not go ---------------------------------------------------- */

static void test_server_down(void **state)
{
	struct env *e = *state;
	struct state_status s;
	char *files[4], where[64];

	new_post(e);
	queue(e, 1, NULL);
	queue(e, 2, NULL);
	snprintf(where, sizeof(where), "smtp://127.0.0.1:%d", e->port);
	assert_int_equal(post_flush(e->post, e->st, 2000, test_note_event,
				    &e->events),
			 MMR_EIO);
	assert_true(contains(mmr_error_last(), where));
	assert_true(contains(mmr_error_last(), "onnect"));
	/* the first is pending again, the second was not tried */
	assert_true(
		mmr_starts_with(e->events.buf, e->events.len,
				"retry patch-1@example.org 1: cannot send "));
	assert_false(contains(e->events.buf, "patch-2"));
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.sending + s.sent + s.failed, 0);

	/* the server is back: both go, once */
	server_start(e, false);
	assert_int_equal(post_flush(e->post, e->st, 2100, NULL, NULL), 2);
	assert_int_equal(delivered(e, files, 4), 2);
	free_files(files, 2);
	assert_int_equal(post_flush(e->post, e->st, 2200, NULL, NULL), 0);
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sent, 2);
	assert_int_equal(s.pending, 0);
}

static void test_refused_recipient(void **state)
{
	struct env *e = *state;
	struct state_status s;
	char *files[4], want[160];

	set(e, "post.reply-to=all");
	new_post(e);
	server_start(e, true);
	queue(e, 1, "refused-x@example.org");
	queue(e, 2, NULL);
	/* the refused one fails for good; the round goes on */
	assert_int_equal(post_flush(e->post, e->st, 2000, test_note_event,
				    &e->events),
			 1);
	snprintf(want, sizeof(want),
		 "failed patch-1@example.org 4: recipient "
		 "<refused-x@example.org> refused by smtp://127.0.0.1:%d: 550 "
		 "5.1.1 <refused-x@example.org>: Recipient address rejected\n",
		 e->port);
	assert_true(mmr_starts_with(e->events.buf, e->events.len, want));
	assert_true(contains(e->events.buf, "sent patch-2@example.org 3\n"));
	assert_int_equal(delivered(e, files, 4), 1);
	assert_false(contains(files[0], "refused-x"));
	free_files(files, 1);
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.sent, 1);
	/* failed stays failed */
	assert_int_equal(post_flush(e->post, e->st, 2100, NULL, NULL), 0);
}

static void test_deferred_recipient(void **state)
{
	struct env *e = *state;
	struct state_status s;
	char *files[2];

	set(e, "post.reply-to=all");
	new_post(e);
	server_start(e, true);
	queue(e, 1, "later-x@example.org");
	assert_int_equal(post_flush(e->post, e->st, 2000, test_note_event,
				    &e->events),
			 MMR_EIO);
	assert_true(contains(mmr_error_last(), "recipient "
					       "<later-x@example.org> "
					       "deferred"));
	assert_true(contains(mmr_error_last(), "450 4.2.1"));
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.pending, 1);
	assert_int_equal(delivered(e, files, 2), 0);
}

/* The archive's answer for the reply, as the lore client would give it. */
static int archive(const char *msgid, void *payload)
{
	const char *has = payload;

	return has && !strcmp(msgid, has);
}

/*
 * The data went and no answer came: the reply stays sending, the flush
 * leaves it alone, and the archive lookup settles it.
 */
static void test_no_answer(void **state)
{
	struct env *e = *state;
	struct state_status s;
	char *files[2];

	set(e, "smtp.timeout=2");
	set(e, "post.reply-to=all");
	/* the list among the recipients: the archive can tell */
	set(e, "post.list=linux-mm@kvack.org");
	set(e, "post.archive-wait=100");
	new_post(e);
	server_start(e, true);
	queue(e, 1, "slow-x@example.org");
	queue(e, 2, NULL);
	assert_int_equal(post_flush(e->post, e->st, 2000, test_note_event,
				    &e->events),
			 MMR_EIO);
	assert_true(contains(mmr_error_last(), "no answer"));
	assert_true(
		mmr_starts_with(e->events.buf, e->events.len,
				"unknown patch-1@example.org 4: no answer "));
	assert_false(contains(e->events.buf, "patch-2"));
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sending, 1);
	assert_int_equal(s.pending, 1);

	/* nothing is sent again while its fate is unknown */
	server_stop(e);
	server_start(e, false);
	assert_int_equal(post_flush(e->post, e->st, 2100, NULL, NULL), 1);
	assert_int_equal(delivered(e, files, 2), 1);
	assert_true(contains(files[0], "reply-2@example.org"));
	free_files(files, 1);

	/* the archive does not have it: it goes once more, once */
	sbuf_reset(&e->events);
	assert_int_equal(post_recover(e->post, e->st, archive, NULL, 2200,
				      test_note_event, &e->events),
			 1);
	assert_string_equal(e->events.buf, "resend patch-1@example.org 4\n");
	assert_int_equal(post_flush(e->post, e->st, 2300, NULL, NULL), 1);
	assert_int_equal(delivered(e, files, 2), 2);
	free_files(files, 2);
	assert_int_equal(state_status(e->st, 0, &s), 0);
	assert_int_equal(s.sent, 2);
	assert_int_equal(s.sending + s.pending, 0);
}

/* smtp:// without STARTTLS is refused unless smtp.starttls is false. */
static void test_starttls_required(void **state)
{
	struct env *e = *state;
	const char *rcpt[] = { "a@example.org" };
	static const char msg[] = "Subject: x\n\nbody\n";
	enum smtp_fate fate;
	struct smtp *s;
	char *files[2];

	set(e, "smtp.starttls=true");
	server_start(e, false);
	assert_int_equal(smtp_new(&s, e->cfg), 0);
	assert_int_equal(smtp_send(s, "bot@example.org", rcpt, 1, msg,
				   sizeof(msg) - 1, &fate),
			 MMR_EIO);
	assert_int_equal(fate, SMTP_NOT_SENT);
	assert_true(contains(mmr_error_last(), "STARTTLS") ||
		    contains(mmr_error_last(), "SSL"));
	assert_int_equal(delivered(e, files, 2), 0);
	smtp_free(s);
}

/* --- the password ---------------------------------------------------------- */

static char *pass_file(struct env *e, const char *text, mode_t mode)
{
	char *path = tpath(e, "pass");
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void assert_smtp_error(struct env *e, const char *why)
{
	struct smtp *s = (struct smtp *)1;

	assert_int_equal(smtp_new(&s, e->cfg), MMR_EINVAL);
	assert_null(s);
	if (!contains(mmr_error_last(), why))
		fail_msg("got '%s', want '%s'", mmr_error_last(), why);
	assert_false(contains(mmr_error_last(), SECRET));
}

static void test_password(void **state)
{
	struct env *e = *state;
	char *path = pass_file(e, SECRET "\n", 0644);
	struct smtp *s;

	set(e, "smtp.user=bot");
	assert_smtp_error(e, "no password");
	setenv("MMREVIEW_SMTP_PASS", SECRET, 1);
	assert_int_equal(smtp_new(&s, e->cfg), 0);
	smtp_free(s);
	unsetenv("MMREVIEW_SMTP_PASS");

	set(e, "smtp.pass-file=%s", path);
	assert_smtp_error(e, "can be read by others (mode 0644)");
	assert_true(contains(mmr_error_last(), path));
	free(path);
	path = pass_file(e, SECRET "\n", 0600);
	assert_int_equal(smtp_new(&s, e->cfg), 0);
	smtp_free(s);
	free(path);
	path = pass_file(e, "\n", 0600);
	assert_smtp_error(e, "is empty");
	unlink(path);
	assert_smtp_error(e, "cannot read smtp.pass-file");
	free(path);

	/* never in the config itself */
	set(e, "smtp.pass=" SECRET);
	assert_smtp_error(e, "smtp.pass is not read");
}

/* An address that cannot go in the envelope as it is: nothing is sent. */
static void test_bad_address(void **state)
{
	struct env *e = *state;
	const char *rcpt[] = { "a@example.org", "b@example.org>\r\nDATA" };
	static const char msg[] = "Subject: x\n\nbody\n";
	enum smtp_fate fate;
	struct smtp *s;
	char *files[2];

	server_start(e, false);
	assert_int_equal(smtp_new(&s, e->cfg), 0);
	assert_int_equal(smtp_send(s, "bot@example.org", rcpt, 2, msg,
				   sizeof(msg) - 1, &fate),
			 MMR_EINVAL);
	assert_int_equal(fate, SMTP_REFUSED);
	assert_int_equal(smtp_send(s, "bot@x y", rcpt, 1, msg, sizeof(msg) - 1,
				   &fate),
			 MMR_EINVAL);
	assert_int_equal(delivered(e, files, 2), 0);
	smtp_free(s);
}

static void test_bad_url(void **state)
{
	struct env *e = *state;

	set(e, "smtp.url=smtp://bot:" SECRET "@127.0.0.1:25");
	assert_smtp_error(e, "carries a password");
	set(e, "smtp.url=https://example.org");
	assert_smtp_error(e, "smtp or smtps expected");
	set(e, "smtp.url=127.0.0.1");
	assert_smtp_error(e, "bad smtp.url");
	set(e, "smtp.url=smtps://mail.example.org");
	set(e, "smtp.timeout=0");
	assert_smtp_error(e, "smtp.timeout");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_send),
		T(test_send_author_only),
		T(test_line_endings),
		T(test_server_down),
		T(test_refused_recipient),
		T(test_deferred_recipient),
		T(test_no_answer),
		T(test_starttls_required),
		T(test_bad_address),
		T(test_password),
		T(test_bad_url),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
