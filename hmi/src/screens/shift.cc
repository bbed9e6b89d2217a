// The Shift screen: the hits answered this shift, newest first (time,
// priority, VRM, outcome), a page at a time; one opened for review with its
// plate patch and overview, the VRM as read and as listed, and the
// corrections an officer can make: the plate as it reads on the image (on the
// keyboard, beside the patch) and another outcome.
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::LocalTime;
using internal::OutcomeText;
using internal::Upper;

void HmiModel::BuildShift(Scene* s) const {
  if (shift_.open >= 0 && static_cast<size_t>(shift_.open) < answered_.size()) BuildShiftHit(s);
  else BuildShiftList(s);
}

void HmiModel::BuildShiftList(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8), row_h = Px(kMinTargetDesignPx), pitch = Px(72), button_w = Px(130);
  const int n = static_cast<int>(answered_.size());
  const int per_page = ShiftRowsPerPage();
  const int first = shift_.page * per_page;  // newest first

  Element head;
  head.rect = {gap, c.y + gap, c.w - 2 * (button_w + gap) - 2 * gap, row_h};
  head.text = n == 0 ? "No hits answered yet this shift"
                     : std::to_string(n) + (n == 1 ? " hit" : " hits") + " answered this shift";
  head.text_colour = t.muted_text;
  head.font_px = TextPx();
  head.bold = true;
  head.align = Align::kLeft;
  head.id = "shift.title";
  s->elements.push_back(head);
  AddButton(s, {c.w - 2 * (button_w + gap), c.y + gap, button_w, row_h}, "NEWER", "shift.newer",
            shift_.page > 0);
  AddButton(s, {c.w - button_w - gap, c.y + gap, button_w, row_h}, "OLDER", "shift.older", first + per_page < n);

  for (int k = 0; k < per_page && first + k < n; ++k) {
    const int i = n - 1 - (first + k);
    const AnsweredHit& a = answered_[static_cast<size_t>(i)];
    const int y = c.y + gap + row_h + Px(16) + k * pitch;
    Element row;  // the whole row opens the hit
    row.rect = {gap, y, c.w - 2 * gap, row_h};
    row.fill = t.panel;
    row.action = "shift.open." + std::to_string(i);
    row.id = row.action;
    s->elements.push_back(row);
    Element time;
    time.rect = {gap + Px(8), y, Px(96), row_h};
    time.text = LocalTime(a.answered_at_utc_ms, false);
    time.text_colour = t.text;
    time.font_px = TextPx();
    time.align = Align::kLeft;
    time.id = "shift.time";
    s->elements.push_back(time);
    Element sym;
    sym.rect = {gap + Px(108), y + Px(6), Px(52), Px(52)};
    sym.fill = HitColour(a.hit);
    sym.symbol = PrioritySymbol(a.hit.hit.priority);
    sym.symbol_colour = HitTextColour(a.hit);
    sym.text = PriorityName(a.hit.hit.priority);  // for tests and screen readers; not drawn
    sym.id = "shift.priority";
    s->elements.push_back(sym);
    AddPlateText(s, {gap + Px(172), y + Px(6), Px(200), Px(52)},
                 a.corrected_vrm.empty() ? a.hit.read_vrm : a.corrected_vrm, Px(34), "shift.vrm");
    Element out;
    out.rect = {gap + Px(384), y, c.w - 2 * gap - Px(392), row_h};
    out.text = OutcomeText(a.outcome) + (a.corrected ? ", CORRECTED" : "");
    out.text_colour = t.text;
    out.font_px = TextPx();
    out.align = Align::kLeft;
    out.id = "shift.outcome";
    s->elements.push_back(out);
  }
}

void HmiModel::BuildShiftHit(Scene* s) const {
  const Theme& t = theme();
  const AnsweredHit& a = answered_[static_cast<size_t>(shift_.open)];
  const PendingHit& ph = a.hit;
  const int gap = Px(8), button_h = Px(kMinTargetDesignPx), label_w = Px(96);
  // No nav bar: the whole screen below the status bar, like the wanted entry.
  const Rect area = WantedRect();
  auto text = [&](Rect r, const std::string& str, Colour colour, bool bold, const std::string& id) {
    Element e;
    e.rect = r;
    e.text = str;
    e.text_colour = colour;
    e.font_px = TextPx();
    e.bold = bold;
    e.align = Align::kLeft;
    e.id = id;
    s->elements.push_back(std::move(e));
  };
  auto picture = [&](Rect r, const std::shared_ptr<const cv::Mat>& image, const std::string& id) {
    Element e;
    e.rect = r;
    e.fill = {0, 0, 0, 255};
    e.image = image;
    if (!image) e.text = "no image", e.text_colour = {255, 255, 255, 255}, e.font_px = TextPx();
    e.id = id;
    s->elements.push_back(std::move(e));
  };
  auto message = [&](Rect r) {
    const std::string& m = !message_.empty() ? message_ : shift_.notice;
    if (m.empty()) return;
    Element e;
    e.rect = r;
    e.text = m;
    e.fill = message_.empty() ? t.ok : t.fault;
    e.text_colour = {255, 255, 255, 255};
    e.font_px = TextPx();
    e.bold = true;
    e.id = "shift.message";
    s->elements.push_back(std::move(e));
  };

  if (shift_.typing) {
    // The patch beside what is typed, so the plate is read off the image.
    int x = gap;
    const int y = area.y + gap;
    const int cancel_w = Px(130), save_w = Px(110), field_w = Px(210);
    const int patch_w = area.w - 5 * gap - cancel_w - save_w - field_w;
    picture({x, y, patch_w, button_h}, ph.plate, "shift.patch");
    x += patch_w + gap;
    AddPlateText(s, {x, y, field_w, button_h}, shift_.vrm, Px(34), "shift.field");
    x += field_w + gap;
    AddButton(s, {x, y, cancel_w, button_h}, "CANCEL", "shift.back");
    x += cancel_w + gap;
    AddButton(s, {x, y, save_w, button_h}, "SAVE", "shift.save", !shift_.vrm.empty());
    message({gap, y + button_h + gap, area.w - 2 * gap, Px(44)});
    AddKeyboard(s, area, "shift.", /*space=*/false);
    return;
  }
  if (shift_.choosing_reason) {
    text({gap, area.y + gap, area.w - 2 * gap, Px(44)}, "Not actioned: why? (" + internal::Spaced(ph.read_vrm) + ")",
         t.text, true, "shift.reason.title");
    AddReasonButtons(s, {gap, area.y + gap + Px(52), area.w - 2 * gap, 0}, "shift.reason.");
    AddButton(s, {gap, area.y + area.h - button_h - gap, area.w - 2 * gap, button_h}, "CANCEL", "shift.back");
    message({gap, area.y + area.h - button_h - Px(56), area.w - 2 * gap, Px(44)});
    return;
  }

  // Outcome buttons along the bottom, the recorded one marked; a tap on
  // another records the change (audited).
  const int buttons_y = area.y + area.h - button_h - gap, outcome_gap = Px(16);
  {
    const std::vector<std::string> labels = {"CONFIRMED", "MISREAD", "NOT SEEN", "NOT ACTIONED"};
    const char* actions[4] = {"shift.outcome.confirmed", "shift.outcome.misread", "shift.outcome.notseen",
                              "shift.outcome.notactioned"};
    const HitOutcome outcomes[4] = {HitOutcome::kConfirmed, HitOutcome::kMisread, HitOutcome::kNotSeen,
                                    HitOutcome::kNotActioned};
    const std::vector<Rect> at = RowOfButtons(labels, {gap, buttons_y, area.w - 2 * gap, button_h}, outcome_gap);
    for (size_t i = 0; i < at.size(); ++i) {
      AddButton(s, at[i], labels[i], actions[i]);
      if (outcomes[i] == a.outcome) {
        s->elements.back().fill = t.accent;
        s->elements.back().border = t.text;
        s->elements.back().border_px = Px(3);
      }
    }
  }
  // Left: the images. Right: priority and time, the VRMs, what was done.
  const int top = area.y + gap, bottom = buttons_y - gap;
  const int left_w = Px(330);
  const int patch_h = Px(84);
  picture({gap, top, left_w, patch_h}, ph.plate, "shift.patch");
  picture({gap, top + patch_h + gap, left_w, bottom - top - patch_h - gap}, ph.overview, "shift.overview");

  const int rx = gap + left_w + Px(12), rw = area.w - rx - gap, line_h = Px(48);
  int y = top;
  Element sym;
  sym.rect = {rx, y, Px(44), Px(44)};
  sym.fill = HitColour(ph);
  sym.symbol = PrioritySymbol(ph.hit.priority);
  sym.symbol_colour = HitTextColour(ph);
  sym.id = "shift.symbol";
  s->elements.push_back(sym);
  text({rx + Px(52), y, rw - Px(52), Px(44)},
       Upper(PriorityName(ph.hit.priority)) + "  " + LocalTime(ph.captured_at_utc_ms, false), t.text, true,
       "shift.when");
  y += Px(44) + gap;
  auto vrm_row = [&](const std::string& label, const std::string& vrm, const std::string& id) {
    text({rx, y, label_w, line_h}, label, t.muted_text, true, id + ".label");
    AddPlateText(s, {rx + label_w, y, std::min(Px(210), rw - label_w), line_h}, vrm, Px(32), id);
    y += line_h + Px(6);
  };
  vrm_row("READ", ph.read_vrm, "shift.read_vrm");
  vrm_row("LIST", ph.hit.entry_vrm, "shift.entry_vrm");
  if (!a.corrected_vrm.empty()) vrm_row("NOW", a.corrected_vrm, "shift.corrected_vrm");
  // Later frames of the pass read it otherwise, and the cameras
  // that saw it, where there is room above BACK.
  const int notes_bottom = bottom - button_h - gap;
  if (!ph.revised_vrm.empty() && y + line_h <= notes_bottom) {
    vrm_row("LATER", ph.revised_vrm, "shift.revised_vrm");
  }
  // All the sightings that fit, then how many more.
  std::string seen = SeenByText(ph);
  int seen_lines = internal::EstimateTextLines(seen, TextPx(), rw - Px(20), false);
  for (size_t k = ph.sightings.size(); k > 1 && y + seen_lines * Px(34) + Px(6) > notes_bottom; --k) {
    seen = SeenByText(ph, k - 1);
    seen_lines = internal::EstimateTextLines(seen, TextPx(), rw - Px(20), false);
  }
  if (!seen.empty() && y + seen_lines * Px(34) + Px(6) <= notes_bottom) {
    Element e;
    e.rect = {rx, y, rw, seen_lines * Px(34) + Px(6)};
    e.text = seen;
    e.text_colour = t.text;
    e.font_px = TextPx();
    e.align = Align::kLeft;
    e.wrap = seen_lines > 1;
    e.id = "shift.seen";
    y += e.rect.h + Px(4);
    s->elements.push_back(std::move(e));
  }
  message({rx, y, rw, Px(44)});
  // BACK and CORRECT VRM above the outcome buttons.
  const int back_w = Px(110);
  AddButton(s, {rx, bottom - button_h, back_w, button_h}, "BACK", "shift.back");
  AddButton(s, {rx + back_w + gap, bottom - button_h, rw - back_w - gap, button_h}, "CORRECT VRM", "shift.vrm");
}

}  // namespace anpr::hmi
