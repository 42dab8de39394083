#!/bin/bash
# make demo-stop: stop the private daemons (and the guest) that
# 'make demo KEEP=1' left running.
. "$(cd "$(dirname "$0")/.." && pwd)/harness/lib.sh"
. "$HARNESS/daemons.sh"
layout_report demo-stop
h_stop_daemons
echo "demo-stop: private daemons stopped"
