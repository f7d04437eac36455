#!/usr/bin/env bash
# Installs every Debian 12 package Meridian needs to build, test, package and run its demo.
# Idempotent and non-interactive; run as root or with sudo available.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-svg-dev
  # the console keeps tokens in the system keychain
  qtkeychain-qt6-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libsqlite3-dev libzstd-dev libgraphviz-dev libyaml-cpp-dev libcli11-dev libxxhash-dev
  fonts-dejavu-core xvfb xauth dpkg-dev file
  # bench_writes starts its own redis-server as the floor it measures writes against
  redis-server
  # certificates for TLS (demo up --tls and the TLS tests make a local CA with it); token
  # hashes (HMAC-SHA256) and their random secrets
  openssl libssl-dev
  # the fuzz targets (tests/fuzz): clang with its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
