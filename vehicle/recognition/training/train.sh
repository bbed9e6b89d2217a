#!/usr/bin/env bash
# Retrains the learned line reader from scratch and writes
# vehicle/recognition/model/line_reader.onnx (see ../model/MODEL.md):
#   1. installs the training packages (setup-training.sh, Debian only),
#   2. builds the `anpr` tool, whose `anpr lines make` draws the crops with
#      the project's synthetic generator (set 0 only: sets 1 and 2 are the
#      held-out crops the bench and the test read),
#   3. trains for TRAIN_MINUTES (default 50) on TRAIN_THREADS (default 1)
#      threads at a low CPU priority, starting while the crops are still
#      being drawn (it adds them as they are written); the validation crops
#      are set 0, indices 99,000-99,999, drawn first.
# Usage, from anywhere, as root for step 1:
#   bash vehicle/recognition/training/train.sh [CROPS (default 24000)]
# TRAIN_INIT=FILE.onnx fine-tunes that earlier model instead of starting
# from scratch (learning rate 5e-4; how the committed model was made, see
# ../model/MODEL.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
crops="${1:-24000}"
minutes="${TRAIN_MINUTES:-50}"
threads="${TRAIN_THREADS:-1}"
init=()
if [[ -n "${TRAIN_INIT:-}" ]]; then
  init=(--init "$(realpath "$TRAIN_INIT")" --lr 5e-4)
fi
work="${TRAIN_WORK_DIR:-/tmp/anpr-line-reader-training}"
jobs=2

bash "$here/setup-training.sh"
cmake -S "$repo" -B "$repo/build/training" -DCMAKE_BUILD_TYPE=Release -DANPR_BUILD_TESTS=OFF >/dev/null
cmake --build "$repo/build/training" -j"$jobs" --target anpr
anpr="$repo/build/training/vehicle/app/anpr"

rm -rf "$work"
mkdir -p "$work"
nice -n 10 "$anpr" lines make --set 0 --first 99000 --count 1000 --out "$work/val"
per=$(((crops + jobs - 1) / jobs))
pids=()
parts=()
for ((k = 0; k < jobs; ++k)); do
  nice -n 10 "$anpr" lines make --set 0 --first $((k * per)) --count "$per" --out "$work/part$k" &
  pids+=($!)
  parts+=("$work/part$k")
done
sleep 120  # a first few thousand crops
OMP_NUM_THREADS="$threads" nice -n 10 /usr/bin/python3 "$here/train_line_reader.py" --data "${parts[@]}" \
  --val-data "$work/val" --reload --threads "$threads" "${init[@]}" \
  --out "$repo/vehicle/recognition/model" --minutes "$minutes" 2>&1 | tee "$work/train.log"
for pid in "${pids[@]}"; do wait "$pid"; done
