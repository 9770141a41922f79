#!/usr/bin/env bash
# Per-primitive profile of issue 19's W3 (the tutorial CNN, compiled fit, batch 50) in float32 and in
# mixed_bfloat16, run on demand: builds the library and the benchmarks, runs MixedPrecisionProfile
# under oneDNN's profiling verbose mode and aggregates the primitives' times by policy with
# onednn-profile.py (milliseconds per step; the wall time minus oneDNN's time is TensorFlow's own
# kernels and runtime; the Amdahl bound on the mixed_bfloat16 speed-up follows).
# Usage: bash scripts/onednn-profile.sh [steps per window (20)] [rounds (3)]
# The raw output stays in target/onednn-profile.{out,err}.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
mvn -B -q -Dmaven.test.skip=true -pl keras-lite,benchmarks -am compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/target/onednn-profile-cp.txt" > target/onednn-profile-build.log 2>&1 \
  || { cat target/onednn-profile-build.log >&2; exit 1; }
classpath="keras-lite/target/classes:benchmarks/target/classes:$(cat target/onednn-profile-cp.txt)"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
echo "load: $(uptime)"
ONEDNN_VERBOSE=profile_exec ONEDNN_VERBOSE_TIMESTAMP=1 \
  java -cp "$classpath" dev.keraslite.benchmarks.MixedPrecisionProfile "${1:-20}" "${2:-3}" \
  > target/onednn-profile.out 2> target/onednn-profile.err
python3 scripts/onednn-profile.py target/onednn-profile.out target/onednn-profile.err
