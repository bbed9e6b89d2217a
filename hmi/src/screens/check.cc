// The Check screen: the typed VRM, CHECK and ADD WANTED, and the hotlist
// entries found, above the keyboard.
#include "hmi/model.h"

#include "hmi/src/model_internal.h"
#include "vehicle/records/vrm.h"

namespace anpr::hmi {

using internal::Spaced;
using internal::Upper;

void HmiModel::BuildCheck(Scene* s) const {
  if (wanted_.open) {
    BuildWantedEntry(s);
    BuildCheckKeyboard(s);
    return;
  }
  const Theme& t = theme();
  const Rect c = ContentRect();
  // 4 px apart: the VRM row and the keyboard's four rows of 64 px keys fit
  // between the status bar and the nav bar.
  const int gap = Px(4), row_h = Px(kMinTargetDesignPx);
  int y = c.y + gap;
  const int field_w = Px(250), go_w = Px(140), wanted_w = Px(220);
  AddPlateText(s, {gap, y, field_w, row_h}, check_text_.empty() ? " " : check_text_ + "_", Px(40), "check.field");
  int x = gap * 2 + field_w;
  AddButton(s, {x, y, go_w, row_h}, "CHECK", "check.go", TypingAllowed() && !check_text_.empty());
  x += go_w + gap;
  // The typed VRM as the officer's own "new wanted" plate, hits or not.
  AddButton(s, {x, y, wanted_w, row_h}, "ADD WANTED", "check.wanted",
            TypingAllowed() && !NormaliseVrm(check_text_).empty());
  y += row_h + gap;
  // Typing: the keyboard. Checked: what was found in its place, with EDIT
  // (the keyboard back) and NEW CHECK.
  if (!check_done_ && message_.empty()) return BuildCheckKeyboard(s);

  const int bottom = c.y + c.h - gap - row_h - gap;
  Element res;
  res.rect = {gap, y, c.w - 2 * gap, Px(44)};
  res.font_px = TextPx();
  res.bold = true;
  res.align = Align::kLeft;
  res.id = "check.summary";
  if (!message_.empty()) {
    res.text = message_;
    res.fill = t.fault;
    res.text_colour = {255, 255, 255, 255};
  } else if (check_results_.empty()) {
    res.text = "\u2714 Not on any list";
    res.fill = t.ok;
    res.text_colour = {255, 255, 255, 255};
  } else {
    res.text = std::to_string(check_results_.size()) + (check_results_.size() == 1 ? " entry" : " entries");
    res.fill = PriorityColour(t, check_results_.front().priority);
    res.text_colour = PriorityTextColour(t, check_results_.front().priority);
  }
  s->elements.push_back(res);
  y += Px(44) + gap;
  if (!check_notice_.empty()) {
    Element n;  // the confirmation of a saved wanted entry, above its result
    n.rect = {gap, y, c.w - 2 * gap, Px(44)};
    n.fill = t.ok;
    n.text = "\u2714 " + check_notice_;
    n.text_colour = {255, 255, 255, 255};
    n.font_px = TextPx();
    n.bold = true;
    n.align = Align::kLeft;
    n.id = "check.notice";
    s->elements.push_back(n);
    y += Px(44) + gap;
  }
  // Entries found, as many lines each as they need, as many as fit.
  const int line_h = Px(34);
  for (size_t i = 0; i < check_results_.size(); ++i) {
    const Hit& h = check_results_[i];
    const std::string text = Upper(PriorityName(h.priority)) + " | " + Spaced(h.entry_vrm) + " " +
                             MatchKindName(h.match) + " | " + h.list_name + ": " + h.reason +
                             (h.warning_markers.empty() ? "" : " | \u26A0 " + h.warning_markers);
    const int sym_w = Px(44);
    const int text_w = c.w - 2 * gap - sym_w - Px(8);
    const int lines = internal::EstimateTextLines(text, TextPx(), text_w - Px(20), true);
    const int box_h = lines * line_h + Px(8);
    if (y + box_h > bottom) break;
    Element e;
    e.rect = {gap, y, c.w - 2 * gap, box_h};
    e.fill = PriorityColour(t, h.priority);
    e.id = "check.result.box";
    s->elements.push_back(e);
    Element sym;  // symbol first, so it reads before the colour does
    sym.rect = {gap + Px(4), y + Px(4), sym_w - Px(4), sym_w - Px(4)};
    sym.symbol = PrioritySymbol(h.priority);
    sym.symbol_colour = PriorityTextColour(t, h.priority);
    sym.fill = e.fill;
    s->elements.push_back(sym);
    Element txt;
    txt.rect = {gap + sym_w + Px(4), y, text_w, box_h};
    txt.text = text;
    txt.text_colour = PriorityTextColour(t, h.priority);
    txt.font_px = TextPx();
    txt.bold = true;
    txt.align = Align::kLeft;
    txt.wrap = lines > 1;
    txt.id = "check.result";
    s->elements.push_back(txt);
    y += box_h + Px(4);
  }
  const int bw = (c.w - 3 * gap) / 2;
  AddButton(s, {gap, bottom + gap, bw, row_h}, "EDIT", "check.edit", TypingAllowed());
  AddButton(s, {gap * 2 + bw, bottom + gap, bw, row_h}, "NEW CHECK", "check.clear", TypingAllowed());
}

}  // namespace anpr::hmi
