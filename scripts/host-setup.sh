#!/usr/bin/env bash
# Installs and starts what the product needs on a Debian/Ubuntu machine, idempotently:
# libvirt + QEMU (a local KVM host, run without systemd), guacd, Chromium (browser tests),
# the tools that build the tiny desktop template, and the isolated libvirt network `openvdi`
# the demo's and the tests' desktops are on. Fast when everything is already there.
# Usage: scripts/host-setup.sh [packages|daemons|all]   (default: all)
set -euo pipefail
what=${1:-all}
log() { echo "[host-setup] $*"; }
need_root() { [ "$(id -u)" = 0 ] || { echo "host-setup: run as root (it installs packages and starts libvirtd)" >&2; exit 1; }; }

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_guacd() {
  command -v guacd >/dev/null && return 0
  need_root
  # Try the distribution first (Ubuntu and Debian 11 ship guacd); Debian 12 does not, so fall
  # back to bullseye's packages, which install beside bookworm's.
  if apt-get install -y -qq --no-install-recommends guacd libguac-client-vnc0 >/dev/null 2>&1; then return 0; fi
  local mirror kr tmp o
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  kr=/usr/share/keyrings/debian-archive-keyring.gpg
  tmp=$(mktemp -d); chmod 755 "$tmp"
  { echo "deb [signed-by=$kr] $mirror bookworm main"; echo "deb [signed-by=$kr] $mirror bullseye main"; } > "$tmp/sources.list"
  o="-oDir::Etc::SourceList=$tmp/sources.list -oDir::Etc::SourceParts=/nonexistent -oDir::State::Lists=$tmp/lists -oAPT::Default-Release=bookworm"
  mkdir -p "$tmp/lists/partial"
  log "installing guacd from bullseye"
  apt-get $o update -qq
  DEBIAN_FRONTEND=noninteractive apt-get $o install -y -qq --no-install-recommends guacd libguac-client-vnc0 >/dev/null
  rm -rf "$tmp"
}

packages() {
  # dnsmasq-base: libvirt's DHCP server for its networks; iptables: the rules that keep an
  # isolated network's traffic on this machine; curl + jq: ./vdi image publish; haproxy: the balancer in front of
  # two gateways, as docker-compose.yml runs it (deploy/haproxy/haproxy.cfg; the multi-broker test starts its own);
  # openssl + util-linux (unshare): the qemu+tls:// test makes its CA and certificates and runs a second libvirtd
  # in a mount namespace of its own (broker/.../libvirt/TlsLibvirtd)
  apt_install libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt0 dnsmasq-base iptables \
    qemu-system-x86 qemu-utils busybox-static cpio chromium chromium-driver netcat-openbsd curl jq haproxy \
    openssl util-linux
  install_guacd
  # node and npm: ./vdi installs Spectral, the OpenAPI linter, with them (a machine's own Node.js is kept)
  command -v npm >/dev/null || apt_install nodejs npm
  install_postgresql
}

# PostgreSQL's server for the multi-broker tests (broker/.../cluster/MultiBrokerIT starts a private cluster of its
# own with initdb and pg_ctl under target/): no default cluster is created or started on 5432.
install_postgresql() {
  dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q 'install ok installed' && return 0
  need_root
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
    || echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
  apt_install postgresql
}

configure_libvirt() {
  getent group kvm >/dev/null || groupadd -r kvm
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  local conf=/etc/libvirt/qemu.conf marker="# vdi: container-friendly settings"
  if ! grep -qsF "$marker" "$conf"; then
    cat >> "$conf" <<CONF
$marker
user = "root"
group = "root"
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
remember_owner = 0
CONF
  fi
  mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/images
}

# The libvirt network of the demo and the tests: isolated (no <forward>, so libvirt rejects
# forwarding off the bridge: guests reach the host and each other, never anything beyond this
# machine), DHCP from libvirt's dnsmasq, and no DNS (dnsmasq would forward queries to the host's
# resolvers). Defined when missing, started when inactive, marked to start with libvirtd.
net_name=${OPENVDI_NETWORK:-openvdi}
net_prefix=${OPENVDI_NETWORK_PREFIX:-192.168.213}   # a /24; set it when that range is taken here
network() {
  local v=(virsh -q -c qemu:///system)
  if ! "${v[@]}" net-info "$net_name" >/dev/null 2>&1; then
    log "defining libvirt network $net_name ($net_prefix.0/24, isolated, DHCP)"
    local xml
    xml=$(mktemp)
    cat > "$xml" <<XML
<network>
  <name>$net_name</name>
  <bridge name='virbr-${net_name:0:9}' stp='on' delay='0'/>
  <dns enable='no'/>
  <ip address='$net_prefix.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='$net_prefix.100' end='$net_prefix.254'/>
    </dhcp>
  </ip>
</network>
XML
    "${v[@]}" net-define "$xml" >/dev/null
    rm -f "$xml"
  fi
  local info
  info=$("${v[@]}" net-info "$net_name")
  if ! grep -qE '^Active:[[:space:]]+yes' <<<"$info"; then
    log "starting libvirt network $net_name"
    "${v[@]}" net-start "$net_name" >/dev/null
  fi
  grep -qE '^Autostart:[[:space:]]+yes' <<<"$info" || "${v[@]}" net-autostart "$net_name" >/dev/null
}

daemons() {
  need_root
  configure_libvirt
  pgrep -x virtlogd >/dev/null || { log "starting virtlogd"; virtlogd -d; }
  if ! pgrep -x libvirtd >/dev/null; then log "starting libvirtd"; libvirtd -d; fi
  for _ in $(seq 50); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.2; done
  virsh -c qemu:///system version >/dev/null
  network
  local gport=${GUACD_PORT:-4822}
  if ! (exec 3<>/dev/tcp/127.0.0.1/$gport) 2>/dev/null; then
    log "starting guacd on 127.0.0.1:$gport"
    guacd -b 127.0.0.1 -l "$gport" -L info
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$gport) 2>/dev/null && break; sleep 0.1; done
  fi
}

case "$what" in
  packages) packages ;;
  daemons) daemons ;;
  all) packages; daemons ;;
  *) echo "usage: $0 [packages|daemons|all]" >&2; exit 2 ;;
esac
