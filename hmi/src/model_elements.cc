// The element builders the screens share: buttons (pressed and disabled
// looks) and plate-styled text.
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Spaced;

namespace {


}  // namespace

void HmiModel::AddButton(Scene* s, Rect r, const std::string& label, const std::string& action,
                         bool enabled, int font_px) const {
  const Theme& t = theme();
  Element e;
  e.rect = r;
  // A disabled control is drawn flat in the screen's colours with its label
  // in the muted text colour, still 4.5:1 or better, and a frame.
  e.fill = enabled ? t.button : t.background;
  e.text = label;
  e.text_colour = enabled ? t.button_text : t.muted_text;
  if (!enabled) {
    e.border = t.muted_text;
    e.border_px = std::max(1, Px(2));
  }
  e.font_px = font_px > 0 ? font_px : TextPx();
  e.bold = true;
  e.action = action;
  e.enabled = enabled;
  e.pressed = pointer_down_ && action == pressed_action_;
  if (e.pressed) e.fill = t.accent;
  e.id = action;
  s->elements.push_back(std::move(e));
}

// The hits waiting behind the one on screen, each as a square in its colour
// with its priority's symbol, right to left from `right_px` (at most three;
// the count says how many in all).
void HmiModel::AddWaitingHits(Scene* s, int right_px, int y_px) const {
  const int size = Px(44), gap = Px(6);
  int x = right_px - size;
  for (size_t i = 1; i < hits_.size() && i <= 3; ++i, x -= size + gap) {
    const PendingHit& h = hits_[i];
    Element e;
    e.rect = {x, y_px, size, size};
    e.fill = HitColour(h);
    e.border = {0, 0, 0, 255};
    e.border_px = std::max(1, Px(2));
    e.symbol = PrioritySymbol(h.hit.priority);
    e.symbol_colour = HitTextColour(h);
    e.id = "hit.waiting." + std::to_string(i);
    e.text = PriorityName(h.hit.priority);  // for tests and screen readers; not drawn (no font size)
    s->elements.push_back(std::move(e));
  }
}

void HmiModel::AddPlateText(Scene* s, Rect r, const std::string& vrm, int font_px,
                            const std::string& id) const {
  const Theme& t = theme();
  Element e;
  e.rect = r;
  e.fill = t.plate_front;
  e.border = {0, 0, 0, 255};
  e.border_px = std::max(2, Px(2));
  e.text = Spaced(vrm);
  e.text_colour = t.plate_text;
  e.font_px = font_px;
  e.bold = true;
  e.mono = true;
  e.id = id;
  s->elements.push_back(std::move(e));
}

std::vector<Rect> HmiModel::RowOfButtons(const std::vector<std::string>& labels, Rect r, int gap_px) const {
  const int n = static_cast<int>(labels.size());
  if (n == 0) return {};
  std::vector<int> w;
  int total = 0;
  for (const std::string& l : labels)
    total += w.emplace_back(internal::EstimateTextWidthPx(l, TextPx(), true) + Px(8));
  const int room = r.w - (n - 1) * gap_px;
  const int spare = std::max(0, room - total) / n;
  std::vector<Rect> out;
  int x = r.x;
  for (int i = 0; i < n; ++i) {
    // The estimate errs wide: shrunk in proportion, the labels still fit.
    int bw = total > room ? w[static_cast<size_t>(i)] * room / total : w[static_cast<size_t>(i)] + spare;
    if (i + 1 == n) bw = r.x + r.w - x;  // the last takes what rounding left
    out.push_back({x, r.y, bw, r.h});
    x += bw + gap_px;
  }
  return out;
}

}  // namespace anpr::hmi
