// SPDX-License-Identifier: GPL-2.0
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "sbuf.h"
#include "series.h"
#include "source.h"
#include "util.h"

#define SERIES_MAX_PATCHES 10000
/* Bytes of patch mail bodies kept for one run. */
#define SERIES_MAX_BYTES ((size_t)64 << 20)
/*
 * Bytes of full pre- and post-images parsed for one patch: each costs
 * tree-sitter some 20 to 60 times its size while the patch is reviewed
 * (a reviewed patch keeps its texts, not its trees). Past it, files are
 * reviewed from their hunks alone.
 */
#define SERIES_MAX_IMAGE_BYTES ((size_t)16 << 20)
/* Messages and commits left out of one run, each said with its reason. */
#define SERIES_MAX_SKIPS 100000
/*
 * One commit (the initial commit of a whole tree is the usual one):
 * refused from its tree entries and object headers before anything is
 * read, past this many files or bytes of pre- and post-image objects.
 */
#define SERIES_MAX_COMMIT_FILES DIFF_MAX_FILES
#define SERIES_MAX_COMMIT_BYTES ((size_t)256 << 20)
#define STATE_HASH_BITS 12

/* The exact images of one file, when known (git commits). */
struct image_pair {
	char *old_text, *new_text;
	size_t old_len, new_len;
	bool has_old, has_new;
	bool read; /* false: past the images one run may parse */
};

struct patch {
	struct series_patch pub; /* first: series_at() hands it out */
	unsigned version, part, total;
	size_t seq;
	size_t input; /* index of the input it came from */
	bool reply; /* a "Re:" carrying a diff, see series_end_input() */
	struct image_pair *images; /* per diff file, git only */
	/* A commit's trees: its blobs are read when it is reviewed. */
	bool commit_trees;
	git_oid trees[2]; /* the parent's (all zero: none) and its own */
	struct series_file *files; /* per diff file, after the review */
	const char *changelog; /* a commit's message; mail: the diff's */
	char *strs[8]; /* owned strings behind pub */
	size_t nstrs;
};

struct skip {
	struct series_skip pub;
	char *strs[5];
};

struct series {
	struct patch **patches;
	size_t n, alloc;
	size_t bytes; /* of the patch bodies kept */
	struct skip *skips;
	size_t nskips, askips;
	char **inputs; /* names of the inputs, in order */
	size_t ninputs, ainputs;
	size_t input_first; /* first patch of the current input */
	char *repo_dir; /* workdir of the repository of a git range */
	char *repo_path; /* its git directory, to read blobs from */
};

/* A post-image left by an earlier patch of the series. */
struct state_file {
	char *path;
	char *text;
	size_t len;
};

static const char *own(struct patch *p, const char *s)
{
	char *copy;

	if (!s || p->nstrs == sizeof(p->strs) / sizeof(p->strs[0]))
		return s ? "" : NULL;
	copy = xstrdup(s);
	p->strs[p->nstrs++] = copy;
	return copy;
}

struct series *series_new(void)
{
	return xcalloc(1, sizeof(struct series));
}

static void patch_free(struct patch *p)
{
	size_t i;

	if (!p)
		return;
	if (p->images && p->pub.diff) {
		for (i = 0; i < diff_nfiles(p->pub.diff); i++) {
			free(p->images[i].old_text);
			free(p->images[i].new_text);
		}
	}
	free(p->images);
	free(p->files);
	rule_findings_free(p->pub.findings);
	change_set_free(p->pub.changes);
	diff_free(p->pub.diff);
	mail_free(p->pub.mail);
	for (i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p);
}

static void skip_release(struct skip *k)
{
	size_t i;

	for (i = 0; i < sizeof(k->strs) / sizeof(k->strs[0]); i++)
		free(k->strs[i]);
}

void series_free(struct series *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		patch_free(s->patches[i]);
	for (i = 0; i < s->nskips; i++)
		skip_release(&s->skips[i]);
	for (i = 0; i < s->ninputs; i++)
		free(s->inputs[i]);
	free(s->inputs);
	free(s->skips);
	free(s->patches);
	free(s->repo_dir);
	free(s->repo_path);
	free(s);
}

size_t series_count(const struct series *s)
{
	return s->n;
}

struct series_patch *series_at(const struct series *s, size_t i)
{
	return &s->patches[i]->pub;
}

static const char *current_input(const struct series *s)
{
	return s->ninputs ? s->inputs[s->ninputs - 1] : NULL;
}

/* Record what was left out, and why; strings are copied. */
static void add_skip(struct series *s, const char *subject, const char *msgid,
		     const char *commit, const char *reason, bool error)
{
	struct skip *k;

	if (s->nskips == SERIES_MAX_SKIPS)
		return;
	XGROW(s->skips, s->askips, s->nskips + 1);
	k = &s->skips[s->nskips++];
	memset(k, 0, sizeof(*k));
	k->pub.input = k->strs[0] =
		current_input(s) ? xstrdup(current_input(s)) : NULL;
	k->pub.subject = k->strs[1] = xstrdup(subject ? subject : "");
	k->pub.message_id = k->strs[2] = msgid ? xstrdup(msgid) : NULL;
	k->pub.commit = k->strs[3] = commit ? xstrdup(commit) : NULL;
	k->pub.reason = k->strs[4] = xstrdup(reason);
	k->pub.error = error;
}

size_t series_skip_count(const struct series *s)
{
	return s->nskips;
}

const struct series_skip *series_skip_at(const struct series *s, size_t i)
{
	return &s->skips[i].pub;
}

size_t series_skip_errors(const struct series *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nskips; i++)
		n += s->skips[i].pub.error;
	return n;
}

static int series_push(struct series *s, struct patch *p)
{
	if (s->n == SERIES_MAX_PATCHES) {
		patch_free(p);
		return mmr_error_set(MMR_ELIMIT, "more than %d patches",
				     SERIES_MAX_PATCHES);
	}
	p->seq = s->n;
	p->input = s->ninputs ? s->ninputs - 1 : 0;
	XGROW(s->patches, s->alloc, s->n + 1);
	s->patches[s->n++] = p;
	return 0;
}

/* Keep len more bytes of patch text, within SERIES_MAX_BYTES. */
static int take_bytes(struct series *s, size_t len, const char *what)
{
	if (len > SERIES_MAX_BYTES - s->bytes)
		return mmr_error_set(MMR_ELIMIT,
				     "%s: the patches pass %zu bytes in all; "
				     "review the series in parts",
				     what, SERIES_MAX_BYTES);
	s->bytes += len;
	return 0;
}

static void patch_parse_diff(struct patch *p, const char *body, size_t len)
{
	if (diff_parse(&p->pub.diff, body, len) < 0) {
		p->pub.diff = NULL;
		p->pub.error = own(p, mmr_error_last());
	}
}

/* "Name <addr>" of a DEP-3 "Author:" header, split. */
static void dep3_author(struct patch *p, const char *text)
{
	const char *lt = strchr(text, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	char buf[1024];

	if (!lt || !gt) {
		p->pub.author_name = own(p, text);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(gt - lt - 1), lt + 1);
	p->pub.author_addr = own(p, buf);
	while (lt > text && lt[-1] == ' ')
		lt--;
	snprintf(buf, sizeof(buf), "%.*s", (int)(lt - text), text);
	p->pub.author_name = own(p, buf);
}

int series_add_mail(struct series *s, struct mail *m)
{
	struct patch *p = xcalloc(1, sizeof(*p));
	const struct mail_subject *si = mail_subject_info(m);
	const struct mail_addr *from = mail_patch_author(m);
	const char *body, *id = mail_message_id(m);
	char what[1024];
	size_t len;
	int error;

	p->pub.mail = m;
	/* A DEP-3 patch (Debian, Ubuntu): Description and Author. */
	p->pub.subject = mail_patch_subject(m);
	p->pub.message_id = id;
	p->pub.author_name = from ? from->name : "";
	p->pub.author_addr = from ? from->addr : "";
	p->pub.date = mail_date_text(m);
	p->pub.base_commit = mail_trailer(m, "base-commit");
	p->version = si->version;
	p->part = si->part;
	p->total = si->total;
	body = mail_body(m, &len);
	snprintf(what, sizeof(what), "<%s>", id ? id : "?");
	error = take_bytes(s, len, what);
	if (error) {
		patch_free(p);
		return error;
	}
	patch_parse_diff(p, body, len);
	return series_push(s, p);
}

/* A line of the text that starts a diff: "diff --git", or "---" and "+++". */
static bool has_diff(const char *body)
{
	const char *l;

	for (l = body; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (!strncmp(l, "diff --git ", 11))
			return true;
		if (!strncmp(l, "--- ", 4)) {
			const char *nl = strchr(l, '\n');

			if (nl && !strncmp(nl + 1, "+++ ", 4))
				return true;
		}
	}
	return false;
}

/* Why a message is not a patch of the series, or NULL when it is. */
static const char *not_a_patch(const struct mail *m, bool *reply)
{
	const struct mail_subject *si = mail_subject_info(m);
	size_t len;
	bool diff = has_diff(mail_body(m, &len));

	*reply = si->reply;
	if (si->total && !si->part)
		return "cover letter";
	if (!diff)
		return si->reply ? "reply without a diff" :
				   "message without a diff";
	return NULL;
}

int series_add_message(struct series *s, struct mail *m)
{
	const char *why;
	bool reply;
	int error;

	why = not_a_patch(m, &reply);
	if (why) {
		add_skip(s, mail_subject_text(m), mail_message_id(m), NULL, why,
			 false);
		mail_free(m);
		return 0;
	}
	error = series_add_mail(s, m);
	if (!error && reply)
		s->patches[s->n - 1]->reply = true;
	return error;
}

void series_begin_input(struct series *s, const char *name)
{
	XGROW(s->inputs, s->ainputs, s->ninputs + 1);
	s->inputs[s->ninputs++] = xstrdup(name ? name : "");
	s->input_first = s->n;
}

void series_add_unreadable(struct series *s, const char *why)
{
	add_skip(s, NULL, NULL, NULL, why, true);
}

/* "commit <hex>" of git show or git log -p output, else NULL. */
static const char *shown_commit(struct patch *p, const char *text)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t n;

	if (strncmp(text, "commit ", 7))
		return NULL;
	n = strspn(text + 7, "0123456789abcdef");
	if (n < 7 || n > GIT_OID_HEXSZ)
		return NULL;
	snprintf(hex, sizeof(hex), "%.*s", (int)n, text + 7);
	return own(p, hex);
}

/*
 * The header of git show output: "Author:" and "Date:" lines, then the
 * message indented by four spaces, whose first line is the subject.
 */
static void shown_header(struct patch *p, const char *text, size_t len)
{
	const char *l = text, *end = text + len;

	while (l < end && strncmp(l, "diff ", 5)) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = nl ? (size_t)(nl - l) : (size_t)(end - l);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (!strncmp(line, "Author: ", 8) && !p->pub.author_name)
			dep3_author(p, line + 8);
		else if (!strncmp(line, "Date:   ", 8) && !p->pub.date)
			p->pub.date = own(p, line + 8);
		else if (!strncmp(line, "    ", 4) && line[4] &&
			 !*p->pub.subject)
			p->pub.subject = own(p, line + 4);
		if (!nl)
			break;
		l = nl + 1;
	}
}

int series_add_diff(struct series *s, const char *text, size_t len)
{
	struct patch *p = xcalloc(1, sizeof(*p));
	const char *name = current_input(s);
	char *copy = xstrndup(text, len);
	int error;

	p->pub.subject = "";
	p->pub.commit = shown_commit(p, copy);
	shown_header(p, copy, len);
	if (!*p->pub.subject)
		p->pub.subject = own(p, name ? name : "diff");
	if (!p->pub.author_name)
		p->pub.author_name = "";
	if (!p->pub.author_addr)
		p->pub.author_addr = "";
	p->version = 1;
	error = take_bytes(s, len, name ? name : "diff");
	if (!error)
		patch_parse_diff(p, copy, len);
	free(copy);
	/* Text with no diff in it is no patch: the caller says so. */
	if (error || (p->pub.diff && !diff_nfiles(p->pub.diff))) {
		patch_free(p);
		return error;
	}
	return series_push(s, p);
}

static int cmp_patch(const void *a, const void *b)
{
	const struct patch *x = *(struct patch *const *)a;
	const struct patch *y = *(struct patch *const *)b;

	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Replies of the input that carry a diff: reviewed when the input holds
 * no other patch, else said and dropped (a reviewer's "something like
 * this?" in a thread is not part of the series).
 */
static void settle_replies(struct series *s)
{
	size_t i, k = s->input_first, real = 0;

	for (i = s->input_first; i < s->n; i++)
		real += !s->patches[i]->reply;
	if (!real)
		return;
	for (i = s->input_first; i < s->n; i++) {
		struct patch *p = s->patches[i];

		if (!p->reply) {
			s->patches[k++] = p;
			continue;
		}
		add_skip(s, p->pub.subject, p->pub.message_id, NULL,
			 "reply next to the patches of its thread", false);
		patch_free(p);
	}
	s->n = k;
}

size_t series_end_input(struct series *s)
{
	size_t n;

	settle_replies(s);
	n = s->n - s->input_first;
	if (n)
		qsort(s->patches + s->input_first, n, sizeof(*s->patches),
		      cmp_patch);
	s->input_first = s->n;
	return n;
}

size_t series_findings(const struct series *s, enum rule_severity min)
{
	const struct rule_findings *fs;
	size_t i, j, n = 0;

	for (i = 0; i < s->n; i++) {
		fs = s->patches[i]->pub.findings;
		for (j = 0; fs && j < rule_findings_count(fs); j++)
			n += rule_findings_at(fs, j)->severity >= min;
	}
	return n;
}

/* --- git ranges ------------------------------------------------------------ */

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	return mmr_error_set(MMR_EIO, "%s: %s", what,
			     e && e->message ? e->message : "unknown error");
}

static int blob_text(git_repository *repo, git_tree *tree, const char *path,
		     char **text, size_t *len)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int error;

	if (!tree || !path)
		return MMR_ENOTFOUND;
	error = git_tree_entry_bypath(&entry, tree, path);
	if (error < 0)
		return MMR_ENOTFOUND;
	error = git_blob_lookup(&blob, repo, git_tree_entry_id(entry));
	if (error < 0) {
		error = MMR_ENOTFOUND;
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*text = xstrndup(git_blob_rawcontent(blob), *len);
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return error;
}

/* Only C is parsed; other files (docs, Kconfig, scripts) are skipped. */
static bool is_c_file(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	return n > 2 && path[n - 2] == '.' &&
	       (path[n - 1] == 'c' || path[n - 1] == 'h');
}

/*
 * The blobs of the C files a commit touches, while they fit in what one
 * run may parse in full: past it, the review reads hunks anyway.
 */
static void commit_images(struct patch *p, git_repository *repo,
			  git_tree *old_tree, git_tree *new_tree)
{
	size_t i, n = diff_nfiles(p->pub.diff), bytes = 0;

	p->images = xcalloc(n ? n : 1, sizeof(*p->images));
	for (i = 0; i < n && bytes <= SERIES_MAX_IMAGE_BYTES; i++) {
		const struct diff_file *f = diff_file(p->pub.diff, i);
		struct image_pair *ip = &p->images[i];

		if (f->binary || !is_c_file(diff_file_path(f)))
			continue;
		ip->has_old = !blob_text(repo, old_tree, f->old_path,
					 &ip->old_text, &ip->old_len);
		ip->has_new = !blob_text(repo, new_tree, f->new_path,
					 &ip->new_text, &ip->new_len);
		ip->read = true;
		bytes += ip->old_len + ip->new_len;
	}
}

/* The size of an object from its header, without reading it. */
static size_t object_size(git_odb *odb, const git_oid *id)
{
	git_object_t type;
	size_t size = 0;

	if (git_oid_is_zero(id) || git_odb_read_header(&size, &type, odb, id))
		return 0;
	return size;
}

/*
 * Refuse a commit too large to review (the initial commit of a kernel
 * tree) from its tree entries and object headers, before any blob is
 * read: why says what is too large.
 */
static bool commit_too_large(git_repository *repo, git_diff *diff, char *why,
			     size_t whylen)
{
	size_t i, n = git_diff_num_deltas(diff), added = 0, all = 0;
	git_odb *odb = NULL;
	bool refuse = false;

	if (n > SERIES_MAX_COMMIT_FILES) {
		snprintf(why, whylen,
			 "it changes %zu files, more than the %d one patch "
			 "may have",
			 n, SERIES_MAX_COMMIT_FILES);
		return true;
	}
	if (git_repository_odb(&odb, repo) < 0)
		return false; /* the diff itself will say what is wrong */
	for (i = 0; i < n && !refuse; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		size_t o = object_size(odb, &d->old_file.id);
		size_t w = object_size(odb, &d->new_file.id);

		all += o + w;
		if (d->status == GIT_DELTA_ADDED ||
		    d->status == GIT_DELTA_DELETED)
			added += o + w;
		if (added > DIFF_MAX_INPUT) {
			snprintf(why, whylen,
				 "its added and deleted files alone pass the "
				 "%zu bytes one patch may have",
				 DIFF_MAX_INPUT);
			refuse = true;
		} else if (all > SERIES_MAX_COMMIT_BYTES) {
			snprintf(why, whylen,
				 "the files it changes pass %zu bytes",
				 SERIES_MAX_COMMIT_BYTES);
			refuse = true;
		}
	}
	git_odb_free(odb);
	return refuse;
}

static int commit_diff(git_diff **out, git_repository *repo, git_tree *old_tree,
		       git_tree *new_tree)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;

	opts.context_lines = 3;
	if (git_diff_tree_to_tree(out, repo, old_tree, new_tree, &opts) < 0)
		return git_fail("cannot diff commit");
	return 0;
}

static int commit_patch_text(git_buf *out, git_diff *diff)
{
	git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;

	if (git_diff_find_similar(diff, &fopts) < 0 ||
	    git_diff_to_buf(out, diff, GIT_DIFF_FORMAT_PATCH) < 0)
		return git_fail("cannot diff commit");
	return 0;
}

static struct patch *commit_patch(git_commit *commit, git_commit *parent)
{
	struct patch *p = xcalloc(1, sizeof(*p));
	const git_signature *author = git_commit_author(commit);
	char hex[GIT_OID_HEXSZ + 1], subject[1024];

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	p->pub.commit = own(p, hex);
	snprintf(subject, sizeof(subject), "%s",
		 git_commit_summary(commit) ? git_commit_summary(commit) : "");
	p->pub.subject = own(p, subject);
	p->pub.author_name = own(p, author->name);
	p->pub.author_addr = own(p, author->email);
	p->changelog = own(p, git_commit_message(commit));
	if (parent) {
		git_oid_tostr(hex, sizeof(hex), git_commit_id(parent));
		p->pub.base_commit = own(p, hex);
	}
	p->version = 1;
	return p;
}

static void refuse_commit(struct series *s, struct patch *p, const char *why)
{
	char msg[1400];

	snprintf(msg, sizeof(msg),
		 "commit %.12s is too large to review: %s (review it in parts, "
		 "or give a range that leaves it out)",
		 p->pub.commit, why);
	add_skip(s, p->pub.subject, NULL, p->pub.commit, msg, true);
}

static int add_commit(struct series *s, git_repository *repo, const git_oid *id)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_buf buf = { 0 };
	struct patch *p = NULL;
	char why[512], what[64];
	int error = 0;

	if (git_commit_lookup(&commit, repo, id) < 0)
		return git_fail("cannot read commit");
	if (git_commit_parentcount(commit) > 1)
		goto out; /* merges carry no patch of their own */
	if (git_commit_parentcount(commit) == 1 &&
	    (git_commit_parent(&parent, commit, 0) < 0 ||
	     git_commit_tree(&ptree, parent) < 0)) {
		error = git_fail("cannot read parent");
		goto out;
	}
	if (git_commit_tree(&tree, commit) < 0) {
		error = git_fail("cannot read tree");
		goto out;
	}
	error = commit_diff(&diff, repo, ptree, tree);
	if (error)
		goto out;
	p = commit_patch(commit, parent);
	if (commit_too_large(repo, diff, why, sizeof(why))) {
		refuse_commit(s, p, why);
		goto out;
	}
	error = commit_patch_text(&buf, diff);
	snprintf(what, sizeof(what), "commit %.12s", p->pub.commit);
	if (!error)
		error = take_bytes(s, buf.size, what);
	if (error)
		goto out;
	patch_parse_diff(p, buf.ptr, buf.size);
	/* Blobs are read when the commit is reviewed: a long range costs
	 * one commit's files at a time. */
	p->commit_trees = p->pub.diff != NULL;
	if (ptree)
		git_oid_cpy(&p->trees[0], git_tree_id(ptree));
	git_oid_cpy(&p->trees[1], git_tree_id(tree));
	error = series_push(s, p);
	p = NULL; /* the series has it, or freed it */
out:
	patch_free(p);
	git_buf_dispose(&buf);
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(commit);
	return error;
}

/*
 * The current branch's commits not in its upstream, or HEAD alone, said
 * through warn (a branch without an upstream is common, and reviewing
 * one commit of it silently would look like a clean branch).
 */
static int default_range(git_repository *repo, char *out, size_t len,
			 series_warn_fn warn, void *payload)
{
	git_reference *head = NULL, *up = NULL;
	char msg[512];

	snprintf(out, len, "HEAD^!");
	if (git_repository_head(&head, repo) < 0)
		return git_fail("cannot read HEAD");
	if (git_reference_is_branch(head) && !git_branch_upstream(&up, head)) {
		snprintf(out, len, "%s..HEAD", git_reference_name(up));
	} else if (warn) {
		snprintf(msg, sizeof(msg),
			 "%s has no upstream: only HEAD is reviewed; give a "
			 "range (mmreview check origin/master..HEAD) or set "
			 "one (git branch --set-upstream-to=origin/master)",
			 git_reference_is_branch(head) ?
				 git_reference_shorthand(head) :
				 "HEAD (detached)");
		warn(msg, payload);
	}
	git_reference_free(up);
	git_reference_free(head);
	return 0;
}

static int walk_range(struct series *s, git_repository *repo, const char *range)
{
	git_revwalk *walk = NULL;
	git_revspec spec;
	git_oid id;
	int error;

	if (git_revparse(&spec, repo, range) < 0)
		return git_fail(range);
	if (git_revwalk_new(&walk, repo) < 0) {
		error = git_fail("revwalk");
		goto out_free;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (spec.flags & GIT_REVSPEC_SINGLE) {
		error = add_commit(s, repo, git_object_id(spec.from));
		goto out_free;
	}
	git_revwalk_push(walk, git_object_id(spec.to));
	git_revwalk_hide(walk, git_object_id(spec.from));
	error = 0;
	while (!error && !git_revwalk_next(&id, walk))
		error = add_commit(s, repo, &id);
out_free:
	git_revwalk_free(walk);
	git_object_free(spec.from);
	git_object_free(spec.to);
	return error;
}

int series_add_git_range(struct series *s, const char *range,
			 series_warn_fn warn, void *payload)
{
	git_repository *repo = NULL;
	char def[512], single[512];
	size_t len;
	int error;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		error = git_fail("not in a git repository");
		goto out;
	}
	if (git_repository_workdir(repo))
		s->repo_dir = xstrdup(git_repository_workdir(repo));
	free(s->repo_path);
	s->repo_path = xstrdup(git_repository_path(repo));
	if (!range) {
		error = default_range(repo, def, sizeof(def), warn, payload);
		if (error)
			goto out;
		range = def;
	}
	/* "A^!" is A alone, as in git. */
	len = strlen(range);
	if (len > 2 && len < sizeof(single) && !strcmp(range + len - 2, "^!")) {
		snprintf(single, sizeof(single), "%.*s", (int)(len - 2), range);
		range = single;
	}
	error = walk_range(s, repo, range);
out:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return error;
}

/* --- review ---------------------------------------------------------------- */

struct review_state {
	struct state_file *files; /* post-images of earlier patches */
	size_t n, alloc;
	/* Index + 1 into files of each path, by hash; 0 is empty. */
	size_t *slots;
	size_t nslots;
	/* Files reviewed and to review, for the progress line. */
	size_t done, total;
	series_progress_fn progress;
	void *payload;
	size_t image_bytes; /* full images parsed so far */
	struct source *tree;
	const char *repo_dir;
	const char *repo_path; /* where a commit's blobs are read */
	git_repository *repo; /* opened on the first commit reviewed */
};

/* The blobs of a commit, read now that it is reviewed. */
static int read_commit_images(struct review_state *st, struct patch *p)
{
	git_tree *trees[2] = { NULL, NULL };
	int error = 0, i;

	if (!p->commit_trees)
		return 0;
	if (!st->repo && git_repository_open(&st->repo, st->repo_path) < 0)
		return git_fail("cannot open the repository again");
	for (i = 0; i < 2 && !error; i++)
		if (!git_oid_is_zero(&p->trees[i]) &&
		    git_tree_lookup(&trees[i], st->repo, &p->trees[i]) < 0)
			error = git_fail("cannot read a tree of the commit");
	if (!error)
		commit_images(p, st->repo, trees[0], trees[1]);
	git_tree_free(trees[0]);
	git_tree_free(trees[1]);
	return error;
}

static size_t path_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The slot of path: its entry, or the empty slot where it would go. */
static size_t *state_slot(struct review_state *st, const char *path)
{
	size_t i = path_hash(path) & (st->nslots - 1);

	while (st->slots[i] && strcmp(st->files[st->slots[i] - 1].path, path))
		i = (i + 1) & (st->nslots - 1);
	return &st->slots[i];
}

static struct state_file *state_find(struct review_state *st, const char *path)
{
	size_t *slot;

	if (!path || !st->nslots)
		return NULL;
	slot = state_slot(st, path);
	return *slot ? &st->files[*slot - 1] : NULL;
}

static void state_rehash(struct review_state *st)
{
	size_t i;

	free(st->slots);
	st->nslots = st->nslots ? st->nslots * 2 : (size_t)1 << STATE_HASH_BITS;
	st->slots = xcalloc(st->nslots, sizeof(*st->slots));
	for (i = 0; i < st->n; i++)
		*state_slot(st, st->files[i].path) = i + 1;
}

static void state_put(struct review_state *st, const char *path, char *text,
		      size_t len)
{
	struct state_file *sf = state_find(st, path);

	if (!sf) {
		if ((st->n + 1) * 2 > st->nslots)
			state_rehash(st);
		XGROW(st->files, st->alloc, st->n + 1);
		sf = &st->files[st->n++];
		sf->path = xstrdup(path);
		*state_slot(st, path) = st->n;
	} else {
		free(sf->text);
	}
	sf->text = text;
	sf->len = len;
}

static void state_release(struct review_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->files[i].path);
		free(st->files[i].text);
	}
	free(st->files);
	free(st->slots);
	st->files = NULL;
	st->slots = NULL;
	st->n = st->alloc = st->nslots = 0;
}

/* The pre-image: an earlier patch's result, else the tree. */
static int base_image(struct review_state *st, const struct series_patch *p,
		      const struct diff_file *f, char **text, size_t *len,
		      enum change_origin *origin, enum series_why *kind,
		      char *why, size_t whylen)
{
	struct state_file *sf = state_find(st, f->old_path);

	if (f->status == DIFF_ADDED) {
		*text = NULL;
		*len = 0;
		*origin = CHANGE_FROM_APPLIED;
		return 0;
	}
	/* An earlier patch's result, if it is the blob this patch names. */
	if (sf &&
	    (!f->old_id || source_blob_matches(sf->text, sf->len, f->old_id))) {
		*text = xstrndup(sf->text, sf->len);
		*len = sf->len;
		*origin = CHANGE_FROM_APPLIED;
		return 0;
	}
	if (!st->tree) {
		snprintf(why, whylen,
			 "no kernel tree to read '%s' from (give --tree DIR "
			 "or set review.kernel-tree)",
			 f->old_path);
		*kind = SERIES_NO_TREE;
		return MMR_ENOTFOUND;
	}
	if (source_read_base(st->tree, f->old_path, f->old_id, p->base_commit,
			     text, len, origin) < 0) {
		snprintf(why, whylen, "%s", mmr_error_last());
		*kind = SERIES_NOT_FOUND;
		return MMR_ENOTFOUND;
	}
	return 0;
}

/*
 * Whether full images of len bytes may still be parsed in this run; when
 * not, why says so for the report.
 */
static void budget_spent(char *why, size_t whylen)
{
	snprintf(why, whylen,
		 "the full files of this patch pass %zu bytes, so the rest "
		 "is read from the hunks",
		 SERIES_MAX_IMAGE_BYTES);
}

static bool image_budget(struct review_state *st, size_t len, char *why,
			 size_t whylen)
{
	if (len <= SERIES_MAX_IMAGE_BYTES - st->image_bytes) {
		st->image_bytes += len;
		return true;
	}
	budget_spent(why, whylen);
	return false;
}

static int add_file_from_tree(struct review_state *st,
			      const struct series_patch *p,
			      const struct diff_file *f, struct change_set *cs,
			      enum series_why *kind)
{
	char why[1024] = "", *old = NULL, *new = NULL;
	size_t old_len = 0, new_len = 0;
	enum change_origin origin;
	int error;

	error = base_image(st, p, f, &old, &old_len, &origin, kind, why,
			   sizeof(why));
	if (!error && apply_file(&new, &new_len, old, old_len, f) < 0) {
		snprintf(why, sizeof(why), "%s", mmr_error_last());
		*kind = SERIES_NOT_APPLIED;
		error = MMR_EAPPLY;
	}
	if (!error && !image_budget(st, old_len + new_len, why, sizeof(why))) {
		*kind = SERIES_BUDGET;
		error = MMR_ELIMIT;
	}
	if (error) {
		free(old);
		free(new);
		return change_set_add_file(cs, f, NULL, 0, NULL, 0,
					   CHANGE_FROM_HUNKS, why);
	}
	error = change_set_add_file(cs, f, old, old_len,
				    f->status == DIFF_DELETED ? NULL : new,
				    new_len, origin, NULL);
	free(old);
	if (f->new_path && f->status != DIFF_DELETED)
		state_put(st, f->new_path, new, new_len);
	else
		free(new);
	return error;
}

static int add_file_from_git(struct review_state *st, struct patch *p, size_t i,
			     struct change_set *cs, enum series_why *kind)
{
	const struct diff_file *f = diff_file(p->pub.diff, i);
	const struct image_pair *ip = &p->images[i];
	char why[256];

	if (!ip->read ||
	    !image_budget(st, ip->old_len + ip->new_len, why, sizeof(why))) {
		if (!ip->read)
			budget_spent(why, sizeof(why));
		*kind = SERIES_BUDGET;
		return change_set_add_file(cs, f, NULL, 0, NULL, 0,
					   CHANGE_FROM_HUNKS, why);
	}
	return change_set_add_file(cs, f, ip->has_old ? ip->old_text : NULL,
				   ip->old_len,
				   ip->has_new ? ip->new_text : NULL,
				   ip->new_len, CHANGE_FROM_GIT, NULL);
}

/*
 * How file k of the change set (the one just added) was read: the set
 * may have fallen back to the hunks when one was not found in the file.
 */
static void note_file(struct series_file *sf, const struct change_set *cs,
		      size_t k, enum series_why kind)
{
	sf->reviewed = true;
	sf->origin = change_set_file_origin(cs, k);
	sf->partial = change_set_file_partial(cs, k);
	sf->reason = change_set_file_reason(cs, k);
	sf->why = !sf->partial	      ? SERIES_FULL :
		  kind == SERIES_FULL ? SERIES_NOT_APPLIED :
					kind;
}

/*
 * A mail's body starts with the changelog's body, maybe after in-body
 * "From:" and "Date:" lines that git am takes out, and blank lines.
 */
static const char *body_start(const char *msg, size_t *len)
{
	const char *p = msg, *end = msg + *len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;

		if (!mmr_starts_with(p, end - p, "From: ") &&
		    !mmr_starts_with(p, end - p, "Date: ") &&
		    strspn(p, " \t\r") != (size_t)(next - p - (nl != NULL)))
			break;
		p = next;
	}
	*len = end - p;
	return p;
}

/*
 * What the rules read of the patch itself: its subject and its changelog
 * as git shows a commit's, the subject line first; a mail's is made so.
 */
static void patch_changelog(struct change_set *cs, const struct patch *p)
{
	const char *msg = p->changelog, *title;
	size_t len = msg ? strlen(msg) : 0;
	struct sbuf sb = SBUF_INIT;

	/* Named by its title: "mm: foo", not "[PATCH v2 3/5] mm: foo". */
	title = p->pub.mail ? mail_subject_info(p->pub.mail)->title :
			      p->pub.subject;
	if (msg || !p->pub.diff) {
		change_set_set_patch(cs, title, msg, len);
		return;
	}
	msg = body_start(diff_message(p->pub.diff, &len), &len);
	sbuf_addf(&sb, "%s\n\n", title ? title : "");
	sbuf_add(&sb, msg, len);
	change_set_set_patch(cs, title, sb.buf ? sb.buf : "", sb.len);
	sbuf_release(&sb);
}

/* A commit's blobs are in its change set now. */
static void free_images(struct patch *p)
{
	size_t i;

	if (!p->images)
		return;
	for (i = 0; i < diff_nfiles(p->pub.diff); i++) {
		free(p->images[i].old_text);
		free(p->images[i].new_text);
		p->images[i].old_text = p->images[i].new_text = NULL;
	}
}

static int review_patch(struct review_state *st, struct patch *p,
			const struct rule_set *rules,
			const struct change_set *prev)
{
	struct change_set *cs = change_set_new();
	size_t i, n = diff_nfiles(p->pub.diff);
	int error = 0;

	st->image_bytes = 0; /* a budget per patch: the last one sleeps */
	p->pub.changes = cs;
	error = read_commit_images(st, p);
	if (error)
		return error;
	p->files = xcalloc(n ? n : 1, sizeof(*p->files));
	p->pub.files = p->files;
	p->pub.nfiles = n;
	change_set_link(cs, prev);
	patch_changelog(cs, p);
	if (st->tree) {
		change_set_set_root(cs, source_path(st->tree));
		change_set_set_lookup(cs, source_lookup, st->tree);
		if (source_has_history(st->tree))
			change_set_set_history(cs, source_commit, st->tree);
	}
	for (i = 0; i < n; i++) {
		p->files[i].path = diff_file_path(diff_file(p->pub.diff, i));
		p->files[i].why = SERIES_NOT_C;
	}
	for (i = 0; i < n; i++) {
		const struct diff_file *f = diff_file(p->pub.diff, i);
		enum series_why kind = SERIES_FULL;

		if (f->binary || !is_c_file(diff_file_path(f)))
			continue;
		if (p->images)
			error = add_file_from_git(st, p, i, cs, &kind);
		else
			error = add_file_from_tree(st, &p->pub, f, cs, &kind);
		if (error)
			return error;
		note_file(&p->files[i], cs, change_set_nfiles(cs) - 1, kind);
		if (st->progress)
			st->progress(++st->done, st->total, st->payload);
	}
	error = rule_set_run(rules, cs, &p->pub.findings);
	/* Reviewed: keep the texts for the next patches, not the trees. */
	change_set_sleep(cs);
	free_images(p);
	return error;
}

const char *series_why_name(enum series_why why)
{
	static const char *const names[] = {
		[SERIES_FULL] = "full files",
		[SERIES_NO_TREE] = "no kernel tree",
		[SERIES_NOT_FOUND] = "not in the tree",
		[SERIES_NOT_APPLIED] = "did not apply",
		[SERIES_BUDGET] = "over the run's budget of full files",
		[SERIES_NOT_C] = "not C source",
	};

	if ((unsigned)why >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[why];
}

/* The files of a diff that are reviewed: C source, not binary. */
static size_t reviewed_files(const struct diff *d)
{
	size_t i, n = 0;

	for (i = 0; d && i < diff_nfiles(d); i++)
		n += !diff_file(d, i)->binary &&
		     is_c_file(diff_file_path(diff_file(d, i)));
	return n;
}

/*
 * Another version, or another series, in the same mbox: its patches are
 * not applied on top of the previous ones. Commits are one sequence, and
 * so are the files named together on a command line.
 */
static bool starts_series(const struct patch *prev, const struct patch *p)
{
	if (!p->pub.mail || !prev->pub.mail || p->input != prev->input)
		return false;
	return p->version != prev->version || p->total != prev->total ||
	       p->part <= prev->part;
}

int series_review(struct series *s, const struct rule_set *rules,
		  struct source *tree, series_progress_fn progress,
		  void *payload)
{
	struct review_state st = { 0 };
	struct source *own_tree = NULL;
	const struct change_set *prev = NULL;
	size_t i;
	int error = 0;

	/* Commits resolve names in their own work tree. */
	if (!tree && s->repo_dir && !source_open(&own_tree, s->repo_dir))
		tree = own_tree;
	st.tree = tree;
	st.repo_path = s->repo_path;
	st.progress = progress;
	st.payload = payload;
	for (i = 0; i < s->n; i++)
		st.total += reviewed_files(s->patches[i]->pub.diff);
	for (i = 0; i < s->n; i++) {
		struct patch *p = s->patches[i];

		if (i && starts_series(s->patches[i - 1], p)) {
			state_release(&st);
			prev = NULL;
		}
		if (!p->pub.diff)
			continue;
		error = review_patch(&st, p, rules, prev);
		if (error < 0) {
			p->pub.error = own(p, mmr_error_last());
			error = 0;
		}
		prev = p->pub.changes;
	}
	state_release(&st);
	git_repository_free(st.repo);
	source_free(own_tree);
	return error;
}
