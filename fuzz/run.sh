#!/usr/bin/env bash
# Builds the fuzz targets (stable Rust, no sanitizer; optimised, with debug assertions so
# integer overflow panics as in tests) and runs each for SECONDS of wall time, then
# prints executions and crashes per target.
#
#   fuzz/run.sh SECONDS [TARGET...]     (default: every target in fuzz/Cargo.toml)
#
# Environment: JOBS (targets run at once, default 1), NICE (nice level, default 10),
# NO_BUILD=1 (use the binaries already built), TIMEOUT (wall-clock seconds one input may
# take, default 60: an encrypted key at the allowed KDF cost takes about 3 CPU seconds in
# this instrumented build, and over 20 s of wall time on a loaded machine), RSS_MB
# (memory limit, default 2048).
#
# A crash, timeout or out-of-memory is saved under fuzz/artifacts/TARGET/ and the target
# is started again for the rest of its budget, so every crash in the budget is counted.
# The corpus a run grows is kept in fuzz/corpus-work/TARGET/ (git-ignored); the seeds
# in fuzz/corpus/TARGET/ are read, never written. Needs cargo-fuzz
# (`cargo install cargo-fuzz --locked`). Exit status: 0 when no target crashed, 1 if any did.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
jobs_max=${JOBS:-1}
nice_level=${NICE:-10}
timeout=${TIMEOUT:-60}
rss_mb=${RSS_MB:-2048}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(awk '/^\[\[bin\]\]/ { bin = 1 } bin && /^name = / { gsub(/"/, "", $3); print $3; bin = 0 }' Cargo.toml)
fi

if [ "${NO_BUILD:-}" != 1 ]; then
  # The lock file starts as the project's, so cfsign's dependencies resolve the same.
  [ -e Cargo.lock ] || cp ../Cargo.lock Cargo.lock
  nice -n "$nice_level" cargo fuzz build --sanitizer none -O --debug-assertions >/dev/null 2>build.log ||
    { cat build.log >&2; exit 2; }
fi
bin_dir=target/x86_64-unknown-linux-gnu/release
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# run_target NAME: fuzz NAME for $seconds, restarting after each crash; writes
# "execs crashes timeouts ooms" to $results/NAME.
run_target() {
  local t=$1 execs=0 crashes=0 timeouts=0 ooms=0 restarts=0 start now left log sha
  mkdir -p "corpus-work/$t" "artifacts/$t" "corpus/$t"
  log=$results/$t.log
  start=$(date +%s)
  while :; do
    now=$(date +%s)
    left=$((seconds - (now - start)))
    [ "$left" -gt 0 ] || break
    if nice -n "$nice_level" "$bin_dir/$t" "corpus-work/$t" "corpus/$t" \
        -max_total_time="$left" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
        -malloc_limit_mb="$rss_mb" -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
      :
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
      timeouts=$((timeouts + 1))
    elif grep -Eq 'out-of-memory|malloc\(.*\) exceeds' "$log"; then
      ooms=$((ooms + 1))
    else
      crashes=$((crashes + 1))
    fi
    # A failing input that is in the grown corpus (a fix elsewhere changed what it does)
    # is dropped from it (the artifact keeps it), so a restart does not replay it.
    sha=$(sed -n 's/.*Test unit written to .*-\([0-9a-f]\{40\}\)$/\1/p' "$log" | tail -1)
    [ -z "$sha" ] || rm -f "corpus-work/$t/$sha"
    execs=$((execs + $(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 | grep . || echo 0)))
    # Keep what each stop says (the panic message or libFuzzer's error), not whole logs.
    grep -a -A3 -E 'panicked at|ERROR: libFuzzer' "$log" >>"$results/$t.all" || true
    restarts=$((restarts + 1))
    [ "$restarts" -lt 200 ] || break
  done
  echo "$execs $crashes $timeouts $ooms" >"$results/$t"
}

for t in "${targets[@]}"; do
  [ -x "$bin_dir/$t" ] || { echo "fuzz/run.sh: no binary for target $t (build failed?)" >&2; exit 2; }
  run_target "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
done
wait

status=0
printf '%-15s %12s %8s %9s %6s\n' target executions crashes timeouts ooms
for t in "${targets[@]}"; do
  read -r execs crashes timeouts ooms <"$results/$t" || { execs='?' crashes='?' timeouts='?' ooms='?'; }
  printf '%-15s %12s %8s %9s %6s\n' "$t" "$execs" "$crashes" "$timeouts" "$ooms"
  if [ "$crashes$timeouts$ooms" != 000 ]; then
    status=1
    mkdir -p logs && cp "$results/$t.all" "logs/$t.log"
  fi
done
echo "budget: ${seconds}s per target; artifacts in fuzz/artifacts/, logs of failing targets in fuzz/logs/"
exit $status
