#!/bin/bash
# Warn when the work tree's commits and patches/ have drifted apart, and
# say which command reconciles them.  Never changes anything.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATCHES_TO=$tmp/patches "$ROOT/pipeline/export.sh" > /dev/null 2>&1 || exit 0
if ! diff -rq "$tmp/patches" "$PATCHES" > /dev/null 2>&1; then
    echo "build: warning: $WORKTREE's commits differ from patches/:" \
         "'make export' keeps the work tree's commits," \
         "'make import' takes patches/ (and drops uncommitted work)" >&2
fi
