// Synthetic plate-line crops: a scene from the generator, the plate cut out
// at its box with a random margin, then what cameras and encoders do to it.
#include "vehicle/recognition/line_crops.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/synth.h"

namespace anpr {
namespace {

// Uniform numbers from the raw stream (the generator's own helpers are
// internal; these need not match them, only be deterministic).
double Uniform(std::mt19937_64& rng, double lo, double hi) {
  double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * u;
}
int UniformInt(std::mt19937_64& rng, int lo, int hi_inclusive) {
  if (hi_inclusive <= lo) return lo;
  return lo + static_cast<int>(rng() % (static_cast<uint64_t>(hi_inclusive - lo) + 1));
}
bool Chance(std::mt19937_64& rng, double p) { return Uniform(rng, 0, 1) < p; }

const char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const char kDigits[] = "0123456789";
const char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

char Pick(std::mt19937_64& rng, const char* set, int n) { return set[UniformInt(rng, 0, n - 1)]; }

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

LineCrop MakeSynthLineCrop(uint64_t seed) {
  std::mt19937_64 rng(seed);
  synth::PlateSpec spec;
  spec.text = RandomLineText(rng);
  const double style = Uniform(rng, 0, 1);
  spec.style = style < 0.35 ? synth::PlateStyle::kUkRear
                            : (style < 0.7 ? synth::PlateStyle::kUkFront : synth::PlateStyle::kEu);
  spec.supplier_mark = Chance(rng, 0.4);
  spec.font = UniformInt(rng, 0, synth::kPlateFontCount - 1);
  spec.char_width_scale = Uniform(rng, 0.78, 1.05);
  spec.char_gap_scale = Uniform(rng, 0.4, 1.6);

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
  // detector or a person drawing a box cuts it.
  const cv::Rect box = scene.plates[0].box;
  const double left = Uniform(rng, -0.03, 0.10) * box.width, right = Uniform(rng, -0.03, 0.10) * box.width;
  const double top = Uniform(rng, -0.08, 0.25) * box.height, bottom = Uniform(rng, -0.08, 0.25) * box.height;
  cv::Rect cut(static_cast<int>(std::lround(box.x - left)), static_cast<int>(std::lround(box.y - top)),
               static_cast<int>(std::lround(box.width + left + right)),
               static_cast<int>(std::lround(box.height + top + bottom)));
  const cv::Rect frame(0, 0, scene.image.cols, scene.image.rows);
  cut &= frame;
  if (cut.width < 8 || cut.height < 4) return out;
  const cv::Rect around = cv::Rect(box.x - box.width / 2, box.y - box.height, box.width * 2, box.height * 3) & frame;
  cv::Mat context = scene.image(around).clone();
  cv::Rect2d cut_in_context(cut.x - around.x, cut.y - around.y, cut.width, cut.height);

  // Lower resolution than drawn (a far plate, a cheap sensor).
  if (Chance(rng, 0.35)) {
    const double k = Uniform(rng, 0.35, 0.9);
    const cv::Size size(std::max(16, int(context.cols * k)), std::max(8, int(context.rows * k)));
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
