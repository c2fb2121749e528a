/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A key's value as text, both ways: read from a profile or the command
 * line and checked against its key (a decimal unsigned integer in
 * range, a finite number, true or false, a string that fits, a
 * session name, an IPv4 address or multicast group, a MAC address, a
 * list, one of the names), or written as a profile would say it, with
 * what the key takes (--print-keys).
 *
 * Owns: the syntax of each key type and the reason a value is refused.
 * Never touches: which keys exist (tw_config.c), setting
 * keys and files (tw_config_load.c), checks across keys (tw_config_derive.c).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_config_private.h"

/*
 * A decimal unsigned integer, nothing else: no sign, no spaces, no
 * leading zero (010 is not 8 here, nor 10), no hex.
 */
static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

static void
store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case 1:
		*(uint8_t *)field = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)field = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)field = (uint32_t)v;
		break;
	default:
		*(uint64_t *)field = v;
		break;
	}
}

int
tw_config_parse_value(const struct key_def *k, void *field,
		struct tw_config *cfg, const char *value, char *why,
		size_t whylen)
{
	uint64_t u;
	double d;
	char *end;
	struct in_addr a;
	unsigned int i;

	switch (k->type) {
	case KT_UINT:
		if (parse_u64(value, &u) != 0) {
			snprintf(why, whylen, "is not an unsigned integer");
			return -EINVAL;
		}
		if (u < k->min || u > k->max) {
			snprintf(why, whylen, "is out of range [%" PRIu64
				", %" PRIu64 "]", k->min, k->max);
			return -ERANGE;
		}
		store_uint(field, k->size, u);
		return 0;
	case KT_DOUBLE:
		errno = 0;
		d = strtod(value, &end);
		if (*value == '\0' || isspace((unsigned char)*value) ||
		    *end != '\0' || errno != 0 || !isfinite(d)) {
			snprintf(why, whylen, "is not a finite number");
			return -EINVAL;
		}
		/* Ranged doubles (D keys) carry their bounds in min/max. */
		if (k->max != 0 && (d < (double)k->min || d > (double)k->max)) {
			snprintf(why, whylen, "is out of range [%" PRIu64
				", %" PRIu64 "]", k->min, k->max);
			return -ERANGE;
		}
		*(double *)field = d;
		return 0;
	case KT_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "1") == 0)
			*(bool *)field = true;
		else if (strcmp(value, "false") == 0 ||
			 strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(bool *)field = false;
		else {
			snprintf(why, whylen, "is not true or false");
			return -EINVAL;
		}
		return 0;
	case KT_STR:
		if (strlen(value) >= k->size) {
			snprintf(why, whylen, "is longer than %zu characters",
				k->size - 1);
			return -ENAMETOOLONG;
		}
		strcpy(field, value);
		return 0;
	case KT_SESSION: {
		size_t n = strlen(value);

		if (strcmp(value, "auto") == 0) {
			cfg->session_auto = true;
			memset(field, 0, TW_MOLD_SESSION_LEN + 1);
			return 0;
		}
		cfg->session_auto = false;
		if (n == 0 || n > TW_MOLD_SESSION_LEN) {
			snprintf(why, whylen, "must be 1 to %d characters",
				TW_MOLD_SESSION_LEN);
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			if (value[i] < 0x20 || value[i] > 0x7e) {
				snprintf(why, whylen,
					"must be printable ASCII");
				return -EINVAL;
			}
		memset(field, ' ', TW_MOLD_SESSION_LEN);
		memcpy(field, value, n);
		((char *)field)[TW_MOLD_SESSION_LEN] = '\0';
		return 0;
	}
	case KT_IPV4:
	case KT_MCAST:
		if (inet_pton(AF_INET, value, &a) != 1) {
			snprintf(why, whylen, "is not an IPv4 address");
			return -EINVAL;
		}
		u = rte_be_to_cpu_32(a.s_addr);
		if (k->type == KT_MCAST && (u >> 28) != 0xe) {
			snprintf(why, whylen, "is not a multicast group "
				"(224.0.0.0/4)");
			return -EINVAL;
		}
		*(uint32_t *)field = (uint32_t)u;
		return 0;
	case KT_MAC:
		if (rte_ether_unformat_addr(value, field) != 0) {
			snprintf(why, whylen, "is not a MAC address");
			return -EINVAL;
		}
		return 0;
	case KT_LIST: {
		uint32_t *items = field;
		uint32_t n = 0, cap = (uint32_t)(k->size / sizeof(uint32_t));
		char buf[TW_EAL_ARGS_MAX], *tok, *save = NULL;

		if (strlen(value) >= sizeof(buf)) {
			snprintf(why, whylen, "is too long");
			return -EINVAL;
		}
		strcpy(buf, value);
		for (tok = strtok_r(buf, ", ", &save); tok != NULL;
		     tok = strtok_r(NULL, ", ", &save)) {
			if (parse_u64(tok, &u) != 0 || u > k->max) {
				snprintf(why, whylen, "item '%s' is not an "
					"integer in [0, %" PRIu64 "]", tok,
					k->max);
				return -EINVAL;
			}
			if (n == cap) {
				snprintf(why, whylen, "has more than %u items",
					cap);
				return -E2BIG;
			}
			items[n++] = (uint32_t)u;
		}
		*(uint32_t *)((uint8_t *)cfg + k->count_off) = n;
		return 0;
	}
	case KT_ENUM:
		for (i = 0; k->names[i] != NULL; i++)
			if (strcmp(value, k->names[i]) == 0) {
				store_uint(field, k->size, i);
				return 0;
			}
		snprintf(why, whylen, "is not one of:");
		for (i = 0; k->names[i] != NULL; i++) {
			size_t l = strlen(why);

			snprintf(why + l, whylen - l, " %s", k->names[i]);
		}
		return -EINVAL;
	}
	return -EINVAL;
}

static uint64_t
load_uint(const void *field, size_t size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)field;
	case 2:
		return *(const uint16_t *)field;
	case 4:
		return *(const uint32_t *)field;
	default:
		return *(const uint64_t *)field;
	}
}

/* A key's value in cfg, written as the profile would say it. */
static void
key_value(const struct key_def *k, const struct tw_config *cfg, char *buf,
		size_t len)
{
	const void *field = (const uint8_t *)cfg + k->off;
	const uint8_t *b = field;
	uint32_t i, n;
	size_t used;

	switch (k->type) {
	case KT_UINT:
		snprintf(buf, len, "%" PRIu64, load_uint(field, k->size));
		break;
	case KT_DOUBLE:
		snprintf(buf, len, "%g", *(const double *)field);
		break;
	case KT_BOOL:
		snprintf(buf, len, "%s", *(const bool *)field ? "true" :
			"false");
		break;
	case KT_STR:
		snprintf(buf, len, "%s", (const char *)field);
		break;
	case KT_SESSION:
		snprintf(buf, len, "%s", cfg->session_auto ? "auto" :
			(const char *)field);
		break;
	case KT_IPV4:
	case KT_MCAST: {
		uint32_t v = *(const uint32_t *)field;

		/* A group left unset (derived from others: [mdp3]'s) prints
		 * empty, as an unset text does. */
		if (k->type == KT_MCAST && v == 0) {
			buf[0] = '\0';
			break;
		}
		snprintf(buf, len, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff,
			(v >> 8) & 0xff, v & 0xff);
		break;
	}
	case KT_MAC:
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1],
			b[2], b[3], b[4], b[5]);
		break;
	case KT_LIST:
		n = *(const uint32_t *)((const uint8_t *)cfg + k->count_off);
		buf[0] = '\0';
		for (i = 0; i < n; i++) {
			used = strlen(buf);
			snprintf(buf + used, len - used, "%s%u", i ? "," : "",
				((const uint32_t *)field)[i]);
		}
		break;
	case KT_ENUM:
		snprintf(buf, len, "%s",
			k->names[load_uint(field, k->size)]);
		break;
	}
}

/* What a key takes: its type and range, or its names. */
static void
key_range(const struct key_def *k, char *buf, size_t len)
{
	static const char *const type_names[] = {
		[KT_UINT] = "integer", [KT_DOUBLE] = "number",
		[KT_BOOL] = "true|false", [KT_STR] = "text",
		[KT_SESSION] = "auto or 1-10 characters",
		[KT_IPV4] = "IPv4 address",
		[KT_MCAST] = "IPv4 multicast group", [KT_MAC] = "MAC address",
		[KT_LIST] = "comma-separated integers", [KT_ENUM] = "",
	};
	size_t used;
	unsigned int i;

	switch (k->type) {
	case KT_UINT:
		snprintf(buf, len, "integer %" PRIu64 "..%" PRIu64, k->min,
			k->max);
		break;
	case KT_DOUBLE:
		if (k->max != 0)
			snprintf(buf, len, "number %" PRIu64 "..%" PRIu64,
				k->min, k->max);
		else
			snprintf(buf, len, "number");
		break;
	case KT_LIST:
		snprintf(buf, len, "comma-separated integers 0..%" PRIu64,
			k->max);
		break;
	case KT_ENUM:
		buf[0] = '\0';
		for (i = 0; k->names[i] != NULL; i++) {
			used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", i ? "|" : "",
				k->names[i]);
		}
		break;
	default:
		snprintf(buf, len, "%s", type_names[k->type]);
		break;
	}
}

void
tw_config_print_keys(FILE *f)
{
	struct tw_config def;
	const char *sec = "";
	char value[TW_EAL_ARGS_MAX], range[128];
	unsigned int i, nb_keys;
	const struct key_def *keys = tw_config_keys(&nb_keys);

	tw_config_defaults(&def);
	for (i = 0; i < nb_keys; i++) {
		if (strcmp(sec, keys[i].section) != 0) {
			sec = keys[i].section;
			fprintf(f, "[%s]\n", sec);
		}
		key_value(&keys[i], &def, value, sizeof(value));
		key_range(&keys[i], range, sizeof(range));
		fprintf(f, "  %s = %s    (%s)\n      %s\n", keys[i].key, value,
			range, keys[i].help);
	}
}
