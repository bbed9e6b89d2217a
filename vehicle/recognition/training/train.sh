#!/usr/bin/env bash
# Retrains the recognition models from scratch and writes them to
# vehicle/recognition/model/ (see ../model/MODEL.md):
#   1. installs the training packages (setup-training.sh, Debian only),
#   2. builds the `anpr` tool and `train_chars`, which draw the training data
#      with the project's synthetic generator,
#   3. chars.yml.gz: the per-character classifier (train_chars, ~2 minutes),
#   4. plate_classifier.onnx: `anpr regions make` draws the labelled
#      proposals of REGION_SCENES (default 16000) scenes of set 0 (2
#      processes) and its validation scenes (set 0, 90,000-91,499);
#      train_plate_classifier.py trains for PLATE_MINUTES (default 30),
#      starting while the proposals are still being drawn,
#   5. line_reader.onnx: `anpr lines make` draws LINE_CROPS (default 24000)
#      crops of set 0 and the validation crops (99,000-99,999);
#      train_line_reader.py trains for LINE_MINUTES (default 50).
# Sets 1 and 2 of both generators are the held-out data the bench and the
# tests read: never drawn here. Each training runs on TRAIN_THREADS (default
# 1) threads at a low CPU priority. About 1 h 45 min on a 2-core machine.
# Usage, from anywhere, as root for step 1:
#   bash vehicle/recognition/training/train.sh [all|chars|plate-classifier|line-reader]
# TRAIN_INIT=FILE.onnx fine-tunes that earlier line reader instead of
# starting from scratch (learning rate 5e-4; how the committed line reader
# was made, see ../model/MODEL.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
what="${1:-all}"
threads="${TRAIN_THREADS:-1}"
work="${TRAIN_WORK_DIR:-/tmp/anpr-training}"
models="$repo/vehicle/recognition/model"
jobs=2

bash "$here/setup-training.sh"
cmake -S "$repo" -B "$repo/build/training" -DCMAKE_BUILD_TYPE=Release -DANPR_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$repo/build/training" -j"$jobs" --target anpr train_chars
anpr="$repo/build/training/vehicle/app/anpr"

# Draws `count` items of set 0 from index 0 with `anpr KIND make` in $jobs
# processes into $dir/part0.. (in the background; their pids in `pids`).
draw_set0() {
  local kind=$1 count=$2 dir=$3 per k
  per=$(((count + jobs - 1) / jobs))
  pids=()
  parts=()
  for ((k = 0; k < jobs; ++k)); do
    nice -n 10 "$anpr" "$kind" make --set 0 --first $((k * per)) --count "$per" --out "$dir/part$k" &
    pids+=($!)
    parts+=("$dir/part$k")
  done
}

train_chars() {
  nice -n 10 "$repo/build/training/tests/recognition/train_chars" "$models/chars.yml.gz"
}

train_plate_classifier() {
  local dir="$work/plate-classifier"
  rm -rf "$dir" && mkdir -p "$dir"
  nice -n 10 "$anpr" regions make --set 0 --first 90000 --count 1500 --out "$dir/val"
  draw_set0 regions "${REGION_SCENES:-16000}" "$dir"
  sleep 120  # a first few thousand proposals
  OMP_NUM_THREADS="$threads" nice -n 10 /usr/bin/python3 "$here/train_plate_classifier.py" --data "${parts[@]}" \
    --val-data "$dir/val" --reload --threads "$threads" --out "$models" --minutes "${PLATE_MINUTES:-30}" 2>&1 |
    tee "$dir/train.log"
  kill "${pids[@]}" 2>/dev/null || true  # proposals not read by then are not needed
}

train_line_reader() {
  local dir="$work/line-reader" init=()
  if [[ -n "${TRAIN_INIT:-}" ]]; then
    init=(--init "$(realpath "$TRAIN_INIT")" --lr 5e-4)
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  nice -n 10 "$anpr" lines make --set 0 --first 99000 --count 1000 --out "$dir/val"
  draw_set0 lines "${LINE_CROPS:-24000}" "$dir"
  sleep 120  # a first few thousand crops
  OMP_NUM_THREADS="$threads" nice -n 10 /usr/bin/python3 "$here/train_line_reader.py" --data "${parts[@]}" \
    --val-data "$dir/val" --reload --threads "$threads" "${init[@]}" \
    --out "$models" --minutes "${LINE_MINUTES:-50}" 2>&1 | tee "$dir/train.log"
  for pid in "${pids[@]}"; do wait "$pid"; done
}

case "$what" in
  all) train_chars && train_plate_classifier && train_line_reader ;;
  chars) train_chars ;;
  plate-classifier) train_plate_classifier ;;
  line-reader) train_line_reader ;;
  *) echo "usage: $0 [all|chars|plate-classifier|line-reader]" >&2; exit 2 ;;
esac
