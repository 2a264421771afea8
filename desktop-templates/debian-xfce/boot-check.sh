#!/usr/bin/env bash
# Boots the debian-xfce image on qemu:///system under software emulation and checks that it
# reaches the XFCE desktop:
#   - a throwaway linked clone (qcow2 overlay) of the image, plus a blank 2 GiB user disk (vdb);
#   - a transient domain: <domain type='qemu'>, 2 vCPUs, 2048 MiB, virtio disk + NIC, VGA, VNC,
#     the guest agent channel; NIC on the libvirt network "openvdi", or on a throwaway isolated
#     network "xfce-test" made for the check when "openvdi" does not exist;
#   - waits for the guest agent (guest-ping), then for the signed-in user's XFCE desktop and
#     panel processes (guest-exec pgrep), then for a screenshot that is not blank;
#   - checks /home is the user disk and the NIC has a DHCP lease;
#   - prints the boot-to-agent and boot-to-desktop times and writes the screenshot as PNG;
#   - removes everything it made, whatever happens.
#
# Usage: boot-check.sh IMAGE.qcow2 [SCREENSHOT.png]
# Environment: XFCE_CHECK_TIMEOUT  seconds to wait for the desktop (default 900)
set -euo pipefail

log() { echo "[debian-xfce check] $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

[ $# -ge 1 ] || { echo "usage: boot-check.sh IMAGE.qcow2 [SCREENSHOT.png]" >&2; exit 2; }
image=$(readlink -f "$1")
[ -f "$image" ] || die "no image at $1"
png=${2:-}
[ -z "$png" ] || png=$(readlink -f "$(dirname "$png")")/$(basename "$png")
timeout=${XFCE_CHECK_TIMEOUT:-900}
uri=qemu:///system
v() { virsh -q -c "$uri" "$@"; }

name=xfce-check-$$-$(date +%s)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/xfce-check.XXXXXX")
made_network=""
cleanup() {
  v destroy "$name" >/dev/null 2>&1 || true
  [ -z "$made_network" ] || v net-destroy "$made_network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

network=openvdi
if ! v net-info "$network" >/dev/null 2>&1; then
  network=xfce-test
  if ! v net-info "$network" >/dev/null 2>&1; then
    cat > "$work/net.xml" <<'EOF'
<network>
  <name>xfce-test</name>
  <bridge name='virbr-xfcet' stp='off'/>
  <ip address='192.168.219.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.219.100' end='192.168.219.200'/></dhcp>
  </ip>
</network>
EOF
    v net-create "$work/net.xml" >/dev/null || die "cannot create the throwaway network xfce-test"
    made_network=xfce-test
  fi
fi
log "network: $network"

qemu-img create -q -f qcow2 -F qcow2 -b "$image" "$work/root.qcow2"
qemu-img create -q -f qcow2 "$work/home.qcow2" 2G
cat > "$work/domain.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>2048</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$work/root.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$work/home.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='network'>
      <source network='$network'/>
      <model type='virtio'/>
    </interface>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga' vram='16384'/></video>
  </devices>
</domain>
EOF

agent() { v qemu-agent-command "$name" --timeout 5 "$1" 2>/dev/null; }
# guest_run PATH ARG...: runs a command in the guest through the agent, prints its stdout,
# returns its exit code.
guest_run() {
  local path=$1 args="" a pid status i
  shift
  for a in "$@"; do args+="${args:+,}\"$a\""; done
  pid=$(agent "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"$path\",\"arg\":[$args],\"capture-output\":true}}" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])' 2>/dev/null) || return 99
  for i in $(seq 50); do
    status=$(agent "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}") || return 99
    if python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["return"]["exited"] else 1)' "$status"; then
      python3 -c 'import base64,json,sys; r=json.loads(sys.argv[1])["return"]; sys.stdout.write(base64.b64decode(r.get("out-data","")).decode(errors="replace")); sys.exit(r.get("exitcode",1))' "$status"
      return $?
    fi
    sleep 0.2
  done
  return 98
}

# A screenshot as PPM (P6) or PNG, whichever libvirt and QEMU give, read with python3 alone.
cat > "$work/picture.py" <<'PY'
import struct, sys, zlib

def read(path):
    data = open(path, 'rb').read()
    if data.startswith(b'\x89PNG'):
        return read_png(data)
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos+1].isspace(): pos += 1
        if data[pos:pos+1] == b'#':
            pos = data.index(b'\n', pos); continue
        end = pos
        while not data[end:end+1].isspace(): end += 1
        parts.append(data[pos:end]); pos = end
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[pos+1:pos+1+w*h*3]

def read_png(data):
    pos, idat = 8, b''
    while pos < len(data):
        n, t = struct.unpack('>I4s', data[pos:pos+8])
        body = data[pos+8:pos+8+n]
        if t == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif t == b'IDAT':
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), 'only 8-bit RGB or RGBA'
    bpp = 3 if ctype == 2 else 4
    raw, stride, out, prev, i = zlib.decompress(idat), w * bpp, bytearray(), bytearray(w * bpp), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i+1:i+1+stride]); i += 1 + stride
        for x in range(stride):
            a = line[x-bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x-bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line if bpp == 3 else bytes(v for k, v in enumerate(line) if k % 4 != 3)
        prev = line
    return w, h, bytes(out)

def write_png(path, w, h, pix):
    raw = b''.join(b'\x00' + pix[y*w*3:(y+1)*w*3] for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

w, h, pix = read(sys.argv[2])
if sys.argv[1] == 'colours':
    print(len({pix[i:i+3] for i in range(0, len(pix), 3 * 7)}))
else:
    write_png(sys.argv[3], w, h, pix)
    print(f"{w}x{h}")
PY

# screenshot FILE: prints the number of distinct colours (0 when there is no picture).
screenshot() {
  v screenshot "$name" "$1" >/dev/null 2>&1 || { echo 0; return; }
  python3 "$work/picture.py" colours "$1" 2>/dev/null || echo 0
}

to_png() { # screenshot out.png
  python3 "$work/picture.py" png "$1" "$2"
}

log "starting $name (software emulation, 2 vCPUs, 2048 MiB)"
start=$(date +%s.%N)
v create "$work/domain.xml" >/dev/null || die "cannot start the domain"
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.1f}')" "$(date +%s.%N)" "$start"; }
deadline=$(( $(date +%s) + timeout ))

until agent '{"execute":"guest-ping"}' | grep -q '"return"'; do
  [ "$(date +%s)" -lt $deadline ] || die "the guest agent did not answer within $timeout s"
  sleep 2
done
agent_s=$(elapsed)
log "guest agent answers after $agent_s s"

until guest_run /usr/bin/pgrep -u user -x xfdesktop >/dev/null && guest_run /usr/bin/pgrep -u user -x xfce4-panel >/dev/null; do
  [ "$(date +%s)" -lt $deadline ] || die "the XFCE desktop of user did not start within $timeout s"
  sleep 2
done
xfce_s=$(elapsed)
log "XFCE desktop and panel running after $xfce_s s"

# The panel and desktop paint shortly after their processes start: wait for a picture.
colours=0
until [ "$colours" -ge 16 ]; do
  [ "$(date +%s)" -lt $deadline ] || die "the screen stayed blank ($colours colours)"
  sleep 3
  colours=$(screenshot "$work/screen.ppm")
done
# Let the panel finish painting before the picture is kept.
sleep 10
colours=$(screenshot "$work/screen.ppm")
desktop_s=$(elapsed)
size=$(to_png "$work/screen.ppm" "$work/screen.png")
log "screen ${size}, $colours colours after $desktop_s s"
[ "$size" = 1280x800 ] || log "warning: the screen is $size, not 1280x800"
[ -z "$png" ] || { cp "$work/screen.png" "$png"; log "screenshot: $png"; }

home_source=$(guest_run /usr/bin/findmnt -n -o SOURCE /home) || die "/home is not mounted (no user disk?)"
[ "$(echo "$home_source" | tr -d '[:space:]')" = /dev/vdb ] || die "/home is on $home_source, not the user disk /dev/vdb"
guest_run /usr/bin/test -d /home/user >/dev/null || die "no /home/user on the user disk"
log "/home is the user disk (/dev/vdb)"

lease=""
for _ in $(seq 30); do
  lease=$(v domifaddr "$name" --source lease 2>/dev/null | awk '$3 == "ipv4" { print $4; exit }')
  [ -n "$lease" ] && break
  sleep 2
done
[ -n "$lease" ] || die "the NIC took no DHCP lease on $network"
log "DHCP lease on $network: $lease"

agent '{"execute":"guest-shutdown","arguments":{"mode":"powerdown"}}' >/dev/null || true
for _ in $(seq 60); do v domstate "$name" >/dev/null 2>&1 || break; sleep 2; done
if v domstate "$name" >/dev/null 2>&1; then log "warning: no clean shutdown through the agent within 120 s"; else log "clean shutdown through the guest agent"; fi

echo "boot-to-agent ${agent_s}s boot-to-xfce ${xfce_s}s boot-to-desktop-picture ${desktop_s}s screen ${size}"
log "OK"
