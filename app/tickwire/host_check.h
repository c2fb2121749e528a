/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host check's units, private to app/tickwire. Each owns one part
 * of the check that host.h declares and reaches the others only
 * through what is declared here:
 *
 *   host.c          the check as a whole: the pollers' cores from the
 *                   EAL arguments, the order of the checks, the warnings
 *                   counted, the report's JSON; reading /proc and /sys
 *   host_cpu.c      each poller's core: isolcpus, nohz_full, rcu_nocbs,
 *                   IRQ affinity, other runnable threads, the SMT
 *                   sibling, the frequency governor
 *   host_machine.c  the machine: the TSC, transparent and reserved
 *                   hugepages, NUMA nodes
 *   host_probe.c    the spin probe on every poller core at once
 *
 * Each check fills its part of struct tw_host_report, prints each
 * finding it makes to facts (NULL: none) and each warning, with what
 * to change, to out (NULL: counted only). None changes anything.
 */
#ifndef TW_APP_HOST_CHECK_H
#define TW_APP_HOST_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h"

/* host.c */
/* One finding: printed with what to change, and counted. */
void tw_host_warn(struct tw_host_report *r, FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A CPU list ("0-3,8,10-11") into set; false when it does not parse. */
bool tw_host_parse_cpulist(const char *s, uint64_t *set);
/* The first line of a file, without its newline; false if unreadable. */
bool tw_host_read_line(const char *path, char *buf, size_t len);

/* The lowest CPU of set, or -1 for none. */
static inline int
tw_host_first_cpu(uint64_t set)
{
	return set == 0 ? -1 : __builtin_ctzll(set);
}

/* host_cpu.c: the core of c (all: every poller's core; cmdline: the
 * kernel's command line). */
void tw_host_check_cpu(struct tw_host_report *r, struct tw_host_cpu *c,
		uint64_t all, const char *cmdline, FILE *out, FILE *facts);

/* host_machine.c */
void tw_host_check_machine(struct tw_host_report *r, FILE *out,
		FILE *facts);

/* host_probe.c: every core of r probed ms at once, gaps over
 * threshold_ns recorded, and what they cost said. */
void tw_host_probe(struct tw_host_report *r, unsigned int ms,
		uint32_t threshold_ns, FILE *out, FILE *facts);

#endif /* TW_APP_HOST_CHECK_H */
