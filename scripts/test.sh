#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and end-to-end tests on real data (Failsafe), then the unit
# tests once more with keras-lite's fast eager dispatch switched off (the escape hatch stays working).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B clean verify "$@"
mvn -B -pl keras-lite surefire:test -Dkeraslite.fastpath=false "$@"
