#!/bin/bash
# (Re)create the work tree of a patch queue (QUEUE=libvirt, the default, or
# QUEUE=qemu): the unpacked Debian source as one base commit, then one
# commit per patch in patches/QUEUE/series, applied with 'git am'.  The
# cover letter (0000-cover-letter.patch) becomes the branch description
# again, which 'make export' turns back into it.
#
# PATCHES_FROM=DIR takes the patches from DIR instead (the pipeline tests).
set -euo pipefail
. "$(dirname "$0")/layout.sh"
PATCHES=$(realpath -m "${PATCHES_FROM:-$QUEUE_PATCHES}")
WORKTREE=$QUEUE_WORKTREE
SOURCE_DIR=$QUEUE_SOURCE_DIR
SOURCE_TREE=$QUEUE_SOURCE_TREE

say() { echo "import: $*"; }
die() { echo "import: error: $*" >&2; exit 1; }

[ -d "$SOURCE_TREE" ] || die "no unpacked source in $SOURCE_TREE; run 'make' (or 'make fetch') first"
revision=$(cat "$SOURCE_DIR/debian-revision")

if [ -d "$WORKTREE/.git" ] && [ -n "$(git -C "$WORKTREE" status --porcelain)" ]; then
    die "$WORKTREE has uncommitted changes; commit them and 'make export', or discard them, before importing"
fi

# Fixed identity and dates: the base commit is the same on every machine.
export GIT_AUTHOR_NAME="Debian $SRC_PACKAGE source" GIT_AUTHOR_EMAIL="debian@localhost"
export GIT_COMMITTER_NAME="$SRC_PACKAGE patch queue" GIT_COMMITTER_EMAIL="patch-queue@localhost"
export GIT_AUTHOR_DATE="2023-01-16T00:00:00Z" GIT_COMMITTER_DATE="2023-01-16T00:00:00Z"

# No automatic 'git gc' from the commits below: the base commit leaves
# thousands of loose objects, so 'git am' would start a detached gc that
# goes on writing in the work tree after this script has returned (and
# races with whoever moves or removes the tree next).  Later commits in
# the work tree gc as usual.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0

mkdir -p "$LOGS"
say "creating $WORKTREE from Debian $revision"
rm -rf "$WORKTREE.new"
cp -a "$SOURCE_TREE" "$WORKTREE.new"
git -C "$WORKTREE.new" init -q -b main
git -C "$WORKTREE.new" config user.name "Notify VM exit series"
git -C "$WORKTREE.new" config user.email "notify-vmexit@series.invalid"
# debian/ is packaging, and libvirt's keycodemapdb is a git submodule
# upstream: they stay on disk for the build but out of the index, so that
# libvirt's syntax-check sees the tree as upstream's does.
printf '%s\n' /debian/ /.pc/ >> "$WORKTREE.new/.git/info/exclude"
if [ "$SRC_QUEUE" = libvirt ]; then
    # src/ in libvirt 9, subprojects/ since libvirt 10
    printf '%s\n' /src/keycodemapdb/ /subprojects/keycodemapdb/ >> "$WORKTREE.new/.git/info/exclude"
fi
git -C "$WORKTREE.new" add -A
git -C "$WORKTREE.new" commit -q -m "Debian $SRC_PACKAGE $revision

Upstream $SRC_PACKAGE $SRC_UPSTREAM with Debian's patches applied."
git -C "$WORKTREE.new" tag debian

unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
# apply DIR: one commit for each patch in DIR/series, in order
apply() {
    local dir=$1 p n=0
    [ -f "$dir/series" ] || { echo 0; return 0; }
    while read -r p; do
        case "$p" in ''|'#'*) continue ;; esac
        [ -f "$dir/$p" ] || die "$dir/series names '$p', which does not exist"
        # Keep the committer date equal to the author date so re-imports
        # are reproducible.
        if ! git -C "$WORKTREE.new" am -q --committer-date-is-author-date --keep-cr "$dir/$p" > "$LOGS/am.log" 2>&1; then
            cat "$LOGS/am.log" >&2
            git -C "$WORKTREE.new" am --abort >/dev/null 2>&1 || true
            die "patch '$p' does not apply on Debian $revision (plus the patches before it in $dir); fix or rebase it (docs/workflow.md: 'Moving the base')"
        fi
        n=$((n + 1))
    done < "$dir/series"
    echo "$n"
}
# the queues below this one are part of its base (BASE=deb13: the libvirt
# queue sits on libvirt-fixes); 'base' is where this queue's own patches
# start
below=
for q in $QUEUE_BELOW; do
    m=$(apply "$ROOT/patches/$BASE/$q")
    below="$below, $m of $q"
done
git -C "$WORKTREE.new" tag base
n=$(apply "$PATCHES")

# the cover letter: its subject and its text up to the shortlog
cover=$PATCHES/0000-cover-letter.patch
if [ -f "$cover" ]; then
    {
        # the subject, unfolded (a long one continues on lines that
        # start with a blank)
        awk '/^$/ { exit } /^Subject: / { s = $0; on = 1; next }
             on && /^[ \t]/ { s = s $0; next } { on = 0 }
             END { sub(/^Subject: \[PATCH[^]]*\] /, "", s); print s }' "$cover"
        echo
        # the body: after the headers, up to the shortlog ("Name (N):")
        sed -n '/^$/,$p' "$cover" | sed '1d' | sed '/^[^ ].* ([0-9]*):$/,$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
    } > "$LOGS/cover-letter.txt"
    git -C "$WORKTREE.new" config branch.main.description "$(cat "$LOGS/cover-letter.txt")"
fi

rm -rf "$WORKTREE"
mv "$WORKTREE.new" "$WORKTREE"
say "$WORKTREE: base${below:+ (Debian$below)} plus $n patch(es)"
