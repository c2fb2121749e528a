/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host check, each poller's core: whether the kernel keeps the
 * rest off it (isolcpus, nohz_full, rcu_nocbs), which IRQs may be
 * delivered there, which threads of other processes are runnable there
 * now, its SMT sibling (another poller's core or not), its frequency
 * governor and NUMA node. Reads /proc and /sys only; never touches the
 * machine-wide facts (host_machine.c) or the probe (host_probe.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_check.h"

static uint64_t
read_cpulist(const char *path)
{
	char buf[512];
	uint64_t set = 0;

	if (tw_host_read_line(path, buf, sizeof(buf)))
		tw_host_parse_cpulist(buf, &set);
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
				tw_host_parse_cpulist(q, &set);
			}
			return set;
		}
		p += n;
	}
	return 0;
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
			if (!tw_host_read_line(tpath, buf, sizeof(buf)))
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

void
tw_host_check_cpu(struct tw_host_report *r, struct tw_host_cpu *c,
		uint64_t all, const char *cmdline, FILE *out, FILE *facts)
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
	c->sibling = tw_host_first_cpu(sib);
	c->sibling_poller = (sib & all) != 0;
	snprintf(path, sizeof(path),
		"/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		c->cpu);
	if (!tw_host_read_line(path, c->governor, sizeof(c->governor)))
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
		tw_host_warn(r, out,
			"cpu %d is not isolated: the scheduler may put "
			"any thread there; boot with isolcpus=%d (or a cpuset / "
			"systemd CPUAffinity= that keeps the rest off it), as "
			"DPDK's tuning guides advise for poll-mode cores",
			c->cpu, c->cpu);
	if (!c->nohz_full || !c->rcu_nocbs)
		tw_host_warn(r, out,
			"cpu %d: %s%s%s: the scheduler tick and RCU "
			"callbacks interrupt the poller; add nohz_full=%d "
			"rcu_nocbs=%d to the kernel command line", c->cpu,
			c->nohz_full ? "" : "not nohz_full",
			!c->nohz_full && !c->rcu_nocbs ? ", " : "",
			c->rcu_nocbs ? "" : "not rcu_nocbs", c->cpu, c->cpu);
	if (c->irqs != 0)
		tw_host_warn(r, out,
			"cpu %d: %u IRQs may be delivered here; set "
			"/proc/irq/*/smp_affinity_list (and irqaffinity= at "
			"boot) to the other cores, and stop irqbalance or ban "
			"this core (IRQBALANCE_BANNED_CPULIST)", c->cpu, c->irqs);
	if (c->runnable != 0)
		tw_host_warn(r, out,
			"cpu %d: %u threads of other processes are "
			"runnable here now (%s): move them (taskset, cgroups "
			"cpuset) or pick another core", c->cpu, c->runnable,
			c->runnable_list);
	if (c->sibling >= 0)
		tw_host_warn(r, out,
			"cpu %d shares its physical core with cpu %d%s: "
			"keep the sibling idle (offline it, or leave it out of "
			"every plan) or turn SMT off", c->cpu, c->sibling,
			c->sibling_poller ? ", another poller" : "");
	if (strcmp(c->governor, "performance") != 0)
		tw_host_warn(r, out, "cpu %d: frequency governor %s%s", c->cpu,
			c->governor, strcmp(c->governor, "none") == 0 ?
			" (no cpufreq here: a virtual machine's host decides)" :
			": set performance (cpupower frequency-set -g "
			"performance, or tuned's latency-performance profile)");
}
