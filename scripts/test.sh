#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and end-to-end tests on real data (Failsafe).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B clean verify "$@"
