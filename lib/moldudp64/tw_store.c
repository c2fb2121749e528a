/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_common.h>

#include "tw_store.h"

uint32_t
tw_store_slots(uint32_t msgs)
{
	return rte_align32pow2(RTE_MAX(msgs, UINT32_C(64)));
}

static size_t
ends_size(uint32_t nb_channels)
{
	return RTE_ALIGN_CEIL(nb_channels * sizeof(uint64_t),
		RTE_CACHE_LINE_SIZE);
}

size_t
tw_store_memsize(uint32_t nb_channels, uint32_t msgs)
{
	return RTE_CACHE_LINE_SIZE + ends_size(nb_channels) +
		(size_t)nb_channels * tw_store_slots(msgs) *
		sizeof(struct tw_store_slot);
}

struct tw_store *
tw_store_init(void *mem, uint32_t nb_channels, uint32_t msgs)
{
	struct tw_store *s = mem;
	uint8_t *p = mem;
	uint64_t c;

	if (mem == NULL || nb_channels == 0 ||
	    ((uintptr_t)mem & (RTE_CACHE_LINE_SIZE - 1)) != 0)
		return NULL;
	memset(mem, 0, tw_store_memsize(nb_channels, msgs));
	s->nb_channels = nb_channels;
	s->mask = tw_store_slots(msgs) - 1;
	s->end = (uint64_t *)(p + RTE_CACHE_LINE_SIZE);
	s->slots = (struct tw_store_slot *)(p + RTE_CACHE_LINE_SIZE +
		ends_size(nb_channels));
	for (c = 0; c < nb_channels; c++)
		s->end[c] = 1;
	return s;
}

uint16_t
tw_store_fill(const struct tw_store *s, uint16_t ch, uint64_t seq,
		uint32_t count, struct tw_pkt_builder *b,
		const struct tw_pkt_tmpl *t)
{
	const struct tw_store_slot *base = s->slots +
		(size_t)ch * (s->mask + 1);
	uint16_t n = 0;

	while (n < count) {
		const struct tw_store_slot *slot = &base[(seq + n) & s->mask];
		uint8_t *p;

		if (slot->len == 0)
			break;          /* never kept: the range ends here */
		p = tw_pkt_reserve(b, t, slot->len);
		if (p == NULL)
			break;
		memcpy(p, slot->msg, slot->len);
		n++;
	}
	return n;
}
