// What one frame of the touchscreen shows, as plain data: coloured boxes,
// text, images and symbols at pixel positions, some of them touch targets.
// The model (hmi/model.h) builds a Scene; the SDL view (hmi/view.h) only
// draws it. Tests inspect a Scene without SDL, and check the pixels a view
// drew from it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/read.h"

namespace anpr::hmi {

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  bool Contains(int px, int py) const { return px >= x && py >= y && px < x + w && py < y + h; }
  int cx() const { return x + w / 2; }
  int cy() const { return y + h / 2; }
};

// 8-bit sRGB with alpha (255 = opaque).
struct Colour {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Colour&) const = default;
};

// Shapes that carry meaning without colour, so a colour-blind officer or a
// sunlit screen still tells priorities apart.
enum class Symbol {
  kNone,
  kTriangle,  // high priority: warning triangle with "!"
  kDiamond,   // medium priority: diamond with "!"
  kCircle,    // low priority: circle with "i"
  // Warning markers on a hotlist entry.
  kCrosshair,  // firearms or other weapons: a ring with a cross through it
  kBurst,      // violent: an eight-pointed burst
  kWarning,    // any other marker: an outlined triangle with "!"
};
// The symbol for a priority.
Symbol PrioritySymbol(Priority p);
// The symbol for one warning marker ("FIREARMS", "VIOLENT", "DRUGS" ...).
Symbol MarkerSymbol(const std::string& marker);

enum class Align { kLeft, kCentre, kRight };

// One thing drawn. Drawn in order: a box (fill, then border), then the image
// (scaled to fit, aspect kept, centred), then the symbol, then the text.
struct Element {
  Rect rect;
  Colour fill{0, 0, 0, 0};    // a = 0: no box
  Colour border{0, 0, 0, 0};  // a = 0: no border
  int border_px = 0;
  std::string text;
  Colour text_colour{0, 0, 0, 255};
  int font_px = 0;  // text height in pixels; 0 = no text
  bool bold = false;
  bool mono = false;  // fixed-width font (VRMs, keypads)
  Align align = Align::kCentre;
  bool wrap = false;  // wrap text to the rect's width (top-aligned)
  std::shared_ptr<const cv::Mat> image;  // BGR; null = none
  Symbol symbol = Symbol::kNone;
  Colour symbol_colour{0, 0, 0, 255};
  // Non-empty: a touch target. Touching it sends this action to the model
  // ("nav.reads", "key.A", "hit.confirmed" ...).
  std::string action;
  bool enabled = true;  // a disabled target is drawn dimmed and ignores touches
  bool pressed = false;  // finger currently down on it (drawn highlighted)
  Rect clip;  // w == 0: unclipped; else drawing is cut to this rect (scrolling lists)
  // A stable name for tests and screenshots ("hit.vrm", "status.gps").
  std::string id;
};

struct Scene {
  int width = 0, height = 0;
  Colour background;
  std::vector<Element> elements;

  // The first element with this id or action; null when absent.
  const Element* FindId(const std::string& id) const;
  const Element* FindAction(const std::string& action) const;
  // The topmost enabled touch target at a point; null when none.
  const Element* TargetAt(int x, int y) const;
};

// Day and night palettes. Night keeps the screen dark so the driver's eyes
// stay adapted, and dims the priority colours without changing their hue.
struct Theme {
  Colour background, panel, text, muted_text, accent, button, button_text, ok, fault;
  Colour high, medium, low;            // priority colours
  Colour high_text, medium_text, low_text;  // text drawn on them
  Colour plate_front, plate_text;      // VRM drawn like a number plate
};
const Theme& DayTheme();
const Theme& NightTheme();
Colour PriorityColour(const Theme& t, Priority p);
Colour PriorityTextColour(const Theme& t, Priority p);

}  // namespace anpr::hmi
