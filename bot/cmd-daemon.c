// SPDX-License-Identifier: GPL-2.0
/*
 * mmreview daemon: follow the inboxes, review each series once, post the
 * replies (bot/daemon.h), round after round until SIGTERM or SIGINT;
 * SIGHUP reloads the config.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-lore.h"
#include "config.h"
#include "daemon.h"
#include "util.h"

static const char daemon_usage[] =
	"usage: mmreview daemon [--once]\n"
	"\n"
	"Follow the inboxes of lore.url: fetch what is new, review each series\n"
	"that is complete (or settled, lore.settle) once, record its findings\n"
	"in the state database (daemon.state-dir), queue one reply per patch\n"
	"with findings at or above post.min-severity, send the replies as\n"
	"post.mode says, then sleep daemon.interval seconds, and again.\n"
	"\n"
	"  --once   one round, then exit\n"
	"\n"
	"SIGTERM and SIGINT end the step under way and exit 0; SIGHUP reads the\n"
	"config again. One daemon per state directory. Logs go to stderr, one\n"
	"line per event; \"mmreview status\" tells what the daemon is doing.\n"
	"Exit status: 0; 2 when it cannot start (a bad setting, the state\n"
	"directory in use or its database damaged), or with --once when a step\n"
	"of the round failed.\n";

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_reload(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* No SA_RESTART: a signal cuts the sleep short. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Sleep seconds, or less when a signal asks for something. */
static void nap(long seconds)
{
	struct timespec ts = { seconds, 0 };

	while (!stop_requested && !reload_requested &&
	       nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void reload(struct daemon *d, const struct cli_global *g)
{
	struct config *cfg;

	reload_requested = 0;
	cli_info("SIGHUP: reading the config again");
	cfg = cli_config_load(g);
	if (!cfg) {
		cli_error("the config stays as it was");
		return;
	}
	if (daemon_reload(d, cfg) < 0)
		cli_error("%s; the config stays as it was", mmr_error_last());
	else
		cli_info("config reloaded");
	config_free(cfg);
}

static int parse_args(int argc, char **argv, bool *once)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(daemon_usage, stdout);
			exit(CLI_OK);
		} else if (!strcmp(argv[i], "--once")) {
			*once = true;
		} else {
			cli_error("unknown argument '%s'", argv[i]);
			fputs(daemon_usage, stderr);
			return -1;
		}
	}
	return 0;
}

int cmd_daemon(int argc, char **argv, const struct cli_global *g)
{
	struct daemon *d = NULL;
	struct config *cfg;
	bool once = false;
	int ret = CLI_OK, failed;

	if (parse_args(argc, argv, &once))
		return CLI_ERROR;
	cfg = cli_config_load(g);
	if (!cfg)
		return CLI_ERROR;
	catch_signals();
	if (daemon_new(&d, cfg, cmd_lore_log, NULL) < 0) {
		cli_error("%s", mmr_error_last());
		config_free(cfg);
		return CLI_ERROR;
	}
	config_free(cfg);
	cli_info("started (pid %ld)%s", (long)getpid(),
		 once ? ", one round" : "");
	while (!stop_requested) {
		failed = daemon_round(d, &stop_requested);
		if (failed < 0) {
			cli_error("%s: stopping", mmr_error_last());
			ret = CLI_ERROR;
			break;
		}
		if (once) {
			ret = failed ? CLI_ERROR : CLI_OK;
			break;
		}
		nap(daemon_interval(d));
		if (reload_requested && !stop_requested)
			reload(d, g);
	}
	if (stop_requested)
		cli_info("stopping on a signal");
	daemon_free(d);
	return ret;
}
