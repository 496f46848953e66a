#!/bin/sh
# Install the Debian packages nettune needs to build and test, when missing.
# As root this runs apt-get; otherwise it prints the one command to run.
set -u

pkgs="build-essential pkg-config libmnl-dev libnl-3-dev libnl-route-3-dev
libncurses-dev libjson-c-dev libinih-dev libcmocka-dev bats bats-assert
bats-support bash-completion iproute2 prometheus ethtool procps mandoc jq python3 util-linux systemd tmux
valgrind strace clang libclang-rt-14-dev llvm bpftool libbpf-dev libelf-dev zlib1g-dev nftables"

# --vm: only what the VM lab (tests/vm/) needs: QEMU, Debian's packaged
# kernel (used as files: /boot/vmlinuz-* and /lib/modules), busybox, and
# the tools it copies into the guest or floods with.
[ "${1:-}" = --vm ] && pkgs="qemu-system-x86 linux-image-amd64 busybox-static
cpio ethtool jq python3"

# --bench: what bench/*.sh measure with and compare against (make bench).
[ "${1:-}" = --bench ] && pkgs="hyperfine prometheus-node-exporter curl time
strace jq"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "nettune: missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "nettune: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || exit 1
apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
