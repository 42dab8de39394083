# Shared helpers for the project's shell tests (sourced).
# BUILD and ROOT come from tests/run-tests.sh.
set -euo pipefail
: "${BUILD:?run through tests/run-tests.sh or make check}"
: "${ROOT:?run through tests/run-tests.sh or make check}"

TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "$BUILD/results/tmp.$TEST_NAME.XXXXXX")
cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT

fail() { echo "FAIL: $TEST_NAME: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# expect_in FILE PATTERN DESCRIPTION
expect_in() {
    grep -qE -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$3: expected /$2/"; }
}
