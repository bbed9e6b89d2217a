#include "vehicle/recognition/plate_labels.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "vehicle/records/vrm.h"

namespace anpr {

Result<std::vector<PlateLabel>> ReadPlateLabels(const std::string& dir, std::vector<std::string>* skipped) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".txt") files.push_back(it->path());
  }
  if (ec) return Status(StatusCode::kNotFound, dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<PlateLabel> out;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::istringstream fields(line);
      PlateLabel label;
      int x = 0, y = 0, w = 0, h = 0;
      if (!(fields >> label.image_name >> x >> y >> w >> h >> label.plate) || w <= 0 || h <= 0) {
        if (skipped) skipped->push_back(file.string() + ":" + std::to_string(line_no));
        continue;
      }
      label.image_path = (file.parent_path() / label.image_name).string();
      label.box = {x, y, w, h};
      label.plate = NormaliseVrm(label.plate);
      out.push_back(std::move(label));
    }
  }
  return out;
}

const PlateObservation* CoveringObservation(const std::vector<PlateObservation>& found, const cv::Rect& truth) {
  for (const PlateObservation& o : found) {
    const double inter = (o.box & truth).area();
    if (inter >= 0.3 * truth.area() || (o.box.area() > 0 && inter >= 0.5 * o.box.area())) return &o;
  }
  return nullptr;
}

}  // namespace anpr
