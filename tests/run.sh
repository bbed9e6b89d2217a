#!/usr/bin/env bash
# The whole test suite from a clean clone: set up the host; build the
# libFuzzer targets with clang; build everything else with g++ under
# AddressSanitizer + UndefinedBehaviorSanitizer and warnings as errors; run
# every CTest test (the fuzzers for a bounded time among them). Ends with
# CTest's summary line. Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash hw/setup-host.sh

fuzz=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DANPR_BUILD_TESTS=OFF -DANPR_BUILD_FUZZERS=ON >/dev/null
fuzzers=$(cmake --build "$fuzz" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z0-9_]*\).*/\1/p')
for f in $fuzzers; do cmake --build "$fuzz" -j"$jobs" --target "$f"; done

build=build/asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DANPR_SANITIZE=ON -DANPR_WERROR=ON \
  -DANPR_FUZZ_BIN_DIR="$PWD/$fuzz/fuzzers"
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 600
