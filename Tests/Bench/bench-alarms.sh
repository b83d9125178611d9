#!/usr/bin/env bash
# `make bench-alarms`: one 15-minute alarm cycle of 200 rules (the shipped rules in variants) over a two-hour,
# 200-host data set (~25k documents) in osmem-server — LogBridge beside ElastAlert 2 on the same rules and data.
# Reports wall time, CPU seconds and peak RSS of each job, and LogBridge's requests and response bytes per rule.
#
# environment: BENCH_DIR (/tmp/logbridge-alarms-bench), ENTRIES (25000), HOSTS (200), RULES (200),
#              LOGBRIDGE (binary; default .build/release/logbridge), SKIP_ELASTALERT=1
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-alarms-bench}
ENTRIES=${ENTRIES:-25000}
HOSTS=${HOSTS:-200}
RULES=${RULES:-200}
BIN=${LOGBRIDGE:-$REPO/.build/release/logbridge}
OSMEM=${OSMEM_SERVER:-$REPO/.venv/bin/osmem-server}
START=2026-11-29T00:00:00Z
NOW=2026-11-29T02:00:00Z          # the cycle evaluated: the last 15 minutes of the data set
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
for tool in "$BIN" "$OSMEM" /usr/bin/time /lib/systemd/systemd-journal-remote; do
  [ -x "$tool" ] || { echo "bench-alarms: $tool is missing (make bench-alarms builds and installs what it needs)" >&2; exit 2; }
done
rm -rf "$BENCH_DIR/run"; mkdir -p "$BENCH_DIR/run/journal" "$BENCH_DIR/run/rules" "$BENCH_DIR/run/ea-rules"
RUN=$BENCH_DIR/run

cleanup() { [ -n "${OSMEM_PID:-}" ] && kill "$OSMEM_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
coproc OSMEM_PROC { exec "$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch 2>"$RUN/osmem.log"; }
OSMEM_PID=$OSMEM_PROC_PID
read -r -t 30 first <&"${OSMEM_PROC[0]}"
URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$first")
PORT=${URL##*:}

say "data: $HOSTS hosts, $ENTRIES entries over two hours (demo generator → systemd-journal-remote → logbridge ship)"
GAP=$(python3 -c "print(7200000/$ENTRIES)")
"$BIN" demo generate --hosts "$HOSTS" --entries "$ENTRIES" --seed 11 --mean-gap-ms "$GAP" --out "$RUN/farm.export"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$RUN/journal/farm.journal" "$RUN/farm.export" 2>/dev/null
cat > "$RUN/logbridge.yaml" <<YAML
state_dir: $RUN/state
logging: {level: warning}
output: {hosts: ["$URL"], compression: none}
inputs: [{type: journald, id: farm, directory: $RUN/journal}]
YAML
"$BIN" setup --config "$RUN/logbridge.yaml" --mappings "$REPO/Mappings" > /dev/null
"$BIN" ship --once --config "$RUN/logbridge.yaml" > /dev/null
curl -s -XPOST "$URL/_refresh" > /dev/null
echo "documents: $(curl -s "$URL/logs-system.journal-*/_count" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')"

say "rules: $RULES variants of deploy/rules, one 15-minute cycle"
python3 - "$REPO/deploy/rules" "$RUN/rules" "$RUN/ea-rules" "$RULES" <<'PY'
import os, re, sys
src, ours, theirs, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
files = sorted(f for f in os.listdir(src) if f.endswith(".yaml"))
for i in range(n):
    text = open(os.path.join(src, files[i % len(files)])).read()
    text = re.sub(r"(?m)^name: (.*)$", lambda m: f"name: {m.group(1)}-{i:03d}", text)
    text = re.sub(r"(?m)^run_every: .*$", "run_every: {minutes: 15}", text)
    text = re.sub(r"(?m)^timeframe: .*$", "timeframe: {minutes: 15}", text)
    text = re.sub(r"(?m)^num_events: (\d+)$", lambda m: f"num_events: {int(m.group(1)) + i // len(files)}", text)
    text = re.sub(r"(?m)^alert: .*$", "alert: [debug]", text)
    open(os.path.join(ours, f"r{i:03d}.yaml"), "w").write(text)
    open(os.path.join(theirs, f"r{i:03d}.yaml"), "w").write(text.replace("severity:", "# severity:"))
PY
"$BIN" rules lint "$RUN/rules" --mappings "$REPO/Mappings"

say "LogBridge: logbridge alarms run --once (clean state: one window per rule)"
/usr/bin/time -f "%e %U %S %M" -o "$RUN/lb.time" "$BIN" alarms run --once --config "$RUN/logbridge.yaml" \
  --rules "$RUN/rules" --now "$NOW" > "$RUN/lb.out"
tail -1 "$RUN/lb.out"
read -r LB_WALL LB_USER LB_SYS LB_RSS < "$RUN/lb.time"
LB_REQ=$(tail -1 "$RUN/lb.out" | sed -E 's/.* ([0-9]+) request\(s\), ([0-9]+) response bytes.*/\1 \2/')

EA_LINE="ElastAlert 2: skipped"
if [ "${SKIP_ELASTALERT:-0}" != 1 ]; then
  say "ElastAlert 2 (PyPI elastalert2 + pytz in $BENCH_DIR/elastalert-venv)"
  if [ ! -x "$BENCH_DIR/elastalert-venv/bin/python" ]; then
    python3 -m venv "$BENCH_DIR/elastalert-venv"
    "$BENCH_DIR/elastalert-venv/bin/pip" install -q elastalert2 pytz
  fi
  cat > "$RUN/ea-config.yaml" <<YAML
rules_folder: $RUN/ea-rules
run_every: {minutes: 15}
buffer_time: {minutes: 15}
es_host: 127.0.0.1
es_port: $PORT
writeback_index: elastalert_status
alert_time_limit: {days: 1}
YAML
  "$BENCH_DIR/elastalert-venv/bin/elastalert-create-index" --config "$RUN/ea-config.yaml" > "$RUN/ea-index.out" 2>&1 || true
  START_EA=$(python3 -c 'print("2026-11-29T01:45:00")')
  if /usr/bin/time -f "%e %U %S %M" -o "$RUN/ea.time" timeout 300 "$BENCH_DIR/elastalert-venv/bin/elastalert" \
       --config "$RUN/ea-config.yaml" --start "$START_EA" --end "2026-11-29T02:00:00" > "$RUN/ea.out" 2>&1; then :; fi
  if [ -s "$RUN/ea.time" ]; then
    read -r EA_WALL EA_USER EA_SYS EA_RSS < <(tail -1 "$RUN/ea.time")
    EA_LINE=$(python3 -c "import sys; w,u,s,r=map(float,sys.argv[1:]); print(f'ElastAlert 2: {w:.2f} s wall, {u+s:.2f} CPU-s, {r/1024:.0f} MB peak RSS')" "$EA_WALL" "$EA_USER" "$EA_SYS" "$EA_RSS")
  else EA_LINE="ElastAlert 2: did not run (see $RUN/ea.out)"; fi
fi

say "result"
python3 - "$LB_WALL" "$LB_USER" "$LB_SYS" "$LB_RSS" $LB_REQ "$RULES" <<'PY'
import sys
w, u, s, rss, req, body, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
print(f"LogBridge:    {w:.2f} s wall, {u+s:.2f} CPU-s, {rss/1024:.0f} MB peak RSS; "
      f"{req} search request(s) for {n} rules ({req/n:.3f} per rule), {body/n/1024:.1f} KiB response per rule")
ok = w <= 2 and u + s <= 1.5 and rss / 1024 <= 40
print("target (≤ 2 s wall, ≤ 1.5 CPU-s, ≤ 40 MB RSS):", "met" if ok else "NOT met")
PY
echo "$EA_LINE"
