#!/bin/bash
# make fuzz: build the libFuzzer targets with clang, ASan and UBSan, and run
# each for a bounded number of executions (FUZZ_RUNS, default 10 million)
# or time (FUZZ_SECONDS, default 600).  Not part of 'make check'.
#
# Usage: fuzz.sh BUILDDIR
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${FUZZ_RUNS:-10000000}
SECONDS_MAX=${FUZZ_SECONDS:-600}
OUT=$BUILD/fuzz
WT=$BUILD/libvirt
BD=$BUILD/libvirt-build
LIBDIR=$BUILD/prefix/lib/x86_64-linux-gnu

command -v clang > /dev/null || { echo "fuzz: error: clang is missing: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
[ -f "$LIBDIR/libvirt.so" ] || { echo "fuzz: error: no libvirt in $BUILD/prefix: run 'make'" >&2; exit 1; }
mkdir -p "$OUT"

echo "fuzz: [1/2] building fuzz-notify-log (clang, ASan, UBSan, libFuzzer)"
# the decision function is compiled from the patched tree, instrumented;
# the libvirt helpers it calls come from the private install
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DIN_LIBVIRT \
    -I "$BD" -I "$WT" -I "$WT/src" -I "$BD/src" -I "$WT/src/util" -I "$BD/src/util" \
    -I "$WT/include" -I "$BD/include" -I "$WT/src/conf" -I "$BD/src/conf" \
    $(pkg-config --cflags glib-2.0 libxml-2.0) \
    "$ROOT/tools/fuzz/fuzz-notify-log.c" "$WT/src/qemu/qemu_notify_vmexit.c" \
    -L "$LIBDIR" -Wl,-rpath,"$LIBDIR" -lvirt $(pkg-config --libs glib-2.0) \
    -o "$OUT/fuzz-notify-log"

echo "fuzz: [2/2] running fuzz-notify-log: $RUNS executions or $SECONDS_MAX s"
rm -rf "$OUT/corpus-notify-log"
mkdir -p "$OUT/corpus-notify-log" "$OUT/findings"
cp "$ROOT"/tools/fuzz/seeds-notify-log/* "$OUT/corpus-notify-log/"
set +e
"$OUT/fuzz-notify-log" -runs="$RUNS" -max_total_time="$SECONDS_MAX" \
    -max_len=4096 -artifact_prefix="$OUT/findings/" \
    "$OUT/corpus-notify-log" > "$OUT/fuzz-notify-log.log" 2>&1
rc=$?
set -e
execs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$OUT/fuzz-notify-log.log" | tail -n 1 || true)
findings=$(ls "$OUT/findings" | wc -l)
echo "fuzz: fuzz-notify-log: ${execs:-no summary (crashed?)}(s), $findings findings (log: $OUT/fuzz-notify-log.log)"
[ "$rc" -eq 0 ] && [ "$findings" -eq 0 ]
