// SPDX-License-Identifier: GPL-2.0
/*
 * post: the settings of [post], the recipient policy, delivery to an
 * outbox file or through SMTP, and the outbox's send protocol (post.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fault.h"
#include "post.h"
#include "sbuf.h"
#include "smtp.h"
#include "state.h"
#include "util.h"

/* The envelope sender when [post] from is not set (outbox mode only). */
#define POST_NO_SENDER "mmreview@mmreview.invalid"

struct post {
	enum post_mode mode;
	enum post_reply_to reply_to;
	enum rule_severity min_severity;
	long max_per_hour;
	long archive_wait; /* [post] archive-wait, seconds */
	char *from; /* [post] from as written, or NULL */
	const char *sender; /* its address, in from_mail */
	struct mail *from_mail;
	const char *list; /* [post] list's address, in list_mail */
	struct mail *list_mail;
	const struct mail_addr *cc; /* [post] cc, in cc_mail */
	size_t ncc;
	struct mail *cc_mail;
	char **ignore, **only; /* "a@b" or "@domain" */
	size_t nignore, nonly;
	char *outbox;
	bool maildir;
	struct smtp *smtp;
	unsigned seq; /* Maildir names made by this process */
};

static const char *const mode_names[] = { "none", "outbox", "smtp", NULL };
static const char *const reply_to_names[] = { "author", "all", "list", NULL };
static const char *const severity_names[] = { "info", "warning", "error",
					      NULL };

const char *post_mode_name(enum post_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "?";
}

/* --- settings ------------------------------------------------------------------ */

/*
 * The addresses of a config value, parsed as a header field would be
 * ("Name <a@b>, c@d"): *out keeps them. MMR_EINVAL names the key.
 */
static int parse_addrs(const char *key, const char *field, const char *value,
		       struct mail **out)
{
	struct sbuf sb = SBUF_INIT;
	int error;

	*out = NULL;
	if (strpbrk(value, "\r\n"))
		return mmr_error_set(MMR_EINVAL, "bad %s: a line break", key);
	sbuf_addf(&sb, "%s: %s\n\n", field, value);
	error = mail_parse(out, sb.buf, sb.len, false);
	sbuf_release(&sb);
	if (error < 0)
		mmr_error_prefix("bad %s", key);
	return error;
}

/* One address (Name <a@b> or a@b) from key, into *addr; NULL when unset. */
static int get_address(const struct config *cfg, const char *key,
		       struct mail **mail, const char **addr)
{
	const struct mail_addr *a;
	const char *v;
	int error = config_get_string(cfg, key, &v);

	*addr = NULL;
	if (error == MMR_ENOTFOUND)
		return 0;
	if (!error)
		error = parse_addrs(key, "From", v, mail);
	if (error < 0)
		return error;
	a = mail_from(*mail);
	if (!a || !strchr(a->addr, '@'))
		return mmr_error_set(MMR_EINVAL,
				     "bad %s: '%s' is not an address", key, v);
	*addr = a->addr;
	return 0;
}

/* [post] ignore-from and only-from: "a@b" or "@domain", comma-separated. */
static int get_patterns(const struct config *cfg, const char *key, char ***out,
			size_t *n)
{
	static const char sep[] = ", \t";
	const char *v, *p;
	size_t alloc = 0;
	int error = config_get_string(cfg, key, &v);

	if (error == MMR_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	for (p = v + strspn(v, sep); *p; p += strspn(p, sep)) {
		size_t len = strcspn(p, sep);
		const char *at = memchr(p, '@', len);

		if (!at || at == p + len - 1 ||
		    memchr(at + 1, '@', p + len - at - 1))
			return mmr_error_set(MMR_EINVAL,
					     "bad %s: '%.*s' is neither an "
					     "address nor @domain",
					     key, (int)len, p);
		if (*n == POST_MAX_PATTERNS)
			return mmr_error_set(MMR_ELIMIT,
					     "%s has more than %d entries", key,
					     POST_MAX_PATTERNS);
		XGROW(*out, alloc, *n + 1);
		(*out)[(*n)++] = xstrndup(p, len);
		p += len;
	}
	return 0;
}

/* [post] outbox: a Maildir when it ends in '/' or is a directory. */
static int get_outbox(struct post *p, const struct config *cfg)
{
	struct stat st;
	char *dir = NULL;
	int error = config_get_path(cfg, "post.outbox", &p->outbox);

	if (error == MMR_ENOTFOUND) {
		struct sbuf sb = SBUF_INIT;

		error = state_dir(cfg, &dir);
		if (error < 0)
			return error;
		sbuf_addf(&sb, "%s/outbox/", dir);
		p->outbox = sbuf_detach(&sb, NULL);
		free(dir);
	} else if (error < 0) {
		return error;
	}
	if (!*p->outbox)
		return mmr_error_set(MMR_EINVAL, "bad post.outbox: empty");
	p->maildir = p->outbox[strlen(p->outbox) - 1] == '/' ||
		     (!stat(p->outbox, &st) && S_ISDIR(st.st_mode));
	return 0;
}

static int read_settings(struct post *p, const struct config *cfg)
{
	const char *v;
	int mode, reply_to, sev;
	int error = config_get_enum(cfg, "post.mode", mode_names, POST_OUTBOX,
				    &mode);

	if (!error)
		error = config_get_enum(cfg, "post.reply-to", reply_to_names,
					POST_TO_AUTHOR, &reply_to);
	if (!error)
		error = config_get_enum(cfg, "post.min-severity",
					severity_names, RULE_WARNING, &sev);
	if (!error)
		error = config_get_int(cfg, "post.max-per-hour", 20,
				       &p->max_per_hour);
	if (!error)
		error = config_get_int(cfg, "post.archive-wait",
				       POST_DEFAULT_ARCHIVE_WAIT,
				       &p->archive_wait);
	if (!error && p->archive_wait < 0)
		error = mmr_error_set(MMR_EINVAL,
				      "bad post.archive-wait: %ld, at least 0 "
				      "expected",
				      p->archive_wait);
	if (!error && p->max_per_hour < 1)
		error = mmr_error_set(MMR_EINVAL,
				      "bad post.max-per-hour: %ld, at least 1 "
				      "expected",
				      p->max_per_hour);
	if (error < 0)
		return error;
	p->mode = mode;
	p->reply_to = reply_to;
	p->min_severity = sev;
	error = get_address(cfg, "post.from", &p->from_mail, &p->sender);
	if (!error && p->sender && !config_get_string(cfg, "post.from", &v))
		p->from = xstrdup(v);
	if (!error)
		error = get_address(cfg, "post.list", &p->list_mail, &p->list);
	if (!error && !config_get_string(cfg, "post.cc", &v)) {
		error = parse_addrs("post.cc", "Cc", v, &p->cc_mail);
		if (!error)
			p->ncc = mail_cc(p->cc_mail, &p->cc);
	}
	if (!error)
		error = get_patterns(cfg, "post.ignore-from", &p->ignore,
				     &p->nignore);
	if (!error)
		error = get_patterns(cfg, "post.only-from", &p->only,
				     &p->nonly);
	return error;
}

int post_new(struct post **out, const struct config *cfg)
{
	struct post *p = xcalloc(1, sizeof(*p));
	int error = read_settings(p, cfg);

	*out = NULL;
	if (!error && p->reply_to == POST_TO_LIST && !p->list)
		error = mmr_error_set(MMR_EINVAL,
				      "post.reply-to is list but post.list "
				      "(the list's address) is not set");
	if (!error && p->mode == POST_OUTBOX)
		error = get_outbox(p, cfg);
	if (!error && p->mode == POST_SMTP && !p->sender)
		error = mmr_error_set(MMR_EINVAL,
				      "post.mode is smtp but post.from (the "
				      "sender) is not set");
	if (!error && p->mode == POST_SMTP)
		error = smtp_new(&p->smtp, cfg);
	if (error < 0) {
		post_free(p);
		return error;
	}
	*out = p;
	return 0;
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void post_free(struct post *p)
{
	if (!p)
		return;
	free(p->from);
	mail_free(p->from_mail);
	mail_free(p->list_mail);
	mail_free(p->cc_mail);
	free_list(p->ignore, p->nignore);
	free_list(p->only, p->nonly);
	free(p->outbox);
	smtp_free(p->smtp);
	free(p);
}

enum post_mode post_mode(const struct post *p)
{
	return p->mode;
}

const char *post_from(const struct post *p)
{
	return p->from;
}

const char *post_sender(const struct post *p)
{
	return p->sender ? p->sender : POST_NO_SENDER;
}

const char *post_outbox_path(const struct post *p)
{
	return p->outbox;
}

/* --- the policy --------------------------------------------------------------- */

static bool matches(char *const *patterns, size_t n, const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t i;

	for (i = 0; i < n; i++) {
		if (patterns[i][0] == '@' ? at && !strcasecmp(at, patterns[i]) :
					    !strcasecmp(addr, patterns[i]))
			return true;
	}
	return false;
}

bool post_author_wanted(const struct post *p, const char *author,
			const char **why)
{
	const char *no = NULL;

	if (!smtp_address_ok(author))
		no = "the patch has no usable author address";
	else if (p->sender && !strcasecmp(author, p->sender))
		no = "the author is post.from itself";
	else if (matches(p->ignore, p->nignore, author))
		no = "the author opted out (post.ignore-from)";
	else if (p->nonly && !matches(p->only, p->nonly, author))
		no = "the author did not opt in (post.only-from)";
	if (why)
		*why = no;
	return !no;
}

bool post_severity_wanted(const struct post *p, enum rule_severity worst)
{
	return worst >= p->min_severity;
}

size_t post_quota(const struct post *p, size_t sent_last_hour)
{
	size_t max = (size_t)p->max_per_hour;

	return sent_last_hour < max ? max - sent_last_hour : 0;
}

static bool rcpt_has(const struct mail_addr *list, size_t n, const char *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(list[i].addr, addr))
			return true;
	return false;
}

/*
 * Add a to the To (to) or Cc list of r, once, never the sender, never an
 * address that could not go in an SMTP envelope as it is.
 */
static void rcpt_add(const struct post *p, struct post_rcpt *r, bool to,
		     const struct mail_addr *a)
{
	struct mail_addr **list = to ? &r->to : &r->cc;
	size_t *n = to ? &r->nto : &r->ncc;

	if (!a || !smtp_address_ok(a->addr) ||
	    (p->sender && !strcasecmp(a->addr, p->sender)) ||
	    rcpt_has(r->to, r->nto, a->addr) ||
	    rcpt_has(r->cc, r->ncc, a->addr) ||
	    r->nto + r->ncc >= MAIL_MAX_ADDRS)
		return;
	if (!*list)
		*list = xcalloc(MAIL_MAX_ADDRS, sizeof(**list));
	(*list)[*n].name = xstrdup(a->name ? a->name : "");
	(*list)[(*n)++].addr = xstrdup(a->addr);
}

int post_recipients(const struct post *p, const struct mail_addr *author,
		    const struct mail_addr *to, size_t nto,
		    const struct mail_addr *cc, size_t ncc,
		    struct post_rcpt **out)
{
	struct post_rcpt *r = xcalloc(1, sizeof(*r));
	struct mail_addr list = { "", p->list };
	size_t i;

	if (p->reply_to == POST_TO_LIST) {
		rcpt_add(p, r, true, &list);
	} else {
		rcpt_add(p, r, true, author);
	}
	for (i = 0; p->reply_to == POST_TO_ALL && i < nto; i++)
		rcpt_add(p, r, false, &to[i]);
	for (i = 0; p->reply_to == POST_TO_ALL && i < ncc; i++)
		rcpt_add(p, r, false, &cc[i]);
	for (i = 0; i < p->ncc; i++)
		rcpt_add(p, r, false, &p->cc[i]);
	if (!r->nto && !r->ncc) {
		post_rcpt_free(r);
		*out = NULL;
		return mmr_error_set(MMR_EINVAL,
				     "the reply has no recipient "
				     "(post.reply-to is %s)",
				     reply_to_names[p->reply_to]);
	}
	*out = r;
	return 0;
}

static void free_addrs(struct mail_addr *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)list[i].name);
		free((char *)list[i].addr);
	}
	free(list);
}

void post_rcpt_free(struct post_rcpt *r)
{
	if (!r)
		return;
	free_addrs(r->to, r->nto);
	free_addrs(r->cc, r->ncc);
	free(r);
}

/* --- queueing -------------------------------------------------------------------- */

/* The envelope: every address of r, To first. */
static const char **envelope(const struct post_rcpt *r, size_t *n)
{
	const char **list = xcalloc(r->nto + r->ncc + 1, sizeof(*list));
	size_t i;

	*n = 0;
	for (i = 0; i < r->nto; i++)
		list[(*n)++] = r->to[i].addr;
	for (i = 0; i < r->ncc; i++)
		list[(*n)++] = r->cc[i].addr;
	return list;
}

/* The message must parse and carry reply_id as its Message-ID. */
static int check_message(const struct post_reply *r)
{
	struct mail *m;
	const char *id;
	int error = mail_parse(&m, r->msg, r->len, false);

	if (error < 0) {
		mmr_error_prefix("reply %s to %s", r->reply_id, r->patch_id);
		return error;
	}
	id = mail_message_id(m);
	if (!id || strcmp(id, r->reply_id))
		error = mmr_error_set(MMR_EINVAL,
				      "reply %s to %s: its Message-ID is <%s>",
				      r->reply_id, r->patch_id,
				      id ? id : "(none)");
	mail_free(m);
	return error;
}

int post_queue(struct post *p, struct state *st, const struct post_reply *r,
	       time_t now)
{
	struct state_reply row = {
		.reply_id = r->reply_id,
		.patch_id = r->patch_id,
		.series_id = r->series_id,
		.sender = post_sender(p),
		.msg = r->msg,
		.len = r->len,
	};
	int64_t id;
	int error;

	if (p->mode == POST_NONE)
		return 0;
	if (!r->reply_id || !r->patch_id || !r->rcpt || !r->msg)
		return mmr_error_set(MMR_EINVAL,
				     "a reply needs its Message-ID, "
				     "the patch's, recipients and "
				     "text");
	error = check_message(r);
	if (error < 0)
		return error;
	row.rcpt = envelope(r->rcpt, &row.nrcpt);
	error = state_outbox_add(st, &row, now, &id);
	free((void *)row.rcpt);
	return error;
}

/* --- delivery to an outbox file ----------------------------------------------- */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : fsync(fd);

	if (fd >= 0)
		close(fd);
	return rc;
}

static int file_error(const char *what, const char *path)
{
	return mmr_error_set(MMR_EIO, "cannot %s outbox '%s': %s", what, path,
			     strerror(errno));
}

/* FNV-1a of the reply's Message-ID: the tag of its Maildir file's name. */
static unsigned long long id_hash(const char *s)
{
	unsigned long long h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int maildir_make(const char *dir)
{
	static const char *const subs[] = { "", "tmp", "new", "cur" };
	size_t i;
	int error = 0;

	for (i = 0; !error && i < 4; i++) {
		struct sbuf sb = SBUF_INIT;

		sbuf_addf(&sb, "%s/%s", dir, subs[i]);
		if (mkdir(sb.buf, 0700) < 0 && errno != EEXIST)
			error = file_error("create", sb.buf);
		sbuf_release(&sb);
	}
	return error;
}

/* "<sec>.M<usec>P<pid>Q<n>R<hash>.<host>": unique, and findable by hash. */
static void maildir_name(struct post *p, struct sbuf *sb, const char *id)
{
	char host[256] = "localhost";
	struct timespec ts;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i]; i++)
		if (host[i] == '/' || host[i] == ':')
			host[i] = '_';
	sbuf_addf(sb, "%lld.M%ldP%ldQ%uR%016llx.%s", (long long)ts.tv_sec,
		  ts.tv_nsec / 1000, (long)getpid(), ++p->seq, id_hash(id),
		  host);
}

/* Write to tmp/, fsync, rename into new/, fsync new/. */
static int maildir_deliver(struct post *p, const char *reply_id,
			   const char *msg, size_t len)
{
	struct sbuf name = SBUF_INIT, tmp = SBUF_INIT, new = SBUF_INIT;
	int fd, error = maildir_make(p->outbox);

	if (error < 0)
		return error;
	maildir_name(p, &name, reply_id);
	sbuf_addf(&tmp, "%s/tmp/%s", p->outbox, name.buf);
	sbuf_addf(&new, "%s/new/%s", p->outbox, name.buf);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		error = file_error("write", tmp.buf);
		goto out;
	}
	if (write_all(fd, msg, len) < 0 || fsync(fd) < 0)
		error = file_error("write", tmp.buf);
	if (close(fd) < 0 && !error)
		error = file_error("write", tmp.buf);
	if (!error && rename(tmp.buf, new.buf) < 0)
		error = file_error("deliver to", new.buf);
	if (error < 0)
		unlink(tmp.buf);
	sbuf_setlen(&new, new.len - name.len - 1);
	if (!error && fsync_dir(new.buf) < 0)
		error = file_error("sync", new.buf);
out:
	sbuf_release(&name);
	sbuf_release(&tmp);
	sbuf_release(&new);
	return error;
}

/* Is a file of reply_id in new/ or cur/? 1, 0, or a negative code. */
static int maildir_has(const struct post *p, const char *reply_id)
{
	static const char *const subs[] = { "new", "cur" };
	char tag[24];
	size_t i;
	int found = 0;

	snprintf(tag, sizeof(tag), "R%016llx.", id_hash(reply_id));
	for (i = 0; !found && i < 2; i++) {
		struct sbuf sb = SBUF_INIT;
		struct dirent *de;
		DIR *d;

		sbuf_addf(&sb, "%s/%s", p->outbox, subs[i]);
		d = opendir(sb.buf);
		if (!d && errno != ENOENT)
			found = file_error("read", sb.buf);
		while (d && !found && (de = readdir(d)))
			found = strstr(de->d_name, tag) != NULL;
		if (d)
			closedir(d);
		sbuf_release(&sb);
	}
	return found;
}

/* mboxrd: "From " lines, also quoted ones, get one more '>'. */
static void mbox_quote(struct sbuf *sb, const char *msg, size_t len)
{
	const char *end = msg + len;

	while (msg < end) {
		const char *nl = memchr(msg, '\n', end - msg);
		size_t n = nl ? (size_t)(nl - msg) + 1 : (size_t)(end - msg);
		size_t gt = 0;

		while (gt < n && msg[gt] == '>')
			gt++;
		if (mmr_starts_with(msg + gt, n - gt, "From "))
			sbuf_addch(sb, '>');
		sbuf_add(sb, msg, n);
		msg += n;
	}
	if (len && msg[-1] != '\n')
		sbuf_addch(sb, '\n');
}

/* Take the mbox's fcntl lock (what mutt and others use), a few tries. */
static int mbox_lock(int fd, const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int i;

	for (i = 0; i < POST_MBOX_LOCK_TRIES; i++) {
		if (!fcntl(fd, F_SETLK, &fl))
			return 0;
		if (errno != EACCES && errno != EAGAIN)
			break;
		usleep(100 * 1000);
	}
	return file_error("lock", path);
}

/*
 * Append one message with its From_ line; a blank line ends it. A failed
 * write is cut off again, so the mbox never holds half a message.
 */
static int mbox_deliver(struct post *p, const char *msg, size_t len, time_t now)
{
	struct sbuf sb = SBUF_INIT;
	char date[64], tail[2] = { '\n', '\n' };
	struct stat st;
	struct tm tm;
	int error, fd = open(p->outbox, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
			     0600);

	if (fd < 0)
		return file_error("open", p->outbox);
	error = mbox_lock(fd, p->outbox);
	if (!error && fstat(fd, &st) < 0)
		error = file_error("read", p->outbox);
	if (error < 0)
		goto out;
	/* the message before must end with a blank line */
	if (st.st_size &&
	    pread(fd, tail + (st.st_size < 2), st.st_size < 2 ? 1 : 2,
		  st.st_size - (st.st_size < 2 ? 1 : 2)) < 0)
		error = file_error("read", p->outbox);
	if (tail[1] != '\n')
		sbuf_addstr(&sb, "\n\n");
	else if (tail[0] != '\n')
		sbuf_addch(&sb, '\n');
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	sbuf_addf(&sb, "From %s %s\n", post_sender(p), date);
	mbox_quote(&sb, msg, len);
	sbuf_addch(&sb, '\n');
	if (!error && (write_all(fd, sb.buf, sb.len) < 0 || fsync(fd) < 0)) {
		error = file_error("append to", p->outbox);
		if (ftruncate(fd, st.st_size) < 0)
			mmr_error_prefix("and cannot cut it back");
	}
out:
	close(fd);
	sbuf_release(&sb);
	return error;
}

/* Is there a message with Message-ID <reply_id> in the mbox? */
static int mbox_has(const struct post *p, const char *reply_id)
{
	FILE *f = fopen(p->outbox, "re");
	struct sbuf want = SBUF_INIT;
	char *line = NULL;
	size_t alloc = 0;
	bool header = false;
	int found = 0;
	ssize_t n;

	if (!f)
		return errno == ENOENT ? 0 : file_error("read", p->outbox);
	sbuf_addf(&want, "<%s>", reply_id);
	while (!found && (n = getline(&line, &alloc, f)) > 0) {
		if (!strncmp(line, "From ", 5)) {
			header = true;
		} else if (*line == '\n') {
			header = false;
		} else if (header && !strncasecmp(line, "Message-ID:", 11)) {
			const char *v = line + 11 + strspn(line + 11, " \t");

			found = !strncmp(v, want.buf, want.len);
		}
	}
	if (!found && ferror(f))
		found = file_error("read", p->outbox);
	free(line);
	fclose(f);
	sbuf_release(&want);
	return found;
}

/* --- sending ------------------------------------------------------------------- */

/* A copy of an outbox row, to use after the statement that read it. */
struct outgoing {
	int64_t id;
	time_t updated; /* when it was claimed, for a reply left sending */
	struct sbuf reply_id, patch_id, sender, msg;
	char **rcpt;
	size_t nrcpt;
};

static int copy_reply(const struct state_reply *r, void *payload)
{
	struct outgoing *o = payload;
	size_t i;

	o->id = r->id;
	o->updated = r->updated;
	sbuf_init(&o->msg, STATE_MAX_REPLY + 1);
	sbuf_addstr(&o->reply_id, r->reply_id);
	sbuf_addstr(&o->patch_id, r->patch_id);
	sbuf_addstr(&o->sender, r->sender);
	sbuf_add(&o->msg, r->msg, r->len);
	o->rcpt = xcalloc(r->nrcpt + 1, sizeof(*o->rcpt));
	for (i = 0; i < r->nrcpt; i++)
		o->rcpt[i] = xstrdup(r->rcpt[i]);
	o->nrcpt = r->nrcpt;
	return 0;
}

static void outgoing_release(struct outgoing *o)
{
	sbuf_release(&o->reply_id);
	sbuf_release(&o->patch_id);
	sbuf_release(&o->sender);
	sbuf_release(&o->msg);
	free_list(o->rcpt, o->nrcpt);
	memset(o, 0, sizeof(*o));
}

static void tell(post_event_fn ev, void *payload, enum post_outcome outcome,
		 const struct outgoing *o, const char *error)
{
	struct post_event e = {
		.outcome = outcome,
		.id = o->id,
		.reply_id = o->reply_id.buf,
		.patch_id = o->patch_id.buf,
		.rcpt = (const char *const *)o->rcpt,
		.nrcpt = o->nrcpt,
		.error = error,
	};

	if (ev)
		ev(&e, payload);
}

/* Deliver one reply in the configured mode; *fate says how it went. */
static int deliver(struct post *p, const struct outgoing *o, time_t now,
		   enum smtp_fate *fate)
{
	int error;

	if (p->mode == POST_SMTP)
		return smtp_send(p->smtp, o->sender.buf,
				 (const char *const *)o->rcpt, o->nrcpt,
				 o->msg.buf, o->msg.len, fate);
	error = p->maildir ? maildir_deliver(p, o->reply_id.buf, o->msg.buf,
					     o->msg.len) :
			     mbox_deliver(p, o->msg.buf, o->msg.len, now);
	*fate = error < 0 ? SMTP_NOT_SENT : SMTP_SENT;
	return error;
}

/*
 * Send the reply of row id: sending (committed), deliver, then its new
 * status. Returns 1 when sent, 0 when refused for good (the round goes
 * on), or a negative code that ends the round.
 */
static int send_one(struct post *p, struct state *st, int64_t id, time_t now,
		    post_event_fn ev, void *payload)
{
	struct outgoing o = { 0 };
	char why[STATE_MAX_TEXT + 1];
	enum smtp_fate fate;
	int error = state_outbox_get(st, id, copy_reply, &o);

	if (!error)
		error = state_outbox_claim(st, id, now);
	if (error < 0)
		goto out;
	fault_point("claimed");
	error = deliver(p, &o, now, &fate);
	if (fate == SMTP_SENT)
		fault_point("delivered");
	snprintf(why, sizeof(why), "%s", error < 0 ? mmr_error_last() : "");
	switch (fate) {
	case SMTP_SENT:
		error = state_outbox_sent(st, id, now);
		if (!error)
			tell(ev, payload, POST_SENT, &o, NULL);
		error = error < 0 ? error : 1;
		break;
	case SMTP_REFUSED:
		error = state_outbox_fail(st, id, why, now);
		if (!error)
			tell(ev, payload, POST_FAILED, &o, why);
		break;
	case SMTP_NOT_SENT:
		error = state_outbox_retry(st, id, why, now);
		if (!error)
			tell(ev, payload, POST_RETRY, &o, why);
		error = error < 0 ? error : mmr_error_set(MMR_EIO, "%s", why);
		break;
	default: /* left sending, for post_recover() */
		tell(ev, payload, POST_UNKNOWN, &o, why);
		error = mmr_error_set(MMR_EIO, "%s", why);
		break;
	}
out:
	outgoing_release(&o);
	return error;
}

int post_flush(struct post *p, struct state *st, time_t now, post_event_fn ev,
	       void *payload)
{
	int64_t *ids = NULL;
	size_t sent_hour, quota, n, i;
	int sent = 0, error;

	if (p->mode == POST_NONE)
		return 0;
	/* the hour before now: (now - 3600, now] */
	error = state_outbox_sent_since(st, now - 3600 + 1, &sent_hour);
	if (error < 0)
		return error;
	quota = post_quota(p, sent_hour);
	quota = quota < POST_MAX_BATCH ? quota : POST_MAX_BATCH;
	if (!quota)
		return 0;
	ids = xcalloc(quota, sizeof(*ids));
	error = state_outbox_list(st, STATE_OUTBOX_PENDING, ids, quota, &n);
	for (i = 0; !error && i < n; i++) {
		error = send_one(p, st, ids[i], now, ev, payload);
		sent += error > 0;
		error = error < 0 ? error : 0;
	}
	free(ids);
	return error < 0 ? error : sent;
}

/* Whether the reply is where it would be: 1, 0, or a negative code. */
static int find_reply(struct post *p, const char *reply_id,
		      post_lookup_fn lookup, void *lookup_payload)
{
	if (p->mode == POST_OUTBOX)
		return p->maildir ? maildir_has(p, reply_id) :
				    mbox_has(p, reply_id);
	if (!lookup)
		return mmr_error_set(MMR_EUSAGE,
				     "reply %s may have been sent: an archive "
				     "lookup is needed",
				     reply_id);
	return lookup(reply_id, lookup_payload);
}

/*
 * Whether the archive can settle a reply: it went to the list ([post]
 * list among its recipients). A reply to the author alone never reaches
 * the archive, so "not there" would not mean "not sent".
 */
static bool archive_sees(const struct post *p, const struct outgoing *o)
{
	size_t i;

	for (i = 0; p->list && i < o->nrcpt; i++)
		if (!strcasecmp(o->rcpt[i], p->list))
			return true;
	return false;
}

/*
 * Settle one reply left sending: 1 when settled, 0 when it stays sending
 * for now, or a negative code (the lookup's, or the state's in *fatal).
 */
static int recover_one(struct post *p, struct state *st, int64_t id,
		       post_lookup_fn lookup, void *lookup_payload, time_t now,
		       post_event_fn ev, void *payload, int *fatal)
{
	struct outgoing o = { 0 };
	int found, error = state_outbox_get(st, id, copy_reply, &o);

	found = error;
	if (error < 0)
		goto out;
	if (p->mode != POST_OUTBOX && !archive_sees(p, &o)) {
		tell(ev, payload, POST_UNKNOWN, &o,
		     "sent to no archived address: the archive cannot tell "
		     "whether it went out; it stays sending, never sent "
		     "twice");
		found = 0;
		goto out;
	}
	if (p->mode != POST_OUTBOX && now - o.updated < p->archive_wait) {
		found = 0; /* the list may not have archived it yet */
		goto out;
	}
	found = find_reply(p, o.reply_id.buf, lookup, lookup_payload);
	if (found > 0)
		error = state_outbox_sent(st, o.id, now);
	else if (!found)
		error = state_outbox_retry(st, o.id,
					   "fate unknown and not in the "
					   "archive: sent again",
					   now);
	if (found >= 0 && !error) {
		tell(ev, payload, found ? POST_FOUND : POST_RESEND, &o, NULL);
		found = 1;
	}
out:
	if (error < 0)
		*fatal = error;
	outgoing_release(&o);
	return found;
}

int post_recover(struct post *p, struct state *st, post_lookup_fn lookup,
		 void *lookup_payload, time_t now, post_event_fn ev,
		 void *payload)
{
	int64_t *ids = xcalloc(POST_MAX_BATCH, sizeof(*ids));
	char first[STATE_MAX_TEXT + 1] = "";
	int settled = 0, first_error = 0, fatal = 0, found;
	size_t n, i;

	fatal = state_outbox_list(st, STATE_OUTBOX_SENDING, ids, POST_MAX_BATCH,
				  &n);
	for (i = 0; !fatal && i < n; i++) {
		found = recover_one(p, st, ids[i], lookup, lookup_payload, now,
				    ev, payload, &fatal);
		if (found > 0) {
			settled++;
		} else if (found < 0 && !fatal && !first_error) {
			/* cannot tell: it stays sending, never sent twice */
			first_error = found;
			snprintf(first, sizeof(first), "%s", mmr_error_last());
		}
	}
	free(ids);
	if (fatal < 0)
		return fatal;
	if (first_error)
		return mmr_error_set(first_error, "%s", first);
	return settled;
}
