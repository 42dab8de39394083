# Lifecycle events as virsh prints them (sourced after daemons.sh).

# h_events_start FILE / h_events_stop
h_events_start() {
    virsh event --loop --all --timestamp > "$1" 2>&1 &
    H_EVENTS_PID=$!
    h_on_exit h_events_stop
    sleep 0.3
}
h_events_stop() {
    if [ -n "${H_EVENTS_PID:-}" ]; then
        kill "$H_EVENTS_PID" 2>/dev/null || true
        wait "$H_EVENTS_PID" 2>/dev/null || true
    fi
    H_EVENTS_PID=
    return 0
}

# h_wait_event FILE PATTERN SECONDS
h_wait_event() {
    local i
    for i in $(seq 1 $(( ${3:-10} * 10 ))); do
        grep -qE -- "$2" "$1" && return 0
        sleep 0.1
    done
    echo "FAIL: no event matching '$2' within ${3:-10}s; events:" >&2
    cat "$1" >&2
    return 1
}
