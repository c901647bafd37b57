#!/bin/sh
# build-initramfs.sh - a kernel and an initramfs for the vnetd test guest.
#
# Fetches Debian's kernel package (apt-get download, unpacked with dpkg-deb
# into the cache: nothing is installed on the host), and builds a gzip'd
# cpio with busybox (static), ethtool and its libraries, the virtio-net
# modules in dependency order, tcpio (tcpio.c, built static), and
# scripts/guest/init.sh as /init.
# QEMU and busybox come from scripts/install-deps.sh guest.
#
# Usage: scripts/guest/build-initramfs.sh [CACHE_DIR]
#   CACHE_DIR defaults to $VNETD_GUEST_DIR, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/vnetd-guest. A kernel already unpacked
#   there is reused; the initramfs is named by a hash of this script,
#   init.sh and tcpio.c (initramfs-HASH.cpio.gz), so checkouts that differ
#   and share the cache each get their own, and it is built when missing.
#   Prints "kernel PATH" and "initrd PATH".
#   VNETD_GUEST_KERNEL_PKG names another kernel package (default: what
#   linux-image-amd64 depends on).
# Exit: 0; 77 when the kernel package or busybox cannot be had; 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-${VNETD_GUEST_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vnetd-guest}}
modules="virtio_net virtio_pci"

cannot() { echo "build-initramfs: $*" >&2; exit 77; }
log() { echo "build-initramfs: $*" >&2; }

# kernel_pkg: the versioned image package linux-image-amd64 points at
kernel_pkg() {
	if [ -n "${VNETD_GUEST_KERNEL_PKG:-}" ]; then
		echo "$VNETD_GUEST_KERNEL_PKG"
		return
	fi
	p=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$p" ]; then
		apt-get update -q >/dev/null 2>&1 || true
		p=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	echo "$p"
}

# fetch_kernel: $dir/kernel/{boot,lib/modules} from the package, once
fetch_kernel() {
	[ -f "$dir/kernel/.done" ] && return 0
	command -v apt-get >/dev/null || cannot "apt-get is missing"
	command -v dpkg-deb >/dev/null || cannot "dpkg-deb is missing"
	command -v depmod >/dev/null || cannot "depmod (kmod) is missing"
	pkg=$(kernel_pkg)
	[ -n "$pkg" ] || cannot "no linux-image-amd64 in the package lists"
	rm -rf "$dir/kernel" "$dir/deb"
	mkdir -p "$dir/deb"
	log "downloading $pkg"
	(cd "$dir/deb" && apt-get download -q -o APT::Sandbox::User=root \
		"$pkg" >/dev/null) || cannot "apt-get download $pkg failed"
	dpkg-deb -x "$dir"/deb/*.deb "$dir/kernel" || cannot "cannot unpack $pkg"
	rm -rf "$dir/deb"
	kver=$(ls "$dir/kernel/lib/modules" | head -n 1)
	depmod -b "$dir/kernel" "$kver" || cannot "depmod failed"
	echo "$pkg" >"$dir/kernel/.done"
}

# module_list: the .ko files to insmod, dependencies first, no repeats
module_list() {
	for m in $modules; do
		modprobe -d "$dir/kernel" -S "$kver" --show-depends "$m" ||
			cannot "no module $m in the kernel package"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# copy_with_libs FILE: FILE and the shared libraries ldd names, same paths
copy_with_libs() {
	install -D -m 755 "$1" "$stage$1"
	ldd "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
	while read -r lib; do
		[ -e "$stage$lib" ] || install -D -m 755 "$lib" "$stage$lib"
	done
}

build_initrd() {
	stage="$dir/stage.$$"
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/sbin" "$stage/etc" "$stage/proc" \
		"$stage/sys" "$stage/dev" "$stage/tmp" "$stage/lib/modules"
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	for ko in $(module_list); do
		cp "$ko" "$stage/lib/modules/"
		basename "$ko" >>"$stage/etc/vnet-modules"
	done
	if command -v ethtool >/dev/null; then
		copy_with_libs "$(command -v ethtool)"
	else
		log "no ethtool on the host: the guest will not print ethtool -k"
	fi
	cc=$(command -v cc || command -v gcc || true)
	if [ -z "$cc" ] || ! "$cc" -static -O2 -Wall -o "$stage/bin/tcpio" \
		"$here/tcpio.c"; then
		log "cannot build tcpio static: the guest will use busybox nc"
		rm -f "$stage/bin/tcpio"
	fi
	install -m 755 "$here/init.sh" "$stage/init"
	[ "$(id -u)" = 0 ] && mknod -m 600 "$stage/dev/console" c 5 1
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) \
		>"$initrd.tmp.$$"
	mv "$initrd.tmp.$$" "$initrd"
	rm -rf "$stage"
}

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || cannot "busybox is missing (scripts/install-deps.sh guest)"
ldd "$busybox" >/dev/null 2>&1 &&
	cannot "$busybox is not static (install busybox-static)"
command -v cpio >/dev/null || cannot "cpio is missing"

mkdir -p "$dir"
fetch_kernel
kver=$(ls "$dir/kernel/lib/modules" | head -n 1)
ln -sf "kernel/boot/vmlinuz-$kver" "$dir/bzImage"
hash=$(cat "$0" "$here/init.sh" "$here/tcpio.c" | sha256sum | cut -c1-16)
initrd="$dir/initramfs-$hash.cpio.gz"
[ -f "$initrd" ] || build_initrd
echo "kernel $dir/bzImage"
echo "initrd $initrd"
