#!/bin/busybox sh
# init.sh - /init of the vnetd test guest: brings eth0 up on the virtio-net
# device under test, runs the test named on the kernel command line, prints
# results on the serial console as "VNETD-GUEST: ..." lines, powers off.
#
# Kernel command line (all optional):
#   vnet.ip=ADDR/LEN     eth0's address (default 192.0.2.10/24)
#   vnet.peer=ADDR       the host side to ping and to connect to (192.0.2.1)
#   vnet.mtu=N           eth0's MTU (default: the device's)
#   vnet.test=NAME       tcp (ping, then the TCP streams; default), ping, none,
#                        udp (ping, then UDP echo), tcpudp (all three),
#                        both (ping, then both TCP streams at once, each
#                        running until the peer ends the one it sends:
#                        the migration and restart tests),
#                        serve (a UDP echo service on vnet.uport for
#                        vnet.serve seconds, default 60)
#   vnet.uport=P         the UDP echo service's port (default 7)
#   vnet.bytes=N         bytes of each TCP stream (default 10485760; not
#                        with both, where the peer decides)
#   vnet.port=P          send to P, then receive from P+1 (default 5201)
#   vnet.timeout=S       power off after S seconds whatever happens (200)
#   vnet.queues=N        queue pairs to turn on (ethtool -L combined N; 1)
# Markers: "ping ok|fail", "features <bits>", "ethtool <line>",
# "channels <combined>", "queue <ethtool -S line>" (with vnet.queues),
# "sha256 sent|recv <hex> <bytes>", "stats <dir> <bytes> <packets>",
# "phase send|recv|both tx <bytes> <packets> rx <bytes> <packets>" (during a stream),
# "client tcpio|nc" (the program that moved the streams),
# "udp ok|fail <count> <size>" (each size of the UDP echo test),
# "result pass|fail <why>", and last "done".

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

say() { echo "VNETD-GUEST: $*"; }

# arg NAME DEFAULT: the value of NAME=... on the kernel command line
arg() {
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}

halt_now() {
	say "done"
	sync
	poweroff -f
	sleep 5
}

load_modules() {
	for m in $(cat /etc/vnet-modules); do
		insmod "/lib/modules/$m" || say "insmod $m failed"
	done
}

# eth_up: waits for eth0, addresses it, prints what was negotiated
eth_up() {
	i=0
	while [ ! -e /sys/class/net/eth0 ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { say "result fail no eth0"; return 1; }
		sleep 0.1
	done
	ip link set lo up
	[ -n "$MTU" ] && ip link set eth0 mtu "$MTU"
	ip addr add "$IP" dev eth0
	ip link set eth0 up
	if [ "$QUEUES" -gt 1 ]; then
		ethtool -L eth0 combined "$QUEUES" ||
			say "result fail ethtool -L eth0 combined $QUEUES"
		say "channels $(ethtool -l eth0 | awk '/^Combined/ { n = $2 } END { print n }')"
	fi
	say "features $(cat /sys/class/net/eth0/device/features)"
	# behind an IOMMU: the PCI function has a group, the DMAR unit says so
	g=$(readlink /sys/class/net/eth0/device/../iommu_group 2>/dev/null)
	say "iommu_group ${g##*/}"
	say "dmar $(dmesg | grep -c 'DMAR:') $(cat /sys/class/net/eth0/device/../iommu_group/type 2>/dev/null)"
	say "mtu $(cat /sys/class/net/eth0/mtu)"
	ethtool -k eth0 2>/dev/null | grep -E \
	'^(rx-|tx-)checksumming|tcp-segmentation-offload|^	tx-tcp6?-segm|generic-receive-offload|large-receive' |
	while read -r l; do say "ethtool $l"; done
}

stats() {
	for d in rx tx; do
		s=/sys/class/net/eth0/statistics
		say "stats $d $(cat $s/${d}_bytes) $(cat $s/${d}_packets)"
	done
	[ "$QUEUES" -gt 1 ] || return 0
	ethtool -S eth0 2>/dev/null | grep -E '_queue_[0-9]+_(packets|kicks)' |
	while read -r l; do say "queue $l"; done
}

ping_peer() {
	if ping -c 3 -w 20 "$PEER" >/tmp/ping 2>&1; then
		say "ping ok $(grep -c 'bytes from' /tmp/ping) replies"
	else
		cat /tmp/ping
		say "ping fail"
		return 1
	fi
}

# uptime_cs: seconds since boot, in hundredths
uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
cs_to_s() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

# counters: eth0's tx bytes, tx packets, rx bytes, rx packets
counters() {
	s=/sys/class/net/eth0/statistics
	echo $(cat $s/tx_bytes $s/tx_packets $s/rx_bytes $s/rx_packets)
}

# phase NAME BEFORE AFTER: what crossed eth0 between two counters
phase() {
	set -- "$1" $2 $3
	say "phase $1 tx $(($6 - $2)) $(($7 - $3)) rx $(($8 - $4)) $(($9 - $5))"
}

# tcp_io send|recv ADDR PORT: tcpio, or busybox nc (1 KiB writes, too
# small for TSO from a slow guest) where there is no tcpio
tcp_io() {
	if [ -x /bin/tcpio ]; then
		timeout 150 tcpio "$@"
	else
		shift
		timeout 150 nc "$@"
	fi
}

# tcp_streams: BYTES to PEER:PORT, then whatever PEER:PORT+1 sends, hashed
tcp_streams() {
	if [ -x /bin/tcpio ]; then say "client tcpio"; else say "client nc"; fi
	head -c "$BYTES" /dev/urandom >/tmp/tx
	say "sha256 sent $(sha256sum </tmp/tx | cut -d' ' -f1) $(wc -c </tmp/tx)"
	c0=$(counters)
	t0=$(uptime_cs)
	tcp_io send "$PEER" "$PORT" </tmp/tx >/dev/null ||
		say "result fail send exit $?"
	t1=$(uptime_cs)
	say "time send $(cs_to_s $((t1 - t0))) s"
	phase send "$c0" "$(counters)"
	rm -f /tmp/tx
	c1=$(counters)
	tcp_io recv "$PEER" $((PORT + 1)) </dev/null >/tmp/rx ||
		say "result fail recv exit $?"
	t2=$(uptime_cs)
	say "time recv $(cs_to_s $((t2 - t1))) s"
	phase recv "$c1" "$(counters)"
	say "sha256 recv $(sha256sum </tmp/rx | cut -d' ' -f1) $(wc -c </tmp/rx)"
}

# tcp_both: random bytes to PEER:PORT while PEER:PORT+1's stream comes in,
# both at once; the first ends when the second does (the peer decides how
# long they run). Each is hashed and counted as it passes, through fifos.
tcp_both() {
	[ -x /bin/tcpio ] || { say "result fail both needs tcpio"; return 1; }
	say "client tcpio"
	mkfifo /tmp/txh /tmp/txc /tmp/rxc
	sha256sum </tmp/txh >/tmp/txsum &
	p1=$!
	wc -c </tmp/txc >/tmp/txn &
	p2=$!
	wc -c </tmp/rxc >/tmp/rxn &
	p3=$!
	{
		tcpio recv "$PEER" $((PORT + 1)) </dev/null ||
			echo "recv exit $?" >>/tmp/fail
		touch /tmp/rxdone
	} | tee /tmp/rxc | sha256sum >/tmp/rxsum &
	p4=$!
	c0=$(counters)
	t0=$(uptime_cs)
	tcpio gen /tmp/rxdone | tee /tmp/txh /tmp/txc |
		tcpio send "$PEER" "$PORT" >/dev/null ||
		echo "send exit $?" >>/tmp/fail
	wait $p1 $p2 $p3 $p4	# not the watchdog
	t1=$(uptime_cs)
	say "time both $(cs_to_s $((t1 - t0))) s"
	phase both "$c0" "$(counters)"
	[ -f /tmp/fail ] && say "result fail $(cat /tmp/fail | tr '\n' ' ')"
	say "sha256 sent $(cut -d' ' -f1 /tmp/txsum) $(cat /tmp/txn)"
	say "sha256 recv $(cut -d' ' -f1 /tmp/rxsum) $(cat /tmp/rxn)"
}

# udp_echo: datagrams of several sizes (one past the IPv4 fragment size
# when the MTU allows) to PEER's echo service, each checked on its return
udp_echo() {
	[ -x /bin/tcpio ] || { say "result fail udp needs tcpio"; return 1; }
	for size in 64 1000 1400; do
		if timeout 60 tcpio udp "$PEER" "$UPORT" 20 $size; then
			say "udp ok 20 $size"
		else
			say "udp fail 20 $size"
			say "result fail udp echo of $size-byte datagrams"
		fi
	done
}

IP=$(arg vnet.ip 192.0.2.10/24)
PEER=$(arg vnet.peer 192.0.2.1)
MTU=$(arg vnet.mtu "")
TEST=$(arg vnet.test tcp)
BYTES=$(arg vnet.bytes 10485760)
PORT=$(arg vnet.port 5201)
TIMEOUT=$(arg vnet.timeout 200)
QUEUES=$(arg vnet.queues 1)
UPORT=$(arg vnet.uport 7)

(sleep "$TIMEOUT"; say "result fail guest timeout"; halt_now) &
say "up $(uname -r) $(cut -d' ' -f1 /proc/uptime) s"
load_modules
if eth_up; then
	case $TEST in
	none) ;;
	ping) ping_peer ;;
	tcp) ping_peer && tcp_streams ;;
	udp) ping_peer && udp_echo ;;
	tcpudp) ping_peer && tcp_streams && udp_echo ;;
	both) ping_peer && tcp_both ;;
	serve) say "serving"; tcpio udpserve "$UPORT" "$(arg vnet.serve 60)" 2>&1 |
		sed -n 's/^tcpio: udpserve /serve /p' | while read -r l; do say "$l"; done ;;
	*) say "result fail unknown test $TEST" ;;
	esac
	stats
fi
say "uptime $(cut -d' ' -f1 /proc/uptime) s"
halt_now
