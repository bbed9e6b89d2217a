// Synthetic detector proposals for the plate classifier: a generated scene,
// degraded, the detector run on it, each proposal labelled by the plates
// drawn.
#include "vehicle/recognition/region_samples.h"

#include <algorithm>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/synth.h"
#include "vehicle/recognition/line_crops.h"
#include "vehicle/recognition/plate_classifier.h"
#include "vehicle/recognition/plate_detector.h"
#include "vehicle/recognition/src/training_random.h"

namespace anpr {
namespace {

using recognition_internal::Chance;
using recognition_internal::Uniform;
using recognition_internal::UniformInt;

synth::Lighting RandomLighting(std::mt19937_64& rng) {
  const double light = Uniform(rng, 0, 1);
  return light < 0.7 ? synth::Lighting::kDay : (light < 0.85 ? synth::Lighting::kNight : synth::Lighting::kInfrared);
}

synth::PlateSpec RandomPlate(std::mt19937_64& rng) {
  synth::PlateSpec spec = RandomTrainingPlate(rng);
  // Square two-line plates (motorcycles, imports) now and then.
  spec.two_line = Chance(rng, 0.1) && spec.text.find(' ') != std::string::npos;
  return spec;
}

// A still of one to three vehicles, or one frame of a drive-by (far, small
// plates; a vehicle leaving the frame).
struct Frame {
  cv::Mat image;
  std::vector<cv::Rect> plates;
};

Frame MakeFrame(std::mt19937_64& rng) {
  Frame out;
  if (Chance(rng, 0.5)) {
    std::vector<synth::PlateSpec> specs;
    const int n = UniformInt(rng, 1, 3);
    for (int i = 0; i < n; ++i) specs.push_back(RandomPlate(rng));
    synth::SceneOptions so;
    so.plate_width_px_min = 40;
    so.plate_width_px_max = 420;
    so.max_roll_deg = 8;
    so.max_yaw_deg = 35;
    so.blur_sigma_px = Chance(rng, 0.4) ? Uniform(rng, 0.3, 1.6) : 0;
    so.noise_sigma = Uniform(rng, 0, 9);
    so.glare = Chance(rng, 0.1);
    so.lighting = RandomLighting(rng);
    synth::Scene scene = synth::MakeScene(rng(), so, specs);
    out.image = std::move(scene.image);
    for (const synth::PlacedPlate& p : scene.plates) out.plates.push_back(p.box);
    return out;
  }
  synth::DriveByOptions o;
  o.lighting = RandomLighting(rng);
  o.noise_sigma = Uniform(rng, 0, 6);
  o.plates = {RandomPlate(rng)};
  const synth::DriveBy drive(rng(), o);
  const synth::DriveByFrame f = drive.Frame(UniformInt(rng, 0, drive.frame_count() - 1));
  out.image = f.image;
  for (const synth::PlacedPlate& p : f.plates) out.plates.push_back(p.box);
  return out;
}

// What a camera and its encoder do to the whole frame: lower resolution (a
// cheap sensor, a scaled stream, sometimes out of aspect), motion blur,
// exposure, JPEG.
void Degrade(std::mt19937_64& rng, Frame* f) {
  if (Chance(rng, 0.4)) {
    const double k = Uniform(rng, 0.45, 0.9);
    const double stretch = Chance(rng, 0.3) ? Uniform(rng, 0.75, 1.3) : 1.0;
    const cv::Size size(std::max(64, int(f->image.cols * k * stretch)), std::max(64, int(f->image.rows * k)));
    const double kx = double(size.width) / f->image.cols, ky = double(size.height) / f->image.rows;
    cv::resize(f->image, f->image, size, 0, 0, cv::INTER_AREA);
    for (cv::Rect& r : f->plates) {
      r = cv::Rect(int(r.x * kx), int(r.y * ky), std::max(1, int(r.width * kx)), std::max(1, int(r.height * ky)));
    }
  }
  if (Chance(rng, 0.2)) {
    const int len = UniformInt(rng, 2, 5);
    cv::Mat kernel = cv::Mat::ones(1, len, CV_32F) / len;
    cv::filter2D(f->image, f->image, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
  }
  f->image.convertTo(f->image, -1, Uniform(rng, 0.7, 1.25), Uniform(rng, -30, 25));
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", f->image, jpeg, {cv::IMWRITE_JPEG_QUALITY, UniformInt(rng, 30, 95)});
  f->image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

double Area(const cv::Rect& r) { return double(r.width) * double(r.height); }

}  // namespace

uint64_t RegionSampleSeed(int set, int index) {
  // Sets 50 and up of the line crops' scheme (LineCropSeed uses 0-9).
  return static_cast<uint64_t>(set + 50) * 1'000'000'007ull + static_cast<uint64_t>(index) * 7919ull + 17;
}

std::vector<RegionSample> MakeSynthRegionSamples(uint64_t seed) {
  std::mt19937_64 rng(seed);
  Frame frame = MakeFrame(rng);
  Degrade(rng, &frame);
  std::vector<RegionSample> out;
  const PlateDetector detector;
  for (const PlateRegion& region : detector.Detect(frame.image)) {
    if (region.box.area() <= 0) continue;
    bool plate = false, touches = false;
    for (const cv::Rect& p : frame.plates) {
      const cv::Rect grown(p.x - p.width / 5, p.y - p.height / 5, p.width * 7 / 5, p.height * 7 / 5);
      if ((region.box & grown).area() > 0) touches = true;
      const double common = Area(region.box & p);
      if (common >= 0.6 * Area(region.box) && common >= 0.33 * Area(p)) plate = true;
    }
    if (plate || !touches) out.push_back({CutRegionForClassifier(frame.image, region), plate});
  }
  return out;
}

}  // namespace anpr
