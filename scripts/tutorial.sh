#!/usr/bin/env bash
# The main job: trains the tutorial chapter's models on real data and prints their results.
# Arguments go to dev.keraslite.samples.Tutorial (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Build the library and the samples (installed into the local Maven repository), then run the tutorial.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"  # TensorFlow's INFO lines are noise here
mvn -B -q -Dstyle.color=never -DskipTests -pl samples -am install
mvn -B -q -Dstyle.color=never -pl samples exec:java -Dexec.args="$*"
