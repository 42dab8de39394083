#!/bin/bash
# (Re)create the patch-queue work tree BUILDDIR/libvirt: the unpacked
# Debian source as one base commit, then one commit per patch in
# PATCHDIR/series, applied with 'git am'.
#
# Usage: import.sh BUILDDIR PATCHDIR
set -euo pipefail

BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR PATCHDIR}")
PATCHES=$(realpath "${2:?usage: $0 BUILDDIR PATCHDIR}")
SRC=$BUILD/source/libvirt-9.0.0
WT=$BUILD/libvirt

say() { echo "import: $*"; }
die() { echo "import: error: $*" >&2; exit 1; }

[ -d "$SRC" ] || die "no unpacked source in $SRC; run 'make' (or scripts/fetch-source.sh) first"
revision=$(cat "$BUILD/source/debian-revision")

if [ -d "$WT/.git" ] && [ -n "$(git -C "$WT" status --porcelain)" ]; then
    die "$WT has uncommitted changes; commit them and 'make export', or discard them, before importing"
fi

# Fixed identity and dates: the base commit is the same on every machine.
export GIT_AUTHOR_NAME="Debian libvirt source" GIT_AUTHOR_EMAIL="debian@localhost"
export GIT_COMMITTER_NAME="libvirt patch queue" GIT_COMMITTER_EMAIL="patch-queue@localhost"
export GIT_AUTHOR_DATE="2023-01-16T00:00:00Z" GIT_COMMITTER_DATE="2023-01-16T00:00:00Z"

say "creating $WT from Debian $revision"
rm -rf "$WT.new"
cp -a "$SRC" "$WT.new"
git -C "$WT.new" init -q -b main
git -C "$WT.new" config user.name "Notify VM exit series"
git -C "$WT.new" config user.email "notify-vmexit@series.invalid"
# debian/ is packaging, src/keycodemapdb is a git submodule upstream: both
# stay on disk for the build but out of the index, so that libvirt's
# syntax-check sees the tree as upstream's does.
cat >> "$WT.new/.git/info/exclude" <<'EXCL'
/debian/
/src/keycodemapdb/
/.pc/
EXCL
git -C "$WT.new" add -A
git -C "$WT.new" commit -q -m "Debian libvirt $revision

Upstream libvirt 9.0.0 with Debian's patches applied (dpkg-source -x)."
git -C "$WT.new" tag base

unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
n=0
if [ -f "$PATCHES/series" ]; then
    while read -r p; do
        case "$p" in ''|'#'*) continue ;; esac
        [ -f "$PATCHES/$p" ] || die "patches/series names '$p', which does not exist"
        # Keep the committer date equal to the author date so re-imports
        # are reproducible.
        if ! git -C "$WT.new" am -q --committer-date-is-author-date --keep-cr "$PATCHES/$p" > "$BUILD/am.log" 2>&1; then
            cat "$BUILD/am.log" >&2
            git -C "$WT.new" am --abort >/dev/null 2>&1 || true
            die "patch '$p' does not apply on Debian $revision (plus the patches before it); fix or rebase it (README: 'Moving the base')"
        fi
        n=$((n + 1))
    done < "$PATCHES/series"
fi

rm -rf "$WT"
mv "$WT.new" "$WT"
say "$WT: base plus $n patch(es)"
