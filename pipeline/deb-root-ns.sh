#!/bin/bash
# pipeline/deb-root.sh run, inside new mount and PID namespaces: make the
# root TREE '/' with /proc, /sys, a /dev of its own (the devices QEMU and
# libvirt use; /dev/kvm in the root's own kvm group, as its udev rules
# would set it), /run, then exec CMD.
# usage: deb-root-ns.sh TREE CMD...
set -euo pipefail
T=$1
shift
mount --bind "$T" "$T"
mount -t proc proc "$T/proc"
mount --rbind /sys "$T/sys"
mount -t tmpfs -o mode=755,nosuid dev "$T/dev"
D=$T/dev
mknod -m 666 "$D/null" c 1 3
mknod -m 666 "$D/zero" c 1 5
mknod -m 666 "$D/full" c 1 7
mknod -m 666 "$D/random" c 1 8
mknod -m 666 "$D/urandom" c 1 9
mknod -m 666 "$D/tty" c 5 0
mkdir "$D/pts" "$D/shm" "$D/net"
mknod -m 666 "$D/net/tun" c 10 200
mknod -m 660 "$D/kvm" c 10 232
# (a build root has no kvm group: the device stays root's)
kvm_gid=$(chroot "$T" getent group kvm | cut -d: -f3 || true)
[ -z "$kvm_gid" ] || chgrp "$kvm_gid" "$D/kvm"
ln -s pts/ptmx "$D/ptmx"
ln -s /proc/self/fd "$D/fd"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$D/pts"
mount -t tmpfs -o mode=1777 shm "$D/shm"
mount -t tmpfs -o mode=755 run "$T/run"
cd "$T"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
