#!/bin/sh
# demo.sh - a short tour of what vnetd does today, with the vnet tool.
# Grows into the full daemon demo (vnetd, a tap in a namespace, traffic)
# as the daemon lands.
set -eu
build=${1:-build}
vnet="$build/src/tools/vnet"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@" || echo "(exit $?)"; }

echo "vnetd demo: feature negotiation and the virtio-net header"
tunnel=version_1,csum,host_tso4,host_tso6,host_uso,host_udp_tunnel_gso
step "$vnet" features "$tunnel"
echo "# the merged standard's AND rule: drop host_uso and the set is refused"
step "$vnet" features version_1,csum,host_tso4,host_tso6,host_udp_tunnel_gso
echo "# header size follows the negotiated features"
for f in "" version_1 version_1,ctrl_vq,hash_report "$tunnel"; do
	printf '%-62s -> ' "${f:-(no features: legacy)}"
	"$vnet" hdr --features "$f" --size
done
echo "# the standard's worked example: TCPv4 in Geneve over IPv4"
step "$vnet" hdr --features "$tunnel" \
	"01 21 7400 a805 5400 1000 0000 00000000 0000 0000 2a00 3e00"
