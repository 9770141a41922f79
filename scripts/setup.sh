#!/usr/bin/env bash
# Installs what keras-lite's build, tests and tutorial need on a fresh Debian machine: Java 17, Maven,
# Debian's Fashion-MNIST (real data for the tutorial and the accuracy tests), fortunes (a text corpus
# for the transformer classifier), python3-h5py (reads
# keras-lite's Keras files in an integration test) and Graphviz (`dot`, which draws
# Plots.modelGraph's PNGs; its fonts also serve the History plots). Idempotent.
set -euo pipefail

# apt's and debconf's messages ("debconf: delaying package configuration ...") go to a log that is
# shown only when the installation fails, so that the scripts' output stays their own.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  local log
  log="$(mktemp)"
  if ! { $sudo apt-get update -qq && \
         $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "setup.sh: installing $* failed (apt's output above)" >&2
    return 1
  fi
  rm -f "$log"
}

if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless maven
fi
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt_install dataset-fashion-mnist
fi
# Debian's fortune cookies: the text corpus of the transformer text classifier (TransformerText).
if [ ! -f /usr/share/games/fortunes/computers ]; then
  apt_install fortunes
fi
# Debian's h5py: the independent reader of keras-lite's Keras weights files (KerasFilesIT).
if ! /usr/bin/python3 -c 'import h5py' >/dev/null 2>&1; then
  apt_install python3-h5py
fi
if ! command -v dot >/dev/null 2>&1; then
  apt_install graphviz
fi
