#!/usr/bin/env bash
# Benchmark of the file and syslog inputs, called by `make bench` (Tests/Bench/bench.sh).
#   1. file:   an N-line RFC 3164 file (/var/log/messages style) -> `logbridge ship --once` -> BenchSink
#   2. syslog: N RFC 5424 lines over one TCP connection -> `logbridge ship` -> BenchSink, stopped once all arrived
# Each runs twice, log patterns off and on (the default), so the mining cost is the difference in one run.
# Prints lines/s, CPU-s per million lines, peak RSS and delivered vs sent; exit status 1 when anything is lost.
#
# usage: Tests/Bench/bench-syslog-file.sh [N]      (default $N or 1000000)
# environment: BENCH_DIR (/tmp/logbridge-bench), SWIFT_BUILD_FLAGS, LOGBRIDGE, MAX_DOCS (2000), MAX_IN_FLIGHT (2)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-${N:-1000000}}
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-bench}
MAX_DOCS=${MAX_DOCS:-2000}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-2}
read -r -a BUILD_FLAGS <<< "${SWIFT_BUILD_FLAGS:-}"
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench: N must be a positive integer, got '$N'" >&2; exit 2; }
case "$BENCH_DIR/" in "$REPO"/*) echo "bench: BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac
for tool in /usr/bin/time curl awk; do command -v "$tool" > /dev/null || { echo "bench: $tool is missing" >&2; exit 2; }; done
mkdir -p "$BENCH_DIR"
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

cd "$REPO"
say "building release binaries"
swift build -c release "${BUILD_FLAGS[@]}" --product BenchSink >&2
BIN=$(swift build -c release "${BUILD_FLAGS[@]}" --show-bin-path)
if [ -z "${LOGBRIDGE:-}" ]; then
    swift build -c release "${BUILD_FLAGS[@]}" --product logbridge >&2
    LOGBRIDGE=$BIN/logbridge
fi
SINK=$BIN/BenchSink

# --- corpora (deterministic, cached) ------------------------------------------------------------------------
MESSAGES=$BENCH_DIR/messages-$N.log
SYSLOG5424=$BENCH_DIR/rfc5424-$N.txt
if [ ! -s "$MESSAGES" ]; then
    say "generating $N RFC 3164 lines"
    awk -v n="$N" 'BEGIN {
        split("readout stfsender kernel systemd sshd o2-qc crond", app, " ")
        split("buffer full on link %d|page %d sent to EPN|CRU %d temperature nominal|Started session %d of user flp|Accepted publickey for root port %d|task %d finished in 12 ms|job %d started", msg, "|")
        for (i = 0; i < n; i++) {
            s = i % 86400
            printf "Nov 29 %02d:%02d:%02d flp%03d %s[%d]: ", int(s / 3600), int(s / 60) % 60, s % 60, i % 200 + 1, app[i % 7 + 1], 1000 + i % 5000
            printf msg[i % 7 + 1] " (event %d)\n", i % 48, i
        }
    }' > "$MESSAGES.part"
    mv "$MESSAGES.part" "$MESSAGES"
fi
if [ ! -s "$SYSLOG5424" ]; then
    say "generating $N RFC 5424 lines"
    awk -v n="$N" 'BEGIN {
        for (i = 0; i < n; i++) {
            s = i % 86400
            printf "<%d>1 2026-11-29T%02d:%02d:%02d.%06dZ epn%03d o2-readout %d ID%d [origin@32473 ip=\"10.0.%d.%d\"] event %d from the farm\n",
                134 + i % 8, int(s / 3600), int(s / 60) % 60, s % 60, i % 1000000, i % 200 + 1, 2000 + i % 3000, i % 10, i % 200, i % 250, i
        }
    }' > "$SYSLOG5424.part"
    mv "$SYSLOG5424.part" "$SYSLOG5424"
fi

RUN=$(mktemp -d "$BENCH_DIR/run-sf.XXXXXX")
SINK_PID=; LB_PID=
cleanup() {
    for p in $LB_PID $SINK_PID; do kill "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
}
trap cleanup EXIT

start_sink() {
    "$SINK" --port 0 > "$RUN/sink-$1.out" 2> "$RUN/sink-$1.err" &
    SINK_PID=$!
    for _ in $(seq 50); do [ -s "$RUN/sink-$1.out" ] && break; sleep 0.1; done
    SINK_URL=$(sed -n '1s/.*"url":"\([^"]*\)".*/\1/p' "$RUN/sink-$1.out")
    [ -n "$SINK_URL" ] || { echo "bench: BenchSink did not start" >&2; exit 2; }
}
delivered() { curl -sf "$SINK_URL/_sink/stats" | sed -n 's/.*"docs":\([0-9]*\).*/\1/p'; }
measure() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
        /User time/ { cpu += $2 } /System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %.2f %.1f\n", wall, cpu, rss }' "$1"
}
config() { # name input-yaml patterns(on|off)
    cat > "$RUN/$1.yaml" << YAML
state_dir: $RUN/state-$1
logging: {level: warning}
output:
  hosts: ["$SINK_URL"]
  compression: none
  max_in_flight: $MAX_IN_FLIGHT
  batch: {max_docs: $MAX_DOCS}
patterns: {enabled: $([ "$3" = on ] && echo true || echo false), catalogue: false}
health: {enabled: false}
inputs:
$2
YAML
}

# --- 1. file ---------------------------------------------------------------------------------------------
run_file() { # patterns(on|off)
    start_sink "file-$1"
    config "file-$1" "  - {type: file, id: bench-file, paths: [\"$MESSAGES\"], format: rfc3164, timezone: UTC}" "$1"
    cat "$MESSAGES" > /dev/null
    say "file, patterns $1: logbridge ship --once ($N lines) -> BenchSink"
    /usr/bin/time -v -o "$RUN/file-$1.time" "$LOGBRIDGE" ship --config "$RUN/file-$1.yaml" --once > "$RUN/file-$1.out" 2> "$RUN/file-$1.err" || true
    FILE_GOT=$(delivered); FILE_GOT=${FILE_GOT:-0}
    read -r F_WALL F_CPU F_RSS < <(measure "$RUN/file-$1.time")
    kill "$SINK_PID"; wait "$SINK_PID" 2> /dev/null || true; SINK_PID=
}

# --- 2. syslog over TCP -----------------------------------------------------------------------------------
run_syslog() { # patterns(on|off)
    start_sink "syslog-$1"
    PORT=$(( 20000 + RANDOM % 20000 ))
    config "syslog-$1" "  - {type: syslog, id: bench-syslog, listen: [\"tcp://127.0.0.1:$PORT\"], spool: {fsync: 1s, max_bytes: 4GiB}}" "$1"
    say "syslog, patterns $1: $N RFC 5424 lines over TCP -> logbridge ship -> BenchSink"
    /usr/bin/time -v -o "$RUN/syslog-$1.time" "$LOGBRIDGE" ship --config "$RUN/syslog-$1.yaml" > "$RUN/syslog-$1.out" 2> "$RUN/syslog-$1.err" &
    LB_PID=$!
    for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break; sleep 0.1; done
    T0=$(date +%s.%N)
    cat "$SYSLOG5424" > "/dev/tcp/127.0.0.1/$PORT"
    T_SENT=$(date +%s.%N)
    SYS_GOT=0
    for _ in $(seq 1200); do
        SYS_GOT=$(delivered); SYS_GOT=${SYS_GOT:-0}
        [ "$SYS_GOT" -ge "$N" ] && break
        sleep 0.1
    done
    T1=$(date +%s.%N)
    # Signal logbridge itself, not /usr/bin/time (its parent): a killed `time` writes no figures.
    LB_CHILD=$(ps -o pid= --ppid "$LB_PID" | head -n 1 | tr -d ' ')
    kill -TERM "${LB_CHILD:-$LB_PID}"; wait "$LB_PID" 2> /dev/null || true; LB_PID=
    read -r _ S_CPU S_RSS < <(measure "$RUN/syslog-$1.time")
    S_WALL=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }')
    S_RECV=$(awk -v a="$T0" -v b="$T_SENT" 'BEGIN { printf "%.2f", b - a }')
    kill "$SINK_PID"; wait "$SINK_PID" 2> /dev/null || true; SINK_PID=
}

LOST=0
run_file off; FO=("$F_WALL" "$F_CPU" "$F_RSS" "$FILE_GOT"); [ "$FILE_GOT" = "$N" ] || LOST=1
run_file on;  FP=("$F_WALL" "$F_CPU" "$F_RSS" "$FILE_GOT"); [ "$FILE_GOT" = "$N" ] || LOST=1
run_syslog off; SO=("$S_WALL" "$S_CPU" "$S_RSS" "$SYS_GOT"); SO_RECV=$S_RECV; [ "$SYS_GOT" = "$N" ] || LOST=1
run_syslog on;  SP=("$S_WALL" "$S_CPU" "$S_RSS" "$SYS_GOT"); SP_RECV=$S_RECV; [ "$SYS_GOT" = "$N" ] || LOST=1

# --- report ---------------------------------------------------------------------------------------------
row() {
    awk -v name="$1" -v n="$2" -v wall="$3" -v cpu="$4" -v rss="$5" -v got="$6" 'BEGIN {
        printf "| %-40s | %9d | %7.2f | %10.0f | %12.2f | %11.1f | %9d | %6d |\n", name, n, wall, (wall > 0 ? n / wall : 0), cpu / n * 1e6, rss, got, n - got }'
}
echo
echo "N = $N lines; batch max_docs $MAX_DOCS, max_in_flight $MAX_IN_FLIGHT, compression none; $(nproc) cores"
echo "| run                                      |      sent |  wall s |    lines/s | CPU-s per 1M | peak RSS MB | delivered |   lost |"
echo "|------------------------------------------|-----------|---------|------------|--------------|-------------|-----------|--------|"
row "file rfc3164 -> ship --once, patterns off" "$N" "${FO[@]}"
row "file rfc3164 -> ship --once, patterns on" "$N" "${FP[@]}"
row "syslog rfc5424/TCP -> ship, patterns off" "$N" "${SO[@]}"
row "syslog rfc5424/TCP -> ship, patterns on" "$N" "${SP[@]}"
awk -v n="$N" -v fo="${FO[1]}" -v fp="${FP[1]}" -v so="${SO[1]}" -v sp="${SP[1]}" 'BEGIN {
    printf "mining cost (patterns on - off): file %+.2f, syslog %+.2f CPU-s per 1M lines\n", (fp - fo) / n * 1e6, (sp - so) / n * 1e6 }'
echo "(syslog: the sender finished after ${SO_RECV}s / ${SP_RECV}s; CPU-s include idle wait until the stop.) Run files in $RUN"
if [ "$LOST" != 0 ]; then echo "bench: FAILED: events lost" >&2; exit 1; fi
