// Labelled photographs for measuring recognition (`anpr bench`, `anpr lines
// bench`, the accuracy tests): a folder of NAME.jpg with NAME.txt beside it,
// each line of which is "NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE" (the
// plate's box in the image and its text), and the one rule for when a
// recognition result counts as finding a labelled plate.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/recognition/plate.h"
#include "vehicle/records/status.h"

namespace anpr {

struct PlateLabel {
  std::string image_name;  // as written in the label, e.g. "car01.jpg"
  std::string image_path;  // the folder joined with image_name
  cv::Rect box;            // in the image's pixels
  std::string plate;       // normalised (NormaliseVrm)
};

// Every label line of every NAME.txt in `dir`, files in name order. A line
// that is not "NAME x y w h PLATE" is skipped and named ("file:line") in
// `*skipped` when given. A folder that cannot be listed is an error naming
// it. Images are not opened.
Result<std::vector<PlateLabel>> ReadPlateLabels(const std::string& dir, std::vector<std::string>* skipped = nullptr);

// The result that found the plate labelled at `truth`: it covers at least
// 30% of the labelled box, or the labelled box covers at least half of it.
// The first such in `found`, or nullptr.
const PlateObservation* CoveringObservation(const std::vector<PlateObservation>& found, const cv::Rect& truth);

}  // namespace anpr
