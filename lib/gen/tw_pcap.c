/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_pcap.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define LINKTYPE_ETHERNET 1

static uint32_t
rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

int
tw_pcap_load(struct tw_pcap *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint32_t magic, cap = 0;
	size_t off = 24;
	int swap, ns;
	long sz;

	memset(p, 0, sizeof(*p));
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 24 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: not a pcap file (too short)", path);
		return -EINVAL;
	}
	p->size = (size_t)sz;
	p->data = malloc(p->size);
	if (p->data == NULL || fread(p->data, 1, p->size, f) != p->size) {
		fclose(f);
		tw_pcap_free(p);
		snprintf(err, errlen, "%s: cannot read it", path);
		return -EIO;
	}
	fclose(f);
	memcpy(&magic, p->data, 4);
	swap = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		magic == __builtin_bswap32(PCAP_MAGIC_NS);
	magic = swap ? __builtin_bswap32(magic) : magic;
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) {
		tw_pcap_free(p);
		snprintf(err, errlen, "%s: not a pcap file", path);
		return -EINVAL;
	}
	ns = magic == PCAP_MAGIC_NS;
	if (rd32(p->data + 20, swap) != LINKTYPE_ETHERNET) {
		tw_pcap_free(p);
		snprintf(err, errlen, "%s: not an Ethernet capture", path);
		return -EINVAL;
	}
	while (off + 16 <= p->size) {
		uint32_t incl = rd32(p->data + off + 8, swap);

		if (incl > 65535 || off + 16 + incl > p->size) {
			tw_pcap_free(p);
			snprintf(err, errlen, "%s: frame %u cut short or too "
				"long", path, p->nb + 1);
			return -EINVAL;
		}
		if (p->nb == cap) {
			uint32_t ncap = cap ? cap * 2 : 1024;
			uint32_t *o = realloc(p->off, ncap * sizeof(*o));
			uint16_t *l = o ? realloc(p->len, ncap * sizeof(*l)) :
				NULL;
			uint64_t *t;

			if (o != NULL)
				p->off = o;
			if (l != NULL)
				p->len = l;
			t = l ? realloc(p->ts_ns, ncap * sizeof(*t)) : NULL;
			if (t == NULL) {
				tw_pcap_free(p);
				snprintf(err, errlen, "%s: out of memory",
					path);
				return -ENOMEM;
			}
			p->ts_ns = t;
			cap = ncap;
		}
		p->ts_ns[p->nb] = (uint64_t)rd32(p->data + off, swap) *
			1000000000 + (uint64_t)rd32(p->data + off + 4, swap) *
			(ns ? 1 : 1000);
		p->off[p->nb] = (uint32_t)(off + 16);
		p->len[p->nb] = (uint16_t)incl;
		p->nb++;
		off += 16 + incl;
	}
	return 0;
}

void
tw_pcap_free(struct tw_pcap *p)
{
	free(p->data);
	free(p->off);
	free(p->len);
	free(p->ts_ns);
	memset(p, 0, sizeof(*p));
}
