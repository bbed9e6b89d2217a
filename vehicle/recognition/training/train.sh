#!/usr/bin/env bash
# Retrains the learned line reader from scratch and writes
# vehicle/recognition/model/line_reader.onnx (see ../model/MODEL.md):
#   1. installs the training packages (setup-training.sh, Debian only),
#   2. builds the `anpr` tool, whose `anpr lines make` draws the crops with
#      the project's synthetic generator (set 0 only: sets 1 and 2 are the
#      held-out crops the bench and the test read),
#   3. trains for TRAIN_MINUTES (default 40) at the lowest CPU priority.
# Usage, from anywhere, as root for step 1:
#   bash vehicle/recognition/training/train.sh [CROPS (default 24000)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
crops="${1:-24000}"
minutes="${TRAIN_MINUTES:-40}"
work="${TRAIN_WORK_DIR:-/tmp/anpr-line-reader-training}"
jobs=2

bash "$here/setup-training.sh"
cmake -S "$repo" -B "$repo/build/training" -DCMAKE_BUILD_TYPE=Release -DANPR_BUILD_TESTS=OFF >/dev/null
cmake --build "$repo/build/training" -j"$jobs" --target anpr
anpr="$repo/build/training/vehicle/app/anpr"

rm -rf "$work"
mkdir -p "$work"
per=$(((crops + jobs - 1) / jobs))
pids=()
for ((k = 0; k < jobs; ++k)); do
  nice -n 19 "$anpr" lines make --set 0 --first $((k * per)) --count "$per" --out "$work/part$k" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
parts=()
for ((k = 0; k < jobs; ++k)); do parts+=("$work/part$k"); done

nice -n 19 /usr/bin/python3 "$here/train_line_reader.py" --data "${parts[@]}" \
  --out "$repo/vehicle/recognition/model" --minutes "$minutes" 2>&1 | tee "$work/train.log"
