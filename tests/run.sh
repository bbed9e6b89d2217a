#!/usr/bin/env bash
# The whole test suite from a clean clone: set up the host, build with
# AddressSanitizer + UndefinedBehaviorSanitizer and warnings as errors, run
# every CTest test. Ends with CTest's summary line. Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash hw/setup-host.sh
build=build/asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DANPR_SANITIZE=ON -DANPR_WERROR=ON
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
