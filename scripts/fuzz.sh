#!/usr/bin/env bash
# A short fuzzing pass over every file reader's Jazzer target, with a fixed seed so that a CI run is
# repeatable: scripts/test.sh runs it after the tests (which only replay the committed inputs).
# Jazzer fuzzes one target per JVM, hence one Maven call per target; a finding fails the call and
# Jazzer writes the input beside the target's committed inputs (src/test/resources/.../*Inputs/).
#
#   bash scripts/fuzz.sh                 # 2,000 executions per target, seed 1
#   bash scripts/fuzz.sh 100000 7        # longer, another seed (each target also stops after its
#                                        # @FuzzTest maxDuration of 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-2000}"
seed="${2:-1}"
targets=(
  ReadersFuzzTest#idxImages ReadersFuzzTest#idxLabels ReadersFuzzTest#idxGzip
  ReadersFuzzTest#npy ReadersFuzzTest#npz KerasFilesFuzzTest#legacyH5Model
)
for target in "${targets[@]}"; do
  # jazzer.internal.arg.N are libFuzzer's arguments; Jazzer drops the first (argv[0]).
  log="$(mktemp)"
  if ! JAZZER_FUZZ=1 mvn -B -Dstyle.color=never -pl keras-lite surefire:test -Dtest="$target" \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-seed="$seed" \
      -Djazzer.internal.arg.2=-runs="$runs" >"$log" 2>&1; then
    cat "$log"
    rm -f "$log"
    echo "fuzz.sh: $target failed (seed $seed, $runs runs; output above)" >&2
    exit 1
  fi
  echo "fuzz.sh: $target: $(grep -E '^Done [0-9]+ runs' "$log" | head -1) (seed $seed)"
  rm -f "$log"
done
