#!/bin/bash
# Fetch the Debian source package of a patch queue (QUEUE=libvirt, the
# default, qemu or qemu-next) with apt, using a private apt state under
# build/ and deb-src entries derived from the system's own apt sources, with
# the system's suite names replaced by the base's.  Verify the upstream
# tarball and unpack it with Debian's patches applied.  The system's apt
# configuration is never changed.
# The base (package, version, tarball hash, known revision, suites) comes
# from pipeline/layout.sh.
#
# Every file is downloaded by apt's own helper against the SHA-256 that the
# signed Sources index gives for it.  When the mirror serves the .dsc,
# dpkg-source unpacks it; when it does not (Debian 13's libvirt), the
# upstream and Debian tarballs, each verified against the index, are
# unpacked and debian/patches/series is applied in order, as dpkg-source
# would.
set -euo pipefail
. "$(dirname "$0")/layout.sh"
PKG=$SRC_PACKAGE
UPSTREAM=$SRC_UPSTREAM
ORIG=${PKG}_${UPSTREAM}.orig.tar.xz
ORIG_SHA256=${FETCH_ORIG_SHA256:-$SRC_ORIG_SHA256}
# The system apt configuration the deb-src entries are derived from (the
# tests point this elsewhere).
ETC_APT=${FETCH_ETC_APT:-/etc/apt}
KNOWN_REVISION=$SRC_KNOWN_REVISION
APT=$APT_STATE
SRC=$QUEUE_SOURCE_DIR
TREE=$QUEUE_SOURCE_TREE

say() { echo "fetch: $*"; }
die() { echo "fetch: error: $*" >&2; exit 1; }

if [ -f "$SRC/unpacked.stamp" ] && [ -d "$TREE" ]; then
    say "Debian source $(cat "$SRC/debian-revision") already unpacked in $SRC"
    exit 0
fi

for tool in apt-get dpkg-source sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' not found; run 'make deps' first"
done

mkdir -p "$LOGS" "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial" "$SRC"
: > "$APT/sources.list"
rm -f "$APT"/sources.list.d/*

# Derive deb-src entries from the system's own sources, both formats.
# Each suite the system names is replaced by the base's suites with the
# same suffix (bookworm -> trixie and sid, bookworm-security ->
# trixie-security); a suite the base has nothing for is dropped.
suites_for() {
    local s=$1 suffix b out=
    case "$s" in *-*) suffix=-${s##*-} ;; *) suffix= ;; esac
    for b in $BASE_SUITES; do
        case "$b" in
            *-*) [ "-${b##*-}" = "$suffix" ] && out="$out $b" ;;
            *) [ -z "$suffix" ] && out="$out $b" ;;
        esac
    done
    echo "${out# }"
}
n=0
for f in "$ETC_APT/sources.list" "$ETC_APT"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI suite components...
    while read -r _ rest; do
        opts=
        case "$rest" in '['*) opts="${rest%%]*}] "; rest=${rest#*] } ;; esac
        read -r uri suite comps <<< "$rest"
        for s in $(suites_for "$suite"); do
            echo "deb-src $opts$uri $s $comps"
        done
    done < <(grep -E '^[[:space:]]*deb[[:space:]]' "$f") >> "$APT/sources.list"
done
for f in "$ETC_APT"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    # one stanza at a time: Types becomes deb-src, Suites the base's
    while IFS= read -r line; do
        case "$line" in
            Types:*) echo "Types: deb-src" ;;
            Suites:*)
                new=
                for s in ${line#Suites:}; do
                    new="$new $(suites_for "$s")"
                done
                new=$(echo $new)
                # a stanza left without suites is disabled, not dropped
                if [ -n "$new" ]; then
                    echo "Suites: $new"
                else
                    echo "Suites: $BASE_SUITES"
                    echo "Enabled: no"
                fi ;;
            *) echo "$line" ;;
        esac
    done < "$f" > "$APT/sources.list.d/system-$n.sources"
done
if ! grep -qs . "$APT/sources.list" && [ "$n" -eq 0 ]; then
    die "no apt sources found in $ETC_APT; configure a Debian mirror for apt first"
fi

APTOPTS=(
    -o "Dir::Etc::SourceList=$APT/sources.list"
    -o "Dir::Etc::SourceParts=$APT/sources.list.d"
    -o "Dir::State::Lists=$APT/lists"
    -o "Dir::Cache=$APT/cache"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
)

say "updating the private apt index in $APT (deb-src of $BASE_SUITES, derived from $ETC_APT)"
if ! apt-get "${APTOPTS[@]}" -q update > "$APT/update.log" 2>&1; then
    cat "$APT/update.log" >&2
    die "apt-get update of the deb-src index failed (see above); check the network and the mirror in $ETC_APT, then run 'make' again"
fi

# the newest revision of the upstream version the queue targets; a
# revision may carry an epoch (QEMU's "1:")
versions=$(apt-cache "${APTOPTS[@]}" showsrc "$PKG" 2>/dev/null | sed -n 's/^Version: //p' | sort -uV || true)
[ -n "$versions" ] || die "no '$PKG' source package found through the sources in $ETC_APT (suites $BASE_SUITES): check the network and that the mirror there is a Debian one, then run 'make' again"
revision=$(printf '%s\n' $versions | grep -E "^([0-9]+:)?${UPSTREAM//+/\\+}-" | tail -n 1 || true)
if [ -z "$revision" ]; then
    die "the mirror offers $PKG $(echo $versions), no $UPSTREAM revision; the series targets $UPSTREAM (docs/workflow.md, 'Moving the base')"
fi
if [ "$revision" != "$KNOWN_REVISION" ]; then
    say "note: the mirror offers $revision; the series was written against $KNOWN_REVISION"
fi

# the files of the source package and their SHA-256 in the signed index
say "downloading source package $PKG=$revision"
rm -rf "$SRC/download"
mkdir -p "$SRC/download"
if ! (cd "$SRC/download" && apt-get "${APTOPTS[@]}" -q source --print-uris "$PKG=$revision") > "$SRC/uris.log" 2>&1; then
    cat "$SRC/uris.log" >&2
    die "apt could not list the files of $PKG=$revision (see above); check the mirror and run 'make' again"
fi
dsc= debian_tar= n=0
: > "$SRC/download.log"
while read -r uri name _ hash; do
    uri=${uri#\'} uri=${uri%\'}
    if /usr/lib/apt/apt-helper download-file "$uri" "$SRC/download/$name" "$hash" >> "$SRC/download.log" 2>&1; then
        n=$((n + 1))
        case "$name" in
            *.dsc) dsc=$SRC/download/$name ;;
            *.debian.tar.*) debian_tar=$SRC/download/$name ;;
        esac
        continue
    fi
    rm -f "$SRC/download/$name"
    case "$name" in
        # a missing signature or .dsc is survivable: every tarball is
        # still checked against the signed index
        *.asc|*.dsc) say "note: the mirror does not serve $name; going on without it" ;;
        *) tail -n 5 "$SRC/download.log" >&2
           die "downloading $name of $PKG=$revision failed (see above; log: $SRC/download.log); check the network and run 'make' again" ;;
    esac
done < <(grep "^'" "$SRC/uris.log")
[ -f "$SRC/download/$ORIG" ] || die "the mirror's index lists no $ORIG for $PKG=$revision; the series targets that tarball"
say "downloaded $n file(s), each matching the SHA-256 of the signed Sources index"

say "verifying $ORIG"
actual=$(sha256sum "$SRC/download/$ORIG" | cut -d' ' -f1)
if [ "$actual" != "$ORIG_SHA256" ]; then
    die "$ORIG has SHA-256 $actual, expected $ORIG_SHA256: the upstream tarball differs from the one this series targets; do not build on it (remove $SRC and retry, or move the base as docs/workflow.md says)"
fi

say "unpacking with Debian's patches applied"
rm -rf "$TREE" "$TREE.new"
if [ -n "$dsc" ]; then
    if ! dpkg-source --no-check -x "$dsc" "$TREE" > "$SRC/unpack.log" 2>&1; then
        cat "$SRC/unpack.log" >&2
        die "dpkg-source could not unpack $dsc (see above)"
    fi
else
    [ -n "$debian_tar" ] || die "the mirror serves neither the .dsc nor a Debian tarball of $PKG=$revision"
    # what dpkg-source -x does for a 3.0 (quilt) package: the upstream
    # tarball, debian/ from the Debian tarball, then the series in order
    mkdir -p "$TREE.new"
    tar -xf "$SRC/download/$ORIG" -C "$TREE.new" --strip-components=1
    tar -xf "$debian_tar" -C "$TREE.new"
    format=$(cat "$TREE.new/debian/source/format" 2>/dev/null || true)
    [ "$format" = "3.0 (quilt)" ] || die "$debian_tar is source format '$format'; only '3.0 (quilt)' can be unpacked without the .dsc"
    {
        applied=0
        if [ -f "$TREE.new/debian/patches/series" ]; then
            while read -r p opts; do
                case "$p" in ''|'#'*) continue ;; esac
                echo "applying $p"
                patch -d "$TREE.new" -p1 -s -f -E -F0 --no-backup-if-mismatch ${opts:-} < "$TREE.new/debian/patches/$p" || exit 1
                applied=$((applied + 1))
            done < "$TREE.new/debian/patches/series"
        fi
        echo "$applied patch(es) applied"
    } > "$SRC/unpack.log" 2>&1 || {
        tail -n 20 "$SRC/unpack.log" >&2
        die "Debian's patches of $PKG=$revision do not apply to $ORIG (log: $SRC/unpack.log)"
    }
    say "no .dsc: $(tail -n 1 "$SRC/unpack.log") from debian/patches/series"
    mv "$TREE.new" "$TREE"
fi
echo "$revision" > "$SRC/debian-revision"
touch "$SRC/unpacked.stamp"
say "Debian source $revision ready in $TREE"
