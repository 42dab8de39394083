#!/bin/bash
# For each patch queue (libvirt, qemu): 'make import' then 'make export'
# reproduces patches/QUEUE/ byte for byte, and the work tree has the base
# commit plus one commit per patch, with the cover letter as its branch
# description.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$TMP/b"
ln -s "$SOURCES" "$TMP/b/source"
for q in libvirt qemu; do
    [ -d "$SOURCES/$q" ] || fail "no fetched $q source in $SOURCES/$q"
    QUEUE=$q BUILD=$TMP/b "$ROOT/pipeline/import.sh"
    QUEUE=$q BUILD=$TMP/b PATCHES_TO=$TMP/out-$q "$ROOT/pipeline/export.sh"
    [ -f "$TMP/out-$q/0000-cover-letter.patch" ] || fail "export of the $q queue wrote no cover letter"
    diff -ru "$ROOT/patches/$q" "$TMP/out-$q" || fail "export after import differs from patches/$q/"
    n=$(grep -c . "$ROOT/patches/$q/series" || true)
    c=$(git -C "$TMP/b/$q" rev-list --count base..HEAD)
    [ "$n" = "$c" ] || fail "the $q series has $n patches, its work tree has $c commits"
    [ -z "$(git -C "$TMP/b/$q" status --porcelain)" ] || fail "the fresh $q work tree is not clean"
    echo "round trip of the $q queue's $n patches is exact"
    rm -rf "$TMP/b/$q"
done
