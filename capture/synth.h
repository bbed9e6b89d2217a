// Synthetic plates, scenes and drive-by videos, deterministic by seed. The
// project's tests, fixtures, benchmarks and demo are made with it, so the
// whole pipeline runs without a camera or a road.
//
// Geometry follows the UK standard plate (BS AU 145e): 520 x 111 mm, 79 mm
// tall characters 50 mm wide (except "1" and "I"), 11 mm between characters,
// 33 mm gap between the two groups; front plates white, rear plates yellow.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"

namespace anpr::synth {

enum class PlateStyle {
  kUkFront,  // black on white
  kUkRear,   // black on yellow
  kEu,       // black on white with a blue band (country letters) on the left
};

// "uk-front", "uk-rear" or "eu" (the names the `anpr synth` JSON uses).
const char* PlateStyleName(PlateStyle style);

enum class Lighting {
  kDay,
  kNight,     // dark scene, headlight-lit plate, more sensor noise
  kInfrared,  // grey IR camera: single channel look, retro-reflective plate bright
};

// One plate to draw. `text` as printed, with the group gap as a space
// ("AB12 CDE"); two_line puts the groups on two rows (square plates).
struct PlateSpec {
  std::string text;
  PlateStyle style = PlateStyle::kUkRear;
  bool two_line = false;
  // The small supplier name and "BS AU 145e" printed in the bottom margin of
  // real plates (a realistic bit of non-registration text; never read).
  bool supplier_mark = false;
  // Variety for training the recognition models (the defaults draw the
  // standard UK plate). `font` picks the typeface (0 DejaVu Sans Bold; 1-5
  // other bold sans faces, the default face when that one is not installed);
  // the scales multiply the standard's 50 mm character width and 11 mm gap
  // between characters (continental plates use narrower characters).
  int font = 0;
  double char_width_scale = 1.0;
  double char_gap_scale = 1.0;
  // Multiplies the standard's 33 mm gap between the groups (room for an
  // emblem or a hyphen on continental plates).
  double group_gap_scale = 1.0;
  // What real plates carry besides the registration (synth_dressing.cc);
  // the default draws none of it.
  struct Dressing {
    // Letters in the blue band of a kEu plate ("D", "NL", "GB", ...);
    // empty: "UK".
    std::string band_letters;
    // kEu band: 0 the EU ring of stars; 1 a Union-flag-like flag above the
    // letters (GB plates); 2 a band of letters only.
    int band_kind = 0;
    // Between the groups: 0 nothing; 1 a hyphen; 2 two round stacked seals
    // (German registration and inspection stickers); 3 a small coat of arms.
    int between_groups = 0;
    int screws = 0;           // 0, 2 or 4 screw heads through the plate
    bool border = false;      // a thin black line inside the plate's edge
    // A dealer's frame over the plate's edge (mm, 0 none), with dealer_text
    // printed on its lower bar when that is not empty.
    double frame_mm = 0;
    std::string dealer_text;
    double dirt = 0;          // 0 clean .. 1 grimy (spots, road film)
    uint64_t seed = 0;        // where screws, seals and dirt fall
  };
  Dressing dressing = {};
};

// Number of typefaces PlateSpec::font can pick from: 0-5 TrueType faces, 6
// and 7 the project's own stroke-drawn faces (6 narrow strokes, DIN-1451
// like, as continental plates use; 7 heavier strokes, in the manner of the
// UK's mandatory plate font). See StrokeGlyphMask in synth_internal.h.
constexpr int kPlateFontCount = 8;
constexpr int kFirstStrokeFont = 6;

// A random plate in the current GB format (two letters, two-digit age
// identifier, space, three letters), drawn only from letters actually issued.
std::string RandomUkPlate(std::mt19937_64& rng);

// The plate face-on, BGR, sized so characters are char_height_px tall.
cv::Mat RenderPlate(const PlateSpec& spec, int char_height_px);

// Ground truth of one plate in a generated image.
struct PlacedPlate {
  std::string text;                     // normalised, e.g. "AB12CDE"
  PlateStyle style = PlateStyle::kUkRear;
  cv::Rect box;                         // axis-aligned bounds in the image
  std::array<cv::Point2f, 4> corners;   // TL, TR, BR, BL of the plate outline
  int char_height_px = 0;               // character height as drawn
  // False when part of the plate is outside the image (a drive-by vehicle
  // leaving the frame); `box` is then clipped to the image, `corners` not.
  bool fully_visible = true;
};

struct SceneOptions {
  int width_px = 1280;
  int height_px = 720;
  int plate_width_px_min = 120;  // plate widths are drawn uniformly from this range
  int plate_width_px_max = 300;
  double max_roll_deg = 10;      // in-plane tilt
  double max_yaw_deg = 25;       // seen at an angle (perspective)
  double blur_sigma_px = 0;      // Gaussian blur of the whole scene
  double noise_sigma = 0;        // sensor noise (0-255 scale)
  bool glare = false;            // a bright specular patch across the plate
  Lighting lighting = Lighting::kDay;
};

struct Scene {
  cv::Mat image;  // BGR (grey content for kInfrared, still 3 channels)
  std::vector<PlacedPlate> plates;
};

// A vehicle-like scene holding `plates` (random GB plates when empty: one).
// Same seed and arguments give the same pixels.
Scene MakeScene(uint64_t seed, const SceneOptions& options,
                const std::vector<PlateSpec>& plates = {});

struct DriveByOptions {
  int width_px = 1280;
  int height_px = 720;
  double fps = 15;
  double pass_duration_s = 2.0;  // how long each vehicle is in view
  double gap_s = 1.0;            // empty road between vehicles
  Lighting lighting = Lighting::kDay;
  double noise_sigma = 2;
  // The vehicles that pass, in order; random GB plates when empty.
  std::vector<PlateSpec> plates;
  int random_vehicles = 3;  // used when `plates` is empty
};

struct DriveByFrame {
  cv::Mat image;
  int64_t t_ms = 0;                  // since the start of the drive
  std::vector<PlacedPlate> plates;   // plates visible in this frame
  std::vector<int> pass_index;       // for each plate: which vehicle pass (0-based)
};

// A short drive-by: each vehicle approaches and grows in view, then leaves
// sideways; vehicles pass one at a time, `gap_s` of empty road between them
// (half a gap before the first and after the last). Frames are rendered on
// demand, so a long drive costs no memory beyond the cached background and
// noise. Frame() is const and safe to call from several threads at once;
// copies share the cached state.
class DriveBy {
 public:
  DriveBy(uint64_t seed, DriveByOptions options);
  int frame_count() const;
  double fps() const;
  // Frame `index` in [0, frame_count()); an empty image outside that range.
  // The same index always gives the same pixels.
  DriveByFrame Frame(int index) const;
  // The plate of each pass (normalised), in pass order.
  const std::vector<std::string>& pass_plates() const;
  const DriveByOptions& options() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  std::vector<std::string> pass_plates_;
};

// Writes every frame of the drive to `path`, which must end in .avi (Motion
// JPEG, OpenCV's built-in writer, readable by cv::VideoCapture and players).
// An IoError names the file when it cannot be written.
Status WriteVideo(const DriveBy& drive, const std::string& path);

}  // namespace anpr::synth
