/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/config: what its units share. tw_config.c (the
 * schema and the defaults), tw_config_load.c (setting keys, reading a
 * profile), tw_config_value.c (a value's text both ways, --print-keys),
 * tw_config_lint.c (the line checks) and tw_config_derive.c (checks
 * across keys, each module's parameters).
 */
#ifndef TW_CONFIG_PRIVATE_H
#define TW_CONFIG_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "tw_config.h"

/* The profile's schema (tw_config.c): a key and what it takes. */
enum key_type {
	KT_UINT,        /* unsigned integer of field size 1, 2, 4 or 8 */
	KT_DOUBLE,
	KT_BOOL,
	KT_STR,         /* copied, at most size - 1 bytes */
	KT_SESSION,     /* 1..10 printable ASCII, space padded */
	KT_IPV4,
	KT_MCAST,       /* IPv4 in 224.0.0.0/4 */
	KT_MAC,
	KT_LIST,        /* comma separated unsigned integers */
	KT_ENUM,
};

struct key_def {
	const char *section;
	const char *key;
	enum key_type type;
	size_t off;
	size_t size;
	uint64_t min;           /* KT_UINT, KT_LIST items */
	uint64_t max;
	size_t count_off;       /* KT_LIST: where the item count goes */
	const char *const *names; /* KT_ENUM, NULL terminated */
	const char *help;
};

/* Every key, in the order --print-keys lists them; n: how many. */
const struct key_def *tw_config_keys(unsigned int *n);

/*
 * Values (tw_config_value.c): value, as a profile writes it, checked
 * against k and stored in field (cfg's, at k->off; a list's count and
 * the session's auto flag go into cfg too). 0, or -errno with why the
 * value is refused in why ("is out of range [1, 256]").
 */
int tw_config_parse_value(const struct key_def *k, void *field,
		struct tw_config *cfg, const char *value, char *why,
		size_t whylen);

/*
 * The line checks (tw_config_lint.c): 0 when the profile at path is a
 * regular file with no line that rte_cfgfile would misread or drop;
 * else -errno with the file, line, section and key in err.
 */
int tw_config_lint_file(const char *path, char *err, size_t errlen);

#endif /* TW_CONFIG_PRIVATE_H */
