#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
# Every test, the soak test (label soak, ~4 minutes, run on its own) included.
ctest --test-dir build --output-on-failure --timeout 600 -j 2
# The fuzz targets, in a clang tree of their own under ASan and UBSan: each runs its seed corpus
# and the inputs that once crashed it, then fuzzes for 30 s (tests/fuzz).
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DMERIDIAN_FUZZ=ON
cmake --build build-fuzz
ctest --test-dir build-fuzz --output-on-failure -L fuzz -j 2
