// Still scenes: the background (synth_background.cc) and vehicles
// (synth_vehicle.cc) put together with their plates, lighting and camera
// effects, with the ground truth of every plate.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"
#include "capture/synth.h"

namespace anpr::synth {
namespace internal {

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
