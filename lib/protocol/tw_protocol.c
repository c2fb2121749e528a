/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include "tw_itch_gen.h"
#include "tw_itch_rx.h"
#include "tw_protocol.h"

const struct tw_protocol tw_protocol_tickwire = {
	.name = "tickwire",
	.gen_open = tw_emit_directory,
	.gen_ticks = tw_emit_ticks,
	.gen_count = tw_count_sent,
	.rx_init = tw_rx_ctx_init,
	.rx_datagram = tw_rx_datagram,
};

const struct tw_protocol tw_protocol_itch50 = {
	.name = "itch50",
	.gen_open = tw_itch_emit_open,
	.gen_ticks = tw_itch_emit_ticks,
	.gen_close = tw_itch_emit_close,
	.gen_count = tw_itch_count_sent,
	.rx_init = tw_itch_rx_init,
	.books = true,
};

static const struct tw_protocol *const protocols[] = {
	&tw_protocol_tickwire,
	&tw_protocol_itch50,
};

const struct tw_protocol *
tw_protocol_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcmp(protocols[i]->name, name) == 0)
			return protocols[i];
	return NULL;
}
