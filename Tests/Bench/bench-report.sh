#!/usr/bin/env bash
# `make bench` (and `make bench-report`): what one `logbridge report` costs on a big farm. The demo farm scaled
# up (HOSTS hosts, ENTRIES journal entries over HOURS hours: demo generator → systemd-journal-remote →
# `logbridge ship --once`) in osmem-server, then the report of the last 24 hours (compared with the 24 hours
# before) measured RUNS times: requests to the cluster, wall time, the engine's CPU time, logbridge's CPU-s and
# peak RSS. The requests are counted twice: by the report itself (`requests` in its JSON) and by a counting
# proxy between it and the engine, in one extra run (the proxy adds latency, so the timed runs go direct).
# Beside it, the peer: the searches one refresh of the saved farm-overview dashboard sends (one per panel).
# One more run adds `--format pdf` (headless Chromium) and reports its time and pages.
#
# On a farm every node runs its own shipper, each writing a health sample per input and minute; the bench loads
# such samples for the HOSTS hosts directly with `_bulk` (one input each, every HEALTH_INTERVAL seconds), so the
# report's shipper section reads as many as a real farm's.
#
# environment: BENCH_DIR (/tmp/logbridge-report-bench), HOSTS (200), ENTRIES (120000), HOURS (48), RUNS (3),
#              HEALTH_INTERVAL (300; 60 is a shipper's default, and five times the samples),
#              LOGBRIDGE (use this binary instead of building one), SWIFT_BUILD_FLAGS (e.g. "--scratch-path .build-bench"),
#              SKIP_PDF=1
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-report-bench}
HOSTS=${HOSTS:-200}
ENTRIES=${ENTRIES:-120000}
HOURS=${HOURS:-48}
RUNS=${RUNS:-3}
HEALTH_INTERVAL=${HEALTH_INTERVAL:-300}
OSMEM=${OSMEM_SERVER:-$REPO/.venv/bin/osmem-server}
START=2026-11-29T00:00:00Z
read -r -a BUILD_FLAGS <<< "${SWIFT_BUILD_FLAGS:-}"
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
case "$BENCH_DIR/" in "$REPO"/*) echo "bench-report: BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac
if [ -z "${LOGBRIDGE:-}" ]; then
  say "building release logbridge"
  (cd "$REPO" && swift build -c release "${BUILD_FLAGS[@]}" --product logbridge >&2)
  LOGBRIDGE=$(cd "$REPO" && swift build -c release "${BUILD_FLAGS[@]}" --show-bin-path)/logbridge
fi
BIN=$LOGBRIDGE
for tool in "$BIN" "$OSMEM" /usr/bin/time /lib/systemd/systemd-journal-remote curl python3 pdfinfo; do
  command -v "$tool" > /dev/null || { echo "bench-report: $tool is missing (make bench-report builds and installs what it needs)" >&2; exit 2; }
done
RUN=$BENCH_DIR/run
rm -rf "$RUN"; mkdir -p "$RUN/journal"

cleanup() {
  [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null
  [ -n "${OSMEM_PID:-}" ] && kill "$OSMEM_PID" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
coproc OSMEM_PROC { exec "$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch 2>"$RUN/osmem.log"; }
OSMEM_PID=$OSMEM_PROC_PID
read -r -t 30 first <&"${OSMEM_PROC[0]}"
URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$first")
# The engine's CPU seconds so far (utime + stime of /proc/PID/stat, in clock ticks).
osmem_cpu() { python3 -c 'import os,sys; f=open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")",1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK"))' "$OSMEM_PID"; }

# The period: the last 24 hours of the data set, against the 24 hours before.
read -r FROM TO < <(python3 -c "
import datetime as d, sys
s = d.datetime(2026, 11, 29, tzinfo=d.timezone.utc) + d.timedelta(hours=$HOURS)
f = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
print(f(s - d.timedelta(hours=24)), f(s))")

say "data: $HOSTS hosts, $ENTRIES entries over $HOURS hours from $START (demo generator → systemd-journal-remote → logbridge ship --once)"
GAP=$(python3 -c "print($HOURS * 3600000 / $ENTRIES)")
"$BIN" demo generate --hosts "$HOSTS" --entries "$ENTRIES" --seed 17 --mean-gap-ms "$GAP" --out "$RUN/farm.export"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$RUN/journal/farm.journal" "$RUN/farm.export" 2>/dev/null
rm -f "$RUN/farm.export"
cat > "$RUN/logbridge.yaml" <<YAML
state_dir: $RUN/state
logging: {level: warning}
output: {hosts: ["$URL"], compression: none}
inputs: [{type: journald, id: farm, directory: $RUN/journal}]
YAML
"$BIN" setup --config "$RUN/logbridge.yaml" --mappings "$REPO/Mappings" > /dev/null
began=$(date +%s.%N)
"$BIN" ship --once --config "$RUN/logbridge.yaml" > /dev/null
ended=$(date +%s.%N)
curl -s -XPOST "$URL/_refresh" > /dev/null
DOCS=$(curl -s "$URL/logs-*/_count" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
INPERIOD=$(curl -s -H 'content-type: application/json' "$URL/logs-*/_count" \
  -d "{\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"$FROM\",\"lt\":\"$TO\"}}}}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
python3 -c "import sys; print(f'shipped {sys.argv[1]} documents in {float(sys.argv[3]) - float(sys.argv[2]):.1f} s; {sys.argv[4]} in the reported 24 hours')" \
  "$DOCS" "$began" "$ended" "$INPERIOD"

say "health samples: $HOSTS shippers, one input each, every $HEALTH_INTERVAL s over $HOURS hours (loaded with _bulk)"
began=$(date +%s.%N)
SAMPLES=$(python3 - "$URL" "$HOSTS" "$HOURS" "$HEALTH_INTERVAL" <<'PY'
import datetime as d, json, random, sys, urllib.request
url, hosts, hours, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start, rnd, lines, total = d.datetime(2026, 11, 29, tzinfo=d.timezone.utc), random.Random(17), [], 0
def flush():
    body = json.load(urllib.request.urlopen(urllib.request.Request(
        url + "/_bulk", data=("\n".join(lines) + "\n").encode(), headers={"content-type": "application/x-ndjson"}), timeout=600))
    if body.get("errors"): sys.exit("health samples refused: " + json.dumps(body)[:500])
    lines.clear()
for step in range(1, hours * 3600 // interval + 1):
    t = start + d.timedelta(seconds=step * interval)
    for h in range(hosts):
        name = f"flp{h + 1:03d}"
        if h == 7 and step * interval > hours * 3600 * 3 // 4: continue   # one shipper stops reporting
        received = rnd.randint(0, 2 * interval)
        dropped = rnd.randint(1, 50) if h == 3 and rnd.random() < 0.05 else 0
        dead = rnd.randint(1, 5) if h == 5 and rnd.random() < 0.05 else 0
        lag = rnd.uniform(60, 900) if h == 11 and rnd.random() < 0.1 else rnd.uniform(0.2, 2.5)
        lines.append(json.dumps({"create": {"_index": "logbridge-health-" + t.strftime("%Y.%m")}}))
        lines.append(json.dumps({"@timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "host": {"name": name},
            "logbridge": {"input": "system", "input_type": "journald", "health": {
                "interval_seconds": float(interval), "received": received, "indexed": received - dropped - dead,
                "dead_lettered": dead, "dropped": dropped, "malformed": 0, "retried": 0,
                "lag_seconds": round(lag, 3), "pending_batches": 0}}}))
        total += 1
        if len(lines) >= 10000: flush()
if lines: flush()
print(total)
PY
)
ended=$(date +%s.%N)
curl -s -XPOST "$URL/_refresh" > /dev/null
python3 -c "import sys; print(f'loaded {sys.argv[1]} health samples in {float(sys.argv[3]) - float(sys.argv[2]):.1f} s')" "$SAMPLES" "$began" "$ended"

for run in $(seq "$RUNS"); do
  say "report $run/$RUNS: logbridge report --from $FROM --to $TO --format json,html"
  before=$(osmem_cpu)
  /usr/bin/time -f "%e %U %S %M" -o "$RUN/report-$run.time" "$BIN" report --config "$RUN/logbridge.yaml" \
    --from "$FROM" --to "$TO" --format json,html --out "$RUN/report-$run" > /dev/null
  after=$(osmem_cpu)
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$before" "$after" > "$RUN/report-$run.osmem"
  cat "$RUN/report-$run.time"
done

say "requests seen by a counting proxy between logbridge report and the engine (one more run)"
cat > "$RUN/proxy.py" <<'PY'
# Forwards every request to the engine and appends "METHOD PATH request-bytes response-bytes" to the log.
import http.client, http.server, sys, threading
target, log = sys.argv[1].split("//")[1], open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()
class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPConnection(target, timeout=600)
        conn.request(self.command, self.path, body, {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")})
        answer = conn.getresponse(); data = answer.read()
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"): self.send_header(k, v)
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
        with lock: log.write(f"{self.command} {self.path} {len(body)} {len(data)}\n")
    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = forward
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
coproc PROXY_PROC { exec python3 "$RUN/proxy.py" "$URL" "$RUN/proxy.log"; }
PROXY_PID=$PROXY_PROC_PID
read -r -t 10 PROXY_PORT <&"${PROXY_PROC[0]}"
sed "s|$URL|http://127.0.0.1:$PROXY_PORT|" "$RUN/logbridge.yaml" > "$RUN/proxied.yaml"
"$BIN" report --config "$RUN/proxied.yaml" --from "$FROM" --to "$TO" --format json --out "$RUN/proxied" > /dev/null
kill "$PROXY_PID"; PROXY_PID=
cat "$RUN/proxy.log"

PDF_LINE="pdf: skipped"
if [ "${SKIP_PDF:-0}" != 1 ]; then
  say "the same report with --format pdf added (headless Chromium)"
  /usr/bin/time -f "%e %U %S %M" -o "$RUN/pdf.time" "$BIN" report --config "$RUN/logbridge.yaml" --from "$FROM" --to "$TO" \
    --format json,html,pdf --out "$RUN/pdf" > /dev/null
  PDF_LINE=$(python3 - "$RUN" "$(pdfinfo "$RUN/pdf.pdf" | awk '/^Pages:/ {print $2}')" <<'PY'
import os, statistics, sys
run, pages = sys.argv[1:3]
html = statistics.median(float(open(f"{run}/report-{i}.time").read().split()[-4]) for i in range(1, 100) if os.path.exists(f"{run}/report-{i}.time"))
w = float(open(f"{run}/pdf.time").read().split()[-4])
print(f"with --format pdf: {w:.2f} s wall (≈ {w - html:.1f} s more than the median without), {pages} A4 pages, "
      f"PDF {os.path.getsize(f'{run}/pdf.pdf') / 1e6:.2f} MB")
PY
)
fi

say "result"
python3 - "$RUN" "$RUNS" "$REPO/Dashboards/farm-overview.ndjson" "$HOSTS" "$DOCS" "$INPERIOD" "$SAMPLES" <<'PY'
import json, os, statistics, sys
run, runs, board, hosts, docs, inperiod, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3], *sys.argv[4:]
walls, cpus, rsss, engine = [], [], [], []
for i in range(1, runs + 1):
    w, u, s, rss = map(float, open(f"{run}/report-{i}.time").read().split()[-4:])
    walls.append(w); cpus.append(u + s); rsss.append(rss / 1024)
    engine.append(float(open(f"{run}/report-{i}.osmem").read()))
report = json.load(open(f"{run}/report-{runs}.json"))
lines = [l.split() for l in open(f"{run}/proxy.log") if l.strip()]
panels = 0
for line in open(board):
    o = json.loads(line) if line.strip() else {}
    if o.get("type") == "dashboard": panels = len(json.loads(o["attributes"]["panelsJSON"]))
med = statistics.median
print(f"farm: {hosts} hosts, {docs} documents and {samples} shipper health samples; report of 24 hours ({inperiod} documents) against the 24 hours before")
print(f"requests: {report['requests']} by the report's own count; the proxy saw {len(lines)}: "
      + ", ".join(f"{m} {p.split('?')[0]} ({int(q)/1024:.0f} KiB out, {int(a)/1024:.0f} KiB back)" for m, p, q, a in lines))
print(f"wall {med(walls):.2f} s, engine (osmem) CPU {med(engine):.2f} s, logbridge {med(cpus):.2f} CPU-s, {med(rsss):.1f} MB peak RSS "
      f"(median of {runs}; runs: {', '.join(f'{w:.2f} s/{e:.2f} s/{c:.2f} CPU-s/{r:.1f} MB' for w, e, c, r in zip(walls, engine, cpus, rsss))})")
shipper = (report.get("shipper") or {}).get("data") or {}
print("shipper section: " + (", ".join(f"{x['host']} ({', '.join(x['flags']) or 'top lag'})" for x in shipper.get("hosts", [])) or "no data"))
print(f"files: JSON {os.path.getsize(f'{run}/report-{runs}.json') / 1024:.0f} KB, HTML {os.path.getsize(f'{run}/report-{runs}.html') / 1024:.0f} KB")
print(f"peer: one refresh of the farm-overview dashboard sends {panels} searches (one per panel); the report, "
      f"{len(lines)} HTTP request(s) in all, sections: {', '.join(k + '=' + report[k]['status'] for k in ('volume', 'errors', 'hosts', 'alarms', 'new_patterns', 'infologger', 'dead_letters', 'shipper'))}")
PY
echo "$PDF_LINE"
