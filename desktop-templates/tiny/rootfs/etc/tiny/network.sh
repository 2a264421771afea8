#!/bin/sh
# Brings up the first network card, if the machine has one, and asks for an address by DHCP.
# Runs in the background (rc.sysinit starts it with &), so boot and the shell never wait for it.
# The only traffic it makes is DHCP on the local link: nothing here calls out on its own.
# The virtio network driver and what it needs, in the order build.sh wrote (dependencies first).
for m in $(cat /lib/modules/net.order 2>/dev/null); do
  insmod /lib/modules/$m.ko 2>/dev/null
done
mkdir -p /run/tiny
ip link set lo up
# The card may show up a moment after its driver is loaded.
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -e /sys/class/net/eth0 ]; then
  echo "none (no network card)" > /run/tiny/address
  exit 0
fi
echo "waiting for DHCP on eth0" > /run/tiny/address
ip link set eth0 up
# Five tries two seconds apart, then retry every 20 s in the background; keeps renewing the lease.
exec udhcpc -i eth0 -s /etc/tiny/udhcpc.script -x "hostname:$(hostname)" -t 5 -T 2 -A 20 -b
