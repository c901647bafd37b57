#!/bin/sh
# test_vnetd_cli.sh - vnetd's command line: the overlay options (issue 9),
# --tap-offloads (issue 8), --features, --speed and --duplex (issue 16)
# and the capabilities; each bad combination exits 2 with its reason,
# before anything is opened.
# Usage: test_vnetd_cli.sh PATH/TO/vnetd
set -u
vnet=$1
. "$(dirname "$0")/expect.sh"

S="--socket-path /nonexistent/vnetd-cli.sock"
V="vni=42,local=192.0.2.2,remote=198.51.100.2"

# conformance: VU-33
expect "capabilities name the overlay options" 0 "*" "" -- --print-capabilities
"$vnet" --print-capabilities | grep -q '"vxlan", "geneve"' &&
	{ passes=$((passes + 1)); echo "ok - vxlan and geneve in the capabilities"; } ||
	{ fails=$((fails + 1)); echo "not ok - vxlan and geneve missing from the capabilities"; }
expect "an overlay needs its underlay tap" 2 "*" \
	"vnetd: an overlay port needs --tap (its underlay)" -- $S --vxlan "$V"
expect "a VXLAN spec without a remote" 2 "*" \
	"vnetd: --vxlan: at least one remote= is required" -- \
	$S --tap t0 --vxlan vni=42,local=192.0.2.2
expect "--tap-offloads is not for an underlay" 2 "*" \
	"vnetd: --tap-offloads does not apply to an overlay's underlay tap" -- \
	$S --tap t0 --vxlan "$V" --tap-offloads csum
expect "one overlay port at most" 2 "*" "vnetd: one overlay port at most" -- \
	$S --tap t0 --vxlan "$V" --geneve "$V"
# RFC 7348 section 4.3: the encapsulation must fit the underlay's MTU
# (VXLAN over IPv4: 14 + 20 + 8 + 8 = 50 bytes)
expect "--mtu larger than the overlay leaves" 2 "*" \
	"vnetd: --mtu 1451 does not fit the overlay: at most 1450" -- \
	$S --tap t0 --vxlan "$V" --mtu 1451
expect "Geneve with its option: 8 more bytes" 2 "*" \
	"at most 1442 (underlay MTU 1500" -- \
	$S --tap t0 --geneve "$V,opt=0102:03:deadbeef" --mtu 1443
expect "an underlay MTU that holds no frame" 2 "*" \
	"vnetd: --vxlan: mtu 100 cannot hold the encapsulation" -- \
	$S --tap t0 --vxlan "$V,mtu=100"
# --tap-offloads names only what a tap takes on write (issue 8)
expect "--tap-offloads with an unknown name" 2 "*" \
	"vnetd: unknown feature 'host_tso5' in --tap-offloads" -- \
	$S --tap t0 --tap-offloads csum,host_tso5
expect "--tap-offloads with a receive offload" 2 "*" \
	"vnetd: 'guest_tso4' is not a transmit offload of the tap" -- \
	$S --tap t0 --tap-offloads guest_tso4
# --features names only the optional device features; --speed, --duplex
# take what the config space holds (NET-CFG-10: speed 0..0x7fffffff)
expect "--features with an offload" 2 "*" \
	"vnetd: 'csum' is not an optional device feature" -- \
	$S --features speed_duplex,csum
expect "--speed past 0x7fffffff" 2 "*" \
	"vnetd: bad value '2147483648' for --speed" -- $S --speed 2147483648
expect "--duplex that is no mode" 2 "*" \
	"vnetd: bad value 'fulll' for --duplex" -- $S --duplex fulll

# vhost-user.rst, "Backend program conventions"
# conformance: VU-33
expect "--print-capabilities ignores the other options" 0 "*" "" -- \
	--print-capabilities --no-such-option --mtu 1
# conformance: VU-32
expect "--socket-path and --fd are incompatible" 2 "*" \
	"vnetd: give exactly one of --socket-path and --fd" -- $S --fd 3
expect "one of --socket-path and --fd is mandatory" 2 "*" \
	"vnetd: give exactly one of --socket-path and --fd" --
# conformance: VU-29
expect "a device that cannot start exits early, not 0" 1 "*" \
	"cannot start the device" -- $S
# "The device SHOULD set mtu to at least 1280": refused below (IPv6's
# minimum, RFC 8200), from --mtu and from an overlay's underlay alike
# conformance: NET-CFG-02, NET-CFG-03
expect "--mtu below 1280" 2 "*" "vnetd: --mtu 1279 is below 1280" -- \
	$S --mtu 1279
expect "--mtu 68 (the spec's least, below 1280)" 2 "*" \
	"vnetd: --mtu 68 is below 1280" -- $S --mtu 68
expect "--mtu above 65535" 2 "*" "bad value '65536' for --mtu" -- \
	$S --mtu 65536
expect "an underlay MTU that leaves the guest less than 1280" 2 "*" \
	"vnetd: the underlay MTU 1300 leaves the guest 1250, below 1280" -- \
	$S --tap t0 --vxlan "$V,mtu=1300"

# "Each backend installed on a host system should come with at least one
# JSON file that conforms to the vhost-user.json schema": type net, an
# absolute binary path (contrib/50-vnetd.json, installed by meson)
# conformance: VU-28
json_ok() { # FILE: the description as meson installs it (@BINDIR@ filled)
	sed 's|@BINDIR@|/usr/bin|' "$1" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert set(d) <= {"description", "type", "binary", "tags"}, d
assert d["type"] == "net" and d["binary"].startswith("/"), d
assert isinstance(d.get("description", ""), str)'
}
check "the vhost-user backend description conforms" \
	'json_ok "$(dirname "$0")/../../contrib/50-vnetd.json"'

summary
