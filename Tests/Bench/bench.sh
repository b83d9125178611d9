#!/usr/bin/env bash
# `make bench`: how fast `logbridge ship --once` empties an N-entry journal into a counting `_bulk` sink
# (BenchSink, built from this repo), next to the floor set by `journalctl -o json` reading the same files.
#
# usage: Tests/Bench/bench.sh [N]          (run from anywhere; builds in the repo)
#   N          entries in the corpus (default $N or 1000000)
# environment:
#   BENCH_DIR          corpus cache and run directories (default /tmp/logbridge-bench); never inside the repo
#   SWIFT_BUILD_FLAGS  extra `swift build` flags, e.g. "--scratch-path .build-bench"
#   LOGBRIDGE          use this logbridge binary instead of building one
#   KEEP_EXPORT=1      keep the export file once the journal files are made (it is ~720 bytes per entry)
#   HOSTS (200) SEED (42) MAX_DOCS (2000) MAX_IN_FLIGHT (2)
#
# The corpus is generated once per N (`logbridge demo generate`), converted by systemd-journal-remote into
# BENCH_DIR/journal-N/ and its entry count checked; later runs reuse it. Exit status 1 when any event is lost.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-${N:-1000000}}
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-bench}
HOSTS=${HOSTS:-200}
SEED=${SEED:-42}
MAX_DOCS=${MAX_DOCS:-2000}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-2}
JOURNAL_REMOTE=${JOURNAL_REMOTE:-/lib/systemd/systemd-journal-remote}
read -r -a BUILD_FLAGS <<< "${SWIFT_BUILD_FLAGS:-}"

[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench: N must be a positive integer, got '$N'" >&2; exit 2; }
case "$BENCH_DIR/" in "$REPO"/*) echo "bench: BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac
for tool in "$JOURNAL_REMOTE" /usr/bin/time journalctl curl; do
    command -v "$tool" > /dev/null || { echo "bench: $tool is missing (apt install systemd-journal-remote time curl)" >&2; exit 2; }
done
mkdir -p "$BENCH_DIR"

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# --- build -------------------------------------------------------------------------------------------------
cd "$REPO"
say "building release binaries"
swift build -c release "${BUILD_FLAGS[@]}" --product BenchSink >&2
BIN=$(swift build -c release "${BUILD_FLAGS[@]}" --show-bin-path)
if [ -z "${LOGBRIDGE:-}" ]; then
    swift build -c release "${BUILD_FLAGS[@]}" --product logbridge >&2
    LOGBRIDGE=$BIN/logbridge
fi
SINK=$BIN/BenchSink

# --- corpus (cached) ---------------------------------------------------------------------------------------
JOURNAL_DIR=$BENCH_DIR/journal-$N
EXPORT=$BENCH_DIR/corpus-$N.export
count_entries() { journalctl -q --directory="$1" -o export --output-fields=__CURSOR | grep -c '^__CURSOR=' || true; }

if [ ! -f "$JOURNAL_DIR/.complete" ]; then
    if [ ! -s "$EXPORT" ]; then
        say "generating $N entries from $HOSTS hosts (seed $SEED)"
        /usr/bin/time -f "   %e s, peak RSS %M kB" \
            "$LOGBRIDGE" demo generate --hosts "$HOSTS" --entries "$N" --seed "$SEED" --out "$EXPORT.part"
        mv "$EXPORT.part" "$EXPORT"
    fi
    say "converting with systemd-journal-remote"
    rm -rf "$JOURNAL_DIR.part"
    mkdir -p "$JOURNAL_DIR.part"
    /usr/bin/time -f "   %e s" "$JOURNAL_REMOTE" --split-mode=none -o "$JOURNAL_DIR.part/bench.journal" "$EXPORT" \
        2> >(grep -v 'rotating$' >&2)
    found=$(count_entries "$JOURNAL_DIR.part")
    if [ "$found" != "$N" ]; then
        echo "bench: the journal holds $found entries, expected $N; leaving $JOURNAL_DIR.part for inspection" >&2
        exit 2
    fi
    echo "$N" > "$JOURNAL_DIR.part/.complete"
    rm -rf "$JOURNAL_DIR"
    mv "$JOURNAL_DIR.part" "$JOURNAL_DIR"
    [ "${KEEP_EXPORT:-0}" = 1 ] || rm -f "$EXPORT"
else
    found=$(count_entries "$JOURNAL_DIR")
    [ "$found" = "$N" ] || { echo "bench: cached $JOURNAL_DIR holds $found entries, not $N; delete it" >&2; exit 2; }
fi
say "corpus: $N entries in $JOURNAL_DIR ($(du -sh "$JOURNAL_DIR" | cut -f1))"

# --- run ---------------------------------------------------------------------------------------------------
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
SINK_PID=
cleanup() {
    if [ -n "$SINK_PID" ] && kill -0 "$SINK_PID" 2> /dev/null; then
        kill "$SINK_PID" 2> /dev/null || true
        wait "$SINK_PID" 2> /dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$SINK" --port 0 --pidfile "$RUN/sink.pid" > "$RUN/sink.out" 2> "$RUN/sink.err" &
SINK_PID=$!
for _ in $(seq 50); do [ -s "$RUN/sink.out" ] && break; sleep 0.1; done
SINK_URL=$(sed -n '1s/.*"url":"\([^"]*\)".*/\1/p' "$RUN/sink.out")
[ -n "$SINK_URL" ] || { echo "bench: BenchSink did not start:" >&2; cat "$RUN/sink.err" >&2; exit 2; }

# One config per compression: the default (gzip) is measured beside none in the same run, on the same corpus.
write_config() { # compression
    cat > "$RUN/bench-$1.yaml" <<YAML
state_dir: $RUN/state-$1
logging:
  level: warning
output:
  hosts: ["$SINK_URL"]
  compression: $1
  max_in_flight: $MAX_IN_FLIGHT
  batch:
    max_docs: $MAX_DOCS
# Patterns are mined (the default); the catalogue and the health documents (one per input and minute, and one
# at stop) are off because the sink would count their documents as events.
patterns: {catalogue: false}
health: {enabled: false}
inputs:
  - type: journald
    id: bench
    directory: $JOURNAL_DIR
YAML
}

# /usr/bin/time -v output -> "wall_s cpu_s peak_rss_mb"
measure() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
        /User time/ { cpu += $2 } /System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %.2f %.1f\n", wall, cpu, rss }' "$1"
}
warm_cache() { cat "$JOURNAL_DIR"/*.journal > /dev/null; }
stat_field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<< "$2"; }
sink_cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$SINK_PID/stat"; }

# ship_run COMPRESSION: sets <C>_WALL <C>_CPU <C>_RSS <C>_DELIVERED <C>_BYTES <C>_SINK_CPU <C>_STATUS
ship_run() {
    local c=$1 status stats before
    write_config "$c"
    curl -sf -X POST "$SINK_URL/_sink/reset" > /dev/null
    before=$(sink_cpu)
    say "logbridge ship --once -> BenchSink ($SINK_URL), compression $c"
    warm_cache
    set +e
    /usr/bin/time -v -o "$RUN/logbridge-$c.time" "$LOGBRIDGE" ship --config "$RUN/bench-$c.yaml" --once \
        > "$RUN/logbridge-$c.out" 2> "$RUN/logbridge-$c.err"
    status=$?
    set -e
    [ "$status" = 0 ] || { echo "bench: logbridge exited with $status; last lines of $RUN/logbridge-$c.err:" >&2; tail -5 "$RUN/logbridge-$c.err" >&2; }
    stats=$(curl -sf "$SINK_URL/_sink/stats" || echo '{}')
    local delivered requests bytes wall cpu rss
    delivered=$(stat_field docs "$stats"); requests=$(stat_field requests "$stats"); bytes=$(stat_field bytes "$stats")
    read -r wall cpu rss < <(measure "$RUN/logbridge-$c.time")
    printf -v "${c^^}_WALL" %s "$wall"; printf -v "${c^^}_CPU" %s "$cpu"; printf -v "${c^^}_RSS" %s "$rss"
    printf -v "${c^^}_DELIVERED" %s "${delivered:-0}"; printf -v "${c^^}_REQUESTS" %s "${requests:-0}"
    printf -v "${c^^}_BYTES" %s "${bytes:-0}"; printf -v "${c^^}_STATUS" %s "$status"
    printf -v "${c^^}_SINK_CPU" %s "$(awk -v a="$before" -v b="$(sink_cpu)" 'BEGIN { printf "%.2f", b - a }')"
}

ship_run none
ship_run gzip

say "peer floor: journalctl -o json > /dev/null"
warm_cache
/usr/bin/time -v -o "$RUN/journalctl.time" journalctl -q --directory="$JOURNAL_DIR" -o json > /dev/null
read -r JC_WALL JC_CPU JC_RSS < <(measure "$RUN/journalctl.time")

# --- report ------------------------------------------------------------------------------------------------
row() { # name events wall cpu rss delivered lost
    awk -v name="$1" -v n="$2" -v wall="$3" -v cpu="$4" -v rss="$5" -v got="$6" -v lost="$7" 'BEGIN {
        rate = wall > 0 ? n / wall : 0
        printf "| %-40s | %9d | %7.2f | %10.0f | %13.2f | %12.1f | %9s | %6s |\n", name, n, wall, rate, cpu / n * 1e6, rss, got, lost }'
}
NONE_LOST=$((N - NONE_DELIVERED)); GZIP_LOST=$((N - GZIP_DELIVERED))
echo
echo "N = $N entries, $HOSTS hosts; batch max_docs $MAX_DOCS, max_in_flight $MAX_IN_FLIGHT; $(nproc) cores"
echo "| run                                      |    events |  wall s |   events/s | CPU-s per 1M | peak RSS MB | delivered |   lost |"
echo "|------------------------------------------|-----------|---------|------------|---------------|--------------|-----------|--------|"
row "logbridge ship --once, compression none" "$N" "$NONE_WALL" "$NONE_CPU" "$NONE_RSS" "$NONE_DELIVERED" "$NONE_LOST"
row "logbridge ship --once, gzip (default)" "$N" "$GZIP_WALL" "$GZIP_CPU" "$GZIP_RSS" "$GZIP_DELIVERED" "$GZIP_LOST"
row "journalctl -o json > /dev/null" "$N" "$JC_WALL" "$JC_CPU" "$JC_RSS" "-" "-"
echo
awk -v g="$GZIP_CPU" -v n="$NONE_CPU" -v gb="$GZIP_BYTES" -v nb="$NONE_BYTES" 'BEGIN {
    printf "gzip default: %.2fx the CPU of none; %.1f MB on the wire instead of %.1f (%.1fx smaller)\n",
        (n > 0 ? g / n : 0), gb / 1e6, nb / 1e6, (gb > 0 ? nb / gb : 0) }'
echo "sink: none $NONE_REQUESTS bulk requests, $NONE_SINK_CPU CPU-s; gzip $GZIP_REQUESTS requests, $GZIP_SINK_CPU CPU-s (inflating included)"
echo "logbridge exit status: none $NONE_STATUS, gzip $GZIP_STATUS; run files in $RUN"
if [ "$NONE_LOST" != 0 ] || [ "$GZIP_LOST" != 0 ] || [ "$NONE_STATUS" != 0 ] || [ "$GZIP_STATUS" != 0 ]; then
    echo "bench: FAILED: $NONE_LOST (none) / $GZIP_LOST (gzip) of $N events not delivered (or logbridge failed)" >&2
    exit 1
fi
