// SPDX-License-Identifier: GPL-2.0
/*
 * fault: the crash points of the test build (bot/fault.h). Linked only
 * into build/mmreview-faults.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define FAULT_MAX_POINTS 16

static struct {
	const char *name;
	unsigned long hits;
} points[FAULT_MAX_POINTS];

static unsigned long hit(const char *name)
{
	size_t i;

	for (i = 0; i < FAULT_MAX_POINTS && points[i].name; i++)
		if (!strcmp(points[i].name, name))
			return ++points[i].hits;
	if (i == FAULT_MAX_POINTS)
		return 0;
	points[i].name = name;
	return points[i].hits = 1;
}

void fault_point(const char *name)
{
	const char *want = getenv("MMREVIEW_FAULT"), *colon;
	unsigned long n = hit(name), at = 1;
	size_t len;

	fprintf(stderr, "mmreview: fault point %s reached (%lu)\n", name, n);
	if (!want)
		return;
	colon = strchr(want, ':');
	len = colon ? (size_t)(colon - want) : strlen(want);
	if (colon)
		at = strtoul(colon + 1, NULL, 10);
	if (len == strlen(name) && !memcmp(want, name, len) && n == at) {
		fprintf(stderr, "mmreview: fault point %s: killed\n", name);
		raise(SIGKILL);
	}
}
