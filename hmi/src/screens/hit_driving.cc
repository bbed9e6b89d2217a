// The Hit screen while driving, reduced to what Regulation 109 leaves the
// driver: the priority's symbol and colour, and the warning markers as
// symbols, and the waiting hits' symbols and colours. No words to read on
// the move: the VRM and priority are spoken (hmi/speech.h); the VRM, vehicle,
// list and the count of waiting hits wait until the car stops. The whole screen silences the alarm; a tap says "Stop to answer".
#include "hmi/model.h"

#include <algorithm>

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
  const int sym_px = Px(230);
  sym.rect = {(width_px_ - sym_px) / 2, top + Px(16), sym_px, sym_px};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = night ? HitColour(ph) : ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  // Warning markers as symbols only, in a row under the priority's symbol.
  {
    const std::vector<std::string> markers = internal::SplitMarkers(h.warning_markers);
    const int size = Px(72), gap = Px(8);
    const int shown = static_cast<int>(std::min<size_t>(markers.size(), 3));
    const int row_x = (width_px_ - shown * size - (shown - 1) * gap) / 2;
    for (int i = 0; i < shown; ++i) {
      Element m;
      m.rect = {row_x + i * (size + gap), sym.rect.y + sym_px + gap, size, size};
      m.fill = theme().fault;
      m.symbol = MarkerSymbol(markers[i]);
      m.symbol_colour = {255, 255, 255, 255};
      m.text = markers[i];  // for tests and screen readers; not drawn (no font size)
      m.id = "hit.marker." + std::to_string(i);
      s->elements.push_back(std::move(m));
    }
  }
  // Waiting hits as their priority's symbol and colour, no count to read.
  if (hits_.size() > 1) AddWaitingHits(s, width_px_ - Px(10), top + Px(10));
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
