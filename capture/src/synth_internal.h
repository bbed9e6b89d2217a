// Internals of the synthetic generator shared by synth_plate.cc,
// synth_vehicle.cc, synth_background.cc, synth_scene.cc and synth_driveby.cc.
// Not a public header.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/synth.h"

namespace anpr::synth::internal {

// Random numbers from the raw mt19937_64 stream. std::uniform_*_distribution
// differ between standard libraries; these do not, so a seed means the same
// picture everywhere.
double Uniform(std::mt19937_64& rng, double lo, double hi);
int UniformInt(std::mt19937_64& rng, int lo, int hi_inclusive);
bool Chance(std::mt19937_64& rng, double p);
// Mixes a seed with a stream id (SplitMix64), so sub-generators are independent.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

// `c` with each channel times `k`, capped at 255.
cv::Scalar Scale(const cv::Scalar& c, double k);

// Upper case, no spaces: "ab12 cde" -> "AB12CDE".
std::string NormalisePlateText(const std::string& text);

// Where everything sits on a plate, in millimetres from the plate's top-left.
struct GlyphCell {
  char c = ' ';
  int font = 0;
  cv::Rect2d cell_mm;  // the 50 x 79 mm cell the character fills
};
struct PlateLayout {
  cv::Size2d size_mm;
  std::vector<GlyphCell> glyphs;
  bool has_band = false;
  cv::Rect2d band_mm;  // the blue band of an EU plate
};
PlateLayout LayoutPlate(const PlateSpec& spec);

// The plate face-on at `px_per_mm`, BGR, day colours.
cv::Mat RenderPlateAt(const PlateSpec& spec, double px_per_mm);

// A grey ink mask (0 background, 255 ink) of `c` filling `size` in typeface
// `font` (see PlateSpec::font; synth_plate.cc for how "1" and "I" keep
// their own width).
cv::Mat GlyphMask(char c, cv::Size size, int font = 0);

// The project's stroke-drawn characters (synth_stroke_font.cc): a grey ink
// mask of `c` (A-Z 0-9), tight to its ink, `height_px` tall, strokes
// `stroke` of the height thick (DIN-1451-like at about 0.13, UK-plate-font
// like at about 0.17). Empty for other characters.
cv::Mat StrokeGlyphMask(char c, int height_px, double stroke);

// What a plate carries besides its registration (synth_dressing.cc), drawn
// on the face-on plate at `px_per_mm`: the band's letters and emblem, an
// emblem or hyphen between the groups, screws, border, dealer frame, dirt.
// The band itself and the characters are drawn by RenderPlateAt.
void DrawBandMarks(cv::Mat& plate, const PlateSpec& spec, const cv::Rect2d& band_mm, double px_per_mm);
void DrawDressingUnder(cv::Mat& plate, const PlateSpec& spec, const PlateLayout& layout, double px_per_mm);
void DrawDressingOver(cv::Mat& plate, const PlateSpec& spec, const PlateLayout& layout, double px_per_mm);
// out = out + (colour - out) * mask / 255, in place (`mask` 8-bit, roi's size).
void BlendInk(cv::Mat& roi, const cv::Mat& mask, const cv::Scalar& colour);

// The camera's view of a vehicle's rear or front face, a plane in millimetres
// with its origin at the plate centre, x to the right and y down.
struct Pose {
  double f_px = 1000;           // focal length
  cv::Point2d principal_px;     // where the plate centre projects at yaw 0
  double distance_mm = 4000;    // plate centre to camera along the axis
  double yaw_rad = 0;           // turn about the vertical axis
  double pitch_rad = 0;
  double roll_rad = 0;          // in-image tilt
};
cv::Point2f Project(const Pose& pose, cv::Point2d p_mm);

// How a vehicle looks; drawn around its plate.
struct VehicleLook {
  bool front = false;      // front face (headlights, grille) or rear (tail lights)
  cv::Scalar body_bgr;
  int shape = 0;           // 0 saloon, 1 hatchback, 2 van
  std::string badge;       // maker's badge text
  std::string advert;      // a phone number or words on vans, or empty
};
VehicleLook RandomVehicleLook(std::mt19937_64& rng, bool front);

// Draws the vehicle body (not the plate). `plate_size_mm` is the plate the
// vehicle carries, so its recess fits.
void DrawVehicle(cv::Mat& image, const Pose& pose, const VehicleLook& look,
                 cv::Size2d plate_size_mm);

// Lamp centres (image px) and radii, for night glow.
struct Lamp {
  cv::Point2f center;
  float radius_px = 0;
  cv::Scalar bgr;
};
std::vector<Lamp> VehicleLamps(const Pose& pose, const VehicleLook& look);
void DrawGlow(cv::Mat& image, const Lamp& lamp, double strength);

// Scene-wide lighting applied to everything but the plate and the lamps.
void LightScene(cv::Mat& image, Lighting lighting);
// The plate as the camera sees it under that lighting (`gain` scales a lit
// plate at night).
void LightPlate(cv::Mat& plate, Lighting lighting, double gain);

// Warps the face-on plate image into `image` at `pose` and returns the truth.
PlacedPlate CompositePlate(cv::Mat& image, const cv::Mat& plate_face,
                           const PlateSpec& spec, const PlateLayout& layout,
                           const Pose& pose);

// A bright specular patch over part of the plate.
void AddGlare(cv::Mat& image, const PlacedPlate& plate, std::mt19937_64& rng);

// Background: sky, horizon clutter (buildings, trees, signs with text), road.
// horizon_y is the row of the horizon.
void DrawBackground(cv::Mat& image, int horizon_y, std::mt19937_64& rng);

}  // namespace anpr::synth::internal
