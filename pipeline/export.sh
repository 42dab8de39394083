#!/bin/bash
# Write patches/QUEUE/ (QUEUE=libvirt, the default, or QUEUE=qemu) from the
# queue's work tree, its commits on top of the base: numbered
# 'git format-patch' files, the cover letter (0000-cover-letter.patch,
# from the branch description: 'git branch --edit-description' in the
# work tree) and a 'series' file.  The output does not depend on commit
# hashes, the clock or the git version, so import followed by export is
# a no-op.
#
# PATCHES_TO=DIR writes to DIR instead (sync-status, the pipeline tests).
set -euo pipefail
. "$(dirname "$0")/layout.sh"
OUT=$(realpath -m "${PATCHES_TO:-$QUEUE_PATCHES}")
WORKTREE=$QUEUE_WORKTREE

die() { echo "export: error: $*" >&2; exit 1; }

[ -d "$WORKTREE/.git" ] || die "no work tree in $WORKTREE; run 'make import' first"
git -C "$WORKTREE" rev-parse -q --verify base >/dev/null || die "$WORKTREE has no 'base' tag; re-create it with 'make import'"
if [ -n "$(git -C "$WORKTREE" status --porcelain --untracked-files=no)" ]; then
    echo "export: warning: $WORKTREE has uncommitted changes; they are not exported" >&2
fi
cover=()
if [ -n "$(git -C "$WORKTREE" config branch.main.description || true)" ]; then
    cover=(--cover-letter --cover-from-description=subject)
elif [ "$(git -C "$WORKTREE" rev-list --count base..HEAD)" -gt 0 ]; then
    echo "export: warning: the series has no cover letter; write one with 'git branch --edit-description' in $WORKTREE" >&2
fi

mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the cover letter's date and sender: those of the last commit
GIT_COMMITTER_DATE=$(git -C "$WORKTREE" log -1 --format=%ad --date=raw) \
GIT_COMMITTER_NAME=$(git -C "$WORKTREE" log -1 --format=%an) \
GIT_COMMITTER_EMAIL=$(git -C "$WORKTREE" log -1 --format=%ae) \
git -C "$WORKTREE" format-patch -q --zero-commit --no-signature \
    --full-index "${cover[@]}" -o "$tmp" base..HEAD
rm -f "$OUT"/[0-9][0-9][0-9][0-9]-*.patch
: > "$OUT/series"
for f in "$tmp"/*.patch; do
    [ -e "$f" ] || break
    b=$(basename "$f")
    mv "$f" "$OUT/$b"
    # the cover letter is no patch to apply
    [ "$b" = 0000-cover-letter.patch ] || echo "$b" >> "$OUT/series"
done
echo "export: $(wc -l < "$OUT/series") patch(es)${cover:+ and the cover letter} written to $OUT"
