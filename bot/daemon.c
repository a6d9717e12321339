// SPDX-License-Identifier: GPL-2.0
/*
 * daemon: one round of the loop (daemon.h): fetch, group, review, post,
 * each step a transaction of the state database.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "config.h"
#include "daemon.h"
#include "fault.h"
#include "lore.h"
#include "post.h"
#include "reply.h"
#include "review.h"
#include "rule.h"
#include "sbuf.h"
#include "series.h"
#include "source.h"
#include "state.h"
#include "util.h"

/* What a config gives; swapped whole on a reload. */
struct settings {
	struct lore_settings ls;
	struct post *post;
	struct rule_set *rules;
	struct source *tree; /* NULL: the hunks alone */
	enum rule_severity min;
	long interval;
	struct lore *lore;
	struct assemble *as;
	bool loaded; /* ls was loaded: release it */
};

struct daemon {
	struct state *st;
	char *state_dir;
	struct lore_store *store; /* the state's, for lore and assemble */
	struct settings *cur;
	lore_log_fn log;
	void *log_payload;
	bool started; /* a round ran: replies of unknown fate were told */
	bool fatal; /* the pool could not be written in this fetch */
	int failed; /* steps failed in this round */
};

static void logf_(struct daemon *d, enum lore_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logf_(struct daemon *d, enum lore_level level, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (d->log)
		d->log(level, sb.buf, d->log_payload);
	sbuf_release(&sb);
}

/* A failed step: logged, and noted for "mmreview status". */
static void step_failed(struct daemon *d, const char *what)
{
	char text[STATE_MAX_TEXT + 1];

	snprintf(text, sizeof(text), "%s: %s", what, mmr_error_last());
	logf_(d, LORE_ERROR, "%s", text);
	d->failed++;
	if (state_note_error(d->st, time(NULL), text) < 0)
		logf_(d, LORE_ERROR, "%s", mmr_error_last());
}

/* --- the lore store on the state database -------------------------------- */

static int store_get(void *payload, const char *ns, const char *key,
		     struct sbuf *value)
{
	return state_store_get(payload, ns, key, value);
}

static int store_put(void *payload, const char *ns, const char *key,
		     const char *value, size_t len)
{
	return state_store_put(payload, ns, key, value, len);
}

static int store_del(void *payload, const char *ns, const char *key)
{
	return state_store_del(payload, ns, key);
}

static int store_each(void *payload, const char *ns, lore_store_each_fn fn,
		      void *arg)
{
	return state_store_each(payload, ns, fn, arg);
}

static const struct lore_store_ops state_store_ops = {
	store_get, store_put, store_del, store_each, NULL,
};

/* --- settings ----------------------------------------------------------------- */

static void settings_free(struct settings *s)
{
	if (!s)
		return;
	assemble_free(s->as);
	lore_free(s->lore);
	source_free(s->tree);
	rule_set_free(s->rules);
	post_free(s->post);
	if (s->loaded)
		lore_settings_release(&s->ls);
	free(s);
}

static void warn_cb(const char *msg, void *payload)
{
	logf_(payload, LORE_WARN, "%s", msg);
}

/* review.kernel-tree, when set: the daemon never guesses one. */
static int open_tree(struct settings *s, const struct config *cfg)
{
	char *dir = NULL;
	int error = config_get_path(cfg, "review.kernel-tree", &dir);

	if (error == MMR_ENOTFOUND) {
		mmr_error_clear();
		return 0;
	}
	if (!error)
		error = review_tree_open(&s->tree, dir);
	free(dir);
	return error;
}

static int open_assembler(struct daemon *d, struct settings *s)
{
	struct assemble_opts ao = { s->ls.settle,
				    (const char *const *)s->ls.ignore_from,
				    s->ls.nignore_from };

	assemble_free(s->as);
	s->as = NULL;
	return assemble_new(&s->as, &ao, d->store);
}

static int settings_new(struct daemon *d, const struct config *cfg,
			struct settings **out)
{
	struct settings *s = xcalloc(1, sizeof(*s));
	int error = lore_settings_load(&s->ls, cfg);

	s->loaded = true;
	if (!error) {
		/* mirrors where the database is, whatever a reload says */
		s->ls.opts.state_dir = d->state_dir;
		s->ls.opts.log = d->log;
		s->ls.opts.log_payload = d->log_payload;
		error = config_get_int(cfg, "daemon.interval",
				       DAEMON_DEFAULT_INTERVAL, &s->interval);
	}
	if (!error && (s->interval < 1 || s->interval > DAEMON_MAX_INTERVAL))
		error = mmr_error_set(MMR_EINVAL,
				      "bad daemon.interval: %ld, 1 to %d "
				      "seconds expected",
				      s->interval, DAEMON_MAX_INTERVAL);
	if (!error)
		error = post_new(&s->post, cfg);
	if (!error)
		error = review_min_severity(cfg, &s->min);
	if (!error)
		error = review_rules_load(&s->rules, cfg, NULL, warn_cb, d);
	if (!error)
		error = open_tree(s, cfg);
	if (!error)
		error = lore_new(&s->lore, &s->ls.opts, d->store);
	if (!error)
		error = open_assembler(d, s);
	if (error < 0) {
		settings_free(s);
		return error;
	}
	*out = s;
	return 0;
}

int daemon_new(struct daemon **out, const struct config *cfg, lore_log_fn log,
	       void *payload)
{
	struct daemon *d = xcalloc(1, sizeof(*d));
	int error = state_dir(cfg, &d->state_dir);

	*out = NULL;
	d->log = log;
	d->log_payload = payload;
	if (!error)
		error = state_open(&d->st, d->state_dir, STATE_OPEN_DAEMON);
	if (!error) {
		d->store = lore_store_new(&state_store_ops, d->st);
		error = settings_new(d, cfg, &d->cur);
	}
	if (error < 0) {
		daemon_free(d);
		return error;
	}
	*out = d;
	return 0;
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	settings_free(d->cur);
	lore_store_free(d->store);
	state_free(d->st);
	free(d->state_dir);
	free(d);
}

int daemon_reload(struct daemon *d, const struct config *cfg)
{
	struct settings *s;
	char *dir = NULL;
	int error = settings_new(d, cfg, &s);

	if (error < 0)
		return error;
	if (!state_dir(cfg, &dir) && strcmp(dir, d->state_dir))
		logf_(d, LORE_WARN,
		      "daemon.state-dir is now '%s': it takes effect when the "
		      "daemon restarts; '%s' stays in use",
		      dir, d->state_dir);
	free(dir);
	settings_free(d->cur);
	d->cur = s;
	return 0;
}

long daemon_interval(const struct daemon *d)
{
	return d->cur->interval;
}

/*
 * A step that failed half way was rolled back: the assembler's memory no
 * longer matches its pool in the database; read it again.
 */
static void undo_step(struct daemon *d)
{
	state_rollback(d->st);
	if (open_assembler(d, d->cur) < 0)
		step_failed(d, "cannot read the pool of messages again");
}

/* --- fetch -------------------------------------------------------------------- */

static int on_message(const struct lore_msg *msg, void *payload)
{
	struct daemon *d = payload;
	struct assemble *as = d->cur->as;
	enum assemble_kind kind;
	struct mail *m;
	char *msgid, *subject;
	int error;

	fault_point("fetch-message");
	if (msg->deleted)
		return 0;
	if (assemble_parse(as, &m, msg->raw, msg->len, msg->mboxrd)) {
		logf_(d, LORE_WARN, "%s %s: unreadable message skipped: %s",
		      msg->inbox, msg->where, mmr_error_last());
		return 0;
	}
	msgid = xstrdup(mail_message_id(m) ? mail_message_id(m) : "");
	subject = xstrdup(mail_subject_text(m));
	error = assemble_add(as, m, msg->raw, msg->len, msg->mboxrd, time(NULL),
			     &kind);
	if (error == MMR_ELIMIT) {
		logf_(d, LORE_WARN, "<%s>: %s", msgid, mmr_error_last());
		error = 0;
	} else if (error) {
		d->fatal = true;
	} else if (kind == ASSEMBLE_PATCH || kind == ASSEMBLE_COVER) {
		logf_(d, LORE_INFO, "<%s>: %s: %s", msgid,
		      assemble_kind_name(kind), subject);
	}
	free(msgid);
	free(subject);
	return error;
}

static int step_fetch(struct daemon *d)
{
	struct lore_settings *ls = &d->cur->ls;
	size_t i, failed = 0;
	int error = state_begin(d->st);

	if (error < 0)
		return error;
	d->fatal = false;
	for (i = 0; i < ls->nurls && !d->fatal; i++) {
		if (lore_fetch(d->cur->lore, ls->urls[i], on_message, d) &&
		    !d->fatal) {
			/* what was read before the failure is kept */
			logf_(d, LORE_ERROR, "%s", mmr_error_last());
			failed++;
		}
	}
	if (d->fatal) {
		undo_step(d);
		step_failed(d, "fetch undone");
		return 0;
	}
	error = state_note_fetch(d->st, time(NULL));
	if (!error)
		error = state_commit(d->st);
	if (error < 0) {
		undo_step(d);
		return error;
	}
	if (failed) {
		mmr_error_set(MMR_EIO, "%zu of %zu inboxes could not be read",
			      failed, ls->nurls);
		step_failed(d, "fetch");
	}
	fault_point("fetch");
	return 0;
}

/* --- group -------------------------------------------------------------------- */

/* Find or create the row of s, with its parts; *id is the row. */
static int record_series(struct daemon *d, const struct assemble_series *s,
			 time_t now, int64_t *id)
{
	size_t k;
	int error =
		state_series_add(d->st, s->id, s->version, s->total, now, id);

	if (!error || error == 1)
		error = s->cover && mail_message_id(s->cover) ?
				state_series_add_part(d->st, *id, 0,
						      mail_message_id(s->cover),
						      now) :
				0;
	for (k = 0; error >= 0 && k < s->nparts; k++)
		if (s->parts[k] && mail_message_id(s->parts[k]))
			error = state_series_add_part(
				d->st, *id, k + 1, mail_message_id(s->parts[k]),
				now);
	return error < 0 ? error : 0;
}

static enum state_series_status status_of(struct daemon *d, int64_t id);

/* A series a newer version replaced: out of the pool, failed with why. */
static int drop_superseded(struct daemon *d, size_t i, time_t now)
{
	const struct assemble_series *s = assemble_at(d->cur->as, i);
	struct sbuf why = SBUF_INIT;
	char *key = xstrdup(s->id);
	unsigned version = s->version;
	int64_t id;
	int error;

	sbuf_addf(&why, "superseded by v%u <%s>", s->superseded_by->version,
		  s->superseded_by->id);
	error = record_series(d, s, now, &id);
	if (!error && status_of(d, id) == STATE_SERIES_WAITING)
		error = state_series_set_status(d->st, id, STATE_SERIES_FAILED,
						why.buf, now);
	if (!error)
		error = assemble_take(d->cur->as, i, NULL);
	if (!error)
		logf_(d, LORE_INFO, "series <%s> v%u: not reviewed: %s", key,
		      version, why.buf);
	free(key);
	sbuf_release(&why);
	return error;
}

static int step_group(struct daemon *d, size_t *n)
{
	time_t now = time(NULL);
	size_t i;
	int64_t id;
	int error;

	*n = assemble_group(d->cur->as, now);
	error = state_begin(d->st);
	if (!error)
		error = state_series_clear_waiting(d->st);
	for (i = 0; !error && i < *n; i++) {
		const struct assemble_series *s = assemble_at(d->cur->as, i);

		if (s->status == ASSEMBLE_WAITING)
			error = record_series(d, s, now, &id);
		else if (s->status == ASSEMBLE_SUPERSEDED)
			error = drop_superseded(d, i, now);
	}
	if (!error)
		error = state_commit(d->st);
	if (error < 0) {
		undo_step(d);
		*n = 0;
		step_failed(d, "grouping the series");
	}
	return 0;
}

/* --- review ------------------------------------------------------------------- */

static int get_status(const struct state_series *s, void *payload)
{
	*(enum state_series_status *)payload = s->status;
	return 0;
}

static enum state_series_status status_of(struct daemon *d, int64_t id)
{
	enum state_series_status status = STATE_SERIES_FAILED;

	state_series_get(d->st, id, get_status, &status);
	return status;
}

/* What a series is while it is reviewed, copied before it is taken. */
struct job {
	char *key, *subject;
	unsigned version;
	size_t nparts;
	int64_t id;
	char *note; /* the parts missing, for the replies; or NULL */
	struct mail **mails; /* the cover letter, then each part */
	struct series *series;
	char *reason; /* why it could not be reviewed, or NULL */
	size_t findings, queued;
};

static void job_init(struct job *j, const struct assemble_series *s,
		     long settle)
{
	char missing[256];
	struct sbuf note = SBUF_INIT;

	memset(j, 0, sizeof(*j));
	j->key = xstrdup(s->id);
	j->subject = xstrdup(s->subject);
	j->version = s->version;
	j->nparts = s->nparts;
	if (!s->complete) {
		assemble_missing(s, missing, sizeof(missing));
		sbuf_addf(&note,
			  "This series was reviewed without patch%s %s, "
			  "which had not reached the list %ld %s after its "
			  "latest part: what they change was not seen.",
			  strchr(missing, ' ') ? "es" : "", missing,
			  settle < 120 ? settle : settle / 60,
			  settle < 120 ? "seconds" : "minutes");
		j->note = sbuf_detach(&note, NULL);
	}
}

static void job_release(struct job *j)
{
	size_t k;

	series_free(j->series);
	for (k = 0; j->mails && k <= j->nparts; k++)
		mail_free(j->mails[k]);
	free(j->mails);
	free(j->key);
	free(j->subject);
	free(j->note);
	free(j->reason);
}

static void job_fail(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void job_fail(struct job *j, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (j->reason)
		return; /* the first reason is the one told */
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	j->reason = sbuf_detach(&sb, NULL);
}

/* The patches of the mails taken, each based on the cover's base-commit:. */
static void build_series(struct job *j, const char *base)
{
	struct series_patch *p;
	size_t k;

	j->series = series_new();
	for (k = 1; k <= j->nparts; k++) {
		if (!j->mails[k])
			continue;
		if (series_add_mail(j->series, j->mails[k])) {
			job_fail(j, "<%s>: %s", mail_message_id(j->mails[k]),
				 mmr_error_last());
			j->mails[k] = NULL; /* the series freed it */
			continue;
		}
		j->mails[k] = NULL; /* the series owns it */
		p = series_at(j->series, series_count(j->series) - 1);
		if (!p->base_commit)
			p->base_commit = base;
	}
	if (!series_count(j->series))
		job_fail(j, "no patch could be read");
}

static void review_series(struct daemon *d, struct job *j, const char *base)
{
	struct review_hooks h = { warn_cb, NULL, d };
	size_t k;

	build_series(j, base);
	if (!j->reason &&
	    review_run(j->series, d->cur->rules, d->cur->tree, &h) < 0)
		job_fail(j, "%s", mmr_error_last());
	for (k = 0; !j->reason && k < series_count(j->series); k++) {
		const struct series_patch *p = series_at(j->series, k);

		if (p->error)
			job_fail(j, "<%s>: %s",
				 p->message_id ? p->message_id : "?", p->error);
	}
}

static int record_findings(struct daemon *d, const struct job *j,
			   const struct series_patch *p, size_t *n)
{
	size_t i, count = p->findings ? rule_findings_count(p->findings) : 0;
	int error = 0;

	for (i = 0; !error && i < count; i++) {
		const struct rule_finding *fd =
			rule_findings_at(p->findings, i);
		struct state_finding f = {
			p->message_id,
			fd->rule,
			rule_severity_name(fd->severity),
			fd->path,
			fd->line,
			fd->column,
			fd->message,
		};

		error = state_finding_add(d->st, j->id, &f);
	}
	*n = count;
	return error;
}

/* The Message-ID reply.c wrote in the headers of text, into out. */
static int reply_id_of(const char *text, char *out, size_t len)
{
	const char *h = strstr(text, "\nMessage-ID: <"), *end;

	if (!h)
		return mmr_error_set(MMR_EINVAL, "a reply without Message-ID");
	h += strlen("\nMessage-ID: <");
	end = strchr(h, '>');
	if (!end || (size_t)(end - h) >= len)
		return mmr_error_set(MMR_EINVAL, "a reply with a bad "
						 "Message-ID");
	memcpy(out, h, end - h);
	out[end - h] = '\0';
	return 0;
}

/*
 * The reply as it goes out: a Date: line first (reply.c writes none, its
 * bytes being the same each time), in *out (caller frees).
 */
static char *dated(const char *text, time_t now)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
					    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
					      "May", "Jun", "Jul", "Aug",
					      "Sep", "Oct", "Nov", "Dec" };
	struct sbuf sb = SBUF_INIT;
	struct tm tm;

	gmtime_r(&now, &tm);
	sbuf_addf(&sb, "Date: %s, %d %s %d %02d:%02d:%02d +0000\n",
		  days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	sbuf_addstr(&sb, text);
	return sbuf_detach(&sb, NULL);
}

/* Queue the reply to p, when it has findings to post and may get one. */
static int queue_reply(struct daemon *d, struct job *j,
		       const struct series_patch *p, time_t now)
{
	struct settings *s = d->cur;
	struct mail_addr author = { p->author_name ? p->author_name : "",
				    p->author_addr };
	const struct mail_addr *to = NULL, *cc = NULL;
	size_t nto = 0, ncc = 0;
	struct post_rcpt *r = NULL;
	char *text = NULL, rid[512];
	const char *why;
	int error;

	if (!p->message_id || !p->author_addr || !p->mail)
		return 0;
	if (!post_author_wanted(s->post, p->author_addr, &why)) {
		logf_(d, LORE_INFO, "<%s>: no reply: %s", p->message_id, why);
		return 0;
	}
	nto = mail_to(p->mail, &to);
	ncc = mail_cc(p->mail, &cc);
	error = post_recipients(s->post, &author, to, nto, cc, ncc, &r);
	if (error < 0) {
		logf_(d, LORE_WARN, "<%s>: no reply: %s", p->message_id,
		      mmr_error_last());
		return 0;
	}
	struct reply_opts ro = { post_from(s->post),
				 s->min,
				 r->to,
				 r->cc,
				 r->nto,
				 r->ncc,
				 j->note };

	error = reply_email_opts(&text, p, &ro);
	if (!error && text)
		error = reply_id_of(text, rid, sizeof(rid));
	if (!error && text) {
		char *msg = dated(text, now);
		struct post_reply pr = { rid, p->message_id, j->id,
					 r,   msg,	     strlen(msg) };

		error = post_queue(s->post, d->st, &pr, now);
		if (error > 0) {
			j->queued++;
			logf_(d, LORE_INFO, "<%s>: reply <%s> queued",
			      p->message_id, rid);
		}
		free(msg);
	}
	free(text);
	post_rcpt_free(r);
	return error < 0 ? error : 0;
}

/* Findings and replies of every patch, then reviewed: or failed, why. */
static int record_review(struct daemon *d, struct job *j, time_t now)
{
	size_t k, n;
	int error = state_series_set_status(d->st, j->id, STATE_SERIES_READY,
					    NULL, now);

	if (!error && j->reason)
		return state_series_set_status(
			d->st, j->id, STATE_SERIES_FAILED, j->reason, now);
	for (k = 0; !error && k < series_count(j->series); k++) {
		const struct series_patch *p = series_at(j->series, k);

		error = record_findings(d, j, p, &n);
		j->findings += n;
		if (!error && n)
			error = queue_reply(d, j, p, now);
	}
	if (!error)
		error = state_series_set_status(
			d->st, j->id, STATE_SERIES_REVIEWED, NULL, now);
	return error;
}

static void tell_review(struct daemon *d, const struct job *j)
{
	if (j->reason)
		logf_(d, LORE_WARN, "series <%s> v%u: not reviewed: %s", j->key,
		      j->version, j->reason);
	else
		logf_(d, LORE_INFO,
		      "series <%s> v%u: reviewed, %zu patch%s, %zu finding%s, "
		      "%zu repl%s queued%s",
		      j->key, j->version, series_count(j->series),
		      series_count(j->series) == 1 ? "" : "es", j->findings,
		      j->findings == 1 ? "" : "s", j->queued,
		      j->queued == 1 ? "y" : "ies",
		      j->note ? " (parts missing)" : "");
}

/*
 * Series i, in one transaction: recorded, taken out of the pool,
 * reviewed, its findings and replies recorded, its status set. A series
 * reviewed before (its key and version are in the state) is only taken
 * out.
 */
static int step_review(struct daemon *d, size_t i)
{
	const struct assemble_series *s = assemble_at(d->cur->as, i);
	time_t now = time(NULL);
	struct job j;
	enum state_series_status was;
	int error;

	job_init(&j, s, d->cur->ls.settle);
	error = state_begin(d->st);
	if (!error)
		error = record_series(d, s, now, &j.id);
	if (error < 0)
		goto out;
	was = status_of(d, j.id);
	j.mails = xcalloc(j.nparts + 1, sizeof(*j.mails));
	error = assemble_take(d->cur->as, i, j.mails);
	if (error < 0)
		goto out;
	if (was == STATE_SERIES_REVIEWED || was == STATE_SERIES_FAILED) {
		logf_(d, LORE_INFO, "series <%s> v%u: %s before: not again",
		      j.key, j.version, state_series_status_name(was));
		error = state_commit(d->st);
		goto out;
	}
	review_series(d, &j,
		      j.mails[0] ? mail_trailer(j.mails[0], "base-commit") :
				   NULL);
	fault_point("review");
	error = record_review(d, &j, now);
	if (!error)
		error = state_commit(d->st);
	if (!error) {
		tell_review(d, &j);
		fault_point("reviewed");
	}
out:
	if (error < 0) {
		undo_step(d);
		mmr_error_prefix("series <%s> v%u", j.key, j.version);
		step_failed(d, "review undone");
		error = 0;
	}
	job_release(&j);
	return error;
}

/* --- post --------------------------------------------------------------------- */

static void on_post(const struct post_event *ev, void *payload)
{
	struct daemon *d = payload;
	struct sbuf to = SBUF_INIT;
	size_t i;

	for (i = 0; i < ev->nrcpt; i++)
		sbuf_addf(&to, "%s%s", i ? ", " : "", ev->rcpt[i]);
	switch (ev->outcome) {
	case POST_SENT:
		logf_(d, LORE_INFO, "<%s>: reply <%s> sent to %s", ev->patch_id,
		      ev->reply_id, to.buf);
		break;
	case POST_FOUND:
		logf_(d, LORE_INFO,
		      "<%s>: reply <%s> is in the archive: marked sent",
		      ev->patch_id, ev->reply_id);
		break;
	case POST_RESEND:
		logf_(d, LORE_WARN,
		      "<%s>: reply <%s> is not in the archive: sent again",
		      ev->patch_id, ev->reply_id);
		break;
	case POST_RETRY:
		logf_(d, LORE_WARN, "<%s>: reply <%s> waits: %s", ev->patch_id,
		      ev->reply_id, ev->error);
		break;
	case POST_FAILED:
		logf_(d, LORE_ERROR, "<%s>: reply <%s> refused: %s",
		      ev->patch_id, ev->reply_id, ev->error);
		break;
	case POST_UNKNOWN:
		/* told once per run, not every round */
		if (!d->started || !strstr(ev->error, "archive cannot tell"))
			logf_(d, LORE_WARN,
			      "<%s>: reply <%s>: fate unknown: %s",
			      ev->patch_id, ev->reply_id, ev->error);
		break;
	}
	sbuf_release(&to);
}

/* The archive lookup of post_recover(): any inbox that has it. */
static int in_archive(const char *msgid, void *payload)
{
	struct daemon *d = payload;
	struct lore_settings *ls = &d->cur->ls;
	size_t i;
	int error = 0, found;

	for (i = 0; i < ls->nurls; i++) {
		found = lore_has_message(d->cur->lore, ls->urls[i], msgid);
		if (found > 0)
			return 1;
		if (found < 0 && !error)
			error = found;
	}
	return error;
}

static void step_post(struct daemon *d)
{
	struct post *p = d->cur->post;
	time_t now = time(NULL);

	if (post_mode(p) == POST_NONE)
		return;
	if (post_recover(p, d->st, in_archive, d, now, on_post, d) < 0)
		step_failed(d, "replies of unknown fate stay unsent");
	if (post_flush(p, d->st, now, on_post, d) < 0)
		step_failed(d, "sending replies");
}

/* --- the round ---------------------------------------------------------------- */

int daemon_round(struct daemon *d, const volatile sig_atomic_t *stop)
{
	size_t n = 0, i;
	int error;

	d->failed = 0;
	error = step_fetch(d);
	if (!error && !*stop)
		error = step_group(d, &n);
	for (i = 0; !error && !*stop && i < n; i++) {
		const struct assemble_series *s = assemble_at(d->cur->as, i);

		if (!s)
			break; /* a step was undone: the grouping is gone */
		if (s->status == ASSEMBLE_READY ||
		    s->status == ASSEMBLE_SETTLED)
			error = step_review(d, i);
	}
	if (!error && !*stop)
		step_post(d);
	d->started = true;
	return error < 0 ? error : d->failed;
}
