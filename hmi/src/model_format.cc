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

std::string OutcomeText(HitOutcome o) {
  std::string text = HitOutcomeName(o);
  for (char& ch : text) ch = ch == '-' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return text;
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

namespace {

// DejaVu Sans at 0.86 * font_px: capitals and digits advance about 0.6 of
// font_px (bold 0.66), lower case and punctuation about 0.48 (bold 0.54), and
// a symbol (the first byte of a multi-byte UTF-8 character) about 0.8.
double Advance(char c, int font_px, bool bold) {
  const auto u = static_cast<unsigned char>(c);
  if ((u & 0xC0) == 0x80) return 0;  // continuation byte: counted with its first
  if (u >= 0xC0) return font_px * 0.8;
  const bool wide = std::isupper(u) || std::isdigit(u);
  return font_px * (wide ? (bold ? 0.66 : 0.6) : (bold ? 0.54 : 0.48));
}

}  // namespace

std::vector<std::string> SplitMarkers(const std::string& markers) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    const size_t b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char c : markers) {
    if (c == ',' || c == ';') flush();
    else cur += c;
  }
  flush();
  return out;
}

int EstimateTextWidthPx(const std::string& text, int font_px, bool bold) {
  double w = 0;
  for (char c : text) w += Advance(c, font_px, bold);
  return static_cast<int>(std::ceil(w));
}

int EstimateTextLines(const std::string& text, int font_px, int width_px, bool bold) {
  auto advance = [&](char c) { return Advance(c, font_px, bold); };
  int lines = 1;
  double x = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    double word = 0;
    for (size_t k = i; k < j; ++k) word += advance(text[k]);
    const double space = x > 0 ? advance(' ') : 0;
    if (x > 0 && x + space + word > width_px) {
      ++lines;
      x = word;
    } else {
      x += space + word;
    }
    i = j + 1;
  }
  return lines;
}

std::vector<VrmColumn> AlignVrms(const std::string& read, const std::string& listed) {
  std::vector<VrmColumn> cols;
  if (read.size() == listed.size()) {
    for (size_t i = 0; i < read.size(); ++i) cols.push_back({read[i], listed[i], false});
  } else {
    // Levenshtein table, then walk back from the end preferring a match or
    // substitution over a gap.
    const size_t n = read.size(), m = listed.size();
    std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
    for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
    for (size_t i = 1; i <= n; ++i)
      for (size_t j = 1; j <= m; ++j)
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (read[i - 1] != listed[j - 1])});
    size_t i = n, j = m;
    while (i > 0 || j > 0) {
      if (i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (read[i - 1] != listed[j - 1])) {
        cols.push_back({read[i - 1], listed[j - 1], false});
        --i, --j;
      } else if (i > 0 && d[i][j] == d[i - 1][j] + 1) {
        cols.push_back({read[i - 1], 0, false});
        --i;
      } else {
        cols.push_back({0, listed[j - 1], false});
        --j;
      }
    }
    std::reverse(cols.begin(), cols.end());
  }
  // One gap after the fourth column when either mark is printed spaced (a
  // misread digit can make only one of them look like a current GB mark).
  if ((Spaced(read) != read || Spaced(listed) != listed) && cols.size() > 4)
    cols.insert(cols.begin() + 4, VrmColumn{0, 0, true});
  return cols;
}

}  // namespace anpr::hmi::internal
