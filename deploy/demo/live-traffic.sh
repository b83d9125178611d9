#!/usr/bin/env bash
# The demo's traffic besides the journal, shared by `make demo` (deploy/demo/demo.sh) and ShippedRulesTests, so
# the test sends exactly what the demo sends:
#   live-traffic.sh file PATH HOSTS          a classic /var/log/messages-style file (RFC 3164 without PRI)
#   live-traffic.sh send SYSLOG_PORT ILG_PORT syslog over TCP (RFC 5424) and UDP (RFC 3164), InfoLogger frames
#   live-traffic.sh incidents                 the alarm incidents this traffic holds, as `demo generate` prints them
set -euo pipefail
case "${1:-}" in
file)
python3 - "$2" "$3" <<'PY'
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
;;
send)
SYSLOG_PORT=$2; ILG_PORT=$3
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
# Stamped from 200 s to 1 s before now: the newest Fatal one (the infologger-fatal incident) is 33 s old when
# sent. The rule's first run looks back only buffer_time + run_every (2.5-3 min); stamped from 300 s back, as
# before, the newest was 132 s old when sent, and an alarm run some 20-50 s later missed the incident
# (ShippedRulesTests did).
# E and F only in the first eight records of every forty (5 each): E lands on flp007, F on flp008 from TOF (the
# infologger-fatal incident). One record in eight, as before, made 25 err lines per host within the 5-minute
# window: an error burst the demo did not mean to inject.
for i in range(1, 201):
    rec = "*1.4#%s#%d#%.6f#flp%03d#readout#%d#flp#FLP#readout#%s#2rXyZ7abc#551234#%d#%d#ReadoutEquipment.cxx#demo InfoLogger message %d" % (
        sev[i % 8] if i % 40 < 8 or sev[i % 8] not in "EF" else "I", 1 + i % 21, now - 200 + i, 1 + i % 8, 30000 + i % 8, ["TPC", "ITS", "MFT", "TOF"][i % 4], 3000 + i % 5, 200 + i, i)
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
;;
incidents)
# The InfoLogger records sent above hold the incident of infologger-fatal: Fatal messages from TOF.
echo "incident infologger-fatal TOF"
;;
*) echo "usage: $0 file PATH HOSTS | send SYSLOG_PORT ILG_PORT | incidents" >&2; exit 2 ;;
esac
