#!/bin/bash
# Every number means the same thing on every libvirt: the installed
# libvirt-domain.h defines each value of tests/data/public-values.tsv with
# its number, and each enum ends right after the series' value (so no
# value was added behind our backs).
. "$(dirname "$0")/../lib.sh"

header=$PREFIX/include/libvirt/libvirt-domain.h
[ -f "$header" ] || fail "no $header; run 'make build' first"

n=0
while IFS=$'\t' read -r name value origin; do
    case $name in ''|'#'*) continue ;; esac
    # a number, or a flag such as "(1 << 11)"
    got=$(grep -oE "^ *$name = [^,]+," "$header" | sed -E "s/^ *$name = //; s/,\$//" || true)
    [ "$got" = "$value" ] ||
        fail "$name is '${got:-missing}' in $header, expected $value ($origin); see docs/attribution.md, Public values"
    if [ "$origin" = series ]; then
        # the next line of the enum is its sentinel, or its end (flags)
        next=$(grep -A10 -E "^ *$name = " "$header" | tail -n +2 | grep -m1 -oE '^ *(VIR_[A-Z_]+ = [^,]+|# ifdef VIR_ENUM_SENTINELS|} [A-Za-z]+;)' || true)
        case $next in
            *VIR_ENUM_SENTINELS|'} '*) ;;
            *) fail "$name is not the last value of its enum: $next" ;;
        esac
    fi
    n=$((n + 1))
done < "$ROOT/tests/data/public-values.tsv"

h_log "$n public values as expected in $header"
