/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fault: named points where a test build of mmreview can kill itself,
 * for the crash test of the daemon (tests/tap/t0041-daemon-crash.sh).
 *
 * Only build/mmreview-faults is compiled with MMR_FAULTS (and linked with
 * tests/fault/fault.c); there, fault_point(name) logs "fault point NAME
 * reached" and, when $MMREVIEW_FAULT is "NAME:N" and this is the N-th
 * time NAME is reached in the process, kills the process with SIGKILL
 * (no clean-up, as a power cut would). In every other build it is
 * nothing.
 *
 * Points: fetch-message (a message offered, its fetch not committed),
 * fetch (the fetch committed), review (a series reviewed, its record not
 * committed), reviewed (committed), claimed (a reply marked sending, not
 * sent), delivered (sent, not marked sent).
 */
#ifndef MMR_FAULT_H
#define MMR_FAULT_H

#ifdef MMR_FAULTS
void fault_point(const char *name);
#else
static inline void fault_point(const char *name)
{
	(void)name;
}
#endif

#endif
