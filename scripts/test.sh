#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and end-to-end tests on real data (Failsafe), then the unit
# tests once more with keras-lite's fast eager dispatch switched off (the escape hatch stays working),
# then a short fixed-seed fuzzing pass (scripts/fuzz.sh).
# README's tutorial table: TutorialLauncherIT checks the fast examples' rows; the full table is checked
# by hand with `bash scripts/tutorial.sh --check-readme` (a full run takes about 10 minutes, too long
# for CI's budget beside the integration tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# TensorFlow's INFO and WARNING lines (oneDNN, cpu_feature_guard) from every test JVM are noise here,
# and so are Abseil's two start-up lines (scripts/absl-noise.sed), dropped from Maven's output.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
quiet() { sed -u -E -f scripts/absl-noise.sed; }
mvn -B -Dstyle.color=never clean verify "$@" 2>&1 | quiet
mvn -B -Dstyle.color=never -pl keras-lite surefire:test -Dkeraslite.fastpath=false "$@" 2>&1 | quiet
# A short fuzzing pass over the file readers, with a fixed seed (the tests above only replay inputs).
bash scripts/fuzz.sh
