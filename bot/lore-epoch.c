// SPDX-License-Identifier: GPL-2.0
/*
 * lore-epoch: read the messages of an epoch repository, oldest first. A
 * thread reads ahead (the commits, the blobs: inflating git's deltas is
 * most of the cost) while the caller's thread parses what was read, so a
 * long catch-up uses both cores. The caller's callback runs on the
 * caller's thread, in order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lore-priv.h"
#include "util.h"

/* What the reader may hold ahead of the caller. */
#define EPOCH_AHEAD 256 /* messages */
#define EPOCH_AHEAD_BYTES ((size_t)32 << 20)

struct item {
	char hex[GIT_OID_HEXSZ + 1];
	char *raw; /* NULL: a commit without a message, or one too old */
	size_t len;
	time_t time;
	bool deleted;
};

struct ahead {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct item ring[EPOCH_AHEAD];
	size_t head, count, bytes;
	bool done; /* the reader has no more */
	bool stop; /* the caller wants no more */
	bool reader_waits; /* for room: woken once the ring is half empty */
	int error; /* the reader's, with its message */
	char *message;

	git_repository *repo;
	git_revwalk *rw;
	time_t since;
};

int lore__git_fail(const char *what, const char *arg)
{
	const git_error *e = git_error_last();

	return mmr_error_set(MMR_EIO, "%s '%s': %s", what, arg,
			     e && e->message ? e->message : "libgit2 error");
}

int lore__branch_tip(git_repository *repo, git_oid *out)
{
	if (!git_reference_name_to_id(out, repo, "refs/heads/master"))
		return 0;
	if (!git_reference_name_to_id(out, repo, "HEAD"))
		return 0;
	return MMR_ENOTFOUND;
}

/* The message of one commit into it (raw stays NULL when there is none). */
static int read_commit(git_repository *repo, const git_oid *id, time_t since,
		       struct item *it)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	const git_tree_entry *e;
	int error = 0;

	git_oid_tostr(it->hex, sizeof(it->hex), id);
	if (git_commit_lookup(&commit, repo, id) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		error = lore__git_fail("cannot read commit", it->hex);
		goto out;
	}
	it->time = git_commit_time(commit);
	if (since && it->time < since)
		goto out;
	e = git_tree_entry_byname(tree, "m");
	if (!e) {
		e = git_tree_entry_byname(tree, "d");
		it->deleted = true;
	}
	if (!e)
		goto out; /* not a message commit */
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
		error = lore__git_fail("cannot read the message of commit",
				       it->hex);
		goto out;
	}
	it->len = (size_t)git_blob_rawsize(blob);
	it->raw = xmalloc(it->len + 1);
	memcpy(it->raw, git_blob_rawcontent(blob), it->len);
	it->raw[it->len] = '\0';
out:
	git_blob_free(blob);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

/* Wait for room; false when the caller stopped. */
static bool wait_room(struct ahead *a)
{
	while (!a->stop && (a->count == EPOCH_AHEAD ||
			    (a->count && a->bytes > EPOCH_AHEAD_BYTES))) {
		a->reader_waits = true;
		pthread_cond_wait(&a->changed, &a->lock);
	}
	a->reader_waits = false;
	return !a->stop;
}

static void *reader(void *arg)
{
	struct ahead *a = arg;
	struct item it;
	git_oid id;
	int error = 0;

	while (!error) {
		memset(&it, 0, sizeof(it));
		error = git_revwalk_next(&id, a->rw);
		if (error == GIT_ITEROVER) {
			error = 0;
			break;
		}
		if (error)
			error = lore__git_fail("cannot walk", "master");
		else
			error = read_commit(a->repo, &id, a->since, &it);
		if (error)
			break;
		pthread_mutex_lock(&a->lock);
		if (!wait_room(a)) {
			pthread_mutex_unlock(&a->lock);
			free(it.raw);
			break;
		}
		a->ring[(a->head + a->count) % EPOCH_AHEAD] = it;
		a->count++;
		a->bytes += it.len;
		/* the caller waits only on an empty ring */
		if (a->count == 1)
			pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
	}
	pthread_mutex_lock(&a->lock);
	a->done = true;
	a->error = error;
	if (error) /* errors are per thread: carry the message over */
		a->message = xstrdup(mmr_error_last());
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* The next item read, or false at the end. */
static bool next_item(struct ahead *a, struct item *it)
{
	bool got;

	pthread_mutex_lock(&a->lock);
	while (!a->count && !a->done)
		pthread_cond_wait(&a->changed, &a->lock);
	got = a->count > 0;
	if (got) {
		*it = a->ring[a->head];
		a->head = (a->head + 1) % EPOCH_AHEAD;
		a->count--;
		a->bytes -= it->len;
		/* a reader waiting for room fills half the ring at once */
		if (a->reader_waits && a->count <= EPOCH_AHEAD / 2 &&
		    a->bytes <= EPOCH_AHEAD_BYTES / 2)
			pthread_cond_broadcast(&a->changed);
	}
	pthread_mutex_unlock(&a->lock);
	return got;
}

static int deliver(const struct item *it, lore_msg_fn fn, void *payload)
{
	struct lore_msg msg = { 0 };
	char where[64];

	if (!it->raw)
		return 0;
	snprintf(where, sizeof(where), "commit %.12s", it->hex);
	msg.raw = it->raw;
	msg.len = it->len;
	msg.deleted = it->deleted;
	msg.time = it->time;
	msg.where = where;
	return fn(&msg, payload);
}

/* Read with a reader thread; stop it at the callback's first no. */
static int read_ahead(struct ahead *a, lore_msg_fn fn, void *payload,
		      char *last)
{
	pthread_t thread;
	struct item it;
	int error = 0;

	if (pthread_create(&thread, NULL, reader, a))
		return mmr_error_set(MMR_EIO, "cannot start a thread");
	while (!error && next_item(a, &it)) {
		error = deliver(&it, fn, payload);
		if (!error)
			memcpy(last, it.hex, sizeof(it.hex));
		free(it.raw);
	}
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
	pthread_join(thread, NULL);
	while (a->count) {
		free(a->ring[a->head].raw);
		a->head = (a->head + 1) % EPOCH_AHEAD;
		a->count--;
	}
	if (!error && a->error)
		error = mmr_error_set(a->error, "%s", a->message);
	free(a->message);
	return error;
}

static int walk(git_repository *repo, const char *gitdir, const char *after,
		time_t since, lore_msg_fn fn, void *payload, char *last)
{
	struct ahead a = { .repo = repo, .since = since };
	git_oid tip, hide;
	int error;

	error = lore__branch_tip(repo, &tip);
	if (error)
		return error == MMR_ENOTFOUND ? 0 : error; /* an empty epoch */
	if (git_revwalk_new(&a.rw, repo) < 0 ||
	    git_revwalk_push(a.rw, &tip) < 0) {
		error = lore__git_fail("cannot walk", gitdir);
		goto out;
	}
	git_revwalk_sorting(a.rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (after && (git_oid_fromstr(&hide, after) < 0 ||
		      git_revwalk_hide(a.rw, &hide) < 0)) {
		error = mmr_error_set(MMR_ENOTFOUND,
				      "commit %s is not in '%s' (history "
				      "rewritten?)",
				      after, gitdir);
		goto out;
	}
	pthread_mutex_init(&a.lock, NULL);
	pthread_cond_init(&a.changed, NULL);
	error = read_ahead(&a, fn, payload, last);
	pthread_cond_destroy(&a.changed);
	pthread_mutex_destroy(&a.lock);
out:
	git_revwalk_free(a.rw);
	return error;
}

int lore_epoch_read(const char *gitdir, const char *after, time_t since,
		    lore_msg_fn fn, void *payload, char *last)
{
	git_repository *repo = NULL;
	int error;

	git_libgit2_init();
	if (git_repository_open_bare(&repo, gitdir) < 0)
		error = lore__git_fail("cannot open", gitdir);
	else
		error = walk(repo, gitdir, after, since, fn, payload, last);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return error;
}
