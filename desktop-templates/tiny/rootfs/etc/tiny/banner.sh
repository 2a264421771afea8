#!/bin/sh
# Prints the OpenVDI tiny desktop banner.
uuid=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null || echo unknown)
mem=$(awk '/^MemTotal:/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)
. /etc/tiny/release
echo "=================================================="
echo "  OpenVDI tiny desktop"
echo "=================================================="
echo "  hostname : $(hostname)"
echo "  date     : $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "  uptime   : $(cut -d' ' -f1 /proc/uptime) s"
echo "  vm uuid  : $uuid"
echo "  cpus/mem : $(nproc) cpu, $mem"
echo "  kernel   : $TINY_KERNEL"
echo "  network  : $(cat /run/tiny/address 2>/dev/null || echo 'starting')"
echo "  home     : $(cat /run/tiny/home 2>/dev/null || echo 'in memory')"
echo "  agent    : $([ -f /run/tiny/guest-agent ] && echo "on $(cat /run/tiny/guest-agent)" || echo 'none')"
echo "=================================================="
echo "  Busybox shell on tty1: type a command below."
echo
