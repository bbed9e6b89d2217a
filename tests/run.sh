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

# ccache (installed by setup-host) keyed on paths relative to the checkout,
# so a second clone on the same machine reuses the first one's objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

fuzz=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DANPR_BUILD_TESTS=OFF -DANPR_BUILD_FUZZERS=ON >/dev/null
fuzzers=$(cmake --build "$fuzz" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z0-9_]*\).*/\1/p')
for f in $fuzzers; do cmake --build "$fuzz" -j"$jobs" --target "$f"; done

# clang's thread-safety analysis over every library and program (the
# ANPR_GUARDED_BY annotations); unoptimised, since nothing here is run.
tsa=build/clang-tsa
CC=clang CXX=clang++ cmake -S . -B "$tsa" -DCMAKE_BUILD_TYPE=Debug -DANPR_BUILD_TESTS=OFF >/dev/null
cmake --build "$tsa" -j"$jobs" --target anpr anpr-vehicle anpr-depot

build=build/asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DANPR_SANITIZE=ON -DANPR_WERROR=ON \
  -DANPR_BUILD_BENCHMARKS=OFF \
  -DANPR_FUZZ_BIN_DIR="$PWD/$fuzz/fuzzers"
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 600
