#!/usr/bin/env bash
# Installs dependencies, builds Meridian and starts the local demo: four regions on three
# clouds replicating on this machine, the sample feature repository applied, a generator
# writing rows. Then opens the console on it; without a display, the console says so and the
# demo keeps running.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target meridian-store meridianctl meridian
./build/bin/meridianctl demo up
# The console connects to the running demo and leaves it running on exit (--keep-demo); without
# a display it says so in one line and the demo keeps running headless.
exec ./build/bin/meridian --demo --keep-demo
