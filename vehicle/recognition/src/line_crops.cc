// Synthetic plate-line crops: a scene from the generator, the plate cut out
// at its box with a random margin, then what cameras and encoders do to it.
#include "vehicle/recognition/line_crops.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/synth.h"
#include "vehicle/recognition/src/training_random.h"

namespace anpr {
namespace {

using recognition_internal::Chance;
using recognition_internal::Uniform;
using recognition_internal::UniformInt;

const char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const char kDigits[] = "0123456789";
const char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

char Pick(std::mt19937_64& rng, const char* set, int n) { return set[UniformInt(rng, 0, n - 1)]; }

// Country letters seen in the bands of European plates.
const char* const kBandLetters[] = {"D",  "F",  "NL", "B",  "I",   "E",   "P",  "PL", "CZ", "SK", "A",
                                    "H",  "RO", "BG", "LT", "LV",  "EST", "FIN", "S", "DK", "L",  "IRL",
                                    "GR", "SLO", "HR", "GB", "UK", "CY",  "M"};

// What real plates carry besides the registration, at random (see
// PlateSpec::Dressing): band letters and emblem, a hyphen, seals or arms
// between the groups (with the wider gap they need), screws, a border, a
// dealer's frame and its name, dirt.
void Dress(std::mt19937_64& rng, synth::PlateSpec& spec) {
  synth::PlateSpec::Dressing& d = spec.dressing;
  d.seed = rng();
  if (spec.style == synth::PlateStyle::kEu) {
    const int n = static_cast<int>(sizeof(kBandLetters) / sizeof(kBandLetters[0]));
    d.band_letters = kBandLetters[UniformInt(rng, 0, n - 1)];
    const double k = Uniform(rng, 0, 1);
    d.band_kind = k < 0.8 ? 0 : (k < 0.9 ? 1 : 2);
  }
  const double between = Uniform(rng, 0, 1);
  if (between < 0.45) {
    d.between_groups = 0;
  } else if (between < 0.7) {
    d.between_groups = 1;
    spec.group_gap_scale = Uniform(rng, 1.0, 1.8);
  } else if (between < 0.9) {
    d.between_groups = 2;
    spec.group_gap_scale = Uniform(rng, 1.4, 2.2);
  } else {
    d.between_groups = 3;
    spec.group_gap_scale = Uniform(rng, 1.2, 2.0);
  }
  const double screws = Uniform(rng, 0, 1);
  d.screws = screws < 0.5 ? 0 : (screws < 0.9 ? 2 : 4);
  d.border = Chance(rng, 0.3);
  if (Chance(rng, 0.3)) {
    d.frame_mm = Uniform(rng, 2, 7);
    if (Chance(rng, 0.6)) {
      const int n = UniformInt(rng, 8, 22);
      for (int i = 0; i < n; ++i) d.dealer_text.push_back(Chance(rng, 0.15) ? ' ' : Pick(rng, kAlnum, 36));
    }
  }
  d.dirt = Chance(rng, 0.35) ? Uniform(rng, 0.1, 0.8) : 0;
}

}  // namespace

std::string RandomLineText(std::mt19937_64& rng) {
  const double kind = Uniform(rng, 0, 1);
  if (kind < 0.4) return synth::RandomUkPlate(rng);
  std::string out;
  if (kind < 0.85) {
    // Continental shapes: letters, digits, letters; groups of 1-3 / 1-4 / 0-3,
    // separated by a gap or not.
    const int a = UniformInt(rng, 1, 3), d = UniformInt(rng, 1, 4), b = UniformInt(rng, 0, 3);
    for (int i = 0; i < a; ++i) out.push_back(Pick(rng, kLetters, 26));
    if (Chance(rng, 0.5)) out.push_back(' ');
    for (int i = 0; i < d; ++i) out.push_back(Pick(rng, kDigits, 10));
    if (b > 0 && Chance(rng, 0.5)) out.push_back(' ');
    for (int i = 0; i < b; ++i) out.push_back(Pick(rng, kLetters, 26));
    if (out.size() < 4) out.push_back(Pick(rng, kDigits, 10));
    return out;
  }
  const int n = UniformInt(rng, 4, 8);
  for (int i = 0; i < n; ++i) out.push_back(Pick(rng, kAlnum, 36));
  if (n >= 6 && Chance(rng, 0.5)) out.insert(out.begin() + UniformInt(rng, 2, n - 2), ' ');
  return out;
}

uint64_t LineCropSeed(int set, int index) {
  return static_cast<uint64_t>(set) * 1'000'000'007ull + static_cast<uint64_t>(index) * 7919ull + 17;
}

synth::PlateSpec RandomTrainingPlate(std::mt19937_64& rng) {
  synth::PlateSpec spec;
  spec.text = RandomLineText(rng);
  const double style = Uniform(rng, 0, 1);
  spec.style = style < 0.3 ? synth::PlateStyle::kUkRear
                           : (style < 0.6 ? synth::PlateStyle::kUkFront : synth::PlateStyle::kEu);
  spec.supplier_mark = Chance(rng, 0.4);
  // The project's stroke faces (DIN-like, UK-plate-like) for 40 %.
  spec.font = Chance(rng, 0.4) ? UniformInt(rng, synth::kFirstStrokeFont, synth::kPlateFontCount - 1)
                               : UniformInt(rng, 0, synth::kFirstStrokeFont - 1);
  spec.char_width_scale = Uniform(rng, 0.7, 1.05);
  spec.char_gap_scale = Uniform(rng, 0.4, 1.6);
  Dress(rng, spec);
  return spec;
}

LineCrop MakeSynthLineCrop(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const synth::PlateSpec spec = RandomTrainingPlate(rng);

  synth::SceneOptions so;
  so.width_px = 640;
  so.height_px = 400;
  so.plate_width_px_min = 60;
  so.plate_width_px_max = 400;
  so.max_roll_deg = 6;
  so.max_yaw_deg = 35;
  so.blur_sigma_px = Chance(rng, 0.5) ? Uniform(rng, 0.3, 1.6) : 0;
  so.noise_sigma = Uniform(rng, 0, 9);
  so.glare = Chance(rng, 0.1);
  const double light = Uniform(rng, 0, 1);
  so.lighting = light < 0.7 ? synth::Lighting::kDay
                            : (light < 0.85 ? synth::Lighting::kNight : synth::Lighting::kInfrared);
  synth::Scene scene = synth::MakeScene(rng(), so, {spec});

  LineCrop out;
  out.text.clear();
  for (char c : spec.text) {
    if (c != ' ') out.text.push_back(c);
  }
  if (scene.plates.empty()) return out;
  // The plate's box with an uneven margin: tight or slightly inside, as a
  // person drawing a box cuts it, or (30 %) loose, with some of the vehicle
  // around the plate, as a detector's boxes are.
  const cv::Rect box = scene.plates[0].box;
  const bool loose = Chance(rng, 0.3);
  const double wide = loose ? 0.22 : 0.10, tall = loose ? 0.6 : 0.25;
  const double left = Uniform(rng, -0.03, wide) * box.width, right = Uniform(rng, -0.03, wide) * box.width;
  const double top = Uniform(rng, -0.08, tall) * box.height, bottom = Uniform(rng, -0.08, tall) * box.height;
  cv::Rect cut(static_cast<int>(std::lround(box.x - left)), static_cast<int>(std::lround(box.y - top)),
               static_cast<int>(std::lround(box.width + left + right)),
               static_cast<int>(std::lround(box.height + top + bottom)));
  const cv::Rect frame(0, 0, scene.image.cols, scene.image.rows);
  cut &= frame;
  if (cut.width < 8 || cut.height < 4) return out;
  const cv::Rect around = cv::Rect(box.x - box.width / 2, box.y - box.height, box.width * 2, box.height * 3) & frame;
  cv::Mat context = scene.image(around).clone();
  cv::Rect2d cut_in_context(cut.x - around.x, cut.y - around.y, cut.width, cut.height);

  // Lower resolution than drawn (a far plate, a cheap sensor), and images
  // stretched out of their aspect (a resized stream, anamorphic storage).
  if (Chance(rng, 0.4)) {
    const double k = Uniform(rng, 0.25, 0.9);
    const double stretch = Chance(rng, 0.4) ? Uniform(rng, 0.65, 1.5) : 1.0;
    const cv::Size size(std::max(16, int(context.cols * k * stretch)), std::max(8, int(context.rows * k)));
    const double kx = double(size.width) / context.cols, ky = double(size.height) / context.rows;
    cv::resize(context, context, size, 0, 0, cv::INTER_AREA);
    cut_in_context = {cut_in_context.x * kx, cut_in_context.y * ky, cut_in_context.width * kx,
                      cut_in_context.height * ky};
  }
  // Horizontal motion blur (the vehicle or the patrol car moving).
  if (Chance(rng, 0.25)) {
    const int len = UniformInt(rng, 2, 5);
    cv::Mat kernel = cv::Mat::ones(1, len, CV_32F) / len;
    cv::filter2D(context, context, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
  }
  // Exposure: contrast and brightness.
  context.convertTo(context, -1, Uniform(rng, 0.6, 1.3), Uniform(rng, -40, 30));
  // JPEG, as the camera's stream and the stored images are.
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", context, jpeg, {cv::IMWRITE_JPEG_QUALITY, UniformInt(rng, 25, 95)});
  out.context = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  out.crop_in_context = cv::Rect(int(std::lround(cut_in_context.x)), int(std::lround(cut_in_context.y)),
                                 std::max(4, int(std::lround(cut_in_context.width))),
                                 std::max(2, int(std::lround(cut_in_context.height)))) &
                        cv::Rect(0, 0, out.context.cols, out.context.rows);
  out.image = out.context(out.crop_in_context).clone();
  return out;
}

}  // namespace anpr
