// What `anpr read` and `anpr bench` share: finding the images and videos
// named on the command line, and the JSON shape of a recognition result
// (a contract other tools read):
//   {"plate": "AB12CDE", "confidence": F, "box": [x, y, w, h],
//    "corners": [[x, y] x4], "syntax": "gb-current", "char_confidence": [F...],
//    "candidates": [{"plate": S, "confidence": F}, ...]}
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "vehicle/records/status.h"
#include "vehicle/recognition/plate.h"
#include "vehicle/recognition/plate_tracker.h"

namespace anpr {

enum class MediaKind { kImage, kVideo };

struct MediaFile {
  std::string path;
  MediaKind kind = MediaKind::kImage;
};

// Expands PATHs: a file is taken as is (video by extension: avi mp4 mkv mov
// webm mpg mpeg m4v), a folder gives its images (jpg jpeg png bmp ppm pgm tif
// tiff webp) and videos, sorted by name, not recursing. A missing path is an
// error naming it.
Result<std::vector<MediaFile>> ListMedia(const std::vector<std::string>& paths);

// One recognition result in the JSON shape above.
nlohmann::json ResultJson(const PlateObservation& obs);
nlohmann::json ResultJson(const PassRead& read);

// Debian's Tesseract runs each line read on up to 4 OpenMP threads, and
// OpenMP reads its thread limit only at process start. Recognition runs one
// engine per worker thread, so the command-line tools call this first: when
// OMP_THREAD_LIMIT is unset it sets it to 1 and restarts the process with the
// same arguments (Linux /proc/self). Returns only when no restart was needed
// or the restart failed.
void RestartWithSingleThreadedOcr();

// `image` scaled to fit `size` keeping its aspect ratio, centred on black
// (what a camera of that resolution would deliver of the same scene).
cv::Mat Letterbox(const cv::Mat& image, cv::Size size);

}  // namespace anpr
