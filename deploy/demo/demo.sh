#!/usr/bin/env bash
# `make demo`: an embedded OpenSearch-compatible engine, a sample ALICE O² farm journal, setup, ship, report.
# Everything lives under $DEMO_DIR (default /tmp/logbridge-demo) and the engine is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${LOGBRIDGE_BIN:-$ROOT/.build/release/logbridge}
OSMEM=${OSMEM_SERVER:-$ROOT/.venv/bin/osmem-server}
DEMO_DIR=${DEMO_DIR:-/tmp/logbridge-demo}
HOSTS=${DEMO_HOSTS:-8}
ENTRIES=${DEMO_ENTRIES:-4000}

rm -rf "$DEMO_DIR"; mkdir -p "$DEMO_DIR/journal"
cleanup() { [ -n "${OSMEM_PID:-}" ] && kill "$OSMEM_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== starting the embedded engine (osmem-server)"
coproc OSMEM_PROC { exec "$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch 2>"$DEMO_DIR/osmem.log"; }
OSMEM_PID=$OSMEM_PROC_PID
read -r -t 30 first <&"${OSMEM_PROC[0]}" || { echo "osmem-server did not start; see $DEMO_DIR/osmem.log"; exit 1; }
URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$first")
echo "   $URL"

echo "== generating a sample farm journal: $HOSTS FLP hosts, $ENTRIES entries (systemd-journal-remote)"
"$BIN" demo generate --hosts "$HOSTS" --entries "$ENTRIES" --seed 7 --recent --out "$DEMO_DIR/farm.export"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$DEMO_DIR/journal/farm.journal" "$DEMO_DIR/farm.export" 2>/dev/null

cat > "$DEMO_DIR/logbridge.yaml" <<YAML
state_dir: $DEMO_DIR/state
logging: {level: notice}
output:
  hosts: ["$URL"]
  compression: none
  batch: {max_docs: 1000, max_bytes: 2MiB, flush_interval: 1s}
inputs:
  - type: journald
    id: farm
    directory: $DEMO_DIR/journal
YAML

echo "== logbridge setup"
"$BIN" setup --config "$DEMO_DIR/logbridge.yaml" --mappings "$ROOT/Mappings"
echo "== logbridge ship --once"
"$BIN" ship --once --config "$DEMO_DIR/logbridge.yaml"
echo "== ship again: the checkpoint resumes after the last acknowledged entry, nothing is sent twice"
"$BIN" ship --once --config "$DEMO_DIR/logbridge.yaml"
echo "== report, queried back from the engine"
"$BIN" demo report --config "$DEMO_DIR/logbridge.yaml"
echo
echo "== alarm rules (deploy/rules): lint, then one run over the demo data"
mkdir -p "$DEMO_DIR/rules"
# The shipped rules announce alarms on O² monitoring's Telegraf socket; here a small listener stands in for Telegraf.
for f in "$ROOT"/deploy/rules/*.yaml; do
  { cat "$f"; echo "o2_monitoring: {transport: unixgram, path: $DEMO_DIR/telegraf.sock}"; } > "$DEMO_DIR/rules/$(basename "$f")"
done
python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
out=open(sys.argv[2], "a", buffering=1)
while True: out.write(s.recv(65536).decode() + "\n")' "$DEMO_DIR/telegraf.sock" "$DEMO_DIR/telegraf.lines" &
TELEGRAF_PID=$!
trap 'kill $TELEGRAF_PID 2>/dev/null; cleanup' EXIT
sleep 0.3
"$BIN" rules lint "$DEMO_DIR/rules" --mappings "$ROOT/Mappings"
"$BIN" alarms run --once --config "$DEMO_DIR/logbridge.yaml" --rules "$DEMO_DIR/rules"
echo "== alarms as the cluster holds them (logbridge alarms list)"
"$BIN" alarms list --config "$DEMO_DIR/logbridge.yaml"
echo "== line protocol received on the Telegraf socket"
sleep 0.3; cat "$DEMO_DIR/telegraf.lines" 2>/dev/null || true
echo "== dashboards (Dashboards/: farm overview, host drill-down, InfoLogger, alarms, shipper health)"
"$BIN" dashboards lint --dashboards "$ROOT/Dashboards" --mappings "$ROOT/Mappings"
if [ -n "${DASHBOARDS_URL:-}" ]; then
  "$BIN" dashboards import --dashboards "$ROOT/Dashboards" --url "$DASHBOARDS_URL"
  echo "   open $DASHBOARDS_URL/app/dashboards and pick a \"LogBridge: …\" dashboard"
else
  echo "   no Dashboards here (osmem-server has no UI). Against OpenSearch Dashboards or Kibana:"
  echo "     DASHBOARDS_URL=http://localhost:5601 make demo        # imports them at the end"
  echo "     logbridge dashboards import --url http://localhost:5601"
  echo "   or Stack Management → Saved objects → Import → Dashboards/*.ndjson; docs/dashboards.md"
fi
echo "Files: $DEMO_DIR (config, journal, state)."
