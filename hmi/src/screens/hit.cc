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
  const Colour ptc = HitTextColour(ph);
  AddHitBackdrop(s, ph);
  const int top = StatusBarHeight(), gap = Px(10);
  if (overview_open_ && ph.overview) return BuildOverviewFull(s);

  // Header: symbol, priority in words, queue count.
  Element sym;
  sym.rect = {gap, top + Px(4), Px(44), Px(44)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = ptc;
  sym.fill = HitColour(ph);  // its mark in the hit's colour, on the band at night too
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element title;
  title.rect = {Px(64), top + Px(4), Px(304), Px(44)};
  std::string pname = PriorityName(h.priority);
  for (char& ch : pname) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  title.text = pname + (h.late ? " (LATE)" : " PRIORITY");
  title.text_colour = ptc;
  title.font_px = Px(32);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "hit.title";
  s->elements.push_back(title);
  if (!choosing_reason_) {
    Element match;  // exact or similar: a similar match differs somewhere below
    match.rect = {Px(372), top + Px(6), Px(150), Px(40)};
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

  // Outcome buttons 64 high, 16 apart: a finger aimed at one never lands on
  // its neighbour.
  const int buttons_h = Px(kMinTargetDesignPx), buttons_gap = Px(16);
  // Later frames read the plate differently: a banner above the card, which
  // gives up the place line (on the details) to make room.
  const int banner_h = RevisionText(ph).empty() || choosing_reason_ ? 0 : Px(48);
  if (banner_h > 0) AddHitNotes(s, {gap, top + Px(52), width_px_ - 2 * gap, banner_h - Px(4)}, ph);
  const Rect card{gap, top + Px(52) + banner_h, width_px_ - 2 * gap,
                  height_px_ - top - Px(52) - banner_h - buttons_h - 2 * gap};
  Element cardel;
  cardel.rect = card;
  cardel.fill = t.panel;
  s->elements.push_back(cardel);

  if (choosing_reason_) {
    Element q;
    q.rect = {card.x + gap, card.y + gap, card.w - 2 * gap, Px(40)};
    q.text = "Not actioned: why? (" + Spaced(ph.read_vrm) + ")";
    q.text_colour = t.text;
    q.font_px = TextPx();
    q.bold = true;
    q.align = Align::kLeft;
    q.id = "hit.reason.title";
    s->elements.push_back(q);
    AddReasonButtons(s, {card.x + gap, card.y + Px(56), card.w - 2 * gap, 0}, "hit.reason.");
    AddButton(s, {gap, height_px_ - buttons_h - gap, width_px_ - 2 * gap, buttons_h}, "CANCEL",
              "hit.reason.cancel");
  } else {
    if (details_open_) BuildHitDetails(s, card);
    else BuildHitEvidence(s, card);

    // Outcome buttons.
    const std::vector<std::string> labels = {"CONFIRMED", "MISREAD", "NOT SEEN", "NOT ACTIONED"};
    const char* actions[4] = {"hit.confirmed", "hit.misread", "hit.notseen", "hit.notactioned"};
    const std::vector<Rect> at =
        RowOfButtons(labels, {gap, height_px_ - buttons_h - gap, width_px_ - 2 * gap, buttons_h}, buttons_gap);
    for (size_t i = 0; i < at.size(); ++i) AddButton(s, at[i], labels[i], actions[i]);
  }
  if (!message_.empty()) {
    Element m;
    m.rect = {card.x, card.y + card.h - Px(44), card.w, Px(44)};
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
    m.font_px = TextPx();
    m.bold = true;
    m.id = "hit.message";
    s->elements.push_back(m);
  }
}

// Two to a row where both fit half the width, else one across; 16 apart
// like the outcome buttons, since each records an outcome.
void HmiModel::AddReasonButtons(Scene* s, Rect r, const std::string& prefix) const {
  const int buttons_gap = Px(16);
  const int half = (r.w - buttons_gap) / 2, bh = Px(kMinTargetDesignPx);
  auto fits_half = [&](size_t i) {
    return i < config_.not_actioned_reasons.size() &&
           internal::EstimateTextWidthPx(config_.not_actioned_reasons[i], TextPx(), false) + Px(12) <= half;
  };
  int y = r.y;
  for (size_t i = 0; i < config_.not_actioned_reasons.size(); y += bh + buttons_gap) {
    if (fits_half(i) && fits_half(i + 1)) {
      for (size_t k = 0; k < 2; ++k, ++i) {
        AddButton(s, {r.x + int(k) * (half + buttons_gap), y, half, bh}, config_.not_actioned_reasons[i],
                  prefix + std::to_string(i), true);
        s->elements.back().bold = false;  // sentences, in the regular weight
      }
    } else {
      AddButton(s, {r.x, y, r.w, bh}, config_.not_actioned_reasons[i], prefix + std::to_string(i), true);
      s->elements.back().bold = false;
      ++i;
    }
  }
}

}  // namespace anpr::hmi
