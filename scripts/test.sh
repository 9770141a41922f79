#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and end-to-end tests on real data (Failsafe), then the unit
# tests once more with keras-lite's fast eager dispatch switched off (the escape hatch stays working),
# then the main job once, checking that README's tutorial table is what it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# TensorFlow's INFO and WARNING lines (oneDNN, cpu_feature_guard) from every test JVM are noise here,
# and so are Abseil's two start-up lines (scripts/absl-noise.sed), dropped from Maven's output.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
quiet() { sed -u -E -f scripts/absl-noise.sed; }
mvn -B -Dstyle.color=never clean verify "$@" 2>&1 | quiet
mvn -B -Dstyle.color=never -pl keras-lite surefire:test -Dkeraslite.fastpath=false "$@" 2>&1 | quiet
# README's tutorial table is the main job's output: run the job once (the only full run in CI) and
# fail if README's table is not what it printed. The fast examples' run-to-run reproducibility is
# TutorialLauncherIT's part, above.
bash scripts/tutorial.sh --check-readme
