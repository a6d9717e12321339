// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview am: fetch a thread from a public-inbox archive, pick the newest
 * complete version of the series in it (as b4 am does), save it as an
 * mbox git am applies, and review it as check does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "cli.h"
#include "config.h"
#include "cmd-lore.h"
#include "lore.h"
#include "mbox.h"
#include "util.h"

static const char am_usage[] =
	"usage: mmreview am [options] MSGID|URL\n"
	"\n"
	"Fetch the thread of a message (URL/<msgid>/t.mbox.gz) from the inbox\n"
	"of the URL given, or from each lore.url in turn, pick the newest\n"
	"complete version of the series in it, and review it as check does.\n"
	"\n"
	"  -v N, --use-version N\n"
	"                 version N of the series instead\n"
	"  --save FILE    write the series to FILE, an mbox git am applies\n"
	"  --url URL      ask this inbox (instead of lore.url)\n"
	"  --format F     text (default), json, sarif or email (the replies)\n"
	"  --tree DIR     a kernel tree for exact pre-images and definitions\n"
	"                 (default: review.kernel-tree)\n"
	"  --from ADDR    From: of the reply emails (default: post.from)\n"
	"  -o FILE        write the report to FILE\n"
	"  --verbose      say where each file's images came from, and more\n"
	"\n"
	"Exit status: 0 nothing found, 1 findings, 2 errors (an unknown\n"
	"message-id, an inbox that cannot be reached).\n";

struct am_opts {
	const char *target, *save, *url;
	const char *format, *tree, *from, *output;
	unsigned version; /* 0: the newest complete */
	int verbose;
};

static int parse_version(const char *s, unsigned *out)
{
	unsigned long v;

	if (!mmr_parse_uint(s, strlen(s), 99999, &v) ||
	    strlen(s) != strspn(s, "0123456789") || !v) {
		cli_error("bad version '%s' (a number from 1)", s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_am_args(int argc, char **argv, struct am_opts *o)
{
	const char *version = NULL, **args;
	const struct cli_option opts[] = {
		{ "--use-version", "-v", CLI_OPT_STRING, &version },
		{ "--save", NULL, CLI_OPT_STRING, &o->save },
		{ "--url", NULL, CLI_OPT_STRING, &o->url },
		{ "--format", NULL, CLI_OPT_STRING, &o->format },
		{ "--tree", NULL, CLI_OPT_STRING, &o->tree },
		{ "--from", NULL, CLI_OPT_STRING, &o->from },
		{ "--output", "-o", CLI_OPT_STRING, &o->output },
		{ "--verbose", NULL, CLI_OPT_COUNT, &o->verbose },
		{ 0 },
	};
	int n, err;

	args = xcalloc((size_t)argc, sizeof(*args));
	err = cli_parse_options(argc, argv, 1, opts, am_usage, args, &n);
	if (!err && n > 1) {
		cli_error("more than one message ('%s', '%s')", args[0],
			  args[1]);
		err = -1;
	}
	o->target = n ? args[0] : NULL;
	free(args);
	if (err || (version && parse_version(version, &o->version)))
		return -1;
	if (!o->target) {
		cli_error("which message? (a message-id or its URL)");
		return -1;
	}
	return 0;
}

/* --- the thread ------------------------------------------------------------ */

/*
 * The thread of msgid from inbox, or from each inbox of the settings in
 * turn until one has it, into mbox; *where is the inbox that had it.
 */
static int fetch_thread(struct lore *l, const struct lore_settings *ls,
			const char *inbox, const char *msgid, struct sbuf *mbox,
			const char **where)
{
	struct sbuf tried = SBUF_INIT;
	size_t i, n = inbox ? 1 : ls->nurls;
	int error = MMR_ENOTFOUND;

	for (i = 0; i < n && error == MMR_ENOTFOUND; i++) {
		*where = inbox ? inbox : ls->urls[i];
		sbuf_reset(mbox);
		error = lore_thread(l, *where, msgid, mbox);
		sbuf_addf(&tried, "%s%s", i ? ", " : "", *where);
	}
	if (error == MMR_ENOTFOUND)
		error = mmr_error_set(MMR_ENOTFOUND, "no message <%s> in %s",
				      msgid, tried.buf);
	sbuf_release(&tried);
	return error;
}

struct mem_reader {
	const struct sbuf *sb;
	size_t off;
};

static ssize_t mem_read(void *ctx, char *buf, size_t len)
{
	struct mem_reader *r = ctx;
	size_t n = r->sb->len - r->off;

	if (n > len)
		n = len;
	memcpy(buf, r->sb->buf + r->off, n);
	r->off += n;
	return (ssize_t)n;
}

/* Every message of the thread (an mboxrd) into the assembler. */
static int read_thread(struct assemble *as, const struct sbuf *mbox,
		       const char *where)
{
	struct mem_reader r = { mbox, 0 };
	struct mbox *mb = mbox_new(mem_read, &r, true);
	enum assemble_kind kind;
	struct mail *m;
	int ret, error = 0;

	while (!error && (ret = mbox_next(mb, &m)) != 0) {
		if (ret < 0) {
			cli_warn("%s: %s", where, mmr_error_last());
			continue;
		}
		error = assemble_add(as, m, NULL, 0, true, 0, &kind);
	}
	mbox_free(mb);
	if (error)
		cli_error("%s", mmr_error_last());
	return error;
}

static bool has_message(const struct assemble_series *s, const char *msgid)
{
	size_t k;

	if (s->cover && !strcmp(mail_message_id(s->cover), msgid))
		return true;
	for (k = 0; k < s->nparts; k++)
		if (s->parts[k] && !strcmp(mail_message_id(s->parts[k]), msgid))
			return true;
	return false;
}

/*
 * Whether s is a better pick than best: complete first, then the newest
 * version (unless one was asked for), then the series of the message
 * asked for, then the one with more patches.
 */
static bool better(const struct assemble_series *s,
		   const struct assemble_series *best, const char *msgid)
{
	if (!best)
		return true;
	if (s->complete != best->complete)
		return s->complete;
	if (s->version != best->version)
		return s->version > best->version;
	if (has_message(s, msgid) != has_message(best, msgid))
		return has_message(s, msgid);
	return s->npresent > best->npresent;
}

static int choose(struct assemble *as, unsigned version, const char *msgid,
		  size_t *out)
{
	const struct assemble_series *best = NULL, *s;
	size_t n = assemble_group(as, 0), i;
	unsigned newest = 0;

	for (i = 0; i < n; i++) {
		s = assemble_at(as, i);
		if (s->npresent && s->version > newest)
			newest = s->version;
		if (!s->npresent || (version && s->version != version))
			continue;
		if (better(s, best, msgid)) {
			best = s;
			*out = i;
		}
	}
	if (best)
		return 0;
	if (version && newest)
		return mmr_error_set(MMR_ENOTFOUND,
				     "the thread of <%s> has no v%u (the "
				     "newest is v%u)",
				     msgid, version, newest);
	return mmr_error_set(MMR_ENOTFOUND, "the thread of <%s> has no patch",
			     msgid);
}

static void say_choice(const struct assemble_series *s)
{
	char missing[256];

	cli_info("v%u, %zu patch%s: %s", s->version, s->npresent,
		 s->npresent == 1 ? "" : "es", s->subject);
	if (!s->complete) {
		assemble_missing(s, missing, sizeof(missing));
		cli_warn("v%u is incomplete: missing %s", s->version, missing);
	}
}

/* --- the mbox for git am ------------------------------------------------------- */

/* A header value on one line. */
static void put_value(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* "Name <addr>", the name quoted when it has specials. */
static void put_from(FILE *f, const struct mail_addr *from)
{
	const char *p;

	fputs("From: ", f);
	if (from && *from->name &&
	    from->name[strcspn(from->name, "()<>[]:;@\\,.\"")]) {
		fputc('"', f);
		for (p = from->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
		}
		fputs("\" ", f);
	} else if (from && *from->name) {
		put_value(f, from->name);
		fputc(' ', f);
	}
	fputc('<', f);
	put_value(f, from ? from->addr : "");
	fputs(">\n", f);
}

/*
 * One patch as git format-patch writes it: the headers git am reads, the
 * body decoded to UTF-8 (base64 and quoted-printable undone).
 */
static void put_patch(FILE *f, const struct mail *m)
{
	size_t len;
	const char *body = mail_body(m, &len);

	fputs("From git@z Thu Jan  1 00:00:00 1970\n", f);
	put_from(f, mail_from(m));
	if (mail_date_text(m)) {
		fputs("Date: ", f);
		put_value(f, mail_date_text(m));
		fputc('\n', f);
	}
	fputs("Subject: ", f);
	put_value(f, mail_subject_text(m));
	fputs("\nMessage-Id: <", f);
	put_value(f, mail_message_id(m));
	fputs(">\nMIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=UTF-8\n"
	      "Content-Transfer-Encoding: 8bit\n\n",
	      f);
	fwrite(body, 1, len, f);
	if (!len || body[len - 1] != '\n')
		fputc('\n', f);
	fputc('\n', f);
}

static int save_series(const struct assemble_series *s, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	size_t k;
	int error;

	if (!f) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	for (k = 0; k < s->nparts; k++)
		if (s->parts[k])
			put_patch(f, s->parts[k]);
	error = fflush(f) || ferror(f);
	if (f != stdout && fclose(f))
		error = -1;
	if (error)
		cli_error("cannot write '%s': %s", path, strerror(errno));
	return error ? -1 : 0;
}

/* The report to -o FILE or standard output. */
static int review_to(struct cmd_lore_review *r, struct assemble *as,
		     size_t pick, const char *output)
{
	FILE *out = output ? fopen(output, "w") : stdout;
	int ret;

	if (!out) {
		cli_error("cannot write '%s': %s", output, strerror(errno));
		return CLI_ERROR;
	}
	ret = cmd_lore_review_series(r, as, pick, out);
	if (out != stdout && fclose(out)) {
		cli_error("cannot write '%s': %s", output, strerror(errno));
		ret = CLI_ERROR;
	}
	return ret;
}

/* --- the command ----------------------------------------------------------------- */

static int am_run(struct am_opts *o, struct lore_settings *ls,
		  struct cmd_lore_review *r)
{
	struct assemble_opts ao = { 0, (const char *const *)ls->ignore_from,
				    ls->nignore_from };
	struct sbuf mbox = SBUF_INIT;
	struct assemble *as = NULL;
	struct lore *l = NULL;
	char *inbox = NULL, *msgid = NULL;
	const char *where = NULL;
	size_t pick = 0;
	int ret = CLI_ERROR;

	ls->opts.log = cmd_lore_log;
	if (lore_parse_target(o->target, &inbox, &msgid) ||
	    lore_new(&l, &ls->opts, NULL) || assemble_new(&as, &ao, NULL) ||
	    fetch_thread(l, ls, o->url ? o->url : inbox, msgid, &mbox,
			 &where)) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	if (read_thread(as, &mbox, where))
		goto out;
	if (choose(as, o->version, msgid, &pick)) {
		cli_error("%s", mmr_error_last());
		goto out;
	}
	say_choice(assemble_at(as, pick));
	if (o->save && save_series(assemble_at(as, pick), o->save))
		goto out;
	ret = review_to(r, as, pick, o->output);
out:
	assemble_free(as);
	lore_free(l);
	sbuf_release(&mbox);
	free(inbox);
	free(msgid);
	return ret;
}

int cmd_am(int argc, char **argv, const struct cli_global *g)
{
	struct am_opts o = { 0 };
	struct cmd_lore_review_opts ro;
	struct cmd_lore_review *r = NULL;
	struct lore_settings ls;
	struct config *cfg;
	int ret = CLI_ERROR;

	if (parse_am_args(argc, argv, &o)) {
		fputs(am_usage, stderr);
		return CLI_ERROR;
	}
	o.verbose += g->verbose;
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	ro = (struct cmd_lore_review_opts){ o.format, o.tree, o.from,
					    o.verbose };
	if (lore_settings_load(&ls, cfg))
		cli_error("%s", mmr_error_last());
	else if ((r = cmd_lore_review_new(cfg, &ro)))
		ret = am_run(&o, &ls, r);
	cmd_lore_review_free(r);
	lore_settings_release(&ls);
	config_free(cfg);
	return ret;
}
