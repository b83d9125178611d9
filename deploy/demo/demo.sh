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
cleanup() {
  if [ -n "${SHIP_PID:-}" ]; then kill "$SHIP_PID" 2>/dev/null || true; fi
  if [ -n "${OSMEM_PID:-}" ]; then kill "$OSMEM_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "== starting the embedded engine (osmem-server)"
coproc OSMEM_PROC { exec "$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch 2>"$DEMO_DIR/osmem.log"; }
OSMEM_PID=$OSMEM_PROC_PID
read -r -t 30 first <&"${OSMEM_PROC[0]}" || { echo "osmem-server did not start; see $DEMO_DIR/osmem.log"; exit 1; }
URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$first")
echo "   $URL"

echo "== generating a sample farm journal: $HOSTS FLP hosts, $ENTRIES entries, one incident per shipped alarm rule (systemd-journal-remote)"
"$BIN" demo generate --hosts "$HOSTS" --entries "$ENTRIES" --seed 7 --recent --incidents --out "$DEMO_DIR/farm.export" > "$DEMO_DIR/incidents"
# The InfoLogger records sent below hold the incident of infologger-fatal: Fatal messages from TOF.
"$ROOT/deploy/demo/live-traffic.sh" incidents >> "$DEMO_DIR/incidents"
sed 's/^incident /   /' "$DEMO_DIR/incidents"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$DEMO_DIR/journal/farm.journal" "$DEMO_DIR/farm.export" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SYSLOG_PORT=$(free_port); ILG_PORT=$(free_port)
# A classic /var/log/messages-style file (RFC 3164 without PRI), tailed by the file input.
mkdir -p "$DEMO_DIR/logs"
"$ROOT/deploy/demo/live-traffic.sh" file "$DEMO_DIR/logs/messages.log" "$HOSTS"

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
  - type: syslog
    id: syslog
    listen: ["tcp://127.0.0.1:$SYSLOG_PORT", "udp://127.0.0.1:$SYSLOG_PORT"]
  - type: file
    id: files
    paths: ["$DEMO_DIR/logs/*.log"]
    format: rfc3164
  - type: infologger
    id: infologger
    mode: server
    listen: 127.0.0.1:$ILG_PORT
YAML

echo "== logbridge setup"
"$BIN" setup --config "$DEMO_DIR/logbridge.yaml" --mappings "$ROOT/Mappings"
echo "== logbridge ship: the journal, a tailed log file, syslog over TCP/UDP and InfoLogger (server mode), live"
"$BIN" ship --config "$DEMO_DIR/logbridge.yaml" > "$DEMO_DIR/ship.out" 2> "$DEMO_DIR/ship.log" &
SHIP_PID=$!
sleep 1
# syslog over TCP and UDP and InfoLogger frames (deploy/demo/live-traffic.sh: what ShippedRulesTests sends too)
"$ROOT/deploy/demo/live-traffic.sh" send "$SYSLOG_PORT" "$ILG_PORT"
expect() { # dataset count: wait until the engine holds them
  for _ in $(seq 1 120); do
    n=$(curl -s -XPOST "$URL/logs-$1-*/_count" -H 'Content-Type: application/json' | python3 -c 'import json,sys; print(json.load(sys.stdin).get("count",0))' 2>/dev/null || echo 0)
    [ "${n:-0}" -ge "$2" ] && { echo "   $1: $n documents"; return 0; }
    curl -s -XPOST "$URL/_refresh" >/dev/null; sleep 0.5
  done
  echo "   $1: only ${n:-0} of $2 documents arrived"; return 1
}
expect system.journal "$ENTRIES"; expect system.syslog 150; expect system.file 500; expect infologger 200
kill -TERM "$SHIP_PID"; wait "$SHIP_PID" || true
cat "$DEMO_DIR/ship.out"
echo "== ship --once again: every input resumes after its last acknowledged position, nothing is sent twice"
"$BIN" ship --once --config "$DEMO_DIR/logbridge.yaml"
echo "== report, queried back from the engine"
"$BIN" demo report --config "$DEMO_DIR/logbridge.yaml"
echo
echo "== log patterns: every document carries log.pattern.id; the catalogue the shippers wrote (logbridge patterns list)"
"$BIN" patterns list --config "$DEMO_DIR/logbridge.yaml" --since 2d --limit 12
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
"$BIN" alarms run --once --config "$DEMO_DIR/logbridge.yaml" --rules "$DEMO_DIR/rules" | tee "$DEMO_DIR/alarms.out"
echo "== injected incidents vs raised alarms (rule key)"
awk '{print $2, $3}' "$DEMO_DIR/incidents" | sort > "$DEMO_DIR/expected"
# A pattern-rate key ends with the pattern id the shipper mined; the incident list writes it as <pattern>.
awk '$2 == "RAISED" {sub(/^key=/, "", $5); print $4, $5}' "$DEMO_DIR/alarms.out" |
  sed -E 's#/[0-9a-f]{16}$#/<pattern>#' | sort > "$DEMO_DIR/raised"
join -a1 -a2 -o 0,1.2,2.2 -e - <(awk '{print $1":"$2, "expected"}' "$DEMO_DIR/expected" | sort) \
  <(awk '{print $1":"$2, "raised"}' "$DEMO_DIR/raised" | sort) | awk '{printf "   %-50s %-9s %s\n", $1, $2, $3}'
if cmp -s "$DEMO_DIR/expected" "$DEMO_DIR/raised"; then echo "   every incident raised its alarm, and nothing else was raised"
else echo "   MISMATCH between injected incidents and raised alarms"
  n=$(curl -s -XPOST "$URL/logs-*/_count" -H 'Content-Type: application/json' -d '{"query":{"exists":{"field":"log.pattern.id"}}}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin).get("count",0))' 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] || echo "   (no document carries log.pattern.id: the pattern rules need the shipper's pattern mining, patterns: true)"
fi
echo "== alarms as the cluster holds them (logbridge alarms list)"
"$BIN" alarms list --config "$DEMO_DIR/logbridge.yaml"
echo "== line protocol received on the Telegraf socket"
sleep 0.3; cat "$DEMO_DIR/telegraf.lines" 2>/dev/null || true
echo "== dashboards (Dashboards/: farm overview, host drill-down, InfoLogger, alarms, patterns, shipper health)"
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
echo "== shift report of the demo period (logbridge report: what a shift leader reads; docs/reports.md)"
# The farm journal ends now and spans minutes, so the last 2 h hold the whole demo period. Exit 2 (a section the
# engine could not answer) is said by the report itself; the demo goes on to show where it is.
"$BIN" report --config "$DEMO_DIR/logbridge.yaml" --last 2h --format html,md,json --out "$DEMO_DIR/report" || true
echo "== reports stored in the cluster (logbridge report list; logbridge report show ID re-renders one)"
"$BIN" report list --config "$DEMO_DIR/logbridge.yaml" --limit 5 || true
echo "   open $DEMO_DIR/report.html in a browser; $DEMO_DIR/report.md is the Markdown for Mattermost or the logbook"
echo "Files: $DEMO_DIR (config, journal, state, report)."
