// Still scenes: a road, clutter, vehicles carrying plates, lighting and
// camera effects, with the ground truth of every plate.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"
#include "capture/synth.h"

namespace anpr::synth {
namespace internal {

namespace {

constexpr double kDegToRad = CV_PI / 180.0;

cv::Scalar Scale(const cv::Scalar& c, double k) {
  return cv::Scalar(std::min(255.0, c[0] * k), std::min(255.0, c[1] * k),
                    std::min(255.0, c[2] * k));
}

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
const char* const kSignWords[] = {"CAFE",  "PHARMACY", "A38 DERBY", "M1 NORTH", "TO LET",
                                  "OPEN",  "BANK",     "SALE 50%",  "HOTEL",    "TAXI",
                                  "PARKING", "BUS STOP", "CITY CENTRE", "B4106", "NEWS 24"};

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

void LightScene(cv::Mat& image, Lighting lighting) {
  switch (lighting) {
    case Lighting::kDay:
      return;
    case Lighting::kNight: {
      // Dark, slightly blue, little contrast left outside the lamps.
      image.convertTo(image, -1, 0.18, 2);
      cv::add(image, cv::Scalar(6, 2, 0), image);
      return;
    }
    case Lighting::kInfrared: {
      cv::Mat grey;
      cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
      grey.convertTo(grey, -1, 0.45, 10);
      cv::cvtColor(grey, image, cv::COLOR_GRAY2BGR);
      return;
    }
  }
}

void LightPlate(cv::Mat& plate, Lighting lighting, double gain) {
  switch (lighting) {
    case Lighting::kDay:
    case Lighting::kNight:
      if (gain != 1.0) plate.convertTo(plate, -1, gain, 0);
      return;
    case Lighting::kInfrared: {
      // Retro-reflective sheeting returns the IR flash: white and yellow
      // plates both come out bright, the ink stays dark.
      cv::Mat grey;
      cv::cvtColor(plate, grey, cv::COLOR_BGR2GRAY);
      double lo = 0, hi = 0;
      cv::minMaxLoc(grey, &lo, &hi);
      double a = hi > lo ? (228.0 - 30.0) / (hi - lo) : 1.0;
      grey.convertTo(grey, -1, a * gain, (30.0 - lo * a) * gain);
      cv::cvtColor(grey, plate, cv::COLOR_GRAY2BGR);
      return;
    }
  }
}

PlacedPlate CompositePlate(cv::Mat& image, const cv::Mat& plate_face, const PlateSpec& spec,
                           const PlateLayout& layout, const Pose& pose) {
  PlacedPlate truth;
  truth.text = NormalisePlateText(spec.text);
  truth.style = spec.style;
  const double w = layout.size_mm.width / 2, h = layout.size_mm.height / 2;
  const cv::Point2d corners_mm[4] = {{-w, -h}, {w, -h}, {w, h}, {-w, h}};
  float min_x = 1e9f, min_y = 1e9f, max_x = -1e9f, max_y = -1e9f;
  for (int i = 0; i < 4; ++i) {
    truth.corners[static_cast<size_t>(i)] = Project(pose, corners_mm[i]);
    const cv::Point2f& c = truth.corners[static_cast<size_t>(i)];
    min_x = std::min(min_x, c.x);
    min_y = std::min(min_y, c.y);
    max_x = std::max(max_x, c.x);
    max_y = std::max(max_y, c.y);
  }
  // Character height as drawn: the mean projected height of the cells.
  double sum = 0;
  for (const GlyphCell& g : layout.glyphs) {
    double cx = g.cell_mm.x + g.cell_mm.width / 2 - w;
    cv::Point2f top = Project(pose, {cx, g.cell_mm.y - h});
    cv::Point2f bottom = Project(pose, {cx, g.cell_mm.y + g.cell_mm.height - h});
    sum += std::hypot(bottom.x - top.x, bottom.y - top.y);
  }
  truth.char_height_px =
      layout.glyphs.empty() ? 0 : static_cast<int>(std::lround(sum / layout.glyphs.size()));

  const cv::Rect frame(0, 0, image.cols, image.rows);
  cv::Rect full(static_cast<int>(std::floor(min_x)), static_cast<int>(std::floor(min_y)),
                static_cast<int>(std::ceil(max_x)) - static_cast<int>(std::floor(min_x)) + 1,
                static_cast<int>(std::ceil(max_y)) - static_cast<int>(std::floor(min_y)) + 1);
  truth.fully_visible = (full & frame) == full;
  truth.box = full & frame;
  if (truth.box.empty()) return truth;

  // Warp the face-on plate into its box, then blend it in through an
  // antialiased mask of its outline.
  const cv::Point2f src[4] = {{-0.5f, -0.5f},
                              {plate_face.cols - 0.5f, -0.5f},
                              {plate_face.cols - 0.5f, plate_face.rows - 0.5f},
                              {-0.5f, plate_face.rows - 0.5f}};
  cv::Point2f dst[4];
  std::vector<cv::Point> outline;
  constexpr int kShift = 3;
  for (int i = 0; i < 4; ++i) {
    dst[i] = truth.corners[static_cast<size_t>(i)] - cv::Point2f(float(truth.box.x), float(truth.box.y));
    outline.emplace_back(static_cast<int>(std::lround(dst[i].x * (1 << kShift))),
                         static_cast<int>(std::lround(dst[i].y * (1 << kShift))));
  }
  cv::Mat homography = cv::getPerspectiveTransform(src, dst);
  cv::Mat patch;
  cv::warpPerspective(plate_face, patch, homography, truth.box.size(), cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  cv::Mat mask(truth.box.size(), CV_8UC1, cv::Scalar(0));
  cv::fillConvexPoly(mask, outline, cv::Scalar(255), cv::LINE_AA, kShift);
  cv::Mat roi = image(truth.box);
  for (int y = 0; y < roi.rows; ++y) {
    uchar* d = roi.ptr<uchar>(y);
    const uchar* s = patch.ptr<uchar>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < roi.cols; ++x) {
      int a = m[x];
      if (a == 0) continue;
      for (int ch = 0; ch < 3; ++ch) {
        int i = x * 3 + ch;
        d[i] = static_cast<uchar>(d[i] + ((s[i] - d[i]) * a + 127) / 255);
      }
    }
  }
  return truth;
}

void AddGlare(cv::Mat& image, const PlacedPlate& plate, std::mt19937_64& rng) {
  const auto& c = plate.corners;
  double u = Uniform(rng, 0.15, 0.85), v = Uniform(rng, 0.2, 0.8);
  cv::Point2f top = c[0] + (c[1] - c[0]) * static_cast<float>(u);
  cv::Point2f bottom = c[3] + (c[2] - c[3]) * static_cast<float>(u);
  cv::Point2f centre = top + (bottom - top) * static_cast<float>(v);
  double plate_w = cv::norm(c[1] - c[0]), plate_h = cv::norm(c[3] - c[0]);
  double sx = std::max(2.0, plate_w * Uniform(rng, 0.08, 0.22));
  double sy = std::max(2.0, plate_h * Uniform(rng, 0.35, 0.8));
  double angle = Uniform(rng, -0.6, 0.6);
  double amplitude = Uniform(rng, 90, 170);
  double ca = std::cos(angle), sa = std::sin(angle);
  int reach = static_cast<int>(std::ceil(3 * std::max(sx, sy)));
  cv::Rect area = cv::Rect(static_cast<int>(centre.x) - reach, static_cast<int>(centre.y) - reach,
                           2 * reach + 1, 2 * reach + 1) &
                  cv::Rect(0, 0, image.cols, image.rows);
  for (int y = area.y; y < area.y + area.height; ++y) {
    uchar* p = image.ptr<uchar>(y) + area.x * 3;
    for (int x = area.x; x < area.x + area.width; ++x, p += 3) {
      double dx = x - centre.x, dy = y - centre.y;
      double a = (dx * ca + dy * sa) / sx, b = (-dx * sa + dy * ca) / sy;
      double k = amplitude * std::exp(-0.5 * (a * a + b * b));
      if (k < 1) continue;
      for (int ch = 0; ch < 3; ++ch) p[ch] = cv::saturate_cast<uchar>(p[ch] + k);
    }
  }
}

void DrawBackground(cv::Mat& image, int horizon_y, std::mt19937_64& rng) {
  const int w = image.cols, h = image.rows;
  horizon_y = std::clamp(horizon_y, 1, h - 1);
  // Sky: a vertical gradient.
  cv::Vec3d top(Uniform(rng, 190, 230), Uniform(rng, 140, 175), Uniform(rng, 80, 120));
  cv::Vec3d low(Uniform(rng, 225, 245), Uniform(rng, 215, 235), Uniform(rng, 200, 225));
  for (int y = 0; y < horizon_y; ++y) {
    double t = static_cast<double>(y) / horizon_y;
    cv::Vec3d c = top * (1 - t) + low * t;
    image.row(y).setTo(cv::Scalar(c[0], c[1], c[2]));
  }
  // Road: darker towards the horizon, pavements at the sides.
  double grey = Uniform(rng, 85, 120);
  for (int y = horizon_y; y < h; ++y) {
    double t = static_cast<double>(y - horizon_y) / std::max(1, h - horizon_y);
    double g = grey * (0.75 + 0.25 * t);
    image.row(y).setTo(cv::Scalar(g + 3, g, g - 2));
  }
  const cv::Point vanish(w / 2 + UniformInt(rng, -w / 10, w / 10), horizon_y);
  auto road_edge = [&](double bottom_x, const cv::Scalar& colour, double bottom_x2) {
    std::vector<cv::Point> poly = {vanish, vanish, cv::Point(static_cast<int>(bottom_x2), h),
                                   cv::Point(static_cast<int>(bottom_x), h)};
    cv::fillConvexPoly(image, poly, colour, cv::LINE_AA);
  };
  road_edge(-2.0 * w, cv::Scalar(150, 152, 150), -0.55 * w);  // left pavement
  road_edge(1.55 * w, cv::Scalar(150, 152, 150), 3.0 * w);    // right pavement
  // Dashed centre and lane lines converging on the vanishing point.
  for (double lane : {-0.25, 0.5, 1.25}) {
    double bottom_x = lane * w;
    for (double s = 0.02; s < 1.0; s += 0.12) {
      double s1 = std::min(1.0, s + 0.06);
      auto at = [&](double t, double dx) {
        double x = vanish.x + (bottom_x - vanish.x) * t + dx * t;
        double y = vanish.y + (h - vanish.y) * t;
        return cv::Point(static_cast<int>(x), static_cast<int>(y));
      };
      double half_w = 0.006 * w;
      std::vector<cv::Point> dash = {at(s * s, -half_w), at(s * s, half_w), at(s1 * s1, half_w),
                                     at(s1 * s1, -half_w)};
      cv::fillConvexPoly(image, dash, cv::Scalar(225, 228, 228), cv::LINE_AA);
    }
  }
  // Horizon clutter: buildings with windows, trees, shop and road signs.
  const cv::Scalar kWalls[] = {{60, 75, 150}, {140, 150, 160}, {170, 195, 215}, {95, 100, 110},
                               {75, 95, 130}, {200, 200, 195}};
  int x = UniformInt(rng, -60, 0);
  while (x < w) {
    int bw = UniformInt(rng, w / 14, w / 5);
    int bh = UniformInt(rng, h / 12, std::max(h / 12 + 1, horizon_y - 4));
    int kind = UniformInt(rng, 0, 9);
    if (kind < 6) {
      cv::Scalar wall = kWalls[UniformInt(rng, 0, 5)];
      cv::Rect r(x, horizon_y - bh, bw, bh);
      cv::rectangle(image, r, wall, cv::FILLED);
      int win = std::max(4, bw / 8);
      for (int wy = r.y + win; wy + win < horizon_y - win; wy += win * 2) {
        for (int wx = r.x + win / 2; wx + win < r.x + bw; wx += win * 2) {
          cv::rectangle(image, cv::Rect(wx, wy, win, win), Scale(wall, 0.45), cv::FILLED);
        }
      }
      if (kind < 3) {
        // Shop sign with text: a text-like distractor.
        const cv::Scalar kSignGround[] = {{245, 245, 245}, {30, 30, 30}, {140, 60, 20}, {40, 40, 160},
                                          {60, 110, 30}};
        int g = UniformInt(rng, 0, 4);
        cv::Scalar ink = g == 0 ? cv::Scalar(20, 20, 20) : cv::Scalar(240, 240, 240);
        int sh = std::max(8, bh / 5);
        cv::Rect sign(r.x + bw / 10, std::max(0, horizon_y - bh + sh / 2), bw * 8 / 10, sh);
        cv::rectangle(image, sign, kSignGround[g], cv::FILLED);
        constexpr int kWords = sizeof(kSignWords) / sizeof(kSignWords[0]);
        std::string word = kSignWords[UniformInt(rng, 0, kWords - 1)];
        double scale = sh * 0.6 / 22.0;
        int baseline = 0;
        cv::Size ts = cv::getTextSize(word, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
        if (ts.width > sign.width) scale *= static_cast<double>(sign.width) / ts.width * 0.9;
        cv::putText(image, word, cv::Point(sign.x + 3, sign.y + sh * 3 / 4), cv::FONT_HERSHEY_SIMPLEX,
                    scale, ink, std::max(1, static_cast<int>(scale * 1.5)), cv::LINE_AA);
      }
    } else if (kind < 9) {
      cv::Scalar leaf(Uniform(rng, 30, 60), Uniform(rng, 90, 130), Uniform(rng, 40, 70));
      cv::rectangle(image, cv::Rect(x + bw / 2 - 4, horizon_y - bh / 3, 8, bh / 3),
                    cv::Scalar(40, 55, 70), cv::FILLED);
      cv::ellipse(image, cv::Point(x + bw / 2, horizon_y - bh * 2 / 3), cv::Size(bw / 2, bh / 2), 0,
                  0, 360, leaf, cv::FILLED, cv::LINE_AA);
    } else {
      // Road sign on a pole: white text on blue or green.
      int sw = bw, sh = std::max(10, bh / 3);
      cv::Rect sign(x, std::max(0, horizon_y - bh), sw, sh);
      cv::line(image, cv::Point(x + sw / 2, sign.y + sh), cv::Point(x + sw / 2, horizon_y + h / 20),
               cv::Scalar(90, 90, 90), std::max(2, sw / 25));
      cv::Scalar ground = Chance(rng, 0.5) ? cv::Scalar(150, 70, 10) : cv::Scalar(60, 110, 20);
      cv::rectangle(image, sign, ground, cv::FILLED);
      cv::rectangle(image, sign, cv::Scalar(240, 240, 240), std::max(1, sh / 12));
      constexpr int kWords = sizeof(kSignWords) / sizeof(kSignWords[0]);
      std::string word = kSignWords[UniformInt(rng, 0, kWords - 1)];
      double scale = sh * 0.5 / 22.0;
      int baseline = 0;
      cv::Size ts = cv::getTextSize(word, cv::FONT_HERSHEY_DUPLEX, scale, 1, &baseline);
      if (ts.width > sign.width - 6) scale *= static_cast<double>(sign.width - 6) / ts.width;
      cv::putText(image, word, cv::Point(sign.x + 3, sign.y + sh * 3 / 4), cv::FONT_HERSHEY_DUPLEX,
                  scale, cv::Scalar(240, 240, 240), std::max(1, static_cast<int>(scale * 1.5)),
                  cv::LINE_AA);
    }
    x += bw + UniformInt(rng, 0, w / 20);
  }
}

}  // namespace internal

namespace {

using internal::Chance;
using internal::Uniform;
using internal::UniformInt;

PlateStyle RandomStyle(std::mt19937_64& rng) {
  int r = UniformInt(rng, 0, 19);
  return r < 8 ? PlateStyle::kUkFront : (r < 18 ? PlateStyle::kUkRear : PlateStyle::kEu);
}

// Sensor noise, grey for IR so the picture stays single-channel in look.
void AddNoise(cv::Mat& image, double sigma, uint64_t seed, bool grey) {
  if (sigma <= 0) return;
  cv::RNG rng(seed | 1);
  cv::Mat noise(image.size(), grey ? CV_16SC1 : CV_16SC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, sigma);
  if (grey) cv::merge(std::vector<cv::Mat>{noise, noise, noise}, noise);  // cvtColor has no 16S
  cv::Mat wide;
  image.convertTo(wide, CV_16SC3);
  wide += noise;
  wide.convertTo(image, CV_8UC3);
}

}  // namespace

Scene MakeScene(uint64_t seed, const SceneOptions& options, const std::vector<PlateSpec>& plates) {
  std::mt19937_64 rng(internal::MixSeed(seed, 1));
  const int width = std::max(64, options.width_px);
  const int height = std::max(64, options.height_px);
  std::vector<PlateSpec> specs = plates;
  if (specs.empty()) {
    PlateSpec spec{RandomUkPlate(rng), RandomStyle(rng), false};
    spec.supplier_mark = Chance(rng, 0.5);
    specs.push_back(spec);
  }

  Scene scene;
  scene.image.create(height, width, CV_8UC3);
  const int horizon_y = static_cast<int>(height * Uniform(rng, 0.28, 0.42));
  internal::DrawBackground(scene.image, horizon_y, rng);

  // One vehicle per plate, side by side in equal slots.
  struct Placement {
    PlateSpec spec;
    internal::PlateLayout layout;
    internal::Pose pose;
    internal::VehicleLook look;
    double plate_gain = 1;
  };
  std::vector<Placement> placed;
  const int n = static_cast<int>(specs.size());
  const double slot_w = static_cast<double>(width) / n;
  int wmin = std::max(16, std::min(options.plate_width_px_min, options.plate_width_px_max));
  int wmax = std::max(wmin, options.plate_width_px_max);
  for (int i = 0; i < n; ++i) {
    Placement p;
    p.spec = specs[static_cast<size_t>(i)];
    p.layout = internal::LayoutPlate(p.spec);
    p.look = internal::RandomVehicleLook(rng, p.spec.style != PlateStyle::kUkRear);
    double plate_w = Uniform(rng, wmin, wmax);
    // Several vehicles must share the width; one may fill most of the frame.
    double limit = std::min(n > 1 ? slot_w / 3.3 : width * 0.8, height * 0.8 * p.layout.size_mm.width /
                                                                      p.layout.size_mm.height);
    plate_w = std::min(plate_w, limit);
    p.pose.f_px = width;
    p.pose.distance_mm = p.pose.f_px * p.layout.size_mm.width / plate_w;
    p.pose.yaw_rad = Uniform(rng, -options.max_yaw_deg, options.max_yaw_deg) * CV_PI / 180;
    p.pose.roll_rad = Uniform(rng, -options.max_roll_deg, options.max_roll_deg) * CV_PI / 180;
    p.pose.pitch_rad = Uniform(rng, -6, 6) * CV_PI / 180;
    double plate_h = plate_w * p.layout.size_mm.height / p.layout.size_mm.width;
    double cx = slot_w * (i + 0.5) + Uniform(rng, -0.2, 0.2) * std::max(0.0, slot_w - 3.3 * plate_w);
    double cy_lo = std::max(horizon_y + plate_h, height * 0.45);
    double cy_hi = std::max(cy_lo, height - plate_h * 1.2);
    double cy = Uniform(rng, cy_lo, cy_hi);
    p.pose.principal_px = {cx, cy};
    // Keep the whole plate in the frame whatever the angles did to it.
    float min_x = 1e9f, min_y = 1e9f, max_x = -1e9f, max_y = -1e9f;
    const double hw = p.layout.size_mm.width / 2, hh = p.layout.size_mm.height / 2;
    for (cv::Point2d c : {cv::Point2d(-hw, -hh), cv::Point2d(hw, -hh), cv::Point2d(hw, hh),
                          cv::Point2d(-hw, hh)}) {
      cv::Point2f q = internal::Project(p.pose, c);
      min_x = std::min(min_x, q.x);
      min_y = std::min(min_y, q.y);
      max_x = std::max(max_x, q.x);
      max_y = std::max(max_y, q.y);
    }
    const double margin = 3;
    if (min_x < margin) p.pose.principal_px.x += margin - min_x;
    if (max_x > width - 1 - margin) p.pose.principal_px.x -= max_x - (width - 1 - margin);
    if (min_y < margin) p.pose.principal_px.y += margin - min_y;
    if (max_y > height - 1 - margin) p.pose.principal_px.y -= max_y - (height - 1 - margin);
    p.plate_gain = options.lighting == Lighting::kNight ? Uniform(rng, 0.45, 0.8)
                                                        : Uniform(rng, 0.88, 1.05);
    placed.push_back(std::move(p));
  }
  // Far (small) vehicles first, so nearer ones are drawn over them.
  std::vector<size_t> order(placed.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return placed[a].pose.distance_mm > placed[b].pose.distance_mm;
  });

  const double day_gain = Uniform(rng, 0.85, 1.08);
  std::vector<PlacedPlate> truth(placed.size());
  for (size_t i : order) {
    const Placement& p = placed[i];
    internal::DrawVehicle(scene.image, p.pose, p.look, p.layout.size_mm);
  }
  if (options.lighting == Lighting::kDay && day_gain != 1.0) {
    scene.image.convertTo(scene.image, -1, day_gain, 0);
  }
  internal::LightScene(scene.image, options.lighting);
  for (size_t i : order) {
    const Placement& p = placed[i];
    double ppm = p.pose.f_px / p.pose.distance_mm * 1.25;
    cv::Mat face = internal::RenderPlateAt(p.spec, ppm);
    internal::LightPlate(face, options.lighting, p.plate_gain);
    truth[i] = internal::CompositePlate(scene.image, face, p.spec, p.layout, p.pose);
  }
  if (options.lighting != Lighting::kDay) {
    for (size_t i : order) {
      for (internal::Lamp lamp : internal::VehicleLamps(placed[i].pose, placed[i].look)) {
        if (options.lighting == Lighting::kInfrared) lamp.bgr = cv::Scalar::all(200);
        internal::DrawGlow(scene.image, lamp, options.lighting == Lighting::kNight ? 1.0 : 0.6);
      }
    }
  }
  if (options.glare) {
    for (const PlacedPlate& t : truth) internal::AddGlare(scene.image, t, rng);
  }
  if (options.blur_sigma_px > 0) {
    cv::GaussianBlur(scene.image, scene.image, cv::Size(), options.blur_sigma_px);
  }
  double noise = options.noise_sigma;
  if (options.lighting == Lighting::kNight) noise += 4;
  if (options.lighting == Lighting::kInfrared) noise += 3;
  AddNoise(scene.image, noise, internal::MixSeed(seed, 2), options.lighting == Lighting::kInfrared);
  if (options.lighting == Lighting::kInfrared) {
    cv::Mat grey;
    cv::cvtColor(scene.image, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, scene.image, cv::COLOR_GRAY2BGR);
  }
  scene.plates = std::move(truth);
  return scene;
}

}  // namespace anpr::synth
