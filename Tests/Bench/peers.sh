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
CONFIG_LINES=(
    "state_dir: @STATE@/state"
    "logging:" "  level: warning"
    "output:" "  hosts:" "    - http://127.0.0.1:@PORT@" "  index: @INDEX@-{dataset}" "  compression: none"
    "  max_in_flight: ${MAX_IN_FLIGHT:-2}" "  batch:" "    max_docs: ${MAX_DOCS:-2000}"
    "inputs:" "  - type: journald" "    id: bench" "    directory: @JOURNAL_DIR@"
)
PEER_CMD='printf "%s\n"'
for line in "${CONFIG_LINES[@]}"; do PEER_CMD+=" \"$line\""; done
PEER_CMD+=" > @STATE@/logbridge.yaml && exec $LOGBRIDGE ship --config @STATE@/logbridge.yaml"

echo "cd $PEERS && ./run_peers.sh $* -x logbridge '$PEER_CMD'"
if [ "$RUN" = 1 ]; then
    (cd "$REPO" && swift build -c release --product logbridge >&2)
    cd "$PEERS"
    exec ./run_peers.sh "$@" -x logbridge "$PEER_CMD"
fi
