#!/bin/sh
# Mounts a persistent desktop's user disk at /home when the machine has one (/dev/vdb, the second virtio disk),
# formatting it with ext2 first when it is blank (no ext2/3/4 superblock). A disk that has a file system but
# does not mount is never formatted: its data stays as it is, and /home stays in memory.
# Appends one line per boot to /home/boots, so the disk shows how often it was used.
mkdir -p /run/tiny /home
status() { echo "$1" > /run/tiny/home; }
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -b /dev/vdb ]; then
  status "in memory (no user disk)"
  exit 0
fi
# ext2/3/4 keep the magic 0xEF53 at byte 1080 (little endian: 53 ef)
magic=$(dd if=/dev/vdb bs=1 skip=1080 count=2 2>/dev/null | od -An -tx1 | tr -d ' \n')
if [ "$magic" != 53ef ]; then
  if ! mke2fs -L openvdi-home /dev/vdb >/dev/null 2>&1; then
    status "in memory (formatting /dev/vdb failed)"
    exit 0
  fi
  formatted=" (formatted now)"
fi
if mount -t ext2 /dev/vdb /home 2>/dev/null || mount /dev/vdb /home 2>/dev/null; then
  echo "boot $(date -u '+%Y-%m-%dT%H:%M:%SZ') $(cat /sys/class/dmi/id/product_uuid 2>/dev/null)" >> /home/boots
  sync
  status "/dev/vdb on /home${formatted:-}, boot $(wc -l < /home/boots)"
else
  status "in memory (/dev/vdb did not mount)"
fi
