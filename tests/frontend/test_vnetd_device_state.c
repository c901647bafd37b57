// SPDX-License-Identifier: MIT
/* test_vnetd_device_state.c - vhost-user DEVICE_STATE between two real vnetd: saved, loaded, checked; hostile states refused */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/ctrl.h"
#include "vnet/vhost_user.h"
#include "vnetd_netns.h"
#include "vu_front.h"

/*
 * Issue 15, DEVICE_STATE (vhost-user.rst, VHOST_USER_PROTOCOL_F_DEVICE_STATE):
 * with every ring stopped, SET_DEVICE_STATE_FD asks the source backend to
 * save its state into a pipe and the destination's to load it, and
 * CHECK_DEVICE_STATE says whether that worked. vnetd's state is what a
 * driver set through the control queue (src/vnetd/dev_state.c). Two real
 * vnetd on taps in a namespace of the test's own, the test frontend
 * (vu_front.c) driving each:
 *   - source A gets a driver's settings (promiscuous off, all-multicast
 *     and no-broadcast on, a MAC address, two VLANs, 2 queue pairs,
 *     transmit coalescing), its rings stop, its state is saved;
 *     destination B, reset, loads it; both checks report success; B's
 *     config space shows the MAC A was given, and B saved again gives
 *     the same state byte for byte (it differed before the load); the
 *     same when B loads it before its features are set (QEMU's order);
 *   - a hostile or broken state (truncated anywhere, a byte flipped,
 *     another version, bytes after the end, a command a state never
 *     carries, a command the device refuses, each with its sum made
 *     right) is refused by CHECK_DEVICE_STATE and changes nothing on B,
 *     which keeps serving;
 *   - CHECK_DEVICE_STATE with no transfer, and SET_DEVICE_STATE_FD with a
 *     ring running, a phase or direction not defined, report failure.
 */

#define TAP_A		"vds0"
#define TAP_B		"vds1"
#define STATE_MAX	VNET_VU_STATE_MAX

static const char *vnetd_bin;
static char dir[] = "/tmp/vnetd-devstate-XXXXXX";
static char sock_a[96], sock_b[96], log_a[96], log_b[96];
static pid_t pid_a = -1, pid_b = -1;

static const uint8_t new_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

/* What the driver negotiates: a control queue with every class a state
 * carries, 2 pairs, and DEVICE_STATE. */
static struct vuf_opts opts(void)
{
	struct vuf_opts o = { .mrg = true, .pairs = 2, .qsize = 64,
			      .ctrl = true,
			      .proto_extra = 1ULL <<
					     VNET_VU_PROTOCOL_F_DEVICE_STATE };

	vnet_features_set(&o.offloads, VNET_F_CTRL_RX);
	vnet_features_set(&o.offloads, VNET_F_CTRL_RX_EXTRA);
	vnet_features_set(&o.offloads, VNET_F_CTRL_VLAN);
	vnet_features_set(&o.offloads, VNET_F_CTRL_MAC_ADDR);
	vnet_features_set(&o.offloads, VNET_F_NOTF_COAL);
	return o;
}

static void start(struct vuf *f, const char *sock)
{
	struct vuf_opts o = opts();

	assert_int_equal(vuf_start(f, sock, &o), 0);
	assert_true(f->protocol & (1ULL << VNET_VU_PROTOCOL_F_DEVICE_STATE));
}

/* Every ring stopped (GET_VRING_BASE): the phase a state moves in. */
static void stop_rings(struct vuf *f)
{
	uint32_t base;
	unsigned int i;

	for (i = 0; i < f->nq; i++)
		assert_int_equal(vuf_stop_queue(f, i, &base), 0);
}

/* A save: the state read to EOF, then checked. Return: its length. */
static size_t save(struct vuf *f, uint8_t *buf)
{
	uint64_t code = 1;
	size_t len = 0;
	ssize_t n;
	int fd;

	assert_int_equal(vuf_state_fd(f, 0, 0, &code, &fd), 0);
	assert_int_equal(code & 0xff, 0);
	assert_true(fd >= 0);
	while ((n = read(fd, buf + len, STATE_MAX - len)) > 0)
		len += (size_t)n;
	assert_int_equal(n, 0);
	close(fd);
	assert_int_equal(vuf_check_state(f, &code), 0);
	assert_int_equal(code, 0);
	return len;
}

/* A load of @len bytes of @buf. Return: CHECK_DEVICE_STATE's answer. */
static uint64_t load(struct vuf *f, const uint8_t *buf, size_t len)
{
	uint64_t code = 1;
	int fd;

	assert_int_equal(vuf_state_fd(f, 1, 0, &code, &fd), 0);
	assert_int_equal(code & 0xff, 0);
	assert_true(fd >= 0);
	if (len)
		assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(vuf_check_state(f, &code), 0);
	return code;
}

static void ctrl(struct vuf *f, uint8_t cls, uint8_t cmd, const void *d,
		 size_t len)
{
	assert_int_equal(vuf_ctrl(f, cls, cmd, d, len), VNET_CTRL_OK);
}

/* A driver's settings, each different from the reset device's. */
static void configure(struct vuf *f)
{
	const uint8_t off = 0, on = 1;
	const uint8_t vid1[2] = { 100, 0 }, vid2[2] = { 0xd0, 0x07 };
	const uint8_t pairs[2] = { 2, 0 };
	const uint8_t coal[8] = { 8, 0, 0, 0, 50, 0, 0, 0 };

	ctrl(f, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, &off, 1);
	ctrl(f, VNET_CTRL_RX, VNET_CTRL_RX_ALLMULTI, &on, 1);
	ctrl(f, VNET_CTRL_RX, VNET_CTRL_RX_NOBCAST, &on, 1);
	ctrl(f, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, new_mac, 6);
	ctrl(f, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid1, 2);
	ctrl(f, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid2, 2);
	ctrl(f, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, pairs, 2);
	ctrl(f, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_TX_SET, coal, 8);
}

static void save_load_check(void **state)
{
	static uint8_t a[STATE_MAX], b0[STATE_MAX], b1[STATE_MAX];
	size_t la, lb0, lb1;
	struct vuf fa, fb;
	uint8_t mac[6];

	(void)state;
	start(&fa, sock_a);
	configure(&fa);
	stop_rings(&fa);
	la = save(&fa, a);

	start(&fb, sock_b);
	stop_rings(&fb);
	lb0 = save(&fb, b0);
	assert_false(lb0 == la && !memcmp(a, b0, la));	/* A's has content */
	assert_int_equal(load(&fb, a, la), 0);
	lb1 = save(&fb, b1);
	assert_int_equal(lb1, la);
	assert_memory_equal(b1, a, la);
	/* the driver-visible proof: config mac follows MAC_ADDR_SET */
	assert_int_equal(vuf_get_config(&fb, 0, mac, 6), 0);
	assert_memory_equal(mac, new_mac, 6);
	vuf_close(&fa);
	vuf_close(&fb);
}

/* QEMU's order on a destination: the state loaded before the features
 * are set (the device starts only once the VM runs); taken once they are. */
static void load_before_features(void **state)
{
	static uint8_t a[STATE_MAX], b[STATE_MAX];
	struct vuf_opts o = opts();
	uint64_t feats, proto;
	struct vuf fa, fb;
	size_t la;

	(void)state;
	start(&fa, sock_a);
	configure(&fa);
	stop_rings(&fa);
	la = save(&fa, a);
	vuf_close(&fa);

	assert_int_equal(vuf_connect(&fb, sock_b), 0);
	assert_int_equal(vuf_get_u64(&fb, VNET_VU_GET_FEATURES, &feats), 0);
	assert_int_equal(vuf_get_u64(&fb, VNET_VU_GET_PROTOCOL_FEATURES,
				     &proto), 0);
	assert_true(proto & (1ULL << VNET_VU_PROTOCOL_F_DEVICE_STATE));
	proto = 1ULL << VNET_VU_PROTOCOL_F_DEVICE_STATE;
	assert_int_equal(vuf_set(&fb, VNET_VU_SET_PROTOCOL_FEATURES, &proto,
				 8, NULL, 0), 0);
	assert_int_equal(load(&fb, a, la), 0);
	assert_int_equal(vuf_begin(&fb, &o), 0);	/* features, rings */
	stop_rings(&fb);
	assert_int_equal(save(&fb, b), la);
	assert_memory_equal(b, a, la);
	vuf_close(&fb);
}

/* The format of dev_state.c's comment: the sum recomputed after a change
 * (st32(): vq_guest.h's little-endian store). */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void resum(uint8_t *s, size_t len)
{
	st32(s + len - 4, fnv1a(s, len - 4));
}

/* A state of one record @rec (its length prefixed), well framed. */
static size_t one_record(uint8_t *s, const uint8_t *rec, size_t rl)
{
	memcpy(s, "VNDS\x01\x00\x00\x00", 8);
	st32(s + 8, 1);
	st32(s + 12, (uint32_t)(2 + rl));
	s[16] = (uint8_t)rl;
	s[17] = 0;
	memcpy(s + 18, rec, rl);
	resum(s, 18 + rl + 4);
	return 18 + rl + 4;
}

/* @bad refused by CHECK_DEVICE_STATE; B's state as @before after it. */
static void refused(struct vuf *f, const uint8_t *bad, size_t len,
		    const uint8_t *before, size_t before_len)
{
	static uint8_t after[STATE_MAX];

	assert_int_not_equal(load(f, bad, len), 0);
	assert_true(vuf_alive(f));
	assert_int_equal(save(f, after), before_len);
	assert_memory_equal(after, before, before_len);
}

static void hostile_refused(void **state)
{
	static uint8_t good[STATE_MAX], b0[STATE_MAX], bad[STATE_MAX];
	static const uint8_t announce[] = { VNET_CTRL_ANNOUNCE,
					    VNET_CTRL_ANNOUNCE_ACK };
	static const uint8_t zero_pairs[] = { VNET_CTRL_MQ,
					      VNET_CTRL_MQ_VQ_PAIRS_SET, 0, 0 };
	size_t lg, lb, cut;
	struct vuf fa, fb;

	(void)state;
	start(&fa, sock_a);
	configure(&fa);
	stop_rings(&fa);
	lg = save(&fa, good);
	vuf_close(&fa);
	start(&fb, sock_b);
	stop_rings(&fb);
	lb = save(&fb, b0);

	for (cut = 0; cut < lg; cut += cut < 24 ? 1 : 7)	/* truncated */
		refused(&fb, good, cut, b0, lb);
	memcpy(bad, good, lg);
	bad[20] ^= 0x40;				/* a flipped bit */
	refused(&fb, bad, lg, b0, lb);
	memcpy(bad, good, lg);
	bad[4] = 2;					/* version 2 */
	resum(bad, lg);
	refused(&fb, bad, lg, b0, lb);
	memcpy(bad, good, lg);
	bad[lg] = 0;					/* a byte after */
	refused(&fb, bad, lg + 1, b0, lb);
	refused(&fb, bad, one_record(bad, announce, 2), b0, lb);
	refused(&fb, bad, one_record(bad, zero_pairs, 4), b0, lb);
	/* and the good one still loads */
	assert_int_equal(load(&fb, good, lg), 0);
	vuf_close(&fb);
}

static void check_reports_failure(void **state)
{
	uint64_t code = 0;
	struct vuf f;
	int fd;

	(void)state;
	start(&f, sock_b);
	assert_int_equal(vuf_check_state(&f, &code), 0);
	assert_int_not_equal(code, 0);			/* no transfer */
	assert_int_equal(vuf_state_fd(&f, 0, 0, &code, &fd), 0);
	assert_int_not_equal(code & 0xff, 0);		/* rings running */
	assert_int_equal(fd, -1);
	assert_int_equal(vuf_check_state(&f, &code), 0);
	assert_int_not_equal(code, 0);
	stop_rings(&f);
	assert_int_equal(vuf_state_fd(&f, 0, 1, &code, &fd), 0);
	assert_int_not_equal(code & 0xff, 0);		/* phase 1 */
	assert_int_equal(vuf_state_fd(&f, 2, 0, &code, &fd), 0);
	assert_int_not_equal(code & 0xff, 0);		/* direction 2 */
	assert_int_equal(vuf_check_state(&f, &code), 0);
	assert_int_not_equal(code, 0);
	assert_true(vuf_alive(&f));
	vuf_close(&f);
}

static pid_t spawn(const char *tap, const char *sock, const char *log)
{
	const char *argv[] = { vnetd_bin, "--socket-path", sock, "--tap", tap,
			       "--tap-transient", "--queues", "2", NULL };

	return vnetd_spawn(argv, log, sock);
}

static int setup(void **state)
{
	(void)state;
	pid_a = spawn(TAP_A, sock_a, log_a);
	pid_b = spawn(TAP_B, sock_b, log_b);
	return pid_a > 0 && pid_b > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	bool ok_a = pid_a > 0 && vnetd_term(pid_a);
	bool ok_b = pid_b > 0 && vnetd_term(pid_b);

	(void)state;
	return ok_a && ok_b ? 0 : -1;	/* a sanitizer's report: not 0 */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(save_load_check, setup,
						teardown),
		cmocka_unit_test_setup_teardown(load_before_features, setup,
						teardown),
		cmocka_unit_test_setup_teardown(hostile_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(check_reports_failure, setup,
						teardown),
	};
	const char *why;
	int ret;

	if (argc < 2)
		return cannot_run("usage: test_vnetd_device_state PATH/TO/vnetd");
	vnetd_bin = argv[1];
	why = netns_enter();
	if (why)
		return cannot_run(why);
	if (!mkdtemp(dir))
		return cannot_run("cannot make a temporary directory");
	snprintf(sock_a, sizeof(sock_a), "%s/a.sock", dir);
	snprintf(sock_b, sizeof(sock_b), "%s/b.sock", dir);
	snprintf(log_a, sizeof(log_a), "%s/a.log", dir);
	snprintf(log_b, sizeof(log_b), "%s/b.log", dir);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	if (ret)
		sh("tail -n 30 %s %s", log_a, log_b);
	sh("rm -rf %s", dir);
	return ret;
}
