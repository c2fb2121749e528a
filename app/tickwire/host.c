/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host check: for each core the plan pins a poller to, what the
 * kernel and the machine do to it (isolation, IRQs, other runnable
 * threads, the SMT sibling, the frequency governor), the TSC,
 * transparent and reserved hugepages, NUMA placement; and a spin probe
 * per core, all at once (as sysjitter does): a thread pinned there that
 * only reads the TSC and records its gaps (lib/noise). What to change
 * is said with each finding, as DPDK's and the distributions' tuning
 * guides say it.
 *
 * Reads /proc and /sys only, before the EAL starts: the lcores' cores
 * come from the EAL arguments (-l, -c, --lcores). Nothing is changed.
 *
 * This unit owns the check as a whole: which cores (the EAL arguments
 * read here), the order of the checks, the warnings counted, the
 * report's JSON, and reading /proc and /sys for the others. The checks
 * themselves are the other units' (host_check.h): each core
 * (host_cpu.c), the machine (host_machine.c), the probe (host_probe.c).
 */
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_check.h"

/* A CPU list ("0-3,8,10-11") into set; false when it does not parse. */
bool
tw_host_parse_cpulist(const char *s, uint64_t *set)
{
	char *end;

	*set = 0;
	while (*s != '\0' && *s != '\n') {
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return false;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1)
				return false;
			s = end;
		}
		for (; a <= b && a < 64; a++)
			*set |= UINT64_C(1) << a;
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != '\n')
			return false;
	}
	return true;
}

bool
tw_host_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * One set of --lcores at *p, "(a,b-c)" or up to one of stop, into out;
 * *p past it. false for a '(' without its ')'.
 */
static bool
take_set(const char **p, const char *stop, char *out, size_t len)
{
	const char *e;
	size_t k;

	if (**p == '(') {
		e = strchr(*p, ')');
		if (e == NULL)
			return false;
		k = (size_t)(e - *p - 1);
		(*p)++;
	} else {
		k = strcspn(*p, stop);
		e = *p + k - 1;
	}
	snprintf(out, len, "%.*s", (int)k, *p);
	*p = e + 1;
	return true;
}

/*
 * The cores of the lcores named, from the EAL arguments: -l and -c map
 * lcore i to core i; --lcores "a@b", "(a,b)@(c,d)", "a-b", "a": each
 * lcore to its cores. An lcore not named maps to its own number.
 */
static uint64_t
lcores_arg_cpus(const char *arg, unsigned int lcore)
{
	const char *p = arg;

	while (*p != '\0') {
		char lset[128], cset[128];
		uint64_t ls = 0, cs = 0;

		if (!take_set(&p, "@,", lset, sizeof(lset)))
			return 0;
		if (*p == '@') {
			p++;
			if (!take_set(&p, ",", cset, sizeof(cset)))
				return 0;
		} else {
			snprintf(cset, sizeof(cset), "%s", lset);
		}
		tw_host_parse_cpulist(lset, &ls);
		tw_host_parse_cpulist(cset, &cs);
		if (lcore < 64 && (ls >> lcore) & 1)
			return cs;
		if (*p == ',')
			p++;
	}
	return 0;
}

static uint64_t
lcore_cpus(char *const *eal, int nb, unsigned int lcore)
{
	int i;

	for (i = nb - 1; i > 0; i--) {
		const char *a = eal[i];

		if (strncmp(a, "--lcores=", 9) == 0)
			return lcores_arg_cpus(a + 9, lcore);
		if (strcmp(a, "--lcores") == 0 && i + 1 < nb)
			return lcores_arg_cpus(eal[i + 1], lcore);
	}
	return lcore < 64 ? UINT64_C(1) << lcore : 0;
}

void
tw_host_warn(struct tw_host_report *r, FILE *out, const char *fmt, ...)
{
	va_list ap;

	r->warnings++;
	if (out == NULL)
		return;
	fprintf(out, "host check: warning: ");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

int
tw_host_check(const struct tw_config *cfg, char *const *eal, int nb_eal,
		unsigned int probe_ms, bool verbose, struct tw_host_report *r,
		FILE *out)
{
	FILE *facts = verbose ? out : NULL;
	uint32_t gen[TW_MAX_GEN_LCORES];
	char cmdline[4096] = "";
	uint64_t all = 0;
	unsigned int i, k, nb_gen;

	memset(r, 0, sizeof(*r));
	tw_host_read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	nb_gen = cfg->gen_enabled ? tw_config_gen_lcores(cfg, gen) : 0;
	for (i = 0; i < nb_gen + (cfg->rx_enabled ? cfg->nb_rx_lcores : 0) &&
	     r->nb_cpus < TW_HOST_MAX_CPUS; i++) {
		bool is_gen = i < nb_gen;
		unsigned int lc = is_gen ? gen[i] : cfg->rx_lcores[i - nb_gen];
		int cpu = tw_host_first_cpu(lcore_cpus(eal, nb_eal, lc));
		struct tw_host_cpu *c;

		if (cpu < 0)
			continue;
		for (k = 0; k < r->nb_cpus; k++)
			if (r->cpu[k].cpu == cpu)
				break;
		if (k < r->nb_cpus) {
			if (facts != NULL)
				fprintf(facts, "host check: %s lcore %u shares "
					"cpu %d with %s lcore %u\n", is_gen ?
					"gen" : "rx", lc, cpu, r->cpu[k].role,
					r->cpu[k].lcore);
			tw_host_warn(r, out,
				"two pollers on cpu %d: each one's "
				"share of it is the other's interruption", cpu);
			continue;
		}
		c = &r->cpu[r->nb_cpus++];
		c->cpu = cpu;
		c->lcore = lc;
		snprintf(c->role, sizeof(c->role), "%s", is_gen ? "gen" : "rx");
		all |= UINT64_C(1) << cpu;
	}
	if (facts != NULL)
		fprintf(facts, "host check: %u poller core(s) in the plan; %ld "
			"CPUs online\n", r->nb_cpus, sysconf(_SC_NPROCESSORS_ONLN));
	for (i = 0; i < r->nb_cpus; i++)
		tw_host_check_cpu(r, &r->cpu[i], all, cmdline, out, facts);
	tw_host_check_machine(r, out, facts);
	if (probe_ms == 0)
		return 0;
	tw_host_probe(r, probe_ms, cfg->stall_threshold_ns, out, facts);
	return 0;
}

void
tw_host_json(const struct tw_host_report *r, char *buf, size_t len)
{
	size_t u = 0;
	unsigned int i;

#define PUT(...) do { if (u < len) \
	u += (size_t)snprintf(buf + u, len - u, __VA_ARGS__); } while (0)
	PUT("{ \"warnings\": %u, \"constant_tsc\": %s, \"nonstop_tsc\": %s, "
		"\"transparent_hugepages\": \"%s\", \"hugepages_total\": %"
		PRIu64 ", \"hugepages_free\": %" PRIu64 ", \"hugepage_kb\": %"
		PRIu64 ", \"numa_nodes\": %u, \"probe_ms\": %u, \"cores\": [",
		r->warnings, r->constant_tsc ? "true" : "false",
		r->nonstop_tsc ? "true" : "false", r->thp, r->hugepages_total,
		r->hugepages_free, r->hugepage_kb, r->numa_nodes, r->probe_ms);
	for (i = 0; i < r->nb_cpus; i++) {
		const struct tw_host_cpu *c = &r->cpu[i];

		PUT("%s\n    { \"role\": \"%s\", \"lcore\": %u, \"cpu\": %d, "
			"\"node\": %d, \"isolated\": %s, \"nohz_full\": %s, "
			"\"rcu_nocbs\": %s, \"irqs\": %u, \"runnable_threads\": "
			"%u, \"smt_sibling\": %d, \"sibling_is_poller\": %s, "
			"\"governor\": \"%s\"", i ? "," : "", c->role, c->lcore,
			c->cpu, c->node, c->isolated ? "true" : "false",
			c->nohz_full ? "true" : "false",
			c->rcu_nocbs ? "true" : "false", c->irqs, c->runnable,
			c->sibling, c->sibling_poller ? "true" : "false",
			c->governor);
		if (c->probed)
			PUT(", \"probe\": { \"elapsed_ns\": %" PRIu64 ", "
				"\"stalls\": %" PRIu64 ", \"lost_ns\": %" PRIu64
				", \"lost_share\": %.6f, \"longest_ns\": %" PRIu64
				", \"stalls_over_10us\": %" PRIu64 ", "
				"\"stalls_over_50us\": %" PRIu64 ", "
				"\"stalls_over_1ms\": %" PRIu64 ", \"stall_p50_ns\": %"
				PRIu64 ", \"stall_p99_ns\": %" PRIu64 " }",
				c->probe.elapsed_ns, c->probe.gaps,
				c->probe.lost_ns, c->probe.lost_share,
				c->probe.longest_ns, c->over_10us,
				c->over_50us, c->over_1ms, c->probe.gap.p50,
				c->probe.gap.p99);
		PUT(" }");
	}
	PUT(" ] }");
#undef PUT
}
