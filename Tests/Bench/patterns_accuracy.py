#!/usr/bin/env python3
"""Accuracy of `logbridge patterns mine` beside drain3 (generic masks) on Loghub-2k, in one run.

Called by bench-patterns.sh. Data, ground truth and scoring come from the Loghub-2k folder itself
(drain3_baseline.py: its `load` and `grouping_metrics`), so both parsers are scored by the same code on the
same messages: the `Content` column in file order, each message's group being the one assigned on arrival.

usage: patterns_accuracy.py LOGBRIDGE LOGHUB_DIR WORK_DIR [DRAIN3_PYTHON]
"""
import json
import os
import subprocess
import sys
import time

logbridge, loghub, work = sys.argv[1], sys.argv[2], sys.argv[3]
drain3_python = sys.argv[4] if len(sys.argv) > 4 else None
sys.path.insert(0, loghub)
import drain3_baseline as base  # noqa: E402

os.makedirs(work, exist_ok=True)


def mine(name):
    msgs, gt, _, _ = base.load(name, "corrected", "content")
    if any("\n" in m for m in msgs):
        raise SystemExit(f"{name}: a message holds a newline; one message per line would split it")
    path = os.path.join(work, name + ".content")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(m + "\n" for m in msgs)
    timing = os.path.join(work, name + ".time")
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", timing, logbridge, "patterns", "mine", path],
                         check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    pred = [json.loads(line)["pattern_id"] for line in out.splitlines()]
    if len(pred) != len(msgs):
        raise SystemExit(f"{name}: {len(pred)} results for {len(msgs)} messages")
    ga, fga, n_pred, n_gt = base.grouping_metrics(gt, pred)
    with open(timing) as f:
        rss_kb = int(f.read().split()[-1])
    return {"GA": ga, "FGA": fga, "templates": n_pred, "truth": n_gt, "msg_s": len(msgs) / wall, "rss_mb": rss_kb / 1024}


def drain3(name):
    if not drain3_python:
        return None
    out = subprocess.run([drain3_python, os.path.join(loghub, "drain3_baseline.py"), "--one", name, "--config", "generic",
                          "--passes", "1", "--repeats", "1"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


rows = []
print("| Dataset | GA | FGA | patterns (truth) | msg/s incl. start-up | peak RSS MB | drain3 GA | drain3 FGA | drain3 templates | drain3 msg/s | drain3 peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in base.ORDER:
    ours, theirs = mine(name), drain3(name)
    rows.append((name, ours, theirs))
    d = (f"{theirs['GA']:.3f} | {theirs['FGA']:.3f} | {theirs['templates']} | {theirs['first_pass_msg_s']:,.0f} | "
         f"{theirs['peak_rss_mb']:.1f}") if theirs else "– | – | – | – | –"
    print(f"| {name} | {ours['GA']:.3f} | {ours['FGA']:.3f} | {ours['templates']} ({ours['truth']}) | {ours['msg_s']:,.0f} | "
          f"{ours['rss_mb']:.1f} | {d} |", flush=True)


def avg(values):
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


ga = avg(o["GA"] for _, o, _ in rows)
line = f"| **Average ({len(rows)})** | **{ga:.3f}** | {avg(o['FGA'] for _, o, _ in rows):.3f} | | | |"
if all(t for _, _, t in rows):
    line += f" **{avg(t['GA'] for _, _, t in rows):.3f}** | {avg(t['FGA'] for _, _, t in rows):.3f} | | | |"
else:
    line += " – | – | | | |"
print(line)
worst = min(rows, key=lambda r: r[1]["GA"])
print(f"\nlogbridge: average GA {ga:.3f} (target >= 0.93), lowest {worst[0]} {worst[1]['GA']:.3f} (target >= 0.80)")
