// The "new wanted" entry step of the Check screen: reason, priority and
// validity, SAVE / CANCEL, above the keyboard.
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::DaysText;
using internal::Spaced;
using internal::Upper;
using internal::kWantedDays;

// The entry step of a "new wanted" plate: the VRM, the reason as typed (a
// tap on it brings the keyboard back), SAVE and CANCEL; then either the
// keyboard with NEXT, or the priority (none preselected) and validity
// choices; and what is missing or what went wrong. The nav bar gives way to
// it (CANCEL leaves).
void HmiModel::BuildWantedEntry(Scene* s) const {
  const Theme& t = theme();
  const Rect c = WantedRect();
  const int gap = Px(4), row_h = Px(kMinTargetDesignPx);
  const bool on = TypingAllowed();
  int y = c.y + gap;

  const int plate_w = Px(170), button_w = Px(130);
  AddPlateText(s, {gap, y, plate_w, row_h}, wanted_.vrm, Px(30), "wanted.vrm");
  const int rx = gap * 2 + plate_w;
  const int save_x = c.w - 2 * (button_w + gap);
  Element r;
  r.rect = {rx, y, save_x - gap - rx, row_h};
  r.fill = t.panel;
  r.border = wanted_.typing ? t.accent : t.muted_text;  // accent: the field the keyboard types into
  r.border_px = wanted_.typing ? Px(4) : Px(2);
  r.bold = true;
  r.align = Align::kLeft;
  r.font_px = TextPx();
  r.action = "wanted.reason";
  r.id = "wanted.reason";
  if (wanted_.reason.empty()) {
    r.text = "Reason (required)";
    r.text_colour = t.muted_text;
  } else {
    // The end of a long reason, so what was typed last is in view.
    const std::string shown = wanted_.reason + (wanted_.typing ? "_" : "");
    const size_t fits = static_cast<size_t>(std::max(1, (r.rect.w - Px(24)) / std::max(1, Px(20))));
    r.text = shown.size() > fits ? "..." + shown.substr(shown.size() - fits + 3) : shown;
    r.text_colour = t.text;
  }
  s->elements.push_back(r);
  AddButton(s, {save_x, y, button_w, row_h}, "SAVE", "wanted.save", on);
  AddButton(s, {save_x + button_w + gap, y, button_w, row_h}, "CANCEL", "wanted.cancel", on);
  y += row_h + gap;

  Element m;
  m.font_px = TextPx();
  m.bold = true;
  m.align = Align::kLeft;
  m.id = "wanted.message";
  if (!message_.empty()) {
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
  } else {
    m.text = wanted_.typing ? "Type the reason, then NEXT" : "Pick a priority and days, then SAVE";
    m.text_colour = t.muted_text;
  }
  if (wanted_.typing) {
    const int next_w = Px(200);
    m.rect = {gap, y, c.w - 3 * gap - next_w, row_h};
    s->elements.push_back(m);
    AddButton(s, {c.w - gap - next_w, y, next_w, row_h}, "NEXT \u25B8", "wanted.done", on);
    return;  // the keyboard follows
  }

  // Priority on one row, validity on the next.
  const int pw = (c.w - 4 * gap) / 3;
  int x = gap;
  const std::pair<Priority, const char*> priorities[] = {
      {Priority::kHigh, "wanted.priority.high"}, {Priority::kMedium, "wanted.priority.medium"},
      {Priority::kLow, "wanted.priority.low"}};
  for (const auto& [p, action] : priorities) {
    const bool picked = wanted_.priority == p;
    // Picked: a tick and a frame as well as the priority colour.
    AddButton(s, {x, y, pw, row_h}, (picked ? "\u2714 " : "") + Upper(PriorityName(p)), action, on);
    if (picked) {
      Element& b = s->elements.back();
      b.fill = PriorityColour(t, p);
      b.text_colour = PriorityTextColour(t, p);
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += pw + gap;
  }
  y += row_h + gap;
  const int dw = (c.w - 5 * gap) / 4;
  x = gap;
  for (int days : kWantedDays) {
    const bool picked = wanted_.days == days;
    AddButton(s, {x, y, dw, row_h}, (picked ? "\u2714 " : "") + Upper(DaysText(days)),
              "wanted.days." + std::to_string(days), on);
    if (picked) {
      Element& b = s->elements.back();
      b.fill = t.accent;
      b.text_colour = {255, 255, 255, 255};
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += dw + gap;
  }
  y += row_h + gap;
  m.rect = {gap, y, c.w - 2 * gap, Px(44)};
  s->elements.push_back(m);
}

}  // namespace anpr::hmi
