#include "hmi/scene.h"

#include <cctype>

namespace anpr::hmi {

Symbol PrioritySymbol(Priority p) {
  switch (p) {
    case Priority::kHigh: return Symbol::kTriangle;
    case Priority::kMedium: return Symbol::kDiamond;
    case Priority::kLow: return Symbol::kCircle;
  }
  return Symbol::kCircle;
}

Symbol MarkerSymbol(const std::string& marker) {
  std::string m;
  for (char c : marker) m += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* w : {"FIREARM", "WEAPON", "GUN", "KNIFE", "ARMED"})
    if (m.find(w) != std::string::npos) return Symbol::kCrosshair;
  if (m.find("VIOLEN") != std::string::npos) return Symbol::kBurst;
  return Symbol::kWarning;
}

const Element* Scene::FindId(const std::string& id) const {
  for (const auto& e : elements)
    if (e.id == id) return &e;
  return nullptr;
}

const Element* Scene::FindAction(const std::string& action) const {
  for (const auto& e : elements)
    if (e.action == action) return &e;
  return nullptr;
}

const Element* Scene::TargetAt(int x, int y) const {
  for (auto it = elements.rbegin(); it != elements.rend(); ++it) {
    if (it->action.empty() || !it->enabled || !it->rect.Contains(x, y)) continue;
    if (it->clip.w > 0 && !it->clip.Contains(x, y)) continue;
    return &*it;
  }
  return nullptr;
}

// Contrast: day text on background is near-black on near-white (> 15:1);
// night text is light grey on black. Amber carries black text, red and blue
// carry white, each above 4.5:1.
const Theme& DayTheme() {
  static const Theme t{
      .background = {236, 239, 241},
      .panel = {255, 255, 255},
      .text = {16, 16, 16},
      .muted_text = {70, 70, 70},
      .accent = {0, 90, 170},
      .button = {38, 50, 56},
      .button_text = {255, 255, 255},
      .ok = {27, 122, 50},
      .fault = {200, 0, 0},
      .high = {204, 0, 0},
      .medium = {255, 176, 0},
      .low = {21, 101, 192},
      .high_text = {255, 255, 255},
      .medium_text = {0, 0, 0},
      .low_text = {255, 255, 255},
      .plate_front = {255, 214, 0},
      .plate_text = {0, 0, 0},
  };
  return t;
}

const Theme& NightTheme() {
  static const Theme t{
      .background = {0, 0, 0},
      .panel = {22, 22, 24},
      .text = {215, 215, 215},
      .muted_text = {150, 150, 150},
      .accent = {25, 75, 140},
      .button = {50, 54, 60},
      .button_text = {230, 230, 230},
      .ok = {40, 120, 60},
      .fault = {170, 0, 0},
      .high = {170, 0, 0},
      .medium = {200, 135, 0},
      .low = {20, 80, 160},
      .high_text = {255, 255, 255},
      .medium_text = {0, 0, 0},
      .low_text = {255, 255, 255},
      .plate_front = {190, 160, 0},
      .plate_text = {0, 0, 0},
  };
  return t;
}

Colour PriorityColour(const Theme& t, Priority p) {
  switch (p) {
    case Priority::kHigh: return t.high;
    case Priority::kMedium: return t.medium;
    case Priority::kLow: return t.low;
  }
  return t.low;
}

Colour PriorityTextColour(const Theme& t, Priority p) {
  switch (p) {
    case Priority::kHigh: return t.high_text;
    case Priority::kMedium: return t.medium_text;
    case Priority::kLow: return t.low_text;
  }
  return t.low_text;
}

}  // namespace anpr::hmi
