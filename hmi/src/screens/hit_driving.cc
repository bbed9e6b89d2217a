// The Hit screen while driving: only the priority symbol and colour, the
// VRM and make / model / colour; the whole screen silences the alarm.
#include "hmi/model.h"

#include <cctype>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

void HmiModel::BuildHitDriving(Scene* s) const {
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  // By day on the hit's colour; at night on the dark screen, the symbol in
  // the hit's colour (AddHitBackdrop).
  const bool night = settings_.night;
  const Colour ptc = night ? theme().text : HitTextColour(ph);
  AddHitBackdrop(s, ph);
  const int top = StatusBarHeight();
  // The whole screen is one target: a touch silences the alarm.
  Element all;
  all.rect = {0, top, width_px_, height_px_ - top};
  all.action = "hit.ack";
  all.id = "hit.ack";
  s->elements.push_back(all);

  Element sym;
  sym.rect = {Px(30), top + Px(60), Px(190), Px(190)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = night ? HitColour(ph) : ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element pname;
  pname.rect = {Px(30), top + Px(260), Px(190), Px(50)};
  std::string name = PriorityName(h.priority);
  for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  pname.text = name;
  pname.text_colour = ptc;
  pname.font_px = Px(40);
  pname.bold = true;
  pname.id = "hit.title";
  s->elements.push_back(pname);

  const int rx = Px(250), rw = width_px_ - rx - Px(30);
  AddPlateText(s, {rx, top + Px(70), rw, Px(140)}, ph.read_vrm, Px(100), "hit.vrm");
  Element v;
  v.rect = {rx, top + Px(225), rw, Px(100)};
  std::string mmc = h.colour + " " + h.make + " " + h.model;
  v.text = (h.make.empty() && h.model.empty() && h.colour.empty()) ? "make / model not listed" : mmc;
  v.text_colour = ptc;
  v.font_px = Px(40);
  v.bold = true;
  v.wrap = true;
  v.id = "hit.vehicle";
  s->elements.push_back(v);
  // Warning markers as symbols only, under the priority: no words to read
  // on the move.
  {
    const std::vector<std::string> markers = internal::SplitMarkers(h.warning_markers);
    const int size = Px(72), gap = Px(8);
    for (size_t i = 0; i < markers.size() && i < 3; ++i) {
      Element m;
      m.rect = {Px(30) + static_cast<int>(i) * (size + gap), top + Px(322), size, size};
      m.fill = theme().fault;
      m.symbol = MarkerSymbol(markers[i]);
      m.symbol_colour = {255, 255, 255, 255};
      m.text = markers[i];  // for tests and screen readers; not drawn (no font size)
      m.id = "hit.marker." + std::to_string(i);
      s->elements.push_back(std::move(m));
    }
  }
  if (hits_.size() > 1) {
    Element count;
    count.rect = {width_px_ - Px(250), top + Px(10), Px(240), Px(46)};
    count.fill = {0, 0, 0, 255};
    count.text = "+" + std::to_string(hits_.size() - 1) + " waiting";
    count.text_colour = {255, 255, 255, 255};
    count.font_px = TextPx();
    count.bold = true;
    count.id = "hit.count";
    s->elements.push_back(count);
    AddWaitingHits(s, count.rect.x - Px(8), top + Px(10));
  }
  if (!stop_note_.empty()) {
    Element note;
    note.rect = {Px(30), height_px_ - Px(70), width_px_ - Px(60), Px(56)};
    note.fill = {0, 0, 0, 255};
    note.text = stop_note_;
    note.text_colour = {255, 255, 255, 255};
    note.font_px = Px(32);
    note.bold = true;
    note.id = "hit.stop_note";
    s->elements.push_back(note);
  }
}

}  // namespace anpr::hmi
