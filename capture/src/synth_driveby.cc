// Drive-by videos: vehicles approach the camera one after another, each seen
// in consecutive frames while its plate grows, then leave the frame sideways.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "capture/src/synth_internal.h"
#include "capture/synth.h"

namespace anpr::synth {

namespace {

using internal::Uniform;
using internal::UniformInt;

// Schedule of a pass, as fractions s in [0, 1) of its duration: the plate
// grows geometrically from kStartWidth to kEndWidth (of the frame width)
// until kExitAt, then the vehicle slides out of the frame sideways.
constexpr double kStartWidth = 0.05;
constexpr double kEndWidth = 0.22;
constexpr double kExitAt = 0.85;
constexpr double kHorizon = 0.40;  // vanishing point height, fraction of the frame
constexpr int kNoiseBanks = 2;

}  // namespace

struct DriveBy::Impl {
  struct Pass {
    PlateSpec spec;
    internal::PlateLayout layout;
    internal::VehicleLook look;
    double start_s = 0;
    double x_mm = 0;       // lateral offset of the plate from the camera axis
    double y_mm = 0;       // how far below the camera the plate is
    double yaw_rad = 0, roll_rad = 0, pitch_rad = 0;
    double exit_side = 1;  // +1 leaves to the right, -1 to the left
    double plate_gain = 1;
  };
  DriveByOptions options;
  uint64_t seed = 0;
  int frame_count = 0;
  double fps = 15;
  double f_px = 1000;
  cv::Point2d vanish;
  cv::Mat background;  // unlit: lighting is applied with the vehicle per frame
  // Sensor noise split in its positive and negative parts (saturating adds
  // are much cheaper than drawing fresh Gaussian noise every frame).
  std::vector<cv::Mat> noise_up, noise_down;
  std::vector<Pass> passes;
};

DriveBy::DriveBy(uint64_t seed, DriveByOptions options) {
  auto impl = std::make_shared<Impl>();
  options.width_px = std::max(64, options.width_px);
  options.height_px = std::max(64, options.height_px);
  options.fps = options.fps > 0 ? options.fps : 15;
  options.pass_duration_s = std::max(0.2, options.pass_duration_s);
  options.gap_s = std::max(0.0, options.gap_s);
  options.random_vehicles = std::max(0, options.random_vehicles);
  impl->options = options;
  impl->seed = seed;
  impl->fps = options.fps;
  const int w = options.width_px, h = options.height_px;
  impl->f_px = w;
  impl->vanish = {w / 2.0, h * kHorizon};

  std::mt19937_64 rng(internal::MixSeed(seed, 11));
  std::vector<PlateSpec> specs = options.plates;
  if (specs.empty()) {
    for (int i = 0; i < options.random_vehicles; ++i) {
      PlateStyle style = UniformInt(rng, 0, 9) < 5 ? PlateStyle::kUkRear : PlateStyle::kUkFront;
      PlateSpec spec{RandomUkPlate(rng), style, false};
      spec.supplier_mark = internal::Chance(rng, 0.5);
      specs.push_back(spec);
    }
  }
  const double period_s = options.pass_duration_s + options.gap_s;
  for (size_t k = 0; k < specs.size(); ++k) {
    Impl::Pass pass;
    pass.spec = specs[k];
    pass.layout = internal::LayoutPlate(pass.spec);
    pass.look = internal::RandomVehicleLook(rng, pass.spec.style != PlateStyle::kUkRear);
    pass.start_s = options.gap_s / 2 + static_cast<double>(k) * period_s;
    // Offsets chosen so the whole plate stays in the frame until it exits.
    const double plate_w_mm = pass.layout.size_mm.width;
    const double end_w_px = kEndWidth * w;
    const double end_h_px = end_w_px * pass.layout.size_mm.height / plate_w_mm;
    const double max_x_mm = std::max(0.0, (0.5 * w - 0.6 * end_w_px - 10) * plate_w_mm / end_w_px);
    const double max_y_mm = std::max(0.0, (0.92 * h - 0.6 * end_h_px - impl->vanish.y) * plate_w_mm / end_w_px);
    pass.x_mm = Uniform(rng, -0.9, 0.9) * max_x_mm;
    pass.y_mm = Uniform(rng, 0.35, 1.0) * max_y_mm;
    pass.yaw_rad = Uniform(rng, -12, 12) * CV_PI / 180;
    pass.roll_rad = Uniform(rng, -5, 5) * CV_PI / 180;
    pass.pitch_rad = Uniform(rng, -4, 4) * CV_PI / 180;
    pass.exit_side = pass.x_mm < 0 ? -1 : 1;
    pass.plate_gain = options.lighting == Lighting::kNight ? Uniform(rng, 0.5, 0.8) : Uniform(rng, 0.9, 1.05);
    impl->passes.push_back(std::move(pass));
    pass_plates_.push_back(internal::NormalisePlateText(specs[k].text));
  }
  const double total_s = static_cast<double>(specs.size()) * period_s;
  impl->frame_count = static_cast<int>(std::ceil(total_s * impl->fps - 1e-9));

  impl->background.create(h, w, CV_8UC3);
  internal::DrawBackground(impl->background, static_cast<int>(impl->vanish.y), rng);

  double sigma = options.noise_sigma;
  if (options.lighting == Lighting::kNight) sigma += 4;
  if (options.lighting == Lighting::kInfrared) sigma += 3;
  if (sigma > 0) {
    cv::RNG noise_rng(internal::MixSeed(seed, 12) | 1);
    const bool grey = options.lighting == Lighting::kInfrared;
    for (int b = 0; b < kNoiseBanks; ++b) {
      cv::Mat noise(h, w, grey ? CV_16SC1 : CV_16SC3);
      noise_rng.fill(noise, cv::RNG::NORMAL, 0, sigma);
      if (grey) cv::merge(std::vector<cv::Mat>{noise, noise, noise}, noise);  // cvtColor has no 16S
      cv::Mat up, down;
      noise.convertTo(up, CV_8UC3);        // negative values saturate to 0
      cv::Mat negated = -noise;
      negated.convertTo(down, CV_8UC3);
      impl->noise_up.push_back(up);
      impl->noise_down.push_back(down);
    }
  }
  impl_ = std::move(impl);
}

int DriveBy::frame_count() const { return impl_->frame_count; }
double DriveBy::fps() const { return impl_->fps; }
const std::vector<std::string>& DriveBy::pass_plates() const { return pass_plates_; }
const DriveByOptions& DriveBy::options() const { return impl_->options; }

DriveByFrame DriveBy::Frame(int index) const {
  const Impl& d = *impl_;
  DriveByFrame frame;
  if (index < 0 || index >= d.frame_count) return frame;
  const double t_s = index / d.fps;
  frame.t_ms = static_cast<int64_t>(std::llround(index * 1000.0 / d.fps));
  frame.image = d.background.clone();
  const int w = frame.image.cols;
  const Lighting lighting = d.options.lighting;

  struct Active {
    size_t pass = 0;
    internal::Pose pose;
  };
  std::vector<Active> active;
  for (size_t k = 0; k < d.passes.size(); ++k) {
    const Impl::Pass& p = d.passes[k];
    double s = (t_s - p.start_s) / d.options.pass_duration_s;
    if (s < 0 || s >= 1) continue;
    double grow = std::pow(kEndWidth / kStartWidth, 1.0 / kExitAt);
    double plate_w_px = kStartWidth * w * std::pow(grow, s);
    double scale = plate_w_px / p.layout.size_mm.width;  // px per mm at the plate
    internal::Pose pose;
    pose.f_px = d.f_px;
    pose.distance_mm = d.f_px / scale;
    pose.yaw_rad = p.yaw_rad;
    pose.roll_rad = p.roll_rad;
    pose.pitch_rad = p.pitch_rad;
    double exit = s > kExitAt ? (s - kExitAt) / (1 - kExitAt) : 0;
    pose.principal_px = {d.vanish.x + p.x_mm * scale + p.exit_side * exit * exit * 0.8 * w,
                         d.vanish.y + p.y_mm * scale};
    active.push_back({k, pose});
  }
  for (const Active& a : active) {
    const Impl::Pass& p = d.passes[a.pass];
    internal::DrawVehicle(frame.image, a.pose, p.look, p.layout.size_mm);
  }
  internal::LightScene(frame.image, lighting);
  for (const Active& a : active) {
    const Impl::Pass& p = d.passes[a.pass];
    double ppm = a.pose.f_px / a.pose.distance_mm * 1.25;
    cv::Mat face = internal::RenderPlateAt(p.spec, ppm);
    internal::LightPlate(face, lighting, p.plate_gain);
    PlacedPlate truth = internal::CompositePlate(frame.image, face, p.spec, p.layout, a.pose);
    if (lighting != Lighting::kDay) {
      for (internal::Lamp lamp : internal::VehicleLamps(a.pose, p.look)) {
        if (lighting == Lighting::kInfrared) lamp.bgr = cv::Scalar::all(200);
        internal::DrawGlow(frame.image, lamp, lighting == Lighting::kNight ? 1.0 : 0.6);
      }
    }
    if (!truth.box.empty()) {
      frame.plates.push_back(std::move(truth));
      frame.pass_index.push_back(static_cast<int>(a.pass));
    }
  }
  if (!d.noise_up.empty()) {
    size_t bank = static_cast<size_t>(index) % d.noise_up.size();
    cv::add(frame.image, d.noise_up[bank], frame.image);
    cv::subtract(frame.image, d.noise_down[bank], frame.image);
  }
  return frame;
}

Status WriteVideo(const DriveBy& drive, const std::string& path) {
  std::filesystem::path p(path);
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext != ".avi") {
    return InvalidArgument(path + ": only .avi (Motion JPEG) video is written");
  }
  const DriveByOptions& o = drive.options();
  cv::VideoWriter writer;
  try {
    // OpenCV's own MJPEG writer: no FFmpeg needed, same output everywhere.
    writer.open(path, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), drive.fps(),
                cv::Size(o.width_px, o.height_px), true);
  } catch (const cv::Exception& e) {
    return IoError(path + ": cannot open video for writing: " + e.what());
  }
  if (!writer.isOpened()) return IoError(path + ": cannot open video for writing");
  for (int i = 0; i < drive.frame_count(); ++i) {
    DriveByFrame f = drive.Frame(i);
    writer.write(f.image);
  }
  writer.release();
  std::error_code ec;
  auto size = std::filesystem::file_size(p, ec);
  if (ec || size == 0) return IoError(path + ": video was not written (disk full or not writable?)");
  return Status::Ok();
}

}  // namespace anpr::synth
