// SPDX-License-Identifier: MIT
/* overlay_config.c - the overlay's configuration: defaults, option strings */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vnet/overlay.h"
#include "hex.h"

#define OPT_KEY_MAX	16
#define OPT_VAL_MAX	600

void vnet_overlay_config_init(struct vnet_overlay_config *cfg,
			      enum vnet_overlay_type type)
{
	static const uint8_t mac[6] = { 0x02, 0x76, 0x6e, 0x65, 0x74, 0x01 };

	memset(cfg, 0, sizeof(*cfg));
	cfg->type = type;
	cfg->dport = type == VNET_OVERLAY_GENEVE ? VNET_OVERLAY_PORT_GENEVE :
						   VNET_OVERLAY_PORT_VXLAN;
	cfg->sport_min = VNET_OVERLAY_SPORT_MIN;
	cfg->sport_max = VNET_OVERLAY_SPORT_MAX;
	cfg->ttl = 64;
	cfg->mtu = 1500;
	cfg->learn = true;
	cfg->fdb_max = 256;
	cfg->fdb_age_ns = 300ULL * 1000000000ULL;
	memcpy(cfg->mac, mac, sizeof(mac));
}

/**
 * cfg_err() - format a message into the caller's buffer
 * @err:	buffer, or NULL
 * @len:	its size
 * @fmt:	format
 *
 * Return: -EINVAL, for tail calls
 */
__attribute__((format(printf, 3, 4)))
static int cfg_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * cfg_uint() - a decimal number within [0, max]
 * @s:		text
 * @max:	largest value
 * @out:	the value
 *
 * Return: 0, or -EINVAL
 */
static int cfg_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/**
 * cfg_bool() - "on", "off", "1", "0", "yes", "no"
 * @s:		text
 * @out:	the value
 *
 * Return: 0, or -EINVAL
 */
static int cfg_bool(const char *s, bool *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "yes"))
		*out = true;
	else if (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "no"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/**
 * cfg_addr() - an IPv4 or IPv6 address
 * @s:		text
 * @a:		the address
 *
 * Return: 0, or -EINVAL
 */
static int cfg_addr(const char *s, struct vnet_overlay_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->a) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/**
 * cfg_mac() - "aa:bb:cc:dd:ee:ff", unicast
 * @s:		text
 * @mac:	the MAC
 *
 * Return: 0, or -EINVAL
 */
static int cfg_mac(const char *s, uint8_t *mac)
{
	int i, hi, lo;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return (mac[0] & 1) ? -EINVAL : 0;
}

/**
 * cfg_hex() - bytes from hex digits
 * @s:		text, an even number of hex digits
 * @out:	the bytes
 * @max:	room at @out
 *
 * Return: bytes written, or -EINVAL
 */
static int cfg_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		hi = hex_digit(s[2 * i]);
		lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/**
 * cfg_hexnum() - a hex number up to @max, ended by ':' or the string's end
 * @s:		text; on success moved past the number
 * @max:	largest value
 * @out:	the value
 *
 * Return: 0, or -EINVAL
 */
static int cfg_hexnum(const char **s, unsigned long max, unsigned long *out)
{
	char *end;

	if (hex_digit(**s) < 0)
		return -EINVAL;
	errno = 0;
	*out = strtoul(*s, &end, 16);
	if (errno || *out > max || (*end && *end != ':'))
		return -EINVAL;
	*s = end;
	return 0;
}

/**
 * cfg_geneve_opt() - append "CLASS:TYPE[:HEX]" as a Geneve option
 * @cfg:	configuration
 * @s:		text; the data is padded with zeroes to a multiple of 4
 *
 * RFC 8926 section 3.5: class 16 bits, type 8 bits (the top one the
 * critical bit), 5-bit length in 4-byte words.
 *
 * Return: 0, -EINVAL, or -E2BIG when the options pass 252 bytes
 */
static int cfg_geneve_opt(struct vnet_overlay_config *cfg, const char *s)
{
	uint8_t data[124] = { 0 };
	unsigned long cls, type;
	int n = 0;
	size_t words, off = cfg->geneve_opt_len;
	uint8_t *o;

	if (cfg_hexnum(&s, 0xffff, &cls) || *s++ != ':' ||
	    cfg_hexnum(&s, 0xff, &type))
		return -EINVAL;
	if (*s == ':') {
		n = cfg_hex(s + 1, data, sizeof(data));
		if (n <= 0)
			return -EINVAL;		/* malformed, or ':' alone */
	}
	words = ((size_t)n + 3) / 4;
	if (off + 4 + words * 4 > VNET_OVERLAY_GENEVE_OPT_MAX)
		return -E2BIG;
	o = cfg->geneve_opts + off;
	o[0] = (uint8_t)(cls >> 8);
	o[1] = (uint8_t)cls;
	o[2] = (uint8_t)type;
	o[3] = (uint8_t)words;
	memcpy(o + 4, data, words * 4);
	cfg->geneve_opt_len = (uint16_t)(off + 4 + words * 4);
	return 0;
}

/**
 * cfg_srcport() - "MIN-MAX", MIN <= MAX
 * @cfg:	configuration
 * @s:		text
 *
 * Return: 0, or -EINVAL
 */
static int cfg_srcport(struct vnet_overlay_config *cfg, const char *s)
{
	const char *dash = strchr(s, '-');
	char lo_s[8];
	uint64_t lo, hi;

	if (!dash || (size_t)(dash - s) >= sizeof(lo_s))
		return -EINVAL;
	memcpy(lo_s, s, (size_t)(dash - s));
	lo_s[dash - s] = '\0';
	if (cfg_uint(lo_s, 0xffff, &lo) || cfg_uint(dash + 1, 0xffff, &hi) ||
	    !lo || lo > hi)
		return -EINVAL;
	cfg->sport_min = (uint16_t)lo;
	cfg->sport_max = (uint16_t)hi;
	return 0;
}

/**
 * cfg_set_number() - a numeric option
 * @cfg:	configuration
 * @key:	option name
 * @val:	its value
 *
 * Return: 0, -EINVAL for a bad value, -ENOENT for another key
 */
static int cfg_set_number(struct vnet_overlay_config *cfg, const char *key,
			  const char *val)
{
	uint64_t v;

	if (!strcmp(key, "vni")) {
		if (cfg_uint(val, 0xffffff, &v))
			return -EINVAL;
		cfg->vni = (uint32_t)v;
	} else if (!strcmp(key, "port")) {
		if (cfg_uint(val, 0xffff, &v) || !v)
			return -EINVAL;
		cfg->dport = (uint16_t)v;
	} else if (!strcmp(key, "ttl")) {
		if (cfg_uint(val, 255, &v) || !v)
			return -EINVAL;
		cfg->ttl = (uint8_t)v;
	} else if (!strcmp(key, "tos")) {
		if (cfg_uint(val, 255, &v))
			return -EINVAL;
		cfg->tos = (uint8_t)v;
	} else if (!strcmp(key, "mtu")) {
		if (cfg_uint(val, 65535, &v) || v < 68)
			return -EINVAL;
		cfg->mtu = (unsigned int)v;
	} else if (!strcmp(key, "fdb-max")) {
		if (cfg_uint(val, 65536, &v) || !v)
			return -EINVAL;
		cfg->fdb_max = (unsigned int)v;
	} else if (!strcmp(key, "fdb-age")) {
		if (cfg_uint(val, 86400 * 365, &v) || !v)
			return -EINVAL;
		cfg->fdb_age_ns = v * 1000000000ULL;
	} else if (!strcmp(key, "seed")) {
		if (cfg_uint(val, 0xffffffff, &v))
			return -EINVAL;
		cfg->hash_seed = (uint32_t)v;
	} else {
		return -ENOENT;
	}
	return 0;
}

/**
 * cfg_set_other() - an address, flag, MAC or list option
 * @cfg:	configuration
 * @key:	option name
 * @val:	its value
 *
 * Return: 0, -EINVAL for a bad value, -E2BIG for one too many, -ENOENT for
 *	   another key
 */
static int cfg_set_other(struct vnet_overlay_config *cfg, const char *key,
			 const char *val)
{
	if (!strcmp(key, "local"))
		return cfg_addr(val, &cfg->local);
	if (!strcmp(key, "remote")) {
		if (cfg->nremotes == VNET_OVERLAY_REMOTES_MAX)
			return -E2BIG;
		return cfg_addr(val, &cfg->remote[cfg->nremotes++]);
	}
	if (!strcmp(key, "df"))
		return cfg_bool(val, &cfg->df);
	if (!strcmp(key, "csum"))
		return cfg_bool(val, &cfg->udp_csum);
	if (!strcmp(key, "zerocsum6rx"))
		return cfg_bool(val, &cfg->zero_csum6_rx);
	if (!strcmp(key, "learn"))
		return cfg_bool(val, &cfg->learn);
	if (!strcmp(key, "mac"))
		return cfg_mac(val, cfg->mac);
	if (!strcmp(key, "gw-mac")) {
		cfg->has_gw_mac = true;
		return cfg_mac(val, cfg->gw_mac);
	}
	if (!strcmp(key, "srcport"))
		return cfg_srcport(cfg, val);
	if (!strcmp(key, "opt") && cfg->type == VNET_OVERLAY_GENEVE)
		return cfg_geneve_opt(cfg, val);
	return -ENOENT;
}

/**
 * cfg_check() - what must hold once every option is read
 * @cfg:	configuration
 * @csum_set:	csum= was given (else its default follows the family)
 * @err:	message buffer
 * @len:	its size
 *
 * Return: 0, or -EINVAL
 */
static int cfg_check(struct vnet_overlay_config *cfg, bool csum_set,
		     char *err, size_t len)
{
	unsigned int i;

	if (!cfg->local.family)
		return cfg_err(err, len, "local= is required");
	if (!cfg->nremotes)
		return cfg_err(err, len, "at least one remote= is required");
	for (i = 0; i < cfg->nremotes; i++)
		if (cfg->remote[i].family != cfg->local.family)
			return cfg_err(err, len,
				       "remote %u is not of local's family",
				       i + 1);
	if (!csum_set)
		cfg->udp_csum = cfg->local.family == AF_INET6;
	if (!vnet_overlay_guest_mtu(cfg))
		return cfg_err(err, len, "mtu %u cannot hold the encapsulation",
			       cfg->mtu);
	return 0;
}

/**
 * cfg_option() - apply one "key=value"
 * @cfg:	configuration
 * @opt:	the option text (NUL-terminated copy)
 * @err:	message buffer
 * @len:	its size
 *
 * Return: 0, -EINVAL or -E2BIG
 */
static int cfg_option(struct vnet_overlay_config *cfg, char *opt, char *err,
		      size_t len)
{
	char *val = strchr(opt, '=');
	int rc;

	if (!val)
		return cfg_err(err, len, "'%s': expected key=value", opt);
	*val++ = '\0';
	rc = cfg_set_number(cfg, opt, val);
	if (rc == -ENOENT)
		rc = cfg_set_other(cfg, opt, val);
	if (rc == -ENOENT)
		return cfg_err(err, len, "unknown option '%s'", opt);
	if (rc == -E2BIG) {
		cfg_err(err, len, "too many '%s' options", opt);
		return -E2BIG;
	}
	if (rc)
		return cfg_err(err, len, "bad value for '%s': '%s'", opt, val);
	return 0;
}

int vnet_overlay_config_parse(struct vnet_overlay_config *cfg,
			      const char *spec, char *err, size_t err_len)
{
	char opt[OPT_KEY_MAX + OPT_VAL_MAX];
	bool csum_set = false;
	const char *p = spec, *end;
	size_t n;
	int rc;

	while (*p) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= sizeof(opt))
			return cfg_err(err, err_len, "option too long");
		memcpy(opt, p, n);
		opt[n] = '\0';
		csum_set |= !strncmp(opt, "csum=", 5);
		rc = cfg_option(cfg, opt, err, err_len);
		if (rc)
			return rc;
		p += n + (end ? 1 : 0);
	}
	return cfg_check(cfg, csum_set, err, err_len);
}

size_t vnet_overlay_encap_len(const struct vnet_overlay_config *cfg)
{
	size_t l3 = cfg->local.family == AF_INET6 ? 40 : 20;
	size_t tnl = cfg->type == VNET_OVERLAY_GENEVE ?
		     VNET_OVERLAY_GENEVE_HLEN + cfg->geneve_opt_len :
		     VNET_OVERLAY_VXLAN_HLEN;

	return 14 + l3 + 8 + tnl;
}

unsigned int vnet_overlay_guest_mtu(const struct vnet_overlay_config *cfg)
{
	/* outer IP + UDP + tunnel header + the inner Ethernet header */
	size_t over = vnet_overlay_encap_len(cfg) - 14 + 14;

	if (cfg->mtu <= over + 68)
		return 0;
	return (unsigned int)(cfg->mtu - over);
}
