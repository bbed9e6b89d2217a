// Labelled plate-line crops from the project's synthetic generator
// (capture/synth.h): the training data of the learned line reader
// (vehicle/recognition/line_reader.h) and the held-out sets it is measured
// on. A crop is what a detector hands the reader: the plate in a scene,
// dressed as real plates are (band letters, seals, screws, frame, dirt:
// synth::PlateSpec::Dressing), seen at an angle, blurred, noisy, stretched,
// JPEG-compressed, cut with an uneven margin that may take in some of the
// vehicle. Deterministic by seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <opencv2/core.hpp>

#include "capture/synth.h"

namespace anpr {

struct LineCrop {
  cv::Mat image;     // BGR, the plate with a margin of its surroundings
  std::string text;  // the registration, A-Z 0-9, no spaces
  // The scene around the plate (its box grown by half its width at each
  // side and its height above and below), degraded like `image`, which is
  // `context(crop_in_context)`: what a whole-frame reader is given.
  cv::Mat context;
  cv::Rect crop_in_context;
};

// A registration-like text as printed, with the group gap as a space: a
// current GB registration, a continental-style one (letters, digits,
// letters in groups of varying length) or a random run of 4-8 characters.
std::string RandomLineText(std::mt19937_64& rng);

// A random single-line plate as the training crops draw it: text from
// RandomLineText; UK white, UK yellow or EU style; one of the generator's
// faces, character widths and gaps; dressed as real plates are (band
// letters, seals, screws, frame, dirt: synth::PlateSpec::Dressing).
synth::PlateSpec RandomTrainingPlate(std::mt19937_64& rng);

// One single-line plate crop. Seeds are independent: training uses one
// range, held-out sets others (see vehicle/recognition/model/MODEL.md).
LineCrop MakeSynthLineCrop(uint64_t seed);

// Crops per set: indices in [0, kLineCropsPerSet) of different sets never
// share a seed.
inline constexpr int kLineCropsPerSet = 100'000;

// The seed of crop `index` (0 <= index < kLineCropsPerSet) of the set
// numbered `set` (0: training; 1: the held-out set `anpr lines bench`
// measures; 2: the test's fixed crops).
uint64_t LineCropSeed(int set, int index);

}  // namespace anpr
