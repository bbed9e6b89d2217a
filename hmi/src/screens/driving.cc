// The screen shown instead of the others while driving: details hidden,
// speed and the shift's read count.
#include "hmi/model.h"

#include <cstdio>

namespace anpr::hmi {

void HmiModel::BuildDriving(Scene* s) const {
  const Theme& t = theme();
  const Rect c{0, StatusBarHeight(), width_px_, height_px_ - StatusBarHeight()};
  auto text = [&](int y, int h, const std::string& str, int font, bool bold, Colour col, const std::string& id) {
    Element e;
    e.rect = {c.x, c.y + y, c.w, h};
    e.text = str;
    e.text_colour = col;
    e.font_px = font;
    e.bold = bold;
    e.id = id;
    s->elements.push_back(e);
  };
  text(Px(70), Px(70), "DRIVING", Px(56), true, t.text, "driving.title");
  text(Px(150), Px(44), "Details hidden while moving", TextPx(), false, t.muted_text, "driving.note");
  char speed[48];
  std::snprintf(speed, sizeof speed, "%.0f mph", status_.speed_mps * 2.23694);
  text(Px(210), Px(50), speed, Px(40), true, t.text, "driving.speed");
  text(Px(276), Px(44), std::to_string(reads_.size()) + " reads this shift", TextPx(), false, t.muted_text,
       "driving.reads");
  if (!stop_note_.empty()) text(Px(330), Px(44), stop_note_, Px(32), true, t.fault, "driving.stop_note");
}

}  // namespace anpr::hmi
