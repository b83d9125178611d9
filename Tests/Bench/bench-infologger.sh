#!/usr/bin/env bash
# 1,000,000 InfoLogger records through `logbridge ship` in server mode into the counting sink.
# The sender plays infoLoggerD: INI, pipelined frames (record + NUL + END), reads the cumulative ACKs; the clock
# stops at the ACK of the last frame, i.e. when everything is durably spooled (fsync'd) — the promise infoLoggerD
# relies on. Then it waits until the sink has every document. Usage: bench-infologger.sh [N] [fsync-policy]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-${N:-1000000}}
FSYNC=${2:-${FSYNC:-1s}}        # the spool's policy for other appends; ACKs always wait for an fsync
CONNECTIONS=${CONNECTIONS:-4}   # infoLoggerD daemons sending at once
BENCH_DIR=${BENCH_DIR:-/tmp/logbridge-bench-infologger}
read -r -a BUILD_FLAGS <<< "${SWIFT_BUILD_FLAGS:-}"
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench-infologger: N must be a positive integer" >&2; exit 2; }
command -v python3 > /dev/null || { echo "bench-infologger: python3 is missing" >&2; exit 2; }
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

cd "$REPO"
if [ -z "${LOGBRIDGE:-}" ]; then
    say "building release binaries"
    swift build -c release "${BUILD_FLAGS[@]}" --product BenchSink >&2
    swift build -c release "${BUILD_FLAGS[@]}" --product logbridge >&2
fi
BIN=$(swift build -c release "${BUILD_FLAGS[@]}" --show-bin-path)
LOGBRIDGE=${LOGBRIDGE:-$BIN/logbridge}
SINK=${SINK:-$BIN/BenchSink}

rm -rf "$BENCH_DIR"; mkdir -p "$BENCH_DIR"
"$SINK" --port 0 > "$BENCH_DIR/sink.out" 2> "$BENCH_DIR/sink.err" &
SINK_PID=$!
LB_PID=
trap 'kill $SINK_PID ${LB_PID:+$LB_PID} 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$BENCH_DIR/sink.out" ] && break; sleep 0.05; done
SINK_URL=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$BENCH_DIR/sink.out")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat > "$BENCH_DIR/logbridge.yaml" <<YAML
state_dir: $BENCH_DIR/state
logging: {level: warning}
output:
  hosts: ["$SINK_URL"]
  compression: none
  batch: {max_docs: 2000, max_bytes: 5MiB, flush_interval: 200ms}
# Patterns are mined (the default); the catalogue and the health documents (one per input and minute, and one
# at stop) are off because the sink would count their documents as events.
patterns: {catalogue: false}
health: {enabled: false}
inputs:
  - type: infologger
    id: infologger
    mode: server
    listen: 127.0.0.1:$PORT
    spool: {max_bytes: 4GiB, fsync: $FSYNC}
YAML

say "logbridge ship (server mode, spool fsync: $FSYNC), $N records over $CONNECTIONS connections"
"$LOGBRIDGE" ship --config "$BENCH_DIR/logbridge.yaml" > "$BENCH_DIR/lb.out" 2> "$BENCH_DIR/lb.err" &
LB_PID=$!

python3 - "$PORT" "$N" "$CONNECTIONS" "$LB_PID" "$SINK_URL" <<'PY'
import json, socket, sys, threading, time, urllib.request
port, n, conns, pid, sink = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
tick = 1.0 / __import__("os").sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * tick
def hwm():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"): return int(line.split()[1])
    return 0
def frames(conn, first, count):
    out = bytearray()
    sev = b"IWE"
    for i in range(first, first + count):
        rec = b"*1.4#%c#%d#1795912022.%06d#flp%03d#readout#%d#flp#FLP#readout#TPC#PHYSICS_1#551234###Readout.cxx#Readout equipment %d: page %d received, %d bytes" % (
            sev[i % 3], 1 + i % 20, i % 1000000, conn, 4000 + conn, conn, i, 8192 + i % 4096)
        out += b"File infoLoggerD %d 1 %d\n" % (i - first + 1, len(rec) + 1) + rec + b"\x00END\n"
    return bytes(out)
per = [n // conns + (1 if c < n % conns else 0) for c in range(conns)]
starts = [sum(per[:c]) for c in range(conns)]
payloads = [frames(c, starts[c], per[c]) for c in range(conns)]
socks = []
for c in range(conns):
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port)); break
        except OSError: time.sleep(0.05)
    s.sendall(b"INI infoLoggerD 1\n")
    assert s.recv(6) == b"READY\n"
    socks.append(s)
last_ack = [0] * conns
def reader(c):
    buf = b""
    while last_ack[c] < per[c]:
        d = socks[c].recv(65536)
        if not d: raise SystemExit("connection closed")
        buf += d
        *lines, buf = buf.split(b"\n")
        for l in lines:
            if l.startswith(b"ACK "): last_ack[c] = int(l.split()[1])
cpu0, t0 = cpu(), time.time()
threads = [threading.Thread(target=reader, args=(c,)) for c in range(conns)]
for t in threads: t.start()
senders = [threading.Thread(target=socks[c].sendall, args=(payloads[c],)) for c in range(conns)]
for t in senders: t.start()
for t in senders + threads: t.join()
t_ack = time.time() - t0
cpu_ack = cpu() - cpu0
delivered = 0
deadline = time.time() + 300
while time.time() < deadline:
    delivered = json.load(urllib.request.urlopen(sink + "/_sink/stats")).get("docs", 0)
    if delivered >= n: break
    time.sleep(0.2)
t_all = time.time() - t0
cpu_all = cpu() - cpu0
print(json.dumps({
    "sent": n, "acknowledged": sum(last_ack), "delivered": delivered, "lost": n - delivered,
    "acked_msgs_per_s": round(n / t_ack), "delivered_msgs_per_s": round(n / t_all),
    "seconds_to_last_ack": round(t_ack, 2), "seconds_to_delivered": round(t_all, 2),
    "cpu_s_per_million": round(cpu_all * 1e6 / n, 2), "peak_rss_mb": round(hwm() / 1024, 1)}, indent=1))
PY
