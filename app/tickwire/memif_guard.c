/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guard around one race of DPDK 22.11's memif PMD. When a memif peer
 * goes away, the PMD's interrupt thread runs memif_disconnect(): it
 * clears the port's connected flag, then unmaps the shared regions that
 * hold the rings. A poller already inside rx_burst or tx_burst past the
 * flag check, and preempted there, resumes on unmapped memory and
 * faults (seen in about one peer restart in four when the poller shares
 * a core with other threads).
 *
 * tickwire exports its own munmap(): called from a thread that is not
 * an lcore (the interrupt thread) while lcores run, it first takes the
 * memif ports away from the lcores (its own bit of their paused flags,
 * then rte_rcu_qsbr_synchronize, as a relink does), so no lcore is
 * inside a call on them, unmaps, and gives them back; the PMD's cleared
 * connected flag keeps the lcores out afterwards. Every other munmap
 * goes straight through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <sys/mman.h>

#include <rte_lcore.h>

#include "tickwire.h"

uint8_t tw_memif_port[RTE_MAX_ETHPORTS];

static int (*real_munmap)(void *, size_t);

int
munmap(void *addr, size_t len)
{
	struct rte_rcu_qsbr *qsv = __atomic_load_n(&tw_qsv, __ATOMIC_ACQUIRE);
	unsigned int p;
	bool any = false;
	int rc;

	if (real_munmap == NULL)
		real_munmap = (int (*)(void *, size_t))dlsym(RTLD_NEXT,
			"munmap");
	if (qsv == NULL || rte_lcore_id() != LCORE_ID_ANY)
		return real_munmap(addr, len);
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (tw_memif_port[p]) {
			tw_port_hold((uint16_t)p, TW_PAUSE_UNMAP);
			any = true;
		}
	if (any)
		rte_rcu_qsbr_synchronize(qsv, RTE_QSBR_THRID_INVALID);
	rc = real_munmap(addr, len);
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (tw_memif_port[p])
			tw_port_release((uint16_t)p, TW_PAUSE_UNMAP);
	return rc;
}
