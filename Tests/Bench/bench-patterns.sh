#!/usr/bin/env bash
# Benchmark of the log-template miner (docs/patterns.md), called by `make bench` and `make bench-patterns`.
#   1. accuracy: the 12 Loghub-2k data sets (../shared/loghub-2k, or LOGHUB_DIR), `Content` in file order through
#      `logbridge patterns mine`, GA/FGA scored by the data set's own drain3_baseline.py, beside drain3 with its
#      generic masks in the same run (drain3 in a venv made here). Skipped, and said so, without the data.
#   2. cost: `patterns mine` on the 12 data sets replayed to N lines (generated messages without the data):
#      messages/s and peak RSS of the command; the miner's own CPU per message in steady state (--passes);
#      peak RSS with 10,000 patterns against one pattern; re-feeding (0 new patterns on a second pass), two
#      processes (identical ids) and a restart through --state (identical ids).
#
# usage: Tests/Bench/bench-patterns.sh [N]      (default $N or 1000000)
# environment: BENCH_DIR (/tmp/logbridge-bench), LOGHUB_DIR, SWIFT_BUILD_FLAGS, LOGBRIDGE (a built binary)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-${N:-1000000}}
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-bench}/patterns
LOGHUB_DIR=${LOGHUB_DIR:-$REPO/../shared/loghub-2k}
read -r -a BUILD_FLAGS <<< "${SWIFT_BUILD_FLAGS:-}"
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench: N must be a positive integer, got '$N'" >&2; exit 2; }
case "$BENCH_DIR/" in "$REPO"/*) echo "bench: BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac
for tool in /usr/bin/time python3 awk cmp; do command -v "$tool" > /dev/null || { echo "bench: $tool is missing" >&2; exit 2; }; done
mkdir -p "$BENCH_DIR"
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

cd "$REPO"
if [ -z "${LOGBRIDGE:-}" ]; then
    say "building release logbridge"
    swift build -c release "${BUILD_FLAGS[@]}" --product logbridge >&2
    LOGBRIDGE=$(swift build -c release "${BUILD_FLAGS[@]}" --show-bin-path)/logbridge
fi

# --- 1. accuracy beside drain3 --------------------------------------------------------------------------------
HAVE_DATA=0
if [ -f "$LOGHUB_DIR/drain3_baseline.py" ]; then
    HAVE_DATA=1
    VENV=$BENCH_DIR/venv-drain3
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import drain3' 2> /dev/null; then
        say "creating the drain3 venv"
        python3 -m venv "$VENV" >&2
        "$VENV/bin/pip" install -q drain3 >&2
    fi
    say "accuracy on Loghub-2k ($LOGHUB_DIR), beside drain3 with generic masks"
    python3 "$REPO/Tests/Bench/patterns_accuracy.py" "$LOGBRIDGE" "$LOGHUB_DIR" "$BENCH_DIR/accuracy" "$VENV/bin/python"
else
    echo "accuracy: SKIPPED: no Loghub-2k data at $LOGHUB_DIR (set LOGHUB_DIR); the cost part runs on generated messages"
fi

# --- 2. cost ----------------------------------------------------------------------------------------------------
CORPUS=$BENCH_DIR/corpus-$N.txt
if [ ! -s "$CORPUS" ]; then
    if [ "$HAVE_DATA" = 1 ]; then
        say "replaying the 12 data sets to $N lines"
        cat "$BENCH_DIR"/accuracy/*.content > "$BENCH_DIR/all.content"
        awk -v n="$N" '{ line[NR] = $0 } END { for (i = 0; i < n; i++) print line[i % NR + 1] }' "$BENCH_DIR/all.content" > "$CORPUS"
    else
        say "generating $N messages"
        awk -v n="$N" 'BEGIN {
            srand(42)
            split("buffer full on link %d|page %d sent to EPN %d|CRU %d temperature nominal at %d C|Started session %d of user flp|Accepted publickey for root port %d|task %d finished in %d ms|job %d started on node epn%03d|Failed password for invalid user test from 10.0.%d.%d port %d ssh2|readout: timeframe %d complete, %d HBF|Memory pool %d%% free, throttling readout", fmt, "|")
            for (i = 0; i < n; i++) { k = i % 10 + 1; printf fmt[k] "\n", int(rand() * 100000), int(rand() * 1000), int(rand() * 100), int(rand() * 65535) }
        }' > "$CORPUS"
    fi
fi

measure() {  # output file, then the command; prints its wall seconds, peak RSS (kB) and CPU seconds
    local out=$1; shift
    /usr/bin/time -f '%e %M %U %S' -o "$BENCH_DIR/time.out" "$@" > "$out"
    awk '{ print $1, $2, $3 + $4 }' "$BENCH_DIR/time.out"
}

say "throughput of patterns mine on $N lines"
read -r wall rss cpu < <(measure "$BENCH_DIR/ids-a.jsonl" "$LOGBRIDGE" patterns mine "$CORPUS")
# Per CPU-second as well as per wall-second: on a shared machine the wall clock measures the neighbours.
awk -v n="$N" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN { printf "patterns mine: %d lines in %.2f s wall, %.2f CPU-s = %.0f messages/s, %.0f messages per CPU-s (target >= 1,000,000), peak RSS %.1f MB\n", n, w, c, (w > 0 ? n / w : 0), (c > 0 ? n / c : 0), r / 1024 }'

say "steady state of the miner alone (three passes, CPU of the mining loop)"
"$LOGBRIDGE" patterns mine --summary --passes 3 "$CORPUS" 2> "$BENCH_DIR/passes.txt" > /dev/null
cat "$BENCH_DIR/passes.txt"
awk '/^pass 3:/ { for (i = 1; i <= NF; i++) if ($i == "ns/message") printf "miner steady state: %.3f CPU-s per million messages (target <= 0.5)\n", $(i - 1) / 1000 }' "$BENCH_DIR/passes.txt"
NEW_ON_REFEED=$(awk '/^pass 2:/ { for (i = 1; i <= NF; i++) if ($i == "new") print $(i - 1) }' "$BENCH_DIR/passes.txt")
echo "re-feeding: $NEW_ON_REFEED new patterns on the second pass (target 0)"

say "two processes, and a restart through --state"
"$LOGBRIDGE" patterns mine "$CORPUS" > "$BENCH_DIR/ids-b.jsonl"
if cmp -s "$BENCH_DIR/ids-a.jsonl" "$BENCH_DIR/ids-b.jsonl"; then TWO=identical; else TWO=DIFFERENT; fi
echo "two processes: $TWO ids and templates"
rm -rf "$BENCH_DIR/state"
HALF=$((N / 2))
head -n "$HALF" "$CORPUS" > "$BENCH_DIR/first-half.txt"
tail -n +"$((HALF + 1))" "$CORPUS" > "$BENCH_DIR/second-half.txt"
"$LOGBRIDGE" patterns mine --state "$BENCH_DIR/state" "$BENCH_DIR/first-half.txt" > "$BENCH_DIR/ids-c.jsonl"
"$LOGBRIDGE" patterns mine --state "$BENCH_DIR/state" "$BENCH_DIR/second-half.txt" >> "$BENCH_DIR/ids-c.jsonl"
# Ids only: a template printed before the restart may have been widened by messages the first process saw.
if cmp -s <(cut -d'"' -f4 "$BENCH_DIR/ids-a.jsonl") <(cut -d'"' -f4 "$BENCH_DIR/ids-c.jsonl"); then RESTART=identical; else RESTART=DIFFERENT; fi
echo "restart (save after half, load, continue): $RESTART ids"

say "peak RSS with 10,000 patterns against one pattern (200,000 messages each)"
# Patterns told apart by words (no digits, which would be masked): 10,000 three-letter names.
awk 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
    for (i = 0; i < 200000; i++) { k = i % 10000
        w = substr(a, k % 26 + 1, 1) substr(a, int(k / 26) % 26 + 1, 1) substr(a, int(k / 676) % 26 + 1, 1)
        printf "subsystem %s reported state change for unit %s of rack %s: %d items moved to stage %s\n", w, w, w, i, w } }' > "$BENCH_DIR/many.txt"
awk '{ sub(/subsystem [a-z]+ reported state change for unit [a-z]+ of rack [a-z]+/, "subsystem abc reported state change for unit abc of rack abc"); gsub(/stage [a-z]+$/, "stage abc"); print }' "$BENCH_DIR/many.txt" > "$BENCH_DIR/one.txt"
read -r _ rss_many _ < <(measure "$BENCH_DIR/many.summary" "$LOGBRIDGE" patterns mine --summary "$BENCH_DIR/many.txt")
read -r _ rss_one _ < <(measure /dev/null "$LOGBRIDGE" patterns mine --summary "$BENCH_DIR/one.txt")
PATTERNS=$(tail -n 1 "$BENCH_DIR/many.summary")
awk -v m="$rss_many" -v o="$rss_one" -v p="$PATTERNS" 'BEGIN { printf "10,000 patterns: peak RSS %.1f MB, one pattern %.1f MB: %.1f MB more (target <= 16 MB); %s\n", m / 1024, o / 1024, (m - o) / 1024, p }'

[ "$TWO" = identical ] && [ "$RESTART" = identical ] && [ "$NEW_ON_REFEED" = 0 ]
