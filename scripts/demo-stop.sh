#!/bin/bash
# Stop the private daemons that 'make demo KEEP=1' left running.
set -euo pipefail
BUILD=$(realpath -m "${1:?usage: $0 BUILDDIR}")
export BUILD
. "$(cd "$(dirname "$0")/.." && pwd)/tests/harness/daemons.sh"
h_stop_daemons
echo "demo-stop: private daemons stopped"
