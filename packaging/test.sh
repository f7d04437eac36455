#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
# Every test, the soak test (label soak, ~4 minutes, run on its own) included.
ctest --test-dir build --output-on-failure --timeout 600 -j 2
