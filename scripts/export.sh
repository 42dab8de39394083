#!/bin/bash
# Write PATCHDIR from the work tree's commits on top of the base: numbered
# 'git format-patch' files and a 'series' file.  The output does not depend
# on commit hashes or the git version, so import followed by export is a
# no-op.
#
# Usage: export.sh BUILDDIR PATCHDIR
set -euo pipefail

BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR PATCHDIR}")
PATCHES=$(realpath -m "${2:?usage: $0 BUILDDIR PATCHDIR}")
WT=$BUILD/libvirt

die() { echo "export: error: $*" >&2; exit 1; }

[ -d "$WT/.git" ] || die "no work tree in $WT; run 'make import' first"
git -C "$WT" rev-parse -q --verify base >/dev/null || die "$WT has no 'base' tag; re-create it with 'make import'"
if [ -n "$(git -C "$WT" status --porcelain --untracked-files=no)" ]; then
    echo "export: warning: $WT has uncommitted changes; they are not exported" >&2
fi

mkdir -p "$PATCHES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$WT" format-patch -q --zero-commit --no-signature \
    --full-index -o "$tmp" base..HEAD
rm -f "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch
: > "$PATCHES/series"
for f in "$tmp"/*.patch; do
    [ -e "$f" ] || break
    b=$(basename "$f")
    mv "$f" "$PATCHES/$b"
    echo "$b" >> "$PATCHES/series"
done
echo "export: $(wc -l < "$PATCHES/series") patch(es) written to $PATCHES"
