// The Hit screen while stationary: priority, the read and listed VRM, the
// entry's details, images, time and place, and the outcome buttons (or the
// reasons for "not actioned").
#include "hmi/model.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Spaced;

void HmiModel::BuildHit(Scene* s) const {
  const Theme& t = theme();
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  const Colour pc = HitColour(ph), ptc = HitTextColour(ph);
  s->background = pc;
  const int top = Px(40), gap = Px(10);
  if (overview_open_ && ph.overview) return BuildOverviewFull(s);

  // Header: symbol, priority in words, queue count.
  Element sym;
  sym.rect = {gap, top + Px(4), Px(44), Px(44)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element title;
  title.rect = {Px(64), top + Px(4), Px(296), Px(44)};
  std::string pname = PriorityName(h.priority);
  for (char& ch : pname) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  title.text = pname + (h.late ? " (LATE)" : " PRIORITY");
  title.text_colour = ptc;
  title.font_px = Px(34);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "hit.title";
  s->elements.push_back(title);
  if (!choosing_reason_) {
    Element match;  // exact or similar: a similar match differs somewhere below
    match.rect = {Px(368), top + Px(6), Px(150), Px(40)};
    const bool exact = h.match == MatchKind::kExact;
    match.fill = exact ? t.ok : Colour{255, 176, 0, 255};
    match.border = {0, 0, 0, 255};
    match.border_px = std::max(1, Px(2));
    match.text = exact ? "EXACT" : "SIMILAR";
    match.text_colour = exact ? Colour{255, 255, 255, 255} : Colour{0, 0, 0, 255};
    match.font_px = Px(30);
    match.bold = true;
    match.id = "hit.match";
    s->elements.push_back(match);
  }
  if (hits_.size() > 1) {
    Element count;
    count.rect = {width_px_ - Px(120), top + Px(4), Px(110), Px(44)};
    count.fill = {0, 0, 0, 255};
    count.text = "1 of " + std::to_string(hits_.size());
    count.text_colour = {255, 255, 255, 255};
    count.font_px = Px(30);
    count.bold = true;
    count.id = "hit.count";
    s->elements.push_back(count);
    AddWaitingHits(s, count.rect.x - Px(6), top + Px(4));
  }

  const int buttons_h = Px(72);
  const Rect card{gap, top + Px(52), width_px_ - 2 * gap, height_px_ - top - Px(52) - buttons_h - 2 * gap};
  Element cardel;
  cardel.rect = card;
  cardel.fill = t.panel;
  s->elements.push_back(cardel);

  if (choosing_reason_) {
    Element q;
    q.rect = {card.x + gap, card.y + gap, card.w - 2 * gap, Px(36)};
    q.text = "Not actioned: why? (" + Spaced(ph.read_vrm) + ")";
    q.text_colour = t.text;
    q.font_px = Px(26);
    q.bold = true;
    q.align = Align::kLeft;
    q.id = "hit.reason.title";
    s->elements.push_back(q);
    const int cols = 2, bw = (card.w - 3 * gap) / cols, bh = Px(54);
    for (size_t i = 0; i < config_.not_actioned_reasons.size(); ++i) {
      const int col = int(i) % cols, row = int(i) / cols;
      AddButton(s, {card.x + gap + col * (bw + gap), card.y + Px(52) + row * (bh + gap), bw, bh},
                config_.not_actioned_reasons[i], "hit.reason." + std::to_string(i), true, Px(20));
    }
    AddButton(s, {gap, height_px_ - buttons_h - gap, width_px_ - 2 * gap, buttons_h}, "CANCEL",
              "hit.reason.cancel");
  } else {
    if (details_open_) BuildHitDetails(s, card);
    else BuildHitEvidence(s, card);

    // Outcome buttons.
    const char* labels[4] = {"CONFIRMED", "MISREAD", "NOT SEEN", "NOT ACTIONED"};
    const char* actions[4] = {"hit.confirmed", "hit.misread", "hit.notseen", "hit.notactioned"};
    const int bw = (width_px_ - 5 * gap) / 4;
    for (int i = 0; i < 4; ++i)
      AddButton(s, {gap + i * (bw + gap), height_px_ - buttons_h - gap, bw, buttons_h}, labels[i], actions[i]);
  }
  if (!message_.empty()) {
    Element m;
    m.rect = {card.x, card.y + card.h - Px(40), card.w, Px(40)};
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
    m.font_px = Px(20);
    m.bold = true;
    m.id = "hit.message";
    s->elements.push_back(m);
  }
}

}  // namespace anpr::hmi
