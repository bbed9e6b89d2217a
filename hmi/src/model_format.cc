// The helpers that turn record values into what the screens show: times,
// ages, places, plate spacing, and JPEGs decoded to display size.
#include "hmi/src/model_internal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace anpr::hmi::internal {

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::optional<Colour> ParseHexColour(const std::string& text) {
  std::string hex = text;
  if (!hex.empty() && hex[0] == '#') hex.erase(0, 1);
  if (hex.size() != 6) return std::nullopt;
  uint8_t v[3];
  for (int i = 0; i < 3; ++i) {
    int byte = 0;
    for (int j = 0; j < 2; ++j) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(hex[size_t(2 * i + j)])));
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return std::nullopt;
      byte = byte * 16 + d;
    }
    v[i] = static_cast<uint8_t>(byte);
  }
  return Colour{v[0], v[1], v[2], 255};
}

std::string DaysText(int days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

std::shared_ptr<const cv::Mat> Decode(const std::vector<uint8_t>& jpeg, int max_width_px) {
  if (jpeg.empty()) return nullptr;
  cv::Mat m = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  if (m.empty()) return nullptr;  // a corrupt image is shown as "no image"
  if (max_width_px > 0 && m.cols > max_width_px) {
    cv::Mat small;
    cv::resize(m, small, cv::Size(max_width_px, m.rows * max_width_px / m.cols), 0, 0,
               cv::INTER_AREA);
    m = small;
  }
  return std::make_shared<const cv::Mat>(std::move(m));
}

std::string LocalTime(int64_t utc_ms, bool seconds) {
  if (utc_ms <= 0) return "--:--";
  std::time_t t = static_cast<std::time_t>(utc_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, seconds ? "%H:%M:%S" : "%H:%M", &tm);
  return buf;
}

std::string Age(int64_t now_ms, int64_t then_ms) {
  if (then_ms <= 0) return "never";
  const int64_t s = std::max<int64_t>(0, (now_ms - then_ms) / 1000);
  if (s < 60) return "<1m";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400 * 2) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string Place(const GeoTag& g) {
  if (g.mode == FixMode::kNone || !std::isfinite(g.lat_deg) || !std::isfinite(g.lon_deg))
    return "no GPS fix";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.5f, %.5f", g.lat_deg, g.lon_deg);
  return buf;
}

std::string Spaced(const std::string& vrm) {
  if (vrm.size() == 7 && std::isalpha(static_cast<unsigned char>(vrm[0])) &&
      std::isalpha(static_cast<unsigned char>(vrm[1])) &&
      std::isdigit(static_cast<unsigned char>(vrm[2])) &&
      std::isdigit(static_cast<unsigned char>(vrm[3])))
    return vrm.substr(0, 4) + " " + vrm.substr(4);
  return vrm;
}

}  // namespace anpr::hmi::internal
