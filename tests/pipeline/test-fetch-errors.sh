#!/bin/bash
# The fetch step says what failed and what to do: an unreachable mirror, and
# an upstream tarball whose SHA-256 is not the expected one.
. "$(dirname "$0")/../lib.sh"

# 1. unreachable mirror (a closed port on loopback)
mkdir -p "$TMP/etc/sources.list.d"
cat > "$TMP/etc/sources.list.d/dead.sources" <<'SRC'
Types: deb
URIs: http://127.0.0.1:9/debian
Suites: bookworm
Components: main
Trusted: yes
SRC
if FETCH_ETC_APT=$TMP/etc BUILD=$TMP/b1 "$ROOT/pipeline/fetch-source.sh" > "$TMP/out1" 2>&1; then
    fail "fetch from an unreachable mirror succeeded"
fi
expect_in "$TMP/out1" "fetch: error: .*(apt-get update|no 'libvirt' source package)" "unreachable mirror is reported"
expect_in "$TMP/out1" "(check the network|mirror)" "the message says what to do"

# 2. wrong hash: the real mirror, but a different expected SHA-256
bad=0000000000000000000000000000000000000000000000000000000000000000
if FETCH_ORIG_SHA256=$bad BUILD=$TMP/b2 "$ROOT/pipeline/fetch-source.sh" > "$TMP/out2" 2>&1; then
    fail "fetch with a wrong hash succeeded"
fi
if grep -q "downloading source package.*failed\|apt-get update of the deb-src index failed" "$TMP/out2"; then
    skip "the Debian mirror is unreachable from here, so the hash check cannot be reached"
fi
expect_in "$TMP/out2" "${SRC_PACKAGE}_${SRC_UPSTREAM//+/\\+}\\.orig\\.tar\\.xz has SHA-256 [0-9a-f]{64}, expected $bad" "hash mismatch names file and both hashes"
src2=$(BUILD=$TMP/b2 "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_SOURCE_DIR=//p')
[ ! -e "$src2/unpacked.stamp" ] || fail "a tarball with the wrong hash was unpacked"
echo "fetch errors are clear"
