# Synthetic KVM exits in a guest's QEMU (sourced after daemons.sh): shell
# entry points to harness/injector.py, the one implementation of the
# injector's trigger protocol and log format.

_h_injector() { python3 "$HARNESS/injector.py" "$@"; }

# h_injector_env NAME: the <qemu:env> lines that preload the injector into
# NAME's QEMU, with a trigger and a log of its own
h_injector_env() { _h_injector env "$INJECTOR" "$GUESTS" "$1"; }

# h_injector_reset NAME: forget NAME's earlier trigger and log
h_injector_reset() { _h_injector reset "$GUESTS" "$1"; }

# h_inject NAME KIND [VCPU]: ask NAME's injector for one exit and wait
# until it injected it (or refused it); prints the injector's line
h_inject() { _h_injector inject "$GUESTS" "$1" "$2" "${3:-0}"; }

# h_inject_burst NAME COUNT [VCPU]: a burst of COUNT non-fatal notify
# exits (notify-valid), one on each KVM_RUN; waits for the last one
h_inject_burst() { _h_injector inject "$GUESTS" "$1" notify-valid "${3:-0}" "$2"; }

# h_inject_nowait NAME KIND [VCPU]: ask for one exit, do not wait
h_inject_nowait() { _h_injector send "$GUESTS" "$1" "$2" "${3:-0}"; }

# h_injector_enabled NAME: what QEMU asked KVM for (the enable-cap lines)
h_injector_enabled() { _h_injector enabled "$GUESTS" "$1"; }

# h_log_fill NAME BYTES [nul]: make the injector in NAME's QEMU write
# BYTES (a multiple of 64) of filler lines to its stderr (with "nul", two
# NUL bytes in each), and wait until the last one reached QEMU's log
# (through virtlogd, possibly rotated, or the file)
h_log_fill() {
    local name=$1 bytes=$2 last i
    last=$(_h_injector fill "$GUESTS" "$name" "$bytes" ${3:-}) || return 1
    for i in $(seq 1 300); do
        if grep -q -F "$last" "$H_LOGDIR/$name".log* 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: $name: $bytes bytes of filler did not reach $H_LOGDIR/$name.log within 30 s" \
         "(the injector logs next to $GUESTS/$name.xml)" >&2
    return 1
}

# h_log_fill_nowait NAME BYTES [nul]: the same, without waiting
h_log_fill_nowait() { _h_injector fill "$GUESTS" "$1" "$2" ${3:-} > /dev/null; }

# h_injector_taken NAME: wait until NAME's injector took the last command
# (it writes a filler before it takes the next one)
h_injector_taken() { _h_injector taken "$GUESTS" "$1"; }
