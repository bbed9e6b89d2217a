#include "vehicle/recognition/recognition_io.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <cstdio>

#include <unistd.h>

#include <opencv2/imgproc.hpp>

namespace anpr {
namespace {

std::string LowerExtension(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool IsImageExt(const std::string& ext) {
  static const char* kExts[] = {".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm", ".tif", ".tiff", ".webp"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

bool IsVideoExt(const std::string& ext) {
  static const char* kExts[] = {".avi", ".mp4", ".mkv", ".mov", ".webm", ".mpg", ".mpeg", ".m4v"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

// Rounded to 0.1 so the JSON stays short and stable.
double Round1(double v) { return std::round(v * 10.0) / 10.0; }

nlohmann::json Geometry(const cv::Rect& box, const std::array<cv::Point2f, 4>& corners) {
  nlohmann::json c = nlohmann::json::array();
  for (const cv::Point2f& p : corners) c.push_back({Round1(p.x), Round1(p.y)});
  return {{"box", {box.x, box.y, box.width, box.height}}, {"corners", c}};
}

nlohmann::json Candidates(const std::vector<PlateCandidate>& cands) {
  nlohmann::json out = nlohmann::json::array();
  for (const PlateCandidate& c : cands) out.push_back({{"plate", c.vrm}, {"confidence", Round1(c.confidence)}});
  return out;
}

}  // namespace

Result<std::vector<MediaFile>> ListMedia(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<MediaFile> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<MediaFile> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        std::string ext = LowerExtension(entry.path());
        if (IsImageExt(ext)) found.push_back({entry.path().string(), MediaKind::kImage});
        if (IsVideoExt(ext)) found.push_back({entry.path().string(), MediaKind::kVideo});
      }
      if (ec) return IoError(path + ": " + ec.message());
      std::sort(found.begin(), found.end(), [](const MediaFile& a, const MediaFile& b) { return a.path < b.path; });
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      out.push_back({path, IsVideoExt(LowerExtension(path)) ? MediaKind::kVideo : MediaKind::kImage});
    } else {
      return NotFound(path + ": no such file or folder");
    }
  }
  return out;
}

nlohmann::json ResultJson(const PlateObservation& obs) {
  nlohmann::json j = {{"plate", obs.text}, {"confidence", Round1(obs.confidence)}};
  j.update(Geometry(obs.box, obs.corners));
  j["syntax"] = obs.syntax;
  nlohmann::json cc = nlohmann::json::array();
  for (const CharChoice& c : obs.chars) cc.push_back(Round1(c.confidence));
  j["char_confidence"] = cc;
  j["candidates"] = Candidates(obs.candidates);
  return j;
}

nlohmann::json ResultJson(const PassRead& read) {
  nlohmann::json j = {{"plate", read.vrm}, {"confidence", Round1(read.confidence)}};
  j.update(Geometry(read.box, read.corners));
  j["syntax"] = read.syntax;
  nlohmann::json cc = nlohmann::json::array();
  for (float c : read.char_confidence) cc.push_back(Round1(c));
  j["char_confidence"] = cc;
  j["candidates"] = Candidates(read.candidates);
  return j;
}

void RestartWithSingleThreadedOcr() {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  if (setenv("OMP_THREAD_LIMIT", "1", 1) != 0) return;
  std::string all;
  if (FILE* f = std::fopen("/proc/self/cmdline", "rb")) {
    char buf[4096];
    size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, got);
    std::fclose(f);
  }
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == '\0') {
      args.push_back(all.substr(start, i - start));
      start = i + 1;
    }
  }
  if (args.empty()) return;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());  // returns only on failure: carry on
}

cv::Mat Letterbox(const cv::Mat& image, cv::Size size) {
  cv::Mat out(size, image.type(), cv::Scalar::all(0));
  if (image.empty()) return out;
  double s = std::min(double(size.width) / image.cols, double(size.height) / image.rows);
  int w = std::max(1, int(std::lround(image.cols * s)));
  int h = std::max(1, int(std::lround(image.rows * s)));
  cv::Mat scaled;
  cv::resize(image, scaled, cv::Size(w, h), 0, 0, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  scaled.copyTo(out(cv::Rect((size.width - w) / 2, (size.height - h) / 2, w, h)));
  return out;
}

}  // namespace anpr
