/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daemon: the loop behind "mmreview daemon". One round fetches what is new
 * on the inboxes ([lore] url), groups it into series (bot/assemble.h),
 * reviews each ready or settled series once through the review façade
 * (bot/review.h), records its findings, queues one reply per patch with
 * findings at or above [post] min-severity (bot/post.h), and sends what
 * is queued.
 *
 * Every step is a transaction of the state database (bot/state.h), which
 * also keeps the lore client's positions and the assembler's pool (moved
 * there through struct lore_store_ops), so a crash at any point leaves
 * the fetch, the pool and the series they feed as they were before the
 * step or as after it:
 *   fetch     the new messages into the pool, with the positions
 *   group     the series still waiting (rewritten), superseded ones out
 *   review    per series: take it out of the pool, record it, its
 *             findings and its replies (pending), mark it reviewed or
 *             failed with the reason
 *   post      settle the replies left sending by a crash (post_recover(),
 *             looking them up in the archive), then send the pending ones
 * A series is reviewed once: its (key, version) row in the state says so.
 *
 * It never prints: each event (naming its Message-ID) goes to the log
 * callback, one line each.
 */
#ifndef MMR_DAEMON_H
#define MMR_DAEMON_H

#include <signal.h>
#include <stdbool.h>

#include "lore.h"

struct config;
struct daemon;

/* [daemon] interval: seconds between rounds. */
#define DAEMON_DEFAULT_INTERVAL 300
#define DAEMON_MAX_INTERVAL 86400

/*
 * Open the state directory of cfg (taking its lock: a second daemon gets
 * MMR_EIO naming the holder), check and migrate the database, and read
 * every setting the daemon uses. log (with payload) gets the events.
 * Returns 0 and *out (free with daemon_free()), or a negative code with a
 * message: a bad setting (MMR_EINVAL), a locked, damaged or foreign
 * database (MMR_EIO), left as it was.
 */
int daemon_new(struct daemon **out, const struct config *cfg, lore_log_fn log,
	       void *payload);
void daemon_free(struct daemon *d);

/*
 * Read the settings of cfg anew (SIGHUP). The state directory stays the
 * one opened. On error the old settings stay and the error is returned.
 */
int daemon_reload(struct daemon *d, const struct config *cfg);

/* The interval of the settings in effect, in seconds. */
long daemon_interval(const struct daemon *d);

/*
 * One round. Between steps (and between two series) *stop is looked at:
 * when set, the round ends after the step it is in. Returns 0, or the
 * number of steps that failed (each logged and noted for "mmreview
 * status"; the round goes on past a failed inbox or a server that is
 * down), or a negative code when the state itself cannot be written.
 */
int daemon_round(struct daemon *d, const volatile sig_atomic_t *stop);

#endif
