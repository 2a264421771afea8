#!/usr/bin/env bash
# Builds the OpenVDI "debian-xfce" golden image from Debian packages only:
#   OUTPUT_DIR/debian-xfce.qcow2         compressed qcow2 disk image (no backing file):
#                                        MBR + partition 1 FAT16 with SYSLINUX, the kernel and the
#                                        initrd + partition 2 ext4 root (Debian 12, Xorg, XFCE)
#   OUTPUT_DIR/debian-xfce.qcow2.sha256  its checksum (sha256sum format)
# The guest signs the local user "user" into XFCE automatically (LightDM autologin) at
# 1280x800 on the VGA console, runs the QEMU guest agent, takes a DHCP lease on its NIC with
# systemd-networkd and mounts a second disk (/dev/vdb), when there is one, at /home
# (formatted on first boot when it is blank). Nothing in it calls out on its own.
#
# The root file system is made with debootstrap + apt in a chroot, then written into the
# partition with `mke2fs -d` and the boot partition with mtools: no loop devices, no nbd, no
# mounting of the image. /proc, /sys and /dev/pts are mounted into the chroot while packages
# are installed when the host allows it (it is not required).
#
# Configuration copied into the image: files/ (see README.md).
#
# Usage: build.sh [--force] OUTPUT_DIR
# Environment (all optional):
#   XFCE_CACHE_DIR   directory that keeps the downloaded .deb files between builds
#   XFCE_DISK_GIB    virtual size of the disk in GiB (default 8)
#
# Idempotent: when the image exists and the recipe (this script, everything under files/,
# XFCE_DISK_GIB) has not changed since it was built, it exits at once. --force rebuilds.
# Progress goes to stderr as lines "[debian-xfce] step N/M (P%): what".
set -euo pipefail

name=debian-xfce
log() { echo "[$name] $*" >&2; }
die() { echo "$name/build.sh: $*" >&2; exit 1; }

steps=10
step=0
progress() {
  step=$((step + 1))
  log "step $step/$steps ($(( step * 100 / steps ))%): $*"
}

force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi
[ $# -eq 1 ] || die "usage: build.sh [--force] OUTPUT_DIR"
[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
img=$out/$name.qcow2
sum=$img.sha256
stamp=$out/.$name.qcow2.stamp
disk_gib=${XFCE_DISK_GIB:-8}
[[ $disk_gib =~ ^[0-9]+$ ]] && [ "$disk_gib" -ge 4 ] || die "XFCE_DISK_GIB must be a whole number >= 4"

recipe_hash() {
  {
    cd "$here"
    find build.sh syslinux.cfg files \( -type f -o -type l \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    echo "disk-gib=$disk_gib"
  } | sha256sum | cut -d' ' -f1
}

up_to_date() {
  [ -f "$img" ] && [ -f "$sum" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]
}

hash=$(recipe_hash)
if [ $force = 0 ] && up_to_date; then
  log "up to date: $img"
  exit 0
fi

# One build at a time per output directory; a build that waited may find the work done.
exec 9>"$out/.$name.qcow2.lock"
flock 9
if [ $force = 0 ] && up_to_date; then
  log "up to date: $img"
  exit 0
fi
started=$(date +%s)

# --- build tools (Debian packages), installed only when missing ---------------------------
progress "build tools"
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
  apt_update_once
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# debootstrap: the root file system; e2fsprogs (mke2fs -d): ext4 from a directory; fdisk
# (sfdisk): partition table; dosfstools + mtools: the FAT boot partition inside the image file;
# syslinux (+ syslinux-common for mbr.bin): the boot loader; qemu-utils: qcow2.
need_packages debootstrap debian-archive-keyring e2fsprogs fdisk dosfstools mtools syslinux \
  syslinux-common qemu-utils

mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || die "$mbr not found (package syslinux-common)"

# The mirror is the one this machine's apt uses (deb822 or one-line format), never a fixed host.
sources_file=/etc/apt/sources.list.d/debian.sources
mirror=""
if [ -f "$sources_file" ]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' "$sources_file")
fi
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
fi
[ -n "$mirror" ] || die "cannot find a Debian mirror in the apt sources of this machine"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/$name.XXXXXX")
root=$work/root
mounted=()
cleanup() {
  local i
  for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cache=${XFCE_CACHE_DIR:-}
[ -z "$cache" ] || mkdir -p "$cache"

# --- base system -----------------------------------------------------------------------------
progress "debootstrap bookworm (minbase)"
debootstrap_opts=(--variant=minbase --arch=amd64 --include=ca-certificates)
[ -z "$cache" ] || debootstrap_opts+=(--cache-dir="$cache")
debootstrap "${debootstrap_opts[@]}" bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

try_mount() { # type source target: best effort, the build works without it
  if mount -t "$1" "$2" "$3" 2>/dev/null; then mounted+=("$3"); else log "(could not mount $3; going on without it)"; fi
}
try_mount proc proc "$root/proc"
try_mount sysfs sysfs "$root/sys"
try_mount devpts devpts "$root/dev/pts"

in_root() { LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"; }

# Same package sources as this machine (release, updates and security), no services started
# during the build, no documentation.
if [ -f "$sources_file" ]; then
  cp "$sources_file" "$root/etc/apt/sources.list.d/debian.sources"
  : > "$root/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
  cp /etc/apt/sources.list "$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
printf 'APT::Sandbox::User "root";\n' > "$root/etc/apt/apt.conf.d/00build-sandbox"
cp -R "$here/files/etc/dpkg" "$root/etc/"
cp -R "$here/files/etc/initramfs-tools" "$root/etc/"

apt_in_root() {
  if [ -n "$cache" ]; then find "$cache" -maxdepth 1 -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} + 2>/dev/null || true; fi
  in_root apt-get -y -q -o Dpkg::Use-Pty=0 "$@" > "$work/apt.log" 2>&1 \
    || { tail -n 40 "$work/apt.log" >&2; die "apt-get $* failed in the chroot"; }
  if [ -n "$cache" ]; then find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -t "$cache/" {} + 2>/dev/null || true; fi
}

progress "apt-get update in the image"
apt_in_root update

progress "installing kernel, systemd, network and guest agent"
apt_in_root install --no-install-recommends \
  linux-image-amd64 initramfs-tools systemd-sysv udev dbus dbus-user-session libpam-systemd \
  qemu-guest-agent e2fsprogs kmod procps less sudo zstd

progress "installing Xorg, LightDM and XFCE"
apt_in_root install --no-install-recommends \
  xserver-xorg-core xserver-xorg-input-libinput x11-xserver-utils xauth \
  lightdm lightdm-gtk-greeter \
  xfce4 xfce4-terminal mousepad dbus-x11 \
  fonts-dejavu-core adwaita-icon-theme hicolor-icon-theme

progress "installing the web browser (firefox-esr)"
apt_in_root install --no-install-recommends firefox-esr

# --- configuration ---------------------------------------------------------------------------
progress "configuring user, autologin, network, /home and quiet services"
cp -R "$here/files/." "$root/"
# Browser policies where firefox-esr reads them (/etc/firefox/policies) and in its own
# distribution directory (in Debian a link into /etc), whichever it uses.
in_root sh -c 'mkdir -p /usr/lib/firefox-esr/distribution/ && cp /etc/firefox/policies/policies.json /usr/lib/firefox-esr/distribution/policies.json'
echo openvdi-xfce > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\topenvdi-xfce\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
printf 'LANG=C.UTF-8\n' > "$root/etc/default/locale"
: > "$root/etc/resolv.conf"

# XFCE's default panel for every new home (otherwise the panel asks on first sign-in).
mkdir -p "$root/etc/skel/.config/xfce4/xfconf/xfce-perchannel-xml"
[ -f "$root/etc/xdg/xfce4/panel/default.xml" ] \
  && cp "$root/etc/xdg/xfce4/panel/default.xml" "$root/etc/skel/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml"

# The local user. Its password is locked: it is signed in by LightDM's autologin only.
in_root useradd --create-home --shell /bin/bash --user-group \
  --groups audio,video,plugdev,netdev,users --comment "Desktop user" user 2>/dev/null \
  || in_root useradd --create-home --shell /bin/bash --user-group --comment "Desktop user" user
in_root groupadd -f -r autologin
in_root gpasswd -a user autologin >/dev/null
in_root passwd -l user >/dev/null
in_root passwd -l root >/dev/null
# A home made on the user disk gets the same skeleton on first sign-in.
grep -q pam_mkhomedir "$root/etc/pam.d/common-session" \
  || echo 'session optional pam_mkhomedir.so skel=/etc/skel umask=0077' >> "$root/etc/pam.d/common-session"

# Services: DHCP with systemd-networkd, no automatic updates, no time servers, graphical boot.
in_root systemctl enable systemd-networkd.service >/dev/null 2>&1
in_root systemctl set-default graphical.target >/dev/null
for unit in apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service \
            systemd-timesyncd.service man-db.timer e2scrub_all.timer fstrim.timer \
            systemd-networkd-wait-online.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
in_root dpkg-query -W unattended-upgrades >/dev/null 2>&1 && die "unattended-upgrades must not be installed"

# --- kernel + initrd -------------------------------------------------------------------------
progress "initramfs"
in_root update-initramfs -u -k all > "$work/initramfs.log" 2>&1 \
  || { tail -n 20 "$work/initramfs.log" >&2; die "update-initramfs failed"; }
vmlinuz=$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' | LC_ALL=C sort | tail -n1)
[ -n "$vmlinuz" ] || die "no kernel in the image"
kver=${vmlinuz##*/vmlinuz-}
initrd=$root/boot/initrd.img-$kver
[ -f "$initrd" ] || die "no initrd for $kver"
cp "$vmlinuz" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"

# Undo the build-only settings, then unmount everything before the file system is written.
rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/apt/apt.conf.d/00build-sandbox"
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log \
  "$root"/var/log/apt/* "$root"/tmp/* "$root"/var/tmp/*
: > "$root/etc/machine-id"   # a new id on each first boot
rm -f "$root/var/lib/dbus/machine-id"
for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do umount "${mounted[$i]}" || umount -l "${mounted[$i]}"; done
mounted=()

# --- root file system: ext4 from the directory ------------------------------------------------
progress "ext4 root file system (mke2fs -d)"
boot_mib=128
total_mib=$(( disk_gib * 1024 ))
root_mib=$(( total_mib - 1 - boot_mib ))
used_mib=$(( $(du -sm "$root" | cut -f1) ))
[ $(( used_mib * 12 / 10 )) -lt $root_mib ] || die "root file system ($used_mib MiB) does not fit in $disk_gib GiB"
truncate -s "${root_mib}M" "$work/root.ext4"
mke2fs -q -t ext4 -L openvdi-root -U 0de5c0de-0000-4000-8000-00000000f5ce -E root_owner=0:0 \
  -d "$root" "$work/root.ext4" > "$work/mke2fs.log" 2>&1 \
  || { tail -n 20 "$work/mke2fs.log" >&2; die "mke2fs failed"; }
rm -rf "$root"

# --- disk: MBR + FAT16 boot partition (SYSLINUX, kernel, initrd) + ext4 root -----------------
progress "bootable disk and qcow2"
disk=$work/disk.img
truncate -s "${total_mib}M" "$disk"
printf 'label: dos\nlabel-id: 0x0de5f5ce\nstart=2048, size=%d, type=e, bootable\nstart=%d, size=%d, type=83\n' \
  $(( boot_mib * 2048 )) $(( (1 + boot_mib) * 2048 )) $(( root_mib * 2048 )) | sfdisk --quiet "$disk"
mkfs.fat -F 16 -i 0de5f5ce -h 2048 --offset 2048 "$disk" $(( boot_mib * 1024 )) >/dev/null
export MTOOLS_SKIP_CHECK=1
fat="$disk@@1048576"
mlabel -i "$fat" ::OPENVDI
mcopy -i "$fat" "$work/vmlinuz" ::vmlinuz
mcopy -i "$fat" "$work/initrd.img" ::initrd.img
mcopy -i "$fat" "$here/syslinux.cfg" ::syslinux.cfg
syslinux --install --offset 1048576 "$disk"
dd if="$mbr" of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$work/root.ext4" of="$disk" bs=1M seek=$(( 1 + boot_mib )) conv=notrunc,sparse status=none
rm -f "$work/root.ext4"
qemu-img convert -c -f raw -O qcow2 "$disk" "$work/image.qcow2"

# --- publish atomically: the image, its checksum, then the stamp -----------------------------
rm -f "$stamp"
mv -f "$work/image.qcow2" "$img.tmp"
mv -f "$img.tmp" "$img"
(cd "$out" && sha256sum "$name.qcow2" > "$name.qcow2.sha256.tmp" && mv -f "$name.qcow2.sha256.tmp" "$name.qcow2.sha256")
echo "$hash" > "$stamp"
log "built $img ($(( $(stat -c %s "$img") / 1048576 )) MiB qcow2, ${disk_gib} GiB virtual, root file system $used_mib MiB, kernel $kver) in $(( $(date +%s) - started )) s"
