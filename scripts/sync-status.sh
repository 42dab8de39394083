#!/bin/bash
# Warn when the work tree's commits and patches/ have drifted apart, and
# say which command reconciles them.  Never changes anything.
#
# Usage: sync-status.sh BUILDDIR PATCHDIR
set -euo pipefail
BUILD=$(realpath -m "$1")
PATCHES=$(realpath -m "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$(dirname "$0")/export.sh" "$BUILD" "$tmp/patches" > /dev/null 2>&1 || exit 0
mkdir -p "$PATCHES"
if ! diff -rq "$tmp/patches" "$PATCHES" > /dev/null 2>&1; then
    echo "build: warning: build/libvirt's commits differ from patches/:" \
         "'make export' keeps the work tree's commits," \
         "'make import' takes patches/ (and drops uncommitted work)" >&2
fi
