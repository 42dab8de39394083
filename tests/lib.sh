# Shared helpers of the project's shell tests (sourced first by each test):
# the harness, a scratch directory removed on exit, and assertions.
# Meson's test runner (tests/meson.build) sets ROOT, BUILD and FLAVOUR.
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/harness/lib.sh"
. "$HARNESS/instance.sh"
TEST_NAME=$(basename "$0" .sh)
# each test with daemons of its own, so that tests run side by side
h_private_instance "${TEST_NAME#test-}"
. "$HARNESS/daemons.sh"
. "$HARNESS/guest.sh"
. "$HARNESS/inject.sh"
. "$HARNESS/events.sh"

mkdir -p "$RESULTS"
TMP=$(mktemp -d "$RESULTS/tmp.$TEST_NAME.XXXXXX")
h_on_exit 'rm -rf "$TMP"'

# (an end-to-end test says which QEMU it ran on: tests/e2e/lib-e2e.sh)
fail() { echo "FAIL: $TEST_NAME: ${E2E_QEMU:+[$E2E_QEMU QEMU] }$*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# expect_in FILE PATTERN DESCRIPTION
expect_in() {
    grep -qE -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$3: expected /$2/"; }
}
