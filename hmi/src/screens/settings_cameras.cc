// The Settings screen's camera figures (its CAMERAS button): one line per
// camera in configuration order, "FRONT 900 in, 890 read, 10 dropped (1.1%)",
// so a maintainer sees which camera drops frames (recognition behind) and
// which is not streaming (red, with its state). BACK returns to the settings.
#include "hmi/model.h"

#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Upper;

namespace {

// 54210 -> "54,210".
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string CameraFigures(const CameraStatus& c) {
  char pct[32];
  const double dropped_percent = c.frames_in > 0 ? 100.0 * double(c.frames_dropped) / double(c.frames_in) : 0.0;
  std::snprintf(pct, sizeof pct, " (%.1f%%)", dropped_percent);
  return Upper(c.id) + (c.ok ? "" : " (" + c.state + ")") + " " + Thousands(c.frames_in) + " in, " +
         Thousands(c.frames_processed) + " read, " + Thousands(c.frames_dropped) + " dropped" + pct;
}

}  // namespace

void HmiModel::BuildSettingsCameras(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8), row_h = Px(44), font = TextPx();
  const int x = Px(24), w = width_px_ - 2 * Px(24);
  const int button_h = Px(kMinTargetDesignPx), back_w = Px(170);
  const int bottom = c.y + c.h - button_h - 2 * gap;
  // A table: the camera, then its frames in, read and dropped, right-aligned
  // so the figures of the cameras line up.
  const int col_x[4] = {x, x + Px(230), x + Px(390), x + Px(550)};
  const int col_w[4] = {Px(226), Px(156), Px(156), w - Px(550)};
  auto cell = [&](int col, int y, const std::string& text, Colour colour, bool bold, const std::string& id) {
    Element e;
    e.rect = {col_x[col], y, col_w[col], row_h};
    e.text = text;
    e.text_colour = colour;
    e.font_px = font;
    e.bold = bold;
    e.align = col == 0 ? Align::kLeft : Align::kRight;
    e.id = id;
    s->elements.push_back(std::move(e));
  };
  int y = c.y + gap;
  const char* heads[4] = {"CAMERA", "IN", "READ", "DROPPED"};
  for (int col = 0; col < 4; ++col) cell(col, y, heads[col], t.muted_text, true, "settings.cameras.head");
  y += row_h + Px(4);
  for (size_t i = 0; i < status_.cameras.size() && y + row_h <= bottom; ++i) {
    const CameraStatus& cam = status_.cameras[i];
    const Colour fg = cam.ok ? t.text : Colour{255, 255, 255, 255};
    Element row;  // the whole line for tests and screen readers (font 0: the cells draw it)
    row.rect = {x - Px(8), y, w + Px(16), row_h};
    row.fill = cam.ok ? t.panel : t.fault;
    row.text = CameraFigures(cam);
    row.id = "settings.camera." + std::to_string(i);
    s->elements.push_back(std::move(row));
    char pct[32];
    const double dropped_percent =
        cam.frames_in > 0 ? 100.0 * double(cam.frames_dropped) / double(cam.frames_in) : 0.0;
    std::snprintf(pct, sizeof pct, " (%.1f%%)", dropped_percent);
    cell(0, y, (cam.ok ? "" : "\u2716 ") + Upper(cam.id), fg, true, "settings.camera.id");
    cell(1, y, Thousands(cam.frames_in), fg, !cam.ok, "settings.camera.in");
    cell(2, y, Thousands(cam.frames_processed), fg, !cam.ok, "settings.camera.read");
    cell(3, y, Thousands(cam.frames_dropped) + pct, fg, !cam.ok, "settings.camera.dropped");
    y += row_h + Px(4);
  }
  AddButton(s, {width_px_ - Px(24) - back_w, c.y + c.h - button_h - gap, back_w, button_h}, "BACK",
            "settings.cameras");
}

}  // namespace anpr::hmi
