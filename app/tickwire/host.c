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
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "host.h"

/* Where the facts go (the warnings go to out): set per check. */
static FILE *facts;

/* A CPU list ("0-3,8,10-11") into set; false when it does not parse. */
static bool
parse_cpulist(const char *s, uint64_t *set)
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

static bool
read_line(const char *path, char *buf, size_t len)
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

static uint64_t
read_cpulist(const char *path)
{
	char buf[512];
	uint64_t set = 0;

	if (read_line(path, buf, sizeof(buf)))
		parse_cpulist(buf, &set);
	return set;
}

/* A kernel parameter's CPU list from /proc/cmdline ("nohz_full=1-3"). */
static uint64_t
cmdline_cpus(const char *cmdline, const char *key)
{
	size_t n = strlen(key);
	const char *p = cmdline;
	uint64_t set = 0;
	char val[256];

	while ((p = strstr(p, key)) != NULL) {
		if ((p == cmdline || p[-1] == ' ') && p[n] == '=') {
			size_t k = strcspn(p + n + 1, " ");

			if (k >= sizeof(val))
				k = sizeof(val) - 1;
			memcpy(val, p + n + 1, k);
			val[k] = '\0';
			/* isolcpus=domain,managed_irq,1-3: the flags first. */
			{
				char *q = val, *c;

				while ((c = strchr(q, ',')) != NULL &&
				       !isdigit((unsigned char)*q))
					q = c + 1;
				parse_cpulist(q, &set);
			}
			return set;
		}
		p += n;
	}
	return 0;
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
		parse_cpulist(lset, &ls);
		parse_cpulist(cset, &cs);
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

static int
first_cpu(uint64_t set)
{
	return set == 0 ? -1 : __builtin_ctzll(set);
}

/* IRQs whose affinity includes cpu: how many, and the first few. */
static unsigned int
irqs_on(int cpu, char *list, size_t len)
{
	DIR *d = opendir("/proc/irq");
	struct dirent *e;
	unsigned int n = 0;
	size_t used = 0;

	list[0] = '\0';
	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[300];
		uint64_t set;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%s/smp_affinity_list",
			e->d_name);
		set = read_cpulist(path);
		if (!((set >> cpu) & 1))
			continue;
		if (n < 8 && used < len)
			used += (size_t)snprintf(list + used, len - used, "%s%s",
				n ? "," : "", e->d_name);
		n++;
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/*
 * Threads of other processes that are runnable now and last ran on
 * cpu (field 39 of /proc/PID/task/TID/stat): how many, the first few
 * names.
 */
static unsigned int
runnable_on(int cpu, char *list, size_t len)
{
	DIR *d = opendir("/proc"), *t;
	struct dirent *e, *te;
	unsigned int n = 0;
	size_t used = 0;
	pid_t self = getpid();

	list[0] = '\0';
	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[300];

		if (!isdigit((unsigned char)e->d_name[0]) ||
		    atoi(e->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", e->d_name);
		t = opendir(path);
		while (t != NULL && (te = readdir(t)) != NULL) {
			char buf[1024], tpath[600], *rp, state;
			int field, on = -1;

			if (!isdigit((unsigned char)te->d_name[0]))
				continue;
			snprintf(tpath, sizeof(tpath), "/proc/%s/task/%s/stat",
				e->d_name, te->d_name);
			if (!read_line(tpath, buf, sizeof(buf)))
				continue;
			rp = strrchr(buf, ')');
			if (rp == NULL || rp[1] == '\0')
				continue;
			state = rp[2];
			/* Fields after the name: 3 (state) on. */
			for (field = 3, rp += 2; *rp != '\0' && field < 39;
			     rp++)
				if (*rp == ' ')
					field++;
			if (field == 39)
				on = atoi(rp);
			if (state != 'R' || on != cpu)
				continue;
			if (n < 4 && used < len) {
				char *lp = strchr(buf, '(');
				size_t k = lp != NULL ? strcspn(lp + 1, ")") : 0;

				used += (size_t)snprintf(list + used,
					len - used, "%s%.*s", n ? "," : "",
					(int)k, lp != NULL ? lp + 1 : "");
			}
			n++;
		}
		if (t != NULL)
			closedir(t);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

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

/* One finding: printed with what to change, and counted. */
static void
warn(struct tw_host_report *r, FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
warn(struct tw_host_report *r, FILE *out, const char *fmt, ...)
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

static void
check_cpu(struct tw_host_report *r, struct tw_host_cpu *c, uint64_t all,
		const char *cmdline, FILE *out)
{
	char path[128], buf[256], node[16] = "";
	uint64_t sib;
	DIR *d;
	struct dirent *e;

	c->isolated = (read_cpulist("/sys/devices/system/cpu/isolated") >>
		c->cpu) & 1;
	c->nohz_full = ((read_cpulist("/sys/devices/system/cpu/nohz_full") |
		cmdline_cpus(cmdline, "nohz_full")) >> c->cpu) & 1;
	c->rcu_nocbs = (cmdline_cpus(cmdline, "rcu_nocbs") >> c->cpu) & 1;
	c->irqs = irqs_on(c->cpu, c->irq_list, sizeof(c->irq_list));
	c->runnable = runnable_on(c->cpu, c->runnable_list,
		sizeof(c->runnable_list));
	snprintf(path, sizeof(path),
		"/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		c->cpu);
	sib = read_cpulist(path) & ~(UINT64_C(1) << c->cpu);
	c->sibling = first_cpu(sib);
	c->sibling_poller = (sib & all) != 0;
	snprintf(path, sizeof(path),
		"/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		c->cpu);
	if (!read_line(path, c->governor, sizeof(c->governor)))
		snprintf(c->governor, sizeof(c->governor), "none");
	c->node = 0;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", c->cpu);
	d = opendir(path);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "node", 4) == 0 &&
		    isdigit((unsigned char)e->d_name[4])) {
			c->node = atoi(e->d_name + 4);
			snprintf(node, sizeof(node), "%d", c->node);
		}
	if (d != NULL)
		closedir(d);
	if (facts != NULL)
		fprintf(facts, "host check: %s lcore %u on cpu %d (node %s): "
			"isolcpus %s, nohz_full %s, rcu_nocbs %s; %u IRQs may "
			"run here%s%s%s; %u other runnable threads here%s%s%s; "
			"SMT sibling %s%s; governor %s\n", c->role, c->lcore,
			c->cpu, node[0] ? node : "?", c->isolated ? "yes" : "no",
			c->nohz_full ? "yes" : "no", c->rcu_nocbs ? "yes" : "no",
			c->irqs, c->irqs ? " (" : "", c->irq_list,
			c->irqs ? (c->irqs > 8 ? ", ...)" : ")") : "",
			c->runnable, c->runnable ? " (" : "", c->runnable_list,
			c->runnable ? ")" : "",
			c->sibling < 0 ? "none" : "cpu ",
			c->sibling < 0 ? "" : (snprintf(buf, sizeof(buf), "%d%s",
				c->sibling, c->sibling_poller ?
				" (another poller)" : ""), buf), c->governor);
	if (!c->isolated)
		warn(r, out, "cpu %d is not isolated: the scheduler may put "
			"any thread there; boot with isolcpus=%d (or a cpuset / "
			"systemd CPUAffinity= that keeps the rest off it), as "
			"DPDK's tuning guides advise for poll-mode cores",
			c->cpu, c->cpu);
	if (!c->nohz_full || !c->rcu_nocbs)
		warn(r, out, "cpu %d: %s%s%s: the scheduler tick and RCU "
			"callbacks interrupt the poller; add nohz_full=%d "
			"rcu_nocbs=%d to the kernel command line", c->cpu,
			c->nohz_full ? "" : "not nohz_full",
			!c->nohz_full && !c->rcu_nocbs ? ", " : "",
			c->rcu_nocbs ? "" : "not rcu_nocbs", c->cpu, c->cpu);
	if (c->irqs != 0)
		warn(r, out, "cpu %d: %u IRQs may be delivered here; set "
			"/proc/irq/*/smp_affinity_list (and irqaffinity= at "
			"boot) to the other cores, and stop irqbalance or ban "
			"this core (IRQBALANCE_BANNED_CPULIST)", c->cpu, c->irqs);
	if (c->runnable != 0)
		warn(r, out, "cpu %d: %u threads of other processes are "
			"runnable here now (%s): move them (taskset, cgroups "
			"cpuset) or pick another core", c->cpu, c->runnable,
			c->runnable_list);
	if (c->sibling >= 0)
		warn(r, out, "cpu %d shares its physical core with cpu %d%s: "
			"keep the sibling idle (offline it, or leave it out of "
			"every plan) or turn SMT off", c->cpu, c->sibling,
			c->sibling_poller ? ", another poller" : "");
	if (strcmp(c->governor, "performance") != 0)
		warn(r, out, "cpu %d: frequency governor %s%s", c->cpu,
			c->governor, strcmp(c->governor, "none") == 0 ?
			" (no cpufreq here: a virtual machine's host decides)" :
			": set performance (cpupower frequency-set -g "
			"performance, or tuned's latency-performance profile)");
}

static void
check_machine(struct tw_host_report *r, FILE *out)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags", 5) == 0) {
			r->constant_tsc = strstr(line, " constant_tsc") != NULL;
			r->nonstop_tsc = strstr(line, " nonstop_tsc") != NULL;
			break;
		}
	if (f != NULL)
		fclose(f);
	if (!read_line("/sys/kernel/mm/transparent_hugepage/enabled",
			r->thp, sizeof(r->thp)))
		snprintf(r->thp, sizeof(r->thp), "unknown");
	f = fopen("/proc/meminfo", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "HugePages_Total: %" SCNu64, &r->hugepages_total);
		sscanf(line, "HugePages_Free: %" SCNu64, &r->hugepages_free);
		sscanf(line, "Hugepagesize: %" SCNu64, &r->hugepage_kb);
	}
	if (f != NULL)
		fclose(f);
	r->numa_nodes = 0;
	{
		DIR *d = opendir("/sys/devices/system/node");
		struct dirent *e;

		while (d != NULL && (e = readdir(d)) != NULL)
			if (strncmp(e->d_name, "node", 4) == 0 &&
			    isdigit((unsigned char)e->d_name[4]))
				r->numa_nodes++;
		if (d != NULL)
			closedir(d);
	}
	if (facts != NULL)
		fprintf(facts, "host check: TSC constant_tsc %s, nonstop_tsc %s; "
			"transparent hugepages %s; %" PRIu64 " hugepages of %"
			PRIu64 " kB, %" PRIu64 " free; %u NUMA node(s)\n",
			r->constant_tsc ? "yes" : "no",
			r->nonstop_tsc ? "yes" : "no", r->thp,
			r->hugepages_total, r->hugepage_kb, r->hugepages_free,
			r->numa_nodes);
	if (!r->constant_tsc || !r->nonstop_tsc)
		warn(r, out, "the TSC is not invariant (constant_tsc %s, "
			"nonstop_tsc %s): stamps may drift with frequency or "
			"stop in deep C-states; on a VM, expose the host's "
			"invariant TSC (e.g. -cpu host,+invtsc)",
			r->constant_tsc ? "yes" : "no",
			r->nonstop_tsc ? "yes" : "no");
	if (strstr(r->thp, "[always]") != NULL)
		warn(r, out, "transparent hugepages [always]: khugepaged "
			"compaction stalls any core; set madvise or never "
			"(/sys/kernel/mm/transparent_hugepage/enabled, or "
			"transparent_hugepage=never at boot)");
	if (r->hugepages_free == 0)
		warn(r, out, "no free hugepages: ./scripts/setup.sh reserves "
			"2 MB pages (or run with --no-huge, slower TLB)");
}

int
tw_host_check(const struct tw_config *cfg, char *const *eal, int nb_eal,
		unsigned int probe_ms, bool verbose, struct tw_host_report *r,
		FILE *out)
{
	uint32_t gen[TW_MAX_GEN_LCORES];
	char cmdline[4096] = "";
	uint64_t all = 0;
	unsigned int i, k, nb_gen;

	memset(r, 0, sizeof(*r));
	facts = verbose ? out : NULL;
	read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	nb_gen = cfg->gen_enabled ? tw_config_gen_lcores(cfg, gen) : 0;
	for (i = 0; i < nb_gen + (cfg->rx_enabled ? cfg->nb_rx_lcores : 0) &&
	     r->nb_cpus < TW_HOST_MAX_CPUS; i++) {
		bool is_gen = i < nb_gen;
		unsigned int lc = is_gen ? gen[i] : cfg->rx_lcores[i - nb_gen];
		int cpu = first_cpu(lcore_cpus(eal, nb_eal, lc));
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
			warn(r, out, "two pollers on cpu %d: each one's "
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
		check_cpu(r, &r->cpu[i], all, cmdline, out);
	check_machine(r, out);
	if (probe_ms == 0)
		return 0;
	if (facts != NULL)
		fprintf(facts, "host check: spin probe, %u ms on each poller core "
			"at once (gaps over %u ns)...\n", probe_ms,
			cfg->stall_threshold_ns);
	probe(r, probe_ms, cfg->stall_threshold_ns);
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
				cfg->stall_threshold_ns,
				tw_grouped(b, sizeof(b), (uint64_t)(
					(double)c->over_10us / s)),
				tw_grouped(d, sizeof(d), (uint64_t)(
					(double)c->over_50us / s)),
				tw_grouped(e, sizeof(e), (uint64_t)(
					(double)c->over_1ms / s)),
				c->probe.longest_ns / 1e3);
		if (c->probe.lost_share > 0.001)
			warn(r, out, "cpu %d lost %.2f%% of a spin loop's time: "
				"a poller there carries gaps up to %.1f us into "
				"its tail latency", c->cpu,
				c->probe.lost_share * 100,
				c->probe.longest_ns / 1e3);
	}
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
