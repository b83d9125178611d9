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
echo "incident infologger-fatal TOF" >> "$DEMO_DIR/incidents"
sed 's/^incident /   /' "$DEMO_DIR/incidents"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$DEMO_DIR/journal/farm.journal" "$DEMO_DIR/farm.export" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SYSLOG_PORT=$(free_port); ILG_PORT=$(free_port)
# A classic /var/log/messages-style file (RFC 3164 without PRI), tailed by the file input.
mkdir -p "$DEMO_DIR/logs"
python3 - "$DEMO_DIR/logs/messages.log" "$HOSTS" <<'PY'
import sys, time, random
random.seed(3)
path, hosts = sys.argv[1], int(sys.argv[2])
msgs = ["Connection from 10.161.%d.%d port %d", "session opened for user alice", "CRON[%d]: (root) CMD (run-parts /etc/cron.hourly)",
        "kernel: nvme0: I/O timeout, aborting", "dhclient[%d]: DHCPACK from 10.161.0.1"]
with open(path, "w") as f:
    t = time.time() - 600
    for i in range(500):
        t += 1.2
        host = "flp%03d" % (1 + i % hosts)
        m = random.choice(msgs)
        m = m % tuple(random.randint(1, 65000) for _ in range(m.count("%d")))
        f.write("%s %s %s\n" % (time.strftime("%b %e %H:%M:%S", time.localtime(t)), host,
                                  m if ":" in m.split(" ")[0] else "sshd[%d]: %s" % (1000 + i % 7, m)))
PY

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
# syslog: util-linux logger over TCP (octet-counted RFC 5424) and UDP (RFC 3164), as farm services and devices send it
for i in $(seq 1 100); do echo "readout[4242]: demo syslog message $i"; done |
  logger --server 127.0.0.1 --port "$SYSLOG_PORT" --tcp --octet-count --rfc5424 --tag readout -p local0.warning
# At warning, not err: 50 err lines from one host within 5 minutes is itself an error burst, and the demo's
# alarms are to be exactly its injected incidents.
for i in $(seq 1 50); do logger --server 127.0.0.1 --port "$SYSLOG_PORT" --udp --rfc3164 -t pdu -p daemon.warning "PDU outlet $i load above 80%"; done
# InfoLogger: the infoLoggerD → infoLoggerServer protocol (INI, File frames, cumulative ACK), as the real daemon speaks it
python3 - 127.0.0.1 "$ILG_PORT" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.sendall(b"INI demo-infoLoggerD 0\n")
assert s.recv(64).startswith(b"READY")
now = time.time()
sev = "IIIIWWEF"
# E and F only in the first eight records of every forty (5 each): E lands on flp007, F on flp008 from TOF (the
# infologger-fatal incident). One record in eight, as before, made 25 err lines per host within the 5-minute
# window: an error burst the demo did not mean to inject.
for i in range(1, 201):
    rec = "*1.4#%s#%d#%.6f#flp%03d#readout#%d#flp#FLP#readout#%s#2rXyZ7abc#551234#%d#%d#ReadoutEquipment.cxx#demo InfoLogger message %d" % (
        sev[i % 8] if i % 40 < 8 or sev[i % 8] not in "EF" else "I", 1 + i % 21, now - 300 + i, 1 + i % 8, 30000 + i % 8, ["TPC", "ITS", "MFT", "TOF"][i % 4], 3000 + i % 5, 200 + i, i)
    body = rec.encode() + b"\0"
    s.sendall(b"File infoLoggerD %d 1 %d\n" % (i, len(body)) + body + b"END\n")
acked, buf = 0, b""
while acked < 200:
    buf += s.recv(4096)
    *lines, buf = buf.split(b"\n")
    for l in lines:
        if l.startswith(b"ACK "): acked = int(l.split()[1])
print("   InfoLogger: 200 records sent, all acknowledged (only once durably spooled)")
PY
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
"$BIN" report --config "$DEMO_DIR/logbridge.yaml" --last 2h --format html,md,json --out "$DEMO_DIR/report" || true
echo "   open $DEMO_DIR/report.html in a browser; $DEMO_DIR/report.md is the Markdown for Mattermost or the logbook"
echo "Files: $DEMO_DIR (config, journal, state, report)."
