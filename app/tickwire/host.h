/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire --host-check, and the check at every run's start (host.c;
 * its units: host_check.h).
 *
 * Owns: what is found about the cores the plan pins pollers to and
 * about the machine, the spin probe's results, their words and JSON.
 * Never touches: anything it reads (it only reads /proc and /sys), the
 * EAL (it runs before it).
 */
#ifndef TW_HOST_H
#define TW_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_config.h"
#include "tw_noise.h"
#include "tw_stats.h"
#include "tw_topo.h"

#define TW_HOST_MAX_CPUS (TW_MAX_RX_LCORES + TW_MAX_GEN_LCORES)

struct tw_host_cpu {
	int cpu;
	unsigned int lcore;
	char role[8];           /* "rx", "gen" */
	int node;
	bool isolated, nohz_full, rcu_nocbs;
	unsigned int irqs;      /* whose affinity includes the core */
	char irq_list[64];
	unsigned int runnable;  /* other processes' threads, runnable here */
	char runnable_list[96];
	int sibling;            /* SMT sibling, or -1 */
	bool sibling_poller;    /* ... that is another poller's core */
	char governor[32];      /* "none": no cpufreq */
	bool probed;
	struct tw_noise_report probe;
	uint64_t over_10us, over_50us, over_1ms;
};

struct tw_host_report {
	unsigned int nb_cpus;
	struct tw_host_cpu cpu[TW_HOST_MAX_CPUS];
	bool constant_tsc, nonstop_tsc;
	char thp[64];
	uint64_t hugepages_total, hugepages_free, hugepage_kb;
	unsigned int numa_nodes;
	unsigned int probe_ms;
	unsigned int warnings;
};

/*
 * Check the cores of cfg's pollers (mapped to CPUs by the EAL arguments
 * eal[0..nb_eal)) and the machine, and probe each core probe_ms (0:
 * no probe), all at once. Warnings and what to change go to out (NULL:
 * silent), with verbose every finding too. 0.
 */
int tw_host_check(const struct tw_config *cfg, char *const *eal, int nb_eal,
		unsigned int probe_ms, bool verbose, struct tw_host_report *r,
		FILE *out);

/* The report as one JSON object (the stats JSON's "host_check"). */
void tw_host_json(const struct tw_host_report *r, char *buf, size_t len);

#endif /* TW_HOST_H */
