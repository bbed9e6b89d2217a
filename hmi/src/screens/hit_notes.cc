// What the Hit screen (stationary) says about a hit beyond its read: the
// banner when later frames of the pass read the plate differently, across
// the top of the card where it cannot be missed, so the officer checks the
// plate against the image before answering. (The cameras that saw the hit,
// "Seen by ...", are a line of the evidence's right column.)
#include "hmi/model.h"

#include <algorithm>

namespace anpr::hmi {

void HmiModel::AddHitNotes(Scene* s, const Rect& r, const PendingHit& h) const {
  const std::string revision = RevisionText(h);
  if (revision.empty()) return;
  // Yellow on black, framed in yellow: stands out on every priority's
  // colour by day and on the dark screen at night (14:1).
  Element e;
  e.rect = r;
  e.fill = {0, 0, 0, 255};
  e.border = {255, 214, 0, 255};
  e.border_px = std::max(2, Px(3));
  e.text = revision;
  e.text_colour = {255, 214, 0, 255};
  e.font_px = TextPx();
  e.bold = true;
  e.id = "hit.revision";
  s->elements.push_back(std::move(e));
}

}  // namespace anpr::hmi
