#!/bin/bash
# A patch that no longer applies makes the import fail, naming the patch,
# and leaves any existing work tree alone.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$TMP/b" "$TMP/patches"
# the fetched sources of the base, under the test's own build directory
tsrc=$(BUILD=$TMP/b "$ROOT/pipeline/layout.sh" --print | sed -n 's/^SOURCES=//p')
mkdir -p "$(dirname "$tsrc")"
ln -s "$SOURCES" "$tsrc"
cp "$PATCHES"/* "$TMP/patches/" 2>/dev/null || true
cat > "$TMP/patches/9999-conf-Stale-change.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@localhost>
Date: Mon, 16 Jan 2023 00:00:00 +0000
Subject: [PATCH] conf: Stale change

---
 NEWS.rst | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/NEWS.rst b/NEWS.rst
--- a/NEWS.rst
+++ b/NEWS.rst
@@ -1,3 +1,3 @@
-this line is not in libvirt's NEWS.rst
+nor is this one
 at all
 anywhere
PATCH
echo "9999-conf-Stale-change.patch" >> "$TMP/patches/series"
if BUILD=$TMP/b PATCHES_FROM=$TMP/patches "$ROOT/pipeline/import.sh" > "$TMP/out" 2>&1; then
    fail "import of a stale patch succeeded"
fi
expect_in "$TMP/out" "patch '9999-conf-Stale-change.patch' does not apply" "error names the patch"
twt=$(BUILD=$TMP/b "$ROOT/pipeline/layout.sh" --print | sed -n 's/^WORKTREE=//p')
[ ! -e "$twt" ] || fail "a half-made work tree was left behind"
echo "stale patch refused by name"
