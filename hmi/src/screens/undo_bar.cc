// The UNDO bar: for kUndoMs after an outcome is given, on whatever screen
// follows, the outcome and the plate with an UNDO target that brings the hit
// back. Above the outcome buttons and the nav bar, so it covers neither.
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Spaced;

void HmiModel::BuildUndoBar(Scene* s) const {
  if (!undo_.active) return;
  const Theme& t = theme();
  const int gap = Px(10), h = Px(kMinTargetDesignPx);
  const Rect bar{gap, height_px_ - NavBarHeight() - h - gap, width_px_ - 2 * gap, h};
  const std::string what = internal::OutcomeText(undo_.outcome);
  const int64_t left_s = (undo_.until_utc_ms - now_utc_ms_ + 999) / 1000;
  Element e;
  e.rect = bar;
  e.fill = {30, 30, 30, 255};
  e.border = t.accent;
  e.border_px = std::max(2, Px(2));
  e.text = what + ": " + Spaced(undo_.hit.read_vrm) + "   UNDO (" + std::to_string(left_s) + " s)";
  e.text_colour = {255, 255, 255, 255};
  e.font_px = TextPx();
  e.bold = true;
  e.action = "undo";
  e.id = "undo";
  s->elements.push_back(std::move(e));
}

}  // namespace anpr::hmi
