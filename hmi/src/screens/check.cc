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
  const int gap = Px(6);
  int y = c.y + gap;
  const int field_w = Px(290), go_w = Px(130), wanted_w = Px(160);
  AddPlateText(s, {gap, y, field_w, Px(60)}, check_text_.empty() ? " " : check_text_ + "_", Px(40), "check.field");
  int x = gap * 2 + field_w;
  AddButton(s, {x, y, go_w, Px(60)}, "CHECK", "check.go", TypingAllowed() && !check_text_.empty());
  x += go_w + gap;
  // The typed VRM as the officer's own "new wanted" plate, hits or not.
  AddButton(s, {x, y, wanted_w, Px(60)}, "ADD WANTED", "check.wanted",
            TypingAllowed() && !NormaliseVrm(check_text_).empty(), Px(20));
  x += wanted_w + gap;
  // Result summary to the right of the buttons.
  Element res;
  res.rect = {x, y, c.w - x - gap, Px(60)};
  res.font_px = Px(22);
  res.bold = true;
  res.id = "check.summary";
  if (!message_.empty()) {
    res.text = message_;
    res.fill = t.fault;
    res.text_colour = {255, 255, 255, 255};
  } else if (check_done_ && check_results_.empty()) {
    res.text = "\u2714 Not on any list";
    res.fill = t.ok;
    res.text_colour = {255, 255, 255, 255};
  } else if (check_done_) {
    res.text = std::to_string(check_results_.size()) + (check_results_.size() == 1 ? " entry" : " entries");
    res.fill = PriorityColour(t, check_results_.front().priority);
    res.text_colour = PriorityTextColour(t, check_results_.front().priority);
  }
  s->elements.push_back(res);
  y += Px(60) + gap;

  const int key_h = Px(50);
  const int kb_h = 4 * key_h + 3 * gap;
  const int res_bottom = c.y + c.h - gap - kb_h - gap;
  if (!check_notice_.empty()) {
    Element n;  // the confirmation of a saved wanted entry, above its result
    n.rect = {gap, y, c.w - 2 * gap, Px(30)};
    n.fill = t.ok;
    n.text = "\u2714 " + check_notice_;
    n.text_colour = {255, 255, 255, 255};
    n.font_px = Px(19);
    n.bold = true;
    n.align = Align::kLeft;
    n.id = "check.notice";
    s->elements.push_back(n);
    y += Px(32);
  }
  // Entries found, one line each, as many as fit.
  const int line_h = Px(38);
  int ry = y;
  for (size_t i = 0; i < check_results_.size() && ry + line_h <= res_bottom; ++i, ry += line_h + Px(2)) {
    const Hit& h = check_results_[i];
    Element e;
    e.rect = {gap, ry, c.w - 2 * gap, line_h};
    e.fill = PriorityColour(t, h.priority);
    e.id = "check.result.box";
    s->elements.push_back(e);
    Element sym;  // symbol first, so it reads before the colour does
    sym.rect = {gap + Px(4), ry + Px(3), line_h - Px(6), line_h - Px(6)};
    sym.symbol = PrioritySymbol(h.priority);
    sym.symbol_colour = PriorityTextColour(t, h.priority);
    sym.fill = e.fill;
    s->elements.push_back(sym);
    Element txt;
    txt.rect = {gap + line_h + Px(4), ry, c.w - 2 * gap - line_h - Px(4), line_h};
    txt.text = Upper(PriorityName(h.priority)) + " | " + Spaced(h.entry_vrm) + " " + MatchKindName(h.match) +
               " | " + h.list_name + ": " + h.reason +
               (h.warning_markers.empty() ? "" : " | \u26A0 " + h.warning_markers);
    txt.text_colour = PriorityTextColour(t, h.priority);
    txt.font_px = Px(19);
    txt.bold = true;
    txt.align = Align::kLeft;
    txt.id = "check.result";
    s->elements.push_back(txt);
  }
  BuildCheckKeyboard(s);
}

}  // namespace anpr::hmi
