/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A capture file (pcap, microsecond or nanosecond timestamps, Ethernet)
 * read whole into memory, for the generator's replay.
 *
 * Owns: the file's frames and their capture times.
 * Never touches: ports, mbufs (the replaying lcore sends the frames).
 */
#ifndef TW_PCAP_H
#define TW_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct tw_pcap {
	uint8_t *data;          /* the file */
	size_t size;
	uint32_t nb;            /* frames */
	uint32_t *off;          /* each frame's bytes in data */
	uint16_t *len;
	uint64_t *ts_ns;        /* capture time, ns */
};

/*
 * Read path. 0, or -errno with err saying why (not a pcap, not Ethernet,
 * a frame cut short, larger than 65535 bytes).
 */
int tw_pcap_load(struct tw_pcap *p, const char *path, char *err,
		size_t errlen);

void tw_pcap_free(struct tw_pcap *p);

#endif /* TW_PCAP_H */
