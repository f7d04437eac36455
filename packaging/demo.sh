#!/usr/bin/env bash
# Installs dependencies, builds Meridian and starts the local demo: four regions on three
# clouds replicating on this machine, the sample feature repository applied, a generator
# writing rows. Then opens the console on it; without a display, leaves the demo running and
# says how to watch it.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target meridian-store meridianctl meridian
./build/app/ctl/meridianctl demo up
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display here: the demo keeps running headless. Watch it with ./build/app/ctl/meridianctl lag | cost | jobs | alerts; stop it with ./build/app/ctl/meridianctl demo down"
  exit 0
fi
exec ./build/app/console/meridian --demo --keep-demo
