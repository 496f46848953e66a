#!/bin/sh
# Build the VM lab's initramfs (newc cpio, gzip) from this host's files:
#   busybox-static, build/nettune, ethtool and jq with the shared libraries
#   they link (ldd), the NIC driver modules of Debian's packaged kernel and
#   the modules they depend on (modules.dep), profiles/ and tests/vm/guest/.
# Usage: tests/vm/initramfs.sh KERNEL-VERSION OUT.cpio.gz
# Modules compressed as .ko.xz or .ko.zst are decompressed here, since the
# guest's busybox insmod may not read them.
set -eu
kver=$1
out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
nettune=${NETTUNE:-$top/${BUILD:-build}/nettune}
moddir=/lib/modules/$kver
# The NICs of the scenarios, and the sock_diag modules: the kernel would
# load those itself through modprobe, which the guest has not, and without
# them nettune audit stops ("sock_diag: listening sockets: No such file or
# directory").
drivers="e1000e vmxnet3 virtio_pci virtio_net tcp_diag udp_diag"

die() { echo "initramfs: $*" >&2; exit 1; }
[ -x "$nettune" ] || die "$nettune: not built (make all)"
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"
[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing (apt-get install linux-image-amd64)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/nettune-vm-root.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/run" \
	"$stage/etc" "$stage/var/lib/nettune" "$stage/lib/modules" \
	"$stage/nettune"

cp /bin/busybox "$stage/bin/busybox"
for a in $(/bin/busybox --list); do
	case $a in busybox|ethtool|jq) continue ;; esac
	ln -s busybox "$stage/bin/$a"
done

# A program and the libraries it links, at the same paths as on the host.
copy_prog() {
	cp "$1" "$stage$2"
	ldd "$1" | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]*ld-linux/ { print $1 }' |
	while read -r lib; do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
copy_prog "$nettune" /usr/sbin/nettune
copy_prog "$(command -v ethtool || echo /usr/sbin/ethtool)" /usr/sbin/ethtool
copy_prog "$(command -v jq || echo /usr/bin/jq)" /usr/bin/jq

# Driver modules and their dependencies, in load order (dependencies first).
modlist=$stage/lib/modules/order
: > "$modlist"
add_module() (	# a subshell: its variables stay its own when it recurses
	path=$(awk -F: -v m="$1" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n)
		if (n == m) { print $1; exit } }' "$moddir/modules.dep")
	[ -n "$path" ] || die "module $1 not in $moddir/modules.dep"
	deps=$(awk -F: -v p="$path" '$1 == p { print $2; exit }' "$moddir/modules.dep")
	for d in $deps; do
		n=${d##*/}; n=${n%%.ko*}
		grep -qx "$n" "$modlist" || add_module "$n"
	done
	grep -qx "$1" "$modlist" && return 0
	case $path in
	*.ko.xz)  xz -dc "$moddir/$path" > "$stage/lib/modules/$1.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" > "$stage/lib/modules/$1.ko" ;;
	*.ko.gz)  gzip -dc "$moddir/$path" > "$stage/lib/modules/$1.ko" ;;
	*)        cp "$moddir/$path" "$stage/lib/modules/$1.ko" ;;
	esac
	echo "$1" >> "$modlist"
)
for m in $drivers; do add_module "$m"; done

cp -r "$top/profiles" "$stage/nettune/profiles"
cp "$top"/tests/vm/guest/*.sh "$stage/nettune/"
cp "$top/tests/vm/guest/init" "$stage/init"
chmod 0755 "$stage/init" "$stage"/nettune/*.sh
echo "root:x:0:0:root:/:/bin/sh" > "$stage/etc/passwd"
echo "nettune-vm" > "$stage/etc/hostname"

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
