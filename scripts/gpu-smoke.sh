#!/usr/bin/env bash
# Smoke test of the gpu profile, run on demand: builds the library and the benchmarks with -Pgpu
# (TensorFlow Java's linux-x86_64-gpu native jar, ~526 MB from Maven Central the first time), then
# trains a few steps with Eager.builder().device("/GPU:0").softPlacement(true).memoryGrowth(true)
# and prints the native jar that loaded and the device every kind of value ran on. Without a GPU (or
# CUDA) TensorFlow's GPU build runs on the CPU: soft placement moves the ops there.
# Usage: bash scripts/gpu-smoke.sh [device]   (default /GPU:0)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
if ! mvn -B -q -Dstyle.color=never -Pgpu -Dmaven.test.skip=true -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true -pl keras-lite,benchmarks package dependency:build-classpath \
    -Dmdep.outputFile=target/gpu-classpath.txt > target/gpu-smoke-build.log 2>&1; then
  cat target/gpu-smoke-build.log >&2
  echo "gpu-smoke.sh: building with -Pgpu failed (log above and in target/gpu-smoke-build.log)" >&2
  exit 1
fi
classpath="benchmarks/target/classes:$(cat benchmarks/target/gpu-classpath.txt)"
native=$(tr ':' '\n' <<< "$classpath" | grep 'tensorflow-core-native-.*-linux-x86_64-gpu.jar' || true)
if [ -z "$native" ]; then
  echo "gpu-smoke.sh: the classpath holds no linux-x86_64-gpu native jar" >&2
  exit 1
fi
echo "native jar: $native ($(du -h "$native" | cut -f1))"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
java -cp "$classpath" dev.keraslite.benchmarks.GpuSmoke "${1:-/GPU:0}"
