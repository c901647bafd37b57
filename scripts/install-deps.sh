#!/bin/sh
# install-deps.sh - install what building and testing vnetd needs, if missing.
# Idempotent: apt-get runs only when a package is absent. Debian 12.
#   scripts/install-deps.sh            build and unit-test dependencies
#   scripts/install-deps.sh interop    also the real peers used by interop tests
set -eu

build="gcc pkg-config meson ninja-build libcmocka-dev libpcap-dev"
interop="iproute2 tcpdump tshark ethtool iputils-ping python3"

want=$build
[ "${1:-}" = "interop" ] && want="$build $interop"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
# tshark asks whether non-root users may capture: answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
