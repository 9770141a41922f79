#!/usr/bin/env bash
# Installs what keras-lite's build, tests and tutorial need on a fresh Debian machine: Java 17, Maven,
# Debian's Fashion-MNIST (real data for the tutorial and the accuracy tests), python3-h5py (reads
# keras-lite's Keras files in an integration test) and Graphviz (`dot`, which draws
# Plots.modelGraph's PNGs; its fonts also serve the History plots). Idempotent.
set -euo pipefail

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless maven
fi
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt_install dataset-fashion-mnist
fi
# Debian's h5py: the independent reader of keras-lite's Keras weights files (KerasFilesIT).
if ! /usr/bin/python3 -c 'import h5py' >/dev/null 2>&1; then
  apt_install python3-h5py
fi
if ! command -v dot >/dev/null 2>&1; then
  apt_install graphviz
fi
