#!/bin/bash
# For each patch queue of the base: 'make import' then 'make export'
# reproduces patches/BASE/QUEUE/ byte for byte, and the work tree has the base
# commit plus one commit per patch, with the cover letter as its branch
# description.
. "$(dirname "$0")/../lib.sh"
# the fetched sources of the base, under the test's own build directory
tsrc=$(BUILD=$TMP/b "$ROOT/pipeline/layout.sh" --print | sed -n 's/^SOURCES=//p')
mkdir -p "$(dirname "$tsrc")"
ln -s "$SOURCES" "$tsrc"
for q in $BASE_QUEUES; do
    qp=$(QUEUE=$q "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_PATCHES=//p')
    qsrc=$(QUEUE=$q "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_SOURCE_DIR=//p')
    qwt=$(QUEUE=$q BUILD=$TMP/b "$ROOT/pipeline/layout.sh" --print | sed -n 's/^QUEUE_WORKTREE=//p')
    # a queue that nothing built yet (qemu-next after 'make check
    # BASE=deb13' in a fresh clone): fetch its source as 'make import' would
    if [ ! -d "$qsrc" ]; then
        echo "the $q queue's source is not fetched yet: fetching it"
        QUEUE=$q "$ROOT/pipeline/fetch-source.sh" ||
            fail "fetching the $q queue's source failed (see above)"
    fi
    [ -d "$qsrc" ] || fail "no fetched source of the $q queue in $qsrc"
    QUEUE=$q BUILD=$TMP/b "$ROOT/pipeline/import.sh"
    QUEUE=$q BUILD=$TMP/b PATCHES_TO=$TMP/out-$q "$ROOT/pipeline/export.sh"
    [ -f "$TMP/out-$q/0000-cover-letter.patch" ] || fail "export of the $q queue wrote no cover letter"
    diff -ru "$qp" "$TMP/out-$q" || fail "export after import differs from $qp"
    n=$(grep -c . "$qp/series" || true)
    c=$(git -C "$qwt" rev-list --count base..HEAD)
    [ "$n" = "$c" ] || fail "the $q series has $n patches, its work tree has $c commits"
    [ -z "$(git -C "$qwt" status --porcelain)" ] || fail "the fresh $q work tree is not clean"
    echo "round trip of the $q queue's $n patches is exact"
    rm -rf "$qwt"
done
