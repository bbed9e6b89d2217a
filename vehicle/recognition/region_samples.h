// Labelled detector proposals from the project's synthetic generator
// (capture/synth.h): the training data of the learned plate classifier
// (vehicle/recognition/plate_classifier.h) and the held-out sets it is
// measured on. A scene (a still with one to three vehicles, or a frame of a
// drive-by) with random dressed plates (RandomTrainingPlate), signs, trees
// and buildings is degraded as cameras and encoders do, the detector runs on
// it, and each proposal is cut as the classifier sees it and labelled by its
// overlap with the plates drawn. Deterministic by seed.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace anpr {

struct RegionSample {
  cv::Mat cut;         // CutRegionForClassifier of the proposal, BGR
  bool plate = false;  // a plate (or one line of a two-line plate), or not
};

// The proposals of one generated scene that are clearly a plate (most of
// the proposal on a plate drawn, covering at least a third of it) or
// clearly not (touching no plate); proposals in between (a plate's
// supplier mark, a box half on the plate) are left out.
std::vector<RegionSample> MakeSynthRegionSamples(uint64_t seed);

// Scenes per set: indices in [0, kRegionScenesPerSet) of different sets
// never share a seed, nor with the line crops' sets (line_crops.h).
inline constexpr int kRegionScenesPerSet = 100'000;

// The seed of scene `index` of set `set` (0: training and its validation
// split; 1: held out).
uint64_t RegionSampleSeed(int set, int index);

}  // namespace anpr
