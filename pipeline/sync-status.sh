#!/bin/bash
# Warn when a queue's work tree (QUEUE=libvirt, the default, or
# QUEUE=qemu) and its patches/QUEUE/ have drifted apart, and say which
# command reconciles them.  Never changes anything.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATCHES_TO=$tmp/patches "$ROOT/pipeline/export.sh" > /dev/null 2>&1 || exit 0
if ! diff -rq "$tmp/patches" "$QUEUE_PATCHES" > /dev/null 2>&1; then
    echo "build: warning: $QUEUE_WORKTREE's commits differ from patches/$BASE/$QUEUE/:" \
         "'make export' keeps the work tree's commits," \
         "'make import' takes patches/$BASE/$QUEUE/ (and drops uncommitted work)" >&2
fi
