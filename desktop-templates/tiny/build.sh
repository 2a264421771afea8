#!/usr/bin/env bash
# Builds the OpenVDI tiny desktop golden image from Debian packages only:
#   OUTPUT_DIR/tiny-desktop.img         raw disk image (MBR + one FAT partition with SYSLINUX,
#                                       a Debian kernel and a busybox initramfs)
#   OUTPUT_DIR/tiny-desktop.img.sha256  its checksum (sha256sum format)
#   OUTPUT_DIR/tiny-desktop.img.manifest.json  SHA-256, size, format, inputs (Debian release,
#                                       kernel and busybox package versions, recipe checksum),
#                                       build time
# The image boots from a hard disk under SeaBIOS (virtio or IDE) and shows a banner and a
# busybox shell on the VGA text console, and takes a DHCP lease on its first (virtio) network
# card. No loop devices and no mounting are needed. It reports its steps with the protocol of
# scripts/image-build.sh (lines `##progress n total text` on stderr), which `./vdi image build` shows.
#
# Usage: build.sh [--force] OUTPUT_DIR
# Environment (all optional):
#   TINY_KERNEL_PACKAGE  Debian kernel package to use (default: what linux-image-cloud-amd64
#                        depends on; its LZ4-compressed kernel boots about twice as fast under
#                        software emulation as the generic XZ-compressed one)
#   TINY_CACHE_DIR       directory to keep the downloaded kernel .deb in between builds
#
# Idempotent: when the image exists and the recipe (this script, syslinux.cfg, rootfs/ and the
# settings above) has not changed since it was built, it exits at once. --force rebuilds.
set -euo pipefail

log() { echo "[tiny] $*" >&2; }
die() { echo "tiny/build.sh: $*" >&2; exit 1; }

force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi
[ $# -eq 1 ] || die "usage: build.sh [--force] OUTPUT_DIR"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/image-build.sh
source "$here/../../scripts/image-build.sh"
steps=5
mkdir -p "$1"
out=$(cd "$1" && pwd)
img=$out/tiny-desktop.img
sum=$img.sha256
manifest=$(image_manifest_path "$img")
stamp=$out/.tiny-desktop.img.stamp

recipe_hash() {
  {
    cd "$here"
    find build.sh syslinux.cfg rootfs \( -type f -o -type l \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    echo "kernel-package=${TINY_KERNEL_PACKAGE:-default}"
  } | sha256sum | cut -d' ' -f1
}

up_to_date() {
  [ -f "$img" ] && [ -f "$sum" ] && [ -f "$manifest" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]
}
skip() {
  log "up to date: $img"
  image_up_to_date "$img"
  exit 0
}

hash=$(recipe_hash)
if [ $force = 0 ] && up_to_date; then skip; fi

# One build at a time per output directory; a build that waited may find the work done.
exec 9>"$out/.tiny-desktop.img.lock"
flock 9
if [ $force = 0 ] && up_to_date; then skip; fi

# --- build tools (Debian packages), installed only when missing ---------------------------
apt_updated=0
apt_update_once() {
  if [ $apt_updated = 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
}
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages (run as root to install them): ${missing[*]}"
  apt_update_once
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# busybox-static: the whole user space; cpio+gzip: the initramfs; fdisk (sfdisk): partition
# table; dosfstools (mkfs.fat) + mtools: the FAT file system written inside the image file;
# syslinux (+ syslinux-common for mbr.bin): the boot loader.
image_progress 1 $steps "checking the build tools"
need_packages busybox-static cpio gzip fdisk dosfstools mtools syslinux syslinux-common

mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || die "$mbr not found (package syslinux-common)"
busybox=$(dpkg-query -L busybox-static | grep -E '/s?bin/busybox$' | head -n1)
[ -x "$busybox" ] || die "static busybox not found (package busybox-static)"

# Fixed time stamps (cpio, FAT directory entries) so that the same recipe and kernel give
# the same image, byte for byte.
export SOURCE_DATE_EPOCH=1704067200

work=$(mktemp -d "${TMPDIR:-/tmp}/tiny-desktop.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- kernel: the cloud kernel Debian currently offers for amd64 -----------------------------
image_progress 2 $steps "fetching the kernel"
kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null \
    | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { p = $2 } END { print p }'
}
kpkg=${TINY_KERNEL_PACKAGE:-}
if [ -z "$kpkg" ]; then
  kpkg=$(kernel_package)
  if [ -z "$kpkg" ]; then apt_update_once; kpkg=$(kernel_package); fi
  [ -n "$kpkg" ] || die "cannot tell which kernel package linux-image-cloud-amd64 depends on"
fi
debdir=${TINY_CACHE_DIR:-$work/deb}
mkdir -p "$debdir"
deb=$(find "$debdir" -maxdepth 1 -name "${kpkg}_*_amd64.deb" | LC_ALL=C sort | tail -n1)
if [ -z "$deb" ]; then
  log "downloading $kpkg"
  if ! (cd "$debdir" && apt-get download -qq -o APT::Sandbox::User=root "$kpkg" >/dev/null); then
    apt_update_once
    (cd "$debdir" && apt-get download -qq -o APT::Sandbox::User=root "$kpkg" >/dev/null)
  fi
  deb=$(find "$debdir" -maxdepth 1 -name "${kpkg}_*_amd64.deb" | LC_ALL=C sort | tail -n1)
  [ -n "$deb" ] || die "download of $kpkg failed"
fi
log "kernel from $(basename "$deb")"
mkdir -p "$work/kernel"
# The kernel, the two modules the ACPI power button needs (evdev, button) and the virtio network
# driver with what it needs (the cloud kernel builds them as modules). tar fails when a pattern
# matches nothing, so only the kernel is checked here; the modules are checked when copied.
# rc.sysinit loads the power button modules; network.sh loads the network ones in the order
# written to lib/modules/net.order (each after the modules it needs):
power_modules="evdev button"
net_modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
# rc.sysinit loads these first, in the order written to lib/modules/storage.order: the virtio block driver (a
# persistent desktop's user disk, /dev/vdb, mounted at /home) and the virtio console (the guest agent's port).
storage_modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk virtio_console"
{ dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*' \
    './lib/modules/*/kernel/drivers/input/evdev.ko' './lib/modules/*/kernel/drivers/acpi/button.ko' \
    './lib/modules/*/kernel/drivers/virtio/virtio*.ko' './lib/modules/*/kernel/net/core/failover.ko' \
    './lib/modules/*/kernel/drivers/net/net_failover.ko' './lib/modules/*/kernel/drivers/net/virtio_net.ko' \
    './lib/modules/*/kernel/drivers/block/virtio_blk.ko' './lib/modules/*/kernel/drivers/char/virtio_console.ko'
} 2>/dev/null || true
vmlinuz=$(find "$work/kernel/boot" -name 'vmlinuz-*' 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $deb"
kver=${vmlinuz##*/vmlinuz-}

# --- initramfs: static busybox + rootfs/ ----------------------------------------------------
image_progress 3 $steps "packing the initramfs"
root=$work/initramfs
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,run,root,var}
ln -s ../run "$root/var/run"
ln -s bin "$root/sbin"
mkdir -p "$root/usr"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
cp -R "$here/rootfs/." "$root/"
mkdir -p "$root/lib/modules"
for m in $power_modules; do
  ko=$(find "$work/kernel/lib/modules" -name "$m.ko" 2>/dev/null | head -n1)
  if [ -n "$ko" ]; then cp "$ko" "$root/lib/modules/"; else log "no $m.ko in $kpkg: power button not handled"; fi
done
# Built-in drivers need no module; a driver that is neither built in nor a module means no network.
builtin=$(dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './lib/modules/*/modules.builtin' 2>/dev/null || true)
for m in $net_modules; do
  ko=$(find "$work/kernel/lib/modules" -name "$m.ko" 2>/dev/null | head -n1)
  if [ -n "$ko" ]; then cp "$ko" "$root/lib/modules/"
  elif ! grep -q "/$m.ko\$" <<<"$builtin"; then die "$kpkg has no $m driver (needed for the network card)"; fi
done
for m in $net_modules; do [ -f "$root/lib/modules/$m.ko" ] && echo "$m"; done > "$root/lib/modules/net.order"
for m in virtio_blk virtio_console; do
  ko=$(find "$work/kernel/lib/modules" -name "$m.ko" 2>/dev/null | head -n1)
  if [ -n "$ko" ]; then cp "$ko" "$root/lib/modules/"
  elif ! grep -q "/$m.ko\$" <<<"$builtin"; then die "$kpkg has no $m driver (needed for the user disk and the guest agent)"; fi
done
for m in $storage_modules; do [ -f "$root/lib/modules/$m.ko" ] && echo "$m"; done > "$root/lib/modules/storage.order"
echo "TINY_KERNEL='$kver (Debian $(dpkg-deb -f "$deb" Version))'" > "$root/etc/tiny/release"
chmod 0755 "$root/init" "$root/etc/tiny/rc.sysinit" "$root/etc/tiny/banner.sh" "$root/etc/tiny/network.sh" \
  "$root/etc/tiny/udhcpc.script" "$root/etc/tiny/home.sh" "$root/etc/tiny/guest-agent.sh" "$root/etc/acpi/PWRF/00000080"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp"
# The kernel's built-in initramfs already has /dev/console; add it too where mknod is allowed.
mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -print0 | LC_ALL=C sort -z \
   | cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
  | gzip -9 -n > "$work/initrd.gz"

# --- disk: MBR (syslinux mbr.bin) + one bootable FAT16 partition at 1 MiB --------------------
image_progress 4 $steps "writing the disk image"
payload=$(( $(stat -c %s "$vmlinuz") + $(stat -c %s "$work/initrd.gz") ))
part_mib=$(( (payload + 1048575) / 1048576 + 2 ))
disk=$work/disk.img
truncate -s $(( (1 + part_mib) * 1048576 )) "$disk"
printf 'label: dos\nlabel-id: 0x0de5c0de\nstart=2048, size=%d, type=e, bootable\n' \
  $(( part_mib * 2048 )) | sfdisk --quiet "$disk"
mkfs.fat -F 16 -i 0de5c0de -h 2048 --offset 2048 "$disk" $(( part_mib * 1024 )) >/dev/null
export MTOOLS_SKIP_CHECK=1
fat="$disk@@1048576"
mlabel -i "$fat" ::OPENVDI   # (mkfs.fat -n would stamp the label with the current time)
mcopy -i "$fat" "$vmlinuz" ::vmlinuz
mcopy -i "$fat" "$work/initrd.gz" ::initrd.gz
mcopy -i "$fat" "$here/syslinux.cfg" ::syslinux.cfg
syslinux --install --offset 1048576 "$disk"
dd if="$mbr" of="$disk" bs=440 count=1 conv=notrunc status=none

# --- publish atomically: the image, its checksum and manifest, then the stamp ----------------
image_progress 5 $steps "checksum and manifest"
rm -f "$stamp"
cp "$disk" "$img.tmp"
mv -f "$img.tmp" "$img"
(cd "$out" && sha256sum tiny-desktop.img > tiny-desktop.img.sha256.tmp && mv -f tiny-desktop.img.sha256.tmp tiny-desktop.img.sha256)
release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-unknown} (${PRETTY_NAME:-})")
image_input debian-release "$release"
image_input kernel-package "$kpkg $(dpkg-deb -f "$deb" Version)"
image_input kernel-version "$kver"
image_input busybox-static "$(dpkg-query -W -f='${Version}' busybox-static)"
image_input syslinux "$(dpkg-query -W -f='${Version}' syslinux)"
image_input source-date-epoch "$SOURCE_DATE_EPOCH"
image_manifest "$img" raw "$hash"
echo "$hash" > "$stamp"
log "built $img ($(( $(stat -c %s "$img") / 1048576 )) MiB, kernel $kver)"
