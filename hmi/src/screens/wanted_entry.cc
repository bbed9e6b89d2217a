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

// The entry step of a "new wanted" plate, above the same keyboard: the VRM,
// the reason as typed, SAVE / CANCEL; then priority (none preselected) and
// validity; then what is missing or what went wrong.
void HmiModel::BuildWantedEntry(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(6);
  const bool on = TypingAllowed();
  int y = c.y + gap;

  const int row1_h = Px(56), plate_w = Px(170), button_w = Px(116);
  AddPlateText(s, {gap, y, plate_w, row1_h}, wanted_.vrm, Px(30), "wanted.vrm");
  const int rx = gap * 2 + plate_w;
  const int save_x = c.w - 2 * (button_w + gap);
  Element r;
  r.rect = {rx, y, save_x - gap - rx, row1_h};
  r.fill = t.panel;
  r.border = t.accent;  // the field the keyboard types into
  r.border_px = Px(3);
  r.bold = true;
  r.align = Align::kLeft;
  r.id = "wanted.reason";
  if (wanted_.reason.empty()) {
    r.text = "Reason (required)";
    r.text_colour = t.muted_text;
    r.font_px = Px(20);
  } else {
    r.text = wanted_.reason + "_";
    r.text_colour = t.text;
    // Short reasons on one line; longer ones wrap onto two, all of it shown.
    r.font_px = wanted_.reason.size() < 26 ? Px(20) : Px(16);
    r.wrap = wanted_.reason.size() >= 26;
  }
  s->elements.push_back(r);
  AddButton(s, {save_x, y, button_w, row1_h}, "SAVE", "wanted.save", on);
  AddButton(s, {save_x + button_w + gap, y, button_w, row1_h}, "CANCEL", "wanted.cancel", on);
  y += row1_h + gap;

  // Priority, a space, then validity: seven buttons on one row.
  const int row2_h = Px(50), group_gap = Px(16);
  const int bw = (c.w - 8 * gap - group_gap) / 7;
  int x = gap;
  const std::pair<Priority, const char*> priorities[] = {
      {Priority::kHigh, "wanted.priority.high"}, {Priority::kMedium, "wanted.priority.medium"},
      {Priority::kLow, "wanted.priority.low"}};
  for (const auto& [p, action] : priorities) {
    const bool picked = wanted_.priority == p;
    // Picked: a tick and a frame as well as the priority colour.
    AddButton(s, {x, y, bw, row2_h}, (picked ? "\u2714 " : "") + Upper(PriorityName(p)), action, on, Px(19));
    if (picked) {
      Element& b = s->elements.back();
      b.fill = PriorityColour(t, p);
      b.text_colour = PriorityTextColour(t, p);
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += bw + gap;
  }
  x += group_gap;
  for (int days : kWantedDays) {
    const bool picked = wanted_.days == days;
    AddButton(s, {x, y, bw, row2_h}, (picked ? "\u2714 " : "") + Upper(DaysText(days)),
              "wanted.days." + std::to_string(days), on, Px(19));
    if (picked) {
      Element& b = s->elements.back();
      b.fill = t.accent;
      b.text_colour = {255, 255, 255, 255};
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += bw + gap;
  }
  y += row2_h + gap;

  // The line above the keyboard (rounding at other sizes may leave less room).
  const int kb_top = c.y + c.h - gap - (4 * Px(50) + 3 * gap);
  Element m;
  m.rect = {gap, y, c.w - 2 * gap, std::min(Px(24), kb_top - Px(3) - y)};
  m.font_px = Px(17);
  m.bold = true;
  m.align = Align::kLeft;
  m.id = "wanted.message";
  if (!message_.empty()) {
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
  } else {
    m.text = "New wanted " + Spaced(wanted_.vrm) + ": priority, reason and days, then SAVE";
    m.text_colour = t.muted_text;
  }
  s->elements.push_back(m);
}

}  // namespace anpr::hmi
