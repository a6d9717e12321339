// SPDX-License-Identifier: GPL-2.0
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "series.h"
#include "source.h"
#include "util.h"

#define SERIES_MAX_PATCHES 10000
/* Bytes of patch mail bodies kept for one run. */
#define SERIES_MAX_BYTES ((size_t)64 << 20)
/*
 * Bytes of full pre- and post-images parsed in one run: each costs
 * tree-sitter some 60 times its size and is kept for the report. Past
 * it, files are reviewed from their hunks alone.
 */
#define SERIES_MAX_IMAGE_BYTES ((size_t)16 << 20)
#define STATE_HASH_BITS 12

/* The exact images of one file, when known (git commits). */
struct image_pair {
	char *old_text, *new_text;
	size_t old_len, new_len;
	bool has_old, has_new;
};

struct patch {
	struct series_patch pub; /* first: series_at() hands it out */
	unsigned version, part, total;
	size_t seq;
	struct image_pair *images; /* per diff file, git only */
	char *strs[8]; /* owned strings behind pub */
	size_t nstrs;
};

struct series {
	struct patch **patches;
	size_t n, alloc;
	size_t bytes; /* of the patch bodies kept */
	size_t skipped; /* unreadable messages */
	char *repo_dir; /* workdir of the repository of a git range */
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
	rule_findings_free(p->pub.findings);
	change_set_free(p->pub.changes);
	diff_free(p->pub.diff);
	mail_free(p->pub.mail);
	for (i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p);
}

void series_free(struct series *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		patch_free(s->patches[i]);
	free(s->patches);
	free(s->repo_dir);
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

static int series_push(struct series *s, struct patch *p)
{
	if (s->n == SERIES_MAX_PATCHES) {
		patch_free(p);
		return mmr_error_set(MMR_ELIMIT, "more than %d patches",
				     SERIES_MAX_PATCHES);
	}
	p->seq = s->n;
	XGROW(s->patches, s->alloc, s->n + 1);
	s->patches[s->n++] = p;
	return 0;
}

static void patch_parse_diff(struct patch *p, const char *body, size_t len)
{
	if (diff_parse(&p->pub.diff, body, len) < 0) {
		p->pub.diff = NULL;
		p->pub.error = own(p, mmr_error_last());
	}
}

int series_add_mail(struct series *s, struct mail *m)
{
	struct patch *p = xcalloc(1, sizeof(*p));
	const struct mail_subject *si = mail_subject_info(m);
	const struct mail_addr *from = mail_from(m);
	const char *body;
	size_t len;

	p->pub.mail = m;
	p->pub.subject = mail_subject_text(m);
	p->pub.message_id = mail_message_id(m);
	p->pub.author_name = from ? from->name : "";
	p->pub.author_addr = from ? from->addr : "";
	p->pub.date = mail_date_text(m);
	p->pub.base_commit = mail_trailer(m, "base-commit");
	p->version = si->version;
	p->part = si->part;
	p->total = si->total;
	body = mail_body(m, &len);
	if (len > SERIES_MAX_BYTES - s->bytes) {
		patch_free(p);
		return mmr_error_set(MMR_ELIMIT,
				     "<%s>: the patches pass %zu bytes in all; "
				     "review the series in parts",
				     mail_message_id(m) ? mail_message_id(m) :
							  "?",
				     SERIES_MAX_BYTES);
	}
	s->bytes += len;
	patch_parse_diff(p, body, len);
	return series_push(s, p);
}

/* A patch is a non-reply, non-cover-letter message carrying a diff. */
static bool mail_is_patch(const struct mail *m)
{
	const struct mail_subject *si = mail_subject_info(m);
	const char *body;
	size_t len;

	if (si->reply || (si->total && !si->part))
		return false;
	body = mail_body(m, &len);
	return strstr(body, "\n--- ") || strstr(body, "\ndiff --git ") ||
	       !strncmp(body, "diff --git ", 11);
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

int series_add_mbox(struct series *s, const char *path,
		    void (*warn)(const char *msg))
{
	struct cli_mbox *cm = cli_mbox_open(path);
	struct mail *m;
	char line[1200];
	int ret, error = 0;

	if (!cm)
		return mmr_error_set(MMR_EIO, "cannot open '%s'", path);
	while ((ret = mbox_next(cli_mbox_reader(cm), &m)) != 0) {
		if (ret < 0) {
			snprintf(line, sizeof(line), "%s: %s", path,
				 mmr_error_last());
			warn(line);
			s->skipped++;
			if (ret == MMR_EIO) {
				error = ret;
				break;
			}
			continue;
		}
		if (!mail_is_patch(m)) {
			mail_free(m);
			continue;
		}
		error = series_add_mail(s, m);
		if (error)
			break;
	}
	cli_mbox_close(cm);
	if (s->n)
		qsort(s->patches, s->n, sizeof(*s->patches), cmp_patch);
	return error;
}

size_t series_skipped(const struct series *s)
{
	return s->skipped;
}

size_t series_findings(const struct series *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (s->patches[i]->pub.findings)
			n += rule_findings_count(s->patches[i]->pub.findings);
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

static void commit_images(struct patch *p, git_repository *repo,
			  git_tree *old_tree, git_tree *new_tree)
{
	size_t i, n = diff_nfiles(p->pub.diff);

	p->images = xcalloc(n ? n : 1, sizeof(*p->images));
	for (i = 0; i < n; i++) {
		const struct diff_file *f = diff_file(p->pub.diff, i);
		struct image_pair *ip = &p->images[i];

		ip->has_old = !blob_text(repo, old_tree, f->old_path,
					 &ip->old_text, &ip->old_len);
		ip->has_new = !blob_text(repo, new_tree, f->new_path,
					 &ip->new_text, &ip->new_len);
	}
}

static int commit_patch_text(git_buf *out, git_repository *repo,
			     git_tree *old_tree, git_tree *new_tree)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
	git_diff *diff = NULL;
	int error;

	opts.context_lines = 3;
	error = git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts);
	if (!error)
		error = git_diff_find_similar(diff, &fopts);
	if (!error)
		error = git_diff_to_buf(out, diff, GIT_DIFF_FORMAT_PATCH);
	git_diff_free(diff);
	return error < 0 ? git_fail("cannot diff commit") : 0;
}

static int add_commit(struct series *s, git_repository *repo, const git_oid *id)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_buf buf = { 0 };
	struct patch *p = NULL;
	const git_signature *author;
	char hex[GIT_OID_HEXSZ + 1], subject[1024];
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
	error = commit_patch_text(&buf, repo, ptree, tree);
	if (error)
		goto out;
	p = xcalloc(1, sizeof(*p));
	git_oid_tostr(hex, sizeof(hex), id);
	p->pub.commit = own(p, hex);
	snprintf(subject, sizeof(subject), "%s",
		 git_commit_summary(commit) ? git_commit_summary(commit) : "");
	p->pub.subject = own(p, subject);
	author = git_commit_author(commit);
	p->pub.author_name = own(p, author->name);
	p->pub.author_addr = own(p, author->email);
	if (parent) {
		git_oid_tostr(hex, sizeof(hex), git_commit_id(parent));
		p->pub.base_commit = own(p, hex);
	}
	patch_parse_diff(p, buf.ptr, buf.size);
	if (p->pub.diff)
		commit_images(p, repo, ptree, tree);
	error = series_push(s, p);
out:
	git_buf_dispose(&buf);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(commit);
	return error;
}

/* The current branch's commits not in its upstream, or HEAD alone. */
static int default_range(git_repository *repo, char *out, size_t len)
{
	git_reference *head = NULL, *up = NULL;

	snprintf(out, len, "HEAD^!");
	if (git_repository_head(&head, repo) < 0)
		return git_fail("cannot read HEAD");
	if (git_reference_is_branch(head) && !git_branch_upstream(&up, head))
		snprintf(out, len, "%s..HEAD", git_reference_name(up));
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

int series_add_git_range(struct series *s, const char *range)
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
	if (!range) {
		error = default_range(repo, def, sizeof(def));
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
	void (*progress)(size_t done, size_t total);
	size_t image_bytes; /* full images parsed so far */
	struct source *tree;
	const char *repo_dir;
};

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

/* Only C is parsed; other files (docs, Kconfig, scripts) are skipped. */
static bool is_c_file(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	return n > 2 && path[n - 2] == '.' &&
	       (path[n - 1] == 'c' || path[n - 1] == 'h');
}

/* The pre-image: an earlier patch's result, else the tree. */
static int base_image(struct review_state *st, const struct series_patch *p,
		      const struct diff_file *f, char **text, size_t *len,
		      enum change_origin *origin, char *why, size_t whylen)
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
		return MMR_ENOTFOUND;
	}
	if (source_read_base(st->tree, f->old_path, f->old_id, p->base_commit,
			     text, len, origin) < 0) {
		snprintf(why, whylen, "%s", mmr_error_last());
		return MMR_ENOTFOUND;
	}
	return 0;
}

/*
 * Whether full images of len bytes may still be parsed in this run; when
 * not, why says so for the report.
 */
static bool image_budget(struct review_state *st, size_t len, char *why,
			 size_t whylen)
{
	if (len <= SERIES_MAX_IMAGE_BYTES - st->image_bytes) {
		st->image_bytes += len;
		return true;
	}
	snprintf(why, whylen,
		 "the full files of this run pass %zu bytes, so the rest "
		 "is read from the hunks",
		 SERIES_MAX_IMAGE_BYTES);
	return false;
}

static int add_file_from_tree(struct review_state *st,
			      const struct series_patch *p,
			      const struct diff_file *f, struct change_set *cs)
{
	char why[1024] = "", *old = NULL, *new = NULL;
	size_t old_len = 0, new_len = 0;
	enum change_origin origin;
	int error;

	error = base_image(st, p, f, &old, &old_len, &origin, why, sizeof(why));
	if (!error && apply_file(&new, &new_len, old, old_len, f) < 0) {
		snprintf(why, sizeof(why), "%s", mmr_error_last());
		error = MMR_EAPPLY;
	}
	if (!error && !image_budget(st, old_len + new_len, why, sizeof(why)))
		error = MMR_ELIMIT;
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
			     struct change_set *cs)
{
	const struct diff_file *f = diff_file(p->pub.diff, i);
	const struct image_pair *ip = &p->images[i];
	char why[256];

	if (!image_budget(st, ip->old_len + ip->new_len, why, sizeof(why)))
		return change_set_add_file(cs, f, NULL, 0, NULL, 0,
					   CHANGE_FROM_HUNKS, why);
	return change_set_add_file(cs, f, ip->has_old ? ip->old_text : NULL,
				   ip->old_len,
				   ip->has_new ? ip->new_text : NULL,
				   ip->new_len, CHANGE_FROM_GIT, NULL);
}

static int review_patch(struct review_state *st, struct patch *p,
			const struct rule_set *rules,
			const struct change_set *prev)
{
	struct change_set *cs = change_set_new();
	size_t i;
	int error = 0;

	p->pub.changes = cs;
	change_set_link(cs, prev);
	if (st->tree)
		change_set_set_lookup(cs, source_lookup, st->tree);
	for (i = 0; i < diff_nfiles(p->pub.diff); i++) {
		const struct diff_file *f = diff_file(p->pub.diff, i);

		if (f->binary || !is_c_file(diff_file_path(f)))
			continue;
		if (p->images)
			error = add_file_from_git(st, p, i, cs);
		else
			error = add_file_from_tree(st, &p->pub, f, cs);
		if (error)
			return error;
		if (st->progress)
			st->progress(++st->done, st->total);
	}
	return rule_set_run(rules, cs, &p->pub.findings);
}

/*
 * Another version, or another series, in the same mbox: its patches are
 * not applied on top of the previous ones. Commits are one sequence.
 */
static bool starts_series(const struct patch *prev, const struct patch *p)
{
	if (!p->pub.mail || !prev->pub.mail)
		return false;
	return p->version != prev->version || p->total != prev->total ||
	       p->part <= prev->part;
}

int series_review(struct series *s, const struct rule_set *rules,
		  struct source *tree,
		  void (*progress)(size_t done, size_t total))
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
	st.progress = progress;
	for (i = 0; i < s->n; i++)
		st.total += s->patches[i]->pub.diff ?
				    diff_nfiles(s->patches[i]->pub.diff) :
				    0;
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
	source_free(own_tree);
	return error;
}
