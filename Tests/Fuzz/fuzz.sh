#!/usr/bin/env bash
# Builds each fuzz target with coverage instrumentation and AddressSanitizer, runs it for FUZZ_SECONDS
# against its corpus, and keeps what it finds under Tests/Fuzz/findings/<target>/. See Tests/Fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-"config json bulk-response syslog infologger infologger-lines multiline"}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
# libFuzzer without its main(): SwiftPM gives every executable a main, FuzzSupport calls LLVMFuzzerRunDriver.
CLANG_RT=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib/clang
NO_MAIN=$(find "$CLANG_RT" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -1)
[ -n "$NO_MAIN" ] || { echo "libclang_rt.fuzzer_no_main not found under $CLANG_RT"; exit 1; }
FLAGS=(-c debug --scratch-path "$SCRATCH" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"}
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
  -Xswiftc -DFUZZING -Xlinker "$NO_MAIN" -Xlinker -lstdc++)
# Known sanitizer false positives (see the file); a caller's own ASAN_OPTIONS are kept.
export ASAN_OPTIONS="suppressions=$PWD/Tests/Fuzz/asan.supp${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
summary=()
for t in $TARGETS; do
  $SWIFT build "${FLAGS[@]}" --product "fuzz-$t" 2>&1 | grep -v "Cannot export local symbol" | tail -5
  bin="$SCRATCH/debug/fuzz-$t"
  # The growing corpus stays in the scratch directory; crashes go to findings/ to become regressions.
  work="$SCRATCH/fuzz-corpus/$t"; findings="Tests/Fuzz/findings/$t"
  mkdir -p "$work" "$findings"
  log="$work/fuzz.log"
  set +e
  "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$work" "Tests/Fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
  summary+=("fuzz-$t: ${FUZZ_SECONDS}s, $runs executions, exit $rc, findings: $(ls "$findings" | grep -vc "^.keep$" || true)")
  tail -3 "$log"
done
printf '%s\n' "${summary[@]}" | tee "$SCRATCH/fuzz-last-run.txt"
# A crash, leak or timeout leaves a file in findings/: fail so it is noticed, then copy it to regressions/.
if find Tests/Fuzz/findings -type f ! -name .keep | grep -q .; then
  echo "findings under Tests/Fuzz/findings: copy each to Tests/Fuzz/regressions/<target>/ and fix"; exit 1
fi
