#!/bin/bash
# 'make import' then 'make export' reproduces patches/ byte for byte, and the
# work tree has the base commit plus one commit per patch, with the cover
# letter as its branch description.
. "$(dirname "$0")/../lib.sh"
[ -d "$SOURCE_DIR" ] || fail "no fetched source in $SOURCE_DIR"
mkdir -p "$TMP/b"
ln -s "$SOURCE_DIR" "$TMP/b/source"
BUILD=$TMP/b "$ROOT/pipeline/import.sh"
BUILD=$TMP/b PATCHES_TO=$TMP/out "$ROOT/pipeline/export.sh"
[ -f "$TMP/out/0000-cover-letter.patch" ] || fail "export wrote no cover letter"
diff -ru "$ROOT/patches" "$TMP/out" || fail "export after import differs from patches/"
n=$(grep -c . "$ROOT/patches/series" || true)
c=$(git -C "$TMP/b/libvirt" rev-list --count base..HEAD)
[ "$n" = "$c" ] || fail "series has $n patches, work tree has $c commits"
[ -z "$(git -C "$TMP/b/libvirt" status --porcelain)" ] || fail "fresh work tree is not clean"
echo "round trip of $n patches is exact"
