#!/bin/bash
# 'make import' then 'make export' reproduces patches/ byte for byte, and the
# work tree has the base commit plus one commit per patch.
. "$(dirname "$0")/../lib.sh"
[ -d "$BUILD/source" ] || fail "no fetched source in $BUILD/source"
mkdir -p "$TMP/b"
ln -s "$BUILD/source" "$TMP/b/source"
"$ROOT/scripts/import.sh" "$TMP/b" "$ROOT/patches"
"$ROOT/scripts/export.sh" "$TMP/b" "$TMP/out"
diff -ru "$ROOT/patches" "$TMP/out" || fail "export after import differs from patches/"
n=$(grep -c . "$ROOT/patches/series" || true)
c=$(git -C "$TMP/b/libvirt" rev-list --count base..HEAD)
[ "$n" = "$c" ] || fail "series has $n patches, work tree has $c commits"
[ -z "$(git -C "$TMP/b/libvirt" status --porcelain)" ] || fail "fresh work tree is not clean"
echo "round trip of $n patches is exact"
