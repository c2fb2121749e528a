/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host check's spin probe, on every poller core at once (as
 * sysjitter does): a thread pinned to each core that only reads the TSC
 * and records its gaps (lib/noise), for as long as asked; then per core
 * the share of the time lost, the gaps a second by size and the
 * longest. Owns the probe threads, which end before it returns; never
 * touches what the kernel is told about a core (host_cpu.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>

#include "host_check.h"

struct probe_arg {
	int cpu;
	uint64_t cycles;
	struct tw_noise *n;
	int rc;
};

static void *
probe_thread(void *arg)
{
	struct probe_arg *a = arg;
	cpu_set_t cs;

	CPU_ZERO(&cs);
	CPU_SET(a->cpu, &cs);
	a->rc = sched_setaffinity(0, sizeof(cs), &cs) == 0 ? 0 : -errno;
	if (a->rc == 0)
		tw_noise_spin(a->n, a->cycles, NULL);
	return NULL;
}

/* The TSC's rate over 50 ms of the kernel's clock. */
static uint64_t
tsc_hz(void)
{
	struct timespec a, b;
	uint64_t t0, t1, ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = rte_rdtsc();
	do {
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
		ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u +
			(uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
	} while (ns < 50000000);
	t1 = rte_rdtsc();
	return (t1 - t0) * 1000000000u / ns;
}

/* Count of a histogram's samples over v. */
static uint64_t
over(const struct tw_hist *h, uint64_t v)
{
	return (uint64_t)((1 - tw_hist_fraction_below(h, v)) *
		(double)h->count + 0.5);
}

/* Every core's probe at once, ms long. */
static void
probe(struct tw_host_report *r, unsigned int ms, uint32_t threshold_ns)
{
	static struct tw_noise n[TW_HOST_MAX_CPUS];
	struct probe_arg a[TW_HOST_MAX_CPUS];
	pthread_t th[TW_HOST_MAX_CPUS];
	uint64_t hz = tsc_hz();
	unsigned int i;

	for (i = 0; i < r->nb_cpus; i++) {
		tw_noise_init(&n[i], threshold_ns, hz);
		a[i] = (struct probe_arg){ .cpu = r->cpu[i].cpu,
			.cycles = hz / 1000 * ms, .n = &n[i] };
		if (pthread_create(&th[i], NULL, probe_thread, &a[i]) != 0)
			a[i].rc = -EAGAIN;
	}
	for (i = 0; i < r->nb_cpus; i++) {
		struct tw_host_cpu *c = &r->cpu[i];

		if (a[i].rc != -EAGAIN)
			pthread_join(th[i], NULL);
		c->probed = a[i].rc == 0;
		if (!c->probed)
			continue;
		tw_noise_read(&n[i], (unsigned int)c->cpu, "probe", &c->probe,
			NULL);
		c->over_10us = over(&n[i].hist, 10000);
		c->over_50us = over(&n[i].hist, 50000);
		c->over_1ms = over(&n[i].hist, 1000000);
	}
	r->probe_ms = ms;
}

void
tw_host_probe(struct tw_host_report *r, unsigned int ms,
		uint32_t threshold_ns, FILE *out, FILE *facts)
{
	unsigned int i;

	if (facts != NULL)
		fprintf(facts, "host check: spin probe, %u ms on each poller core "
			"at once (gaps over %u ns)...\n", ms,
			threshold_ns);
	probe(r, ms, threshold_ns);
	for (i = 0; i < r->nb_cpus; i++) {
		const struct tw_host_cpu *c = &r->cpu[i];
		double s = c->probe.elapsed_ns / 1e9;
		char a[32], b[32], d[32], e[32];

		if (!c->probed) {
			if (facts != NULL)
				fprintf(facts, "host check: cpu %d: no probe (it "
					"could not be pinned there)\n", c->cpu);
			continue;
		}
		if (facts != NULL)
			fprintf(facts, "host check: cpu %d probe: %.2f%% of %.1f s "
				"lost; per second %s gaps > %u ns, %s > 10 us, "
				"%s > 50 us, %s > 1 ms; longest %.1f us\n",
				c->cpu, c->probe.lost_share * 100, s,
				tw_grouped(a, sizeof(a), (uint64_t)(
					(double)c->probe.gaps / s)),
				threshold_ns,
				tw_grouped(b, sizeof(b), (uint64_t)(
					(double)c->over_10us / s)),
				tw_grouped(d, sizeof(d), (uint64_t)(
					(double)c->over_50us / s)),
				tw_grouped(e, sizeof(e), (uint64_t)(
					(double)c->over_1ms / s)),
				c->probe.longest_ns / 1e3);
		if (c->probe.lost_share > 0.001)
			tw_host_warn(r, out,
				"cpu %d lost %.2f%% of a spin loop's time: "
				"a poller there carries gaps up to %.1f us into "
				"its tail latency", c->cpu,
				c->probe.lost_share * 100,
				c->probe.longest_ns / 1e3);
	}
}
