#!/bin/sh
# A minimal QEMU guest agent for the tiny desktop: answers on the virtio serial port that libvirt names
# org.qemu.guest_agent.0 (the domain's <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>).
# It knows the commands libvirt and the broker use: guest-sync and guest-sync-delimited (the id echoed back; the
# delimited variant's reply starts with the 0xFF sentinel byte), guest-ping, guest-info and guest-shutdown
# (power off; like the real agent it sends no reply). Anything else gets a CommandNotFound error.
# Commands arrive one JSON object per line, as libvirt writes them; a line may start with 0xFF bytes that a
# client sends to reset the agent's parser.
# Runs in the background (rc.sysinit starts it with &); without the channel it exits at once.
port=
for n in /sys/class/virtio-ports/*/name; do
  [ -f "$n" ] && [ "$(cat "$n")" = org.qemu.guest_agent.0 ] && port=/dev/$(basename "$(dirname "$n")")
done
[ -n "$port" ] || exit 0
i=0
while [ ! -c "$port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p /run/tiny
echo "$port" > /run/tiny/guest-agent
reply() { printf '%s\n' "$1" >&3; }
serve() {
  while IFS= read -r line <&3; do
    compact=$(printf '%s' "$line" | tr -d ' \t\r')
    id=${compact##*\"id\":}
    id=${id%%[!0-9-]*}
    case "$compact" in
      *'"execute":"guest-sync-delimited"'*) printf '\377{"return": %s}\n' "${id:-0}" >&3 ;;
      *'"execute":"guest-sync"'*) reply "{\"return\": ${id:-0}}" ;;
      *'"execute":"guest-ping"'*) reply '{"return": {}}' ;;
      *'"execute":"guest-info"'*) reply '{"return": {"version": "openvdi-tiny", "supported_commands": []}}' ;;
      *'"execute":"guest-shutdown"'*) poweroff ;;
      *'"execute"'*) reply '{"error": {"class": "CommandNotFound", "desc": "not supported by the tiny agent"}}' ;;
    esac
  done
}
# the port reads end-of-file while no host side is connected: open it again after a pause (a failed
# redirection of a function call does not end the script, as a failed `exec 3<>` would)
while true; do
  serve 3<>"$port"
  sleep 0.2
done
