#!/usr/bin/env bash
# Optional: put logbridge into the rotation of the shared peer benchmark (rsyslog, syslog-ng), which lives
# outside this repo in ../shared/bench/ and is not needed by `make bench`.
#
# usage: Tests/Bench/peers.sh [--run] [run_peers.sh arguments, e.g. -n 1000000 -r 3 -p rsyslog-journal]
#   prints the run_peers.sh command that adds logbridge as a custom peer (`-x logbridge '…'`);
#   with --run, also runs it (builds logbridge in release first).
# run_peers.sh fills in @JOURNAL_DIR@ (its corpus as journal files), @STATE@ (an empty per-run directory),
# @PORT@ (its sink on 127.0.0.1) and @INDEX@; the command writes a logbridge config there and execs the
# shipper in follow mode, as the other peers run; run_peers.sh stops it once the sink has every document.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS_BENCH:-$REPO/../shared/bench}
RUN=0
if [ "${1:-}" = --run ]; then RUN=1; shift; fi
if [ ! -x "$PEERS/run_peers.sh" ]; then
    echo "peers: no $PEERS/run_peers.sh here; the peer comparison is optional (PEERS_BENCH=DIR to point at it)" >&2
    exit 0
fi
LOGBRIDGE=${LOGBRIDGE:-$REPO/.build/release/logbridge}

# One line, no single quotes, so it survives being passed as one argument.
COMMON_LINES=(
    "state_dir: @STATE@/state"
    "logging:" "  level: warning"
    "output:" "  hosts:" "    - http://127.0.0.1:@PORT@" "  index: @INDEX@-{dataset}" "  compression: none"
    "  max_in_flight: ${MAX_IN_FLIGHT:-2}" "  batch:" "    max_docs: ${MAX_DOCS:-2000}"
    "health:" "  enabled: false"
    "inputs:"
)
# Two peers: the journald input on the journal files (beside rsyslog-journal) and the file input on the
# RFC 3164 file (beside rsyslog-file and syslog-ng-file).
peer_command() {
    local cmd='printf "%s\n"' line
    for line in "${COMMON_LINES[@]}" "$@"; do cmd+=" \"$line\""; done
    echo "$cmd > @STATE@/logbridge.yaml && exec $LOGBRIDGE ship --config @STATE@/logbridge.yaml"
}
JOURNAL_CMD=$(peer_command "  - type: journald" "    id: bench" "    directory: @JOURNAL_DIR@")
FILE_CMD=$(peer_command "  - type: file" "    id: bench-file" "    paths: [@CORPUS@]" "    format: rfc3164" "    timezone: UTC")
# A third: the RFC 5424 lines over one TCP connection into the syslog input. The sender is a background bash
# `cat` into /dev/tcp started before the shipper is exec'd, so the measured PID stays the shipper's alone.
TCP_PORT=${TCP_PORT:-16514}
TCP_CMD=$(peer_command "  - type: syslog" "    id: bench-tcp" "    listen: [tcp://127.0.0.1:$TCP_PORT]" "    timezone: UTC")
SENDER='(for i in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/PORT) 2>/dev/null \&\& break; sleep 0.05; done; cat @RFC5424@ > /dev/tcp/127.0.0.1/PORT) \& '
SENDER=${SENDER//PORT/$TCP_PORT}
TCP_CMD=${TCP_CMD/&& exec /; $SENDER exec }

echo "cd $PEERS && ./run_peers.sh $* -x logbridge-journal '$JOURNAL_CMD' -x logbridge-file '$FILE_CMD' -x logbridge-tcp '$TCP_CMD'"
if [ "$RUN" = 1 ]; then
    (cd "$REPO" && swift build -c release --product logbridge >&2)
    cd "$PEERS"
    exec ./run_peers.sh "$@" -x logbridge-journal "$JOURNAL_CMD" -x logbridge-file "$FILE_CMD" -x logbridge-tcp "$TCP_CMD"
fi
