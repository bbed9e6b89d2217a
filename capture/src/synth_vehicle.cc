// Vehicles in the synthetic scenes: the camera's projection of a vehicle's
// face, its random look, its body, badge, lights and lamp glow.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"

namespace anpr::synth {
namespace internal {

cv::Scalar Scale(const cv::Scalar& c, double k) {
  return cv::Scalar(std::min(255.0, c[0] * k), std::min(255.0, c[1] * k),
                    std::min(255.0, c[2] * k));
}


namespace {

constexpr double kDegToRad = CV_PI / 180.0;
// Polygon helpers in vehicle millimetres.
std::vector<cv::Point2d> RectMm(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

std::vector<cv::Point2d> RoundRectMm(double x0, double y0, double x1, double y1, double r) {
  r = std::min({r, (x1 - x0) / 2, (y1 - y0) / 2});
  std::vector<cv::Point2d> pts;
  const cv::Point2d centres[4] = {{x1 - r, y0 + r}, {x1 - r, y1 - r}, {x0 + r, y1 - r}, {x0 + r, y0 + r}};
  const double start[4] = {-90, 0, 90, 180};
  for (int c = 0; c < 4; ++c) {
    for (int k = 0; k <= 4; ++k) {
      double a = (start[c] + k * 22.5) * kDegToRad;
      pts.push_back({centres[c].x + r * std::cos(a), centres[c].y + r * std::sin(a)});
    }
  }
  return pts;
}

std::vector<cv::Point2d> TrapezoidMm(double bottom_half, double y_bottom, double top_half, double y_top) {
  return {{-top_half, y_top}, {top_half, y_top}, {bottom_half, y_bottom}, {-bottom_half, y_bottom}};
}

std::vector<cv::Point2d> Mirror(const std::vector<cv::Point2d>& pts) {
  std::vector<cv::Point2d> out;
  for (auto it = pts.rbegin(); it != pts.rend(); ++it) out.push_back({-it->x, it->y});
  return out;
}

// Fills a convex polygon given in millimetres (sub-pixel precise, antialiased).
void FillMm(cv::Mat& image, const Pose& pose, const std::vector<cv::Point2d>& pts_mm,
            const cv::Scalar& colour) {
  constexpr int kShift = 3;
  std::vector<cv::Point> pts;
  pts.reserve(pts_mm.size());
  for (const auto& p : pts_mm) {
    cv::Point2f q = Project(pose, p);
    // Keep far-off points representable; fillConvexPoly clips to the image.
    float qx = std::clamp(q.x, -1e5f, 1e5f);
    float qy = std::clamp(q.y, -1e5f, 1e5f);
    pts.emplace_back(static_cast<int>(std::lround(qx * (1 << kShift))),
                     static_cast<int>(std::lround(qy * (1 << kShift))));
  }
  cv::fillConvexPoly(image, pts, colour, cv::LINE_AA, kShift);
}

void TextMm(cv::Mat& image, const Pose& pose, const std::string& text, cv::Point2d centre_mm,
            double height_mm, const cv::Scalar& colour, int font) {
  if (text.empty()) return;
  double ppm = pose.f_px / pose.distance_mm;
  double height_px = height_mm * ppm;
  if (height_px < 4) return;
  double scale = height_px / 22.0;  // Hershey fonts are ~22 px tall at scale 1
  int thickness = std::max(1, static_cast<int>(std::lround(scale * 2)));
  int baseline = 0;
  cv::Size sz = cv::getTextSize(text, font, scale, thickness, &baseline);
  cv::Point2f c = Project(pose, centre_mm);
  cv::Point org(static_cast<int>(c.x - sz.width / 2.0), static_cast<int>(c.y + sz.height / 2.0));
  if (std::abs(org.x) > 100000 || std::abs(org.y) > 100000) return;
  cv::putText(image, text, org, font, scale, colour, thickness, cv::LINE_AA);
}

// Body colours of real cars, none of them yellow (so a yellow plate is the
// only yellow on a vehicle, which the tests rely on); no orange either, as
// its antialiased edges against white pass for yellow.
const cv::Scalar kBodyColours[] = {
    {192, 192, 192}, {35, 35, 38},   {232, 232, 230}, {110, 45, 20},  {40, 40, 165},
    {105, 108, 110}, {50, 80, 35},   {45, 30, 110},   {200, 160, 115}, {150, 150, 140},
    {25, 70, 200},   {70, 60, 55},
};
const char* const kBadges[] = {"VOLTA", "MERIDIAN", "KESTREL", "ORBIS", "NOVA", "ASTRA", "TALON"};
const char* const kAdverts[] = {"0161 496 0123", "J SMITH PLUMBING", "DELIVERIES 7 DAYS",
                                "020 7946 0958", "HIRE ME", "BUILD & REPAIR 0113 496 0555"};

}  // namespace

cv::Point2f Project(const Pose& pose, cv::Point2d p) {
  double cp = std::cos(pose.pitch_rad), sp = std::sin(pose.pitch_rad);
  double cy = std::cos(pose.yaw_rad), sy = std::sin(pose.yaw_rad);
  double cr = std::cos(pose.roll_rad), sr = std::sin(pose.roll_rad);
  // Plane point (x, y, 0): pitch about x, then yaw about y, then roll about z.
  double y1 = p.y * cp, z1 = p.y * sp;
  double x2 = p.x * cy + z1 * sy, z2 = -p.x * sy + z1 * cy;
  double x3 = x2 * cr - y1 * sr, y3 = x2 * sr + y1 * cr;
  double z = std::max(100.0, pose.distance_mm + z2);
  return {static_cast<float>(pose.principal_px.x + pose.f_px * x3 / z),
          static_cast<float>(pose.principal_px.y + pose.f_px * y3 / z)};
}

VehicleLook RandomVehicleLook(std::mt19937_64& rng, bool front) {
  VehicleLook look;
  look.front = front;
  constexpr int kColours = sizeof(kBodyColours) / sizeof(kBodyColours[0]);
  look.body_bgr = kBodyColours[UniformInt(rng, 0, kColours - 1)];
  int r = UniformInt(rng, 0, 9);
  look.shape = r < 5 ? 0 : (r < 8 ? 1 : 2);
  constexpr int kBadgeCount = sizeof(kBadges) / sizeof(kBadges[0]);
  look.badge = kBadges[UniformInt(rng, 0, kBadgeCount - 1)];
  if (look.shape == 2 || Chance(rng, 0.15)) {
    constexpr int kAdvertCount = sizeof(kAdverts) / sizeof(kAdverts[0]);
    look.advert = kAdverts[UniformInt(rng, 0, kAdvertCount - 1)];
  }
  return look;
}

void DrawVehicle(cv::Mat& image, const Pose& pose, const VehicleLook& look,
                 cv::Size2d plate_size_mm) {
  const cv::Scalar body = look.body_bgr;
  const cv::Scalar dark = Scale(body, 0.72);
  const cv::Scalar plastic(38, 38, 40);
  const cv::Scalar glass(58, 50, 44);
  const cv::Scalar tyre(24, 24, 26);
  const double half = look.shape == 2 ? 960 : 900;
  const double pw = plate_size_mm.width / 2, ph = plate_size_mm.height / 2;

  // Shadow on the road and the tyres under the body.
  FillMm(image, pose, RoundRectMm(-half - 60, 330, half + 60, 470, 60), cv::Scalar(28, 28, 30));
  FillMm(image, pose, RoundRectMm(-half + 30, 120, -half + 270, 430, 40), tyre);
  FillMm(image, pose, Mirror(RoundRectMm(-half + 30, 120, -half + 270, 430, 40)), tyre);

  // Cabin and glass.
  if (look.shape == 2) {
    FillMm(image, pose, RoundRectMm(-half, -1650, half, 80, 60), body);
    if (look.front) {
      FillMm(image, pose, TrapezoidMm(half - 60, -1000, half - 110, -1560), glass);
    } else {
      FillMm(image, pose, RectMm(-8, -1600, 8, 60), dark);  // rear door split
      FillMm(image, pose, RoundRectMm(-half + 90, -1540, -40, -1120, 30), glass);
      FillMm(image, pose, Mirror(RoundRectMm(-half + 90, -1540, -40, -1120, 30)), glass);
    }
  } else {
    double roof_y = look.shape == 0 ? -1180 : -1130;
    double roof_half = look.shape == 0 ? 640 : 700;
    FillMm(image, pose, TrapezoidMm(half - 70, -540, roof_half, roof_y), body);
    FillMm(image, pose, TrapezoidMm(half - 150, -600, roof_half - 60, roof_y + 70), glass);
    // A pale reflection across the glass.
    FillMm(image, pose, {{-300, roof_y + 90}, {-120, roof_y + 90}, {-260, -610}, {-440, -610}},
           Scale(glass, 1.6));
    FillMm(image, pose, RoundRectMm(-half, -600, half, 80, 90), body);
  }
  // Bumper with the plate recess.
  FillMm(image, pose, RoundRectMm(-half - 25, -150, half + 25, 280, 70),
         look.front ? plastic : Scale(body, 0.9));
  FillMm(image, pose, RoundRectMm(-pw - 35, -ph - 25, pw + 35, ph + 25, 12), Scale(body, 0.5));

  if (look.front) {
    // Grille with horizontal bars (a classic look-alike of plate characters).
    FillMm(image, pose, RoundRectMm(-480, -470, 480, -200, 40), cv::Scalar(32, 32, 34));
    for (double y = -440; y < -210; y += 55) {
      FillMm(image, pose, RectMm(-450, y, 450, y + 18), Scale(body, 0.55));
    }
    FillMm(image, pose, RoundRectMm(-half + 25, -520, -half + 330, -330, 50), cv::Scalar(215, 215, 205));
    FillMm(image, pose, Mirror(RoundRectMm(-half + 25, -520, -half + 330, -330, 50)),
           cv::Scalar(215, 215, 205));
    FillMm(image, pose, RectMm(-half + 25, -330, -half + 160, -290), cv::Scalar(30, 130, 235));
    FillMm(image, pose, Mirror(RectMm(-half + 25, -330, -half + 160, -290)), cv::Scalar(30, 130, 235));
    TextMm(image, pose, look.badge, {0, -540}, 45, cv::Scalar(200, 200, 200), cv::FONT_HERSHEY_SIMPLEX);
  } else {
    FillMm(image, pose, RoundRectMm(-half + 20, -500, -half + 260, -300, 40), cv::Scalar(30, 30, 175));
    FillMm(image, pose, Mirror(RoundRectMm(-half + 20, -500, -half + 260, -300, 40)),
           cv::Scalar(30, 30, 175));
    FillMm(image, pose, RectMm(-half + 40, -380, -half + 240, -330), cv::Scalar(200, 200, 210));
    FillMm(image, pose, Mirror(RectMm(-half + 40, -380, -half + 240, -330)), cv::Scalar(200, 200, 210));
    TextMm(image, pose, look.badge, {half - 300, -230}, 40, cv::Scalar(205, 205, 205),
           cv::FONT_HERSHEY_SIMPLEX);
  }
  if (!look.advert.empty()) {
    double y = look.shape == 2 ? -900 : -420;
    cv::Scalar ink = (body[0] + body[1] + body[2]) > 400 ? cv::Scalar(120, 40, 10) : cv::Scalar(240, 240, 240);
    TextMm(image, pose, look.advert, {0, y}, look.shape == 2 ? 120 : 55, ink, cv::FONT_HERSHEY_DUPLEX);
  }
}

std::vector<Lamp> VehicleLamps(const Pose& pose, const VehicleLook& look) {
  const double half = look.shape == 2 ? 960 : 900;
  double ppm = pose.f_px / pose.distance_mm;
  std::vector<Lamp> lamps;
  for (double side : {-1.0, 1.0}) {
    if (look.front) {
      cv::Point2f c = Project(pose, {side * (half - 180), -425});
      lamps.push_back({c, static_cast<float>(150 * ppm), cv::Scalar(235, 245, 255)});
    } else {
      cv::Point2f c = Project(pose, {side * (half - 140), -400});
      lamps.push_back({c, static_cast<float>(110 * ppm), cv::Scalar(40, 40, 255)});
    }
  }
  return lamps;
}

void DrawGlow(cv::Mat& image, const Lamp& lamp, double strength) {
  // A saturated core of the lamp's radius and a Gaussian halo beyond it,
  // added (saturating). The fall-off comes from a table indexed by squared
  // distance, so a large lamp costs no exp() or sqrt() per pixel.
  const double r = std::max(1.5, static_cast<double>(lamp.radius_px));
  const double sigma = 0.7 * r;
  const double reach = r + 3 * sigma;
  const double reach2 = reach * reach;
  constexpr int kTable = 1024;
  float table[kTable + 1];
  for (int i = 0; i <= kTable; ++i) {
    double d = std::sqrt(reach2 * i / kTable);
    double k = d <= r ? 1.0 : 0.8 * std::exp(-0.5 * ((d - r) / sigma) * ((d - r) / sigma));
    table[i] = static_cast<float>(k * strength);
  }
  const int ir = static_cast<int>(std::ceil(reach));
  cv::Rect area(static_cast<int>(lamp.center.x) - ir, static_cast<int>(lamp.center.y) - ir, 2 * ir + 1,
                2 * ir + 1);
  cv::Rect clipped = area & cv::Rect(0, 0, image.cols, image.rows);
  if (clipped.empty()) return;
  const float c0 = static_cast<float>(lamp.bgr[0]), c1 = static_cast<float>(lamp.bgr[1]),
              c2 = static_cast<float>(lamp.bgr[2]);
  const double scale = kTable / reach2;
  for (int y = clipped.y; y < clipped.y + clipped.height; ++y) {
    uchar* p = image.ptr<uchar>(y) + clipped.x * 3;
    double dy = y - lamp.center.y;
    for (int x = clipped.x; x < clipped.x + clipped.width; ++x, p += 3) {
      double dx = x - lamp.center.x;
      double d2 = dx * dx + dy * dy;
      if (d2 >= reach2) continue;
      float k = table[static_cast<int>(d2 * scale)];
      p[0] = cv::saturate_cast<uchar>(p[0] + c0 * k);
      p[1] = cv::saturate_cast<uchar>(p[1] + c1 * k);
      p[2] = cv::saturate_cast<uchar>(p[2] + c2 * k);
    }
  }
}

}  // namespace internal
}  // namespace anpr::synth
