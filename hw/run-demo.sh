#!/usr/bin/env bash
# The unit's main job on its built-in demo, from a clean clone: set up the
# host, build an optimised binary, run anpr-vehicle --demo.
# Usage: bash hw/run-demo.sh [extra anpr-vehicle options]
set -euo pipefail
cd "$(dirname "$0")/.."

bash hw/setup-host.sh
build=build/release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DANPR_BUILD_TESTS=OFF
cmake --build "$build" -j"$(nproc)" --target anpr-vehicle
exec "$build/vehicle/app/anpr-vehicle" --demo "$@"
