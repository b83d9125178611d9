#!/usr/bin/env bash
# `make bench-alarms`: one 15-minute alarm cycle of 200 rules (the shipped rules in variants) over a two-hour,
# 200-host data set (~25k documents) in osmem-server — LogBridge beside ElastAlert 2 on the same rules and data.
# Reports wall time, CPU seconds and peak RSS of each job, and LogBridge's requests and response bytes per rule,
# for a first cycle (clean state) and a steady-state one (the previous cycle's state present).
#
# environment: BENCH_DIR (/tmp/logbridge-alarms-bench), ENTRIES (25000), HOSTS (200), RULES (200),
#              LOGBRIDGE (binary; default .build/release/logbridge), SKIP_ELASTALERT=1,
#              EA_TIMEOUT (600: ElastAlert 2 is stopped after this many seconds and reported as capped),
#              SKIP_REPLAY=1 (no `rules test` replay of 7 rules over the two hours), SKIP_CYCLES=1 (replay only),
#              LB_RUNS (3: each LogBridge cycle is measured this many times, the median is reported; the machine
#              it runs on is usually shared, and one run's wall time says more about the neighbours than the job)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-alarms-bench}
ENTRIES=${ENTRIES:-25000}
HOSTS=${HOSTS:-200}
RULES=${RULES:-200}
EA_TIMEOUT=${EA_TIMEOUT:-600}
LB_RUNS=${LB_RUNS:-3}
BIN=${LOGBRIDGE:-$REPO/.build/release/logbridge}
OSMEM=${OSMEM_SERVER:-$REPO/.venv/bin/osmem-server}
START=2026-11-29T00:00:00Z
NOW=2026-11-29T02:00:00Z          # the cycle evaluated: the last 15 minutes of the data set
PREV=2026-11-29T01:45:00Z         # the cycle before it (steady state: its alarms and progress are stored)
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

# Replay: `logbridge rules test` of the shipped rules that read journald data, and a spike rule, over the
# two hours, beside ElastAlert 2's `elastalert-test-rule` on the same rule files and hours, in the same run.
ea_venv() {
  if ! "$BENCH_DIR/elastalert-venv/bin/python" -c 'import elastalert, pytz' 2>/dev/null; then
    [ -x "$BENCH_DIR/elastalert-venv/bin/python" ] || python3 -m venv "$BENCH_DIR/elastalert-venv"
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
}
REPLAY_LINE="replay: skipped"
EA_REPLAY_LINE="ElastAlert 2 replay: skipped"
if [ "${SKIP_REPLAY:-0}" != 1 ]; then
  say "replay: logbridge rules test of the shipped journald rules and a spike rule over the two hours ($START → $NOW)"
  mkdir -p "$RUN/replay-rules" "$RUN/replay-ea"
  for f in "$REPO"/deploy/rules/*.yaml; do
    grep -q 'logs-infologger' "$f" && continue  # no InfoLogger data in this set
    sed 's/^alert: .*/alert: [debug]/' "$f" > "$RUN/replay-rules/$(basename "$f")"
  done
  cat > "$RUN/replay-rules/error-spike-per-host.yaml" <<'YAML'
name: error-spike-per-host
type: spike
index: logs-system.journal-*
filter:
  - terms: {log.level: [emerg, alert, crit, err]}
query_key: host.name
spike_height: 3
spike_type: up
threshold_cur: 5
timeframe: {minutes: 10}
run_every: {minutes: 1}
realert: {minutes: 30}
alert: [debug]
YAML
  for f in "$RUN"/replay-rules/*.yaml; do sed 's/^severity:/# severity:/' "$f" > "$RUN/replay-ea/$(basename "$f")"; done
  /usr/bin/time -f "%e %U %S %M" -o "$RUN/replay-lb.time" "$BIN" rules test "$RUN/replay-rules" --config "$RUN/logbridge.yaml" \
    --from "$START" --to "$NOW" > "$RUN/replay-lb.out"
  tail -1 "$RUN/replay-lb.out"
  # Where the replay's time goes: each rule file replayed alone (wall, and the summary line's requests).
  for f in "$RUN"/replay-rules/*.yaml; do
    /usr/bin/time -f "%e" -o "$RUN/replay-one.time" "$BIN" rules test "$f" --config "$RUN/logbridge.yaml" \
      --from "$START" --to "$NOW" > "$RUN/replay-one.out"
    printf '   %-28s %6.2f s wall; %s\n' "$(basename "$f" .yaml)" "$(tail -1 "$RUN/replay-one.time")" "$(tail -1 "$RUN/replay-one.out")"
  done
  REPLAY_LINE=$(python3 - "$RUN" <<'PY'
import sys
run = sys.argv[1]
w, u, s, rss = map(float, open(f"{run}/replay-lb.time").read().split()[-4:])
last = open(f"{run}/replay-lb.out").read().strip().splitlines()[-1]
print(f"LogBridge replay : {w:.2f} s wall, {u+s:.2f} CPU-s, {rss/1024:.1f} MB peak RSS; {last}; target (≤ 5 s) {'met' if w <= 5 else 'NOT met'}")
PY
)
  if [ "${SKIP_ELASTALERT:-0}" != 1 ]; then
    ea_venv
    "$BENCH_DIR/elastalert-venv/bin/elastalert-create-index" --config "$RUN/ea-config.yaml" > "$RUN/ea-index.out" 2>&1 || true
    began=$(date +%s.%N)
    for f in "$RUN"/replay-ea/*.yaml; do
      timeout "$EA_TIMEOUT" "$BENCH_DIR/elastalert-venv/bin/elastalert-test-rule" --config "$RUN/ea-config.yaml" \
        --start "$START" --end "$NOW" "$f" > "$RUN/replay-ea-$(basename "$f" .yaml).out" 2>&1 || true
    done
    ended=$(date +%s.%N)
    EA_REPLAY_LINE=$(python3 -c "import sys; print(f'ElastAlert 2 replay: {float(sys.argv[2]) - float(sys.argv[1]):.2f} s wall for {sys.argv[3]} elastalert-test-rule runs, one per rule file; ElastAlert has no new_pattern/pattern_rate, so those files stop at loading (outputs in replay-ea-*.out)')" "$began" "$ended" "$(ls "$RUN"/replay-ea/*.yaml | wc -l)")
  fi
  echo "$REPLAY_LINE"; echo "$EA_REPLAY_LINE"
fi
[ "${SKIP_CYCLES:-0}" = 1 ] && exit 0

# One measured `alarms run --once` at $1; the summary line and /usr/bin/time figures go to $RUN/lb-$2.*.
lb_cycle() {
  /usr/bin/time -f "%e %U %S %M" -o "$RUN/lb-$2.time" "$BIN" alarms run --once --config "$RUN/logbridge.yaml" \
    --rules "$RUN/rules" --now "$1" > "$RUN/lb-$2.out"
  tail -1 "$RUN/lb-$2.out"
}
# The history and state indices of the alarm job, so the next cycle starts clean.
reset_alarms() { curl -s -XDELETE "$URL/logbridge-alarms-*" > /dev/null; }

for run in $(seq "$LB_RUNS"); do
  say "LogBridge first cycle ($run/$LB_RUNS): logbridge alarms run --once, clean state (every finding is a new alarm)"
  reset_alarms
  lb_cycle "$NOW" "first-$run"
  say "LogBridge steady state ($run/$LB_RUNS): the same cycle with the state of the cycle 15 minutes before present"
  reset_alarms
  "$BIN" alarms run --once --config "$RUN/logbridge.yaml" --rules "$RUN/rules" --now "$PREV" > "$RUN/lb-warmup.out"
  lb_cycle "$NOW" "steady-$run"
done

EA_LINE="ElastAlert 2: skipped"
if [ "${SKIP_ELASTALERT:-0}" != 1 ]; then
  say "ElastAlert 2 (PyPI elastalert2 + pytz in $BENCH_DIR/elastalert-venv): the same rules, the same 15 minutes"
  ea_venv
  "$BENCH_DIR/elastalert-venv/bin/elastalert-create-index" --config "$RUN/ea-config.yaml" > "$RUN/ea-index.out" 2>&1 || true
  # `elastalert --start --end` quits before running anything when the wall clock is past --end minus run_every
  # (the data set is in the past), so the cycle is driven through ElastAlert's own classes: load the rules
  # folder (new_term rules query their 30-day baselines here, as on every ElastAlert start), then run_rule on
  # every rule over the window — what the daemon does each run_every, alerts and writeback included.
  cat > "$RUN/ea-cycle.py" <<'PY'
import sys, time
from elastalert.elastalert import ElastAlerter
from elastalert.util import ts_to_dt
config, start, end = sys.argv[1:4]
began = time.time()
ea = ElastAlerter(["--config", config, "--start", start, "--end", end])
# Progress is printed as it goes, so a run stopped by EA_TIMEOUT still says how far it got.
print(f"elastalert progress: {len(ea.rules)} rules loaded in {time.time() - began:.1f} s", flush=True)
matches = 0
for n, rule in enumerate(ea.rules, 1):
    matches += ea.run_rule(rule, ts_to_dt(end), ts_to_dt(start)) or 0
    print(f"elastalert progress: {n} of {len(ea.rules)} rules run, {matches} match(es), {time.time() - began:.1f} s", flush=True)
print(f"elastalert: {len(ea.rules)} rules, {matches} match(es)")
PY
  EA_STATUS=0
  /usr/bin/time -f "%e %U %S %M" -o "$RUN/ea.time" timeout "$EA_TIMEOUT" "$BENCH_DIR/elastalert-venv/bin/python" \
    "$RUN/ea-cycle.py" "$RUN/ea-config.yaml" "$PREV" "$NOW" > "$RUN/ea.out" 2>&1 || EA_STATUS=$?
  grep -E '^elastalert' "$RUN/ea.out" | tail -1
  if [ -s "$RUN/ea.time" ] && [ "$(wc -w < <(tail -1 "$RUN/ea.time"))" = 4 ]; then
    read -r EA_WALL EA_USER EA_SYS EA_RSS < <(tail -1 "$RUN/ea.time")
    EA_DONE=$(grep -E '^elastalert' "$RUN/ea.out" | tail -1)
    EA_LINE=$(python3 - "$EA_WALL" "$EA_USER" "$EA_SYS" "$EA_RSS" "$EA_STATUS" "$EA_TIMEOUT" "$EA_DONE" <<'PY'
import sys
w, u, s, r = map(float, sys.argv[1:5]); status, cap, done = int(sys.argv[5]), sys.argv[6], sys.argv[7]
figures = f"{w:.2f} s wall, {u+s:.2f} CPU-s, {r/1024:.0f} MB peak RSS"
if status == 124:
    print(f"ElastAlert 2     : CAPPED at {cap} s (EA_TIMEOUT) before finishing the cycle: {figures} so far; last: {done or 'nothing'}")
elif status != 0:
    print(f"ElastAlert 2     : failed (exit {status}, see ea.out): {figures}")
else:
    print(f"ElastAlert 2     : {figures}; {done}")
PY
)
  else EA_LINE="ElastAlert 2: did not run (see $RUN/ea.out)"; fi
fi

say "result: one 15-minute cycle of $RULES rules over the same data, the same run"
for phase in first steady; do
  python3 - "$phase" "$RUN" "$LB_RUNS" "$RULES" <<'PY'
import re, statistics, sys
phase, run, runs, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
walls, cpus, rsss = [], [], []
for i in range(1, runs + 1):
    w, u, s, rss = map(float, open(f"{run}/lb-{phase}-{i}.time").read().split()[-4:])
    walls.append(w); cpus.append(u + s); rsss.append(rss / 1024)
line = open(f"{run}/lb-{phase}-{runs}.out").read().strip().splitlines()[-1]
events, req, body = map(int, re.search(r"(\d+) event\(s\), (\d+) request\(s\), (\d+) response bytes", line).groups())
w, c, r = statistics.median(walls), statistics.median(cpus), statistics.median(rsss)
ok = w <= 2 and c <= 1.5 and r <= 40
print(f"LogBridge {phase:7}: {w:.2f} s wall, {c:.2f} CPU-s, {r:.1f} MB peak RSS (median of {runs}; "
      f"runs: {', '.join(f'{a:.2f} s/{b:.2f} CPU-s/{m:.1f} MB' for a, b, m in zip(walls, cpus, rsss))}); "
      f"{events} alarm event(s); {req} search request(s) for {n} rules ({req/n:.3f} per rule), "
      f"{body/n/1024:.2f} KiB response per rule; target (≤ 2 s, ≤ 1.5 CPU-s, ≤ 40 MB) {'met' if ok else 'NOT met'}")
PY
done
echo "$EA_LINE"
echo "$REPLAY_LINE"
echo "$EA_REPLAY_LINE"
