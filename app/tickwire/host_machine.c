/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host check, the machine as a whole: an invariant TSC (every stamp
 * rests on it), transparent hugepages (khugepaged's compaction stalls
 * any core), hugepages reserved and free, NUMA nodes. Reads /proc and
 * /sys only; never touches the pollers' cores (host_cpu.c, host_probe.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "host_check.h"

void
tw_host_check_machine(struct tw_host_report *r, FILE *out, FILE *facts)
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
	if (!tw_host_read_line("/sys/kernel/mm/transparent_hugepage/enabled",
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
		tw_host_warn(r, out,
			"the TSC is not invariant (constant_tsc %s, "
			"nonstop_tsc %s): stamps may drift with frequency or "
			"stop in deep C-states; on a VM, expose the host's "
			"invariant TSC (e.g. -cpu host,+invtsc)",
			r->constant_tsc ? "yes" : "no",
			r->nonstop_tsc ? "yes" : "no");
	if (strstr(r->thp, "[always]") != NULL)
		tw_host_warn(r, out,
			"transparent hugepages [always]: khugepaged "
			"compaction stalls any core; set madvise or never "
			"(/sys/kernel/mm/transparent_hugepage/enabled, or "
			"transparent_hugepage=never at boot)");
	if (r->hugepages_free == 0)
		tw_host_warn(r, out,
			"no free hugepages: ./scripts/setup.sh reserves "
			"2 MB pages (or run with --no-huge, slower TLB)");
}
