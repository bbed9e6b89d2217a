// The Hit screen while stationary: priority, the read and listed VRM, the
// entry's details, images, time and place, and the outcome buttons (or the
// reasons for "not actioned").
#include "hmi/model.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::LocalTime;
using internal::Place;
using internal::Spaced;

void HmiModel::BuildHit(Scene* s) const {
  const Theme& t = theme();
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  const Colour pc = HitColour(ph), ptc = HitTextColour(ph);
  s->background = pc;
  const int top = Px(40), gap = Px(10);

  // Header: symbol, priority in words, queue count.
  Element sym;
  sym.rect = {gap, top + Px(6), Px(58), Px(58)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element title;
  // Room for the waiting hits' squares left of the count.
  title.rect = {Px(80), top + Px(6), std::min(width_px_ / 2, width_px_ - Px(250) - Px(160) - Px(80)), Px(58)};
  std::string pname = PriorityName(h.priority);
  for (char& ch : pname) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  title.text = pname + " PRIORITY" + (h.late ? "  (LATE)" : "");
  title.text_colour = ptc;
  title.font_px = Px(36);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "hit.title";
  s->elements.push_back(title);
  if (hits_.size() > 1) {
    Element count;
    count.rect = {width_px_ - Px(250), top + Px(12), Px(240), Px(46)};
    count.fill = {0, 0, 0, 255};
    count.text = "1 of " + std::to_string(hits_.size()) + " waiting";
    count.text_colour = {255, 255, 255, 255};
    count.font_px = Px(22);
    count.bold = true;
    count.id = "hit.count";
    s->elements.push_back(count);
    AddWaitingHits(s, count.rect.x - Px(8), top + Px(12));
  }

  const int buttons_h = Px(72);
  const Rect card{gap, top + Px(70), width_px_ - 2 * gap, height_px_ - top - Px(70) - buttons_h - 2 * gap};
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
    const int lx = card.x + gap, lw = (card.w * 60) / 100;
    int y = card.y + gap;
    AddPlateText(s, {lx, y, std::min(lw, Px(400)), Px(74)}, ph.read_vrm, Px(60), "hit.vrm");
    y += Px(74) + Px(6);
    // The plate patch beside the hotlist VRM it matched, so the officer
    // compares the picture with the entry (a similar match differs).
    Element patch;
    patch.rect = {lx, y, Px(170), Px(44)};
    patch.fill = {0, 0, 0, 255};
    patch.image = ph.plate;
    patch.id = "hit.patch";
    if (!ph.plate) {
      patch.text = "no image";
      patch.text_colour = {255, 255, 255, 255};
      patch.font_px = Px(16);
    }
    s->elements.push_back(patch);
    Element listed;
    listed.rect = {lx + Px(180), y, Px(200), Px(44)};
    listed.text = "list: " + Spaced(h.entry_vrm);
    listed.text_colour = t.text;
    listed.font_px = Px(24);
    listed.bold = true;
    listed.mono = true;
    listed.align = Align::kLeft;
    listed.id = "hit.entry_vrm";
    s->elements.push_back(listed);
    Element match;
    match.rect = {lx + Px(384), y + Px(4), std::max(Px(48), lw - Px(384)), Px(36)};
    const bool exact = h.match == MatchKind::kExact;
    match.fill = exact ? t.ok : Colour{255, 176, 0, 255};
    match.text = exact ? "EXACT" : "SIMILAR";
    match.text_colour = exact ? Colour{255, 255, 255, 255} : Colour{0, 0, 0, 255};
    match.font_px = Px(18);
    match.bold = true;
    match.id = "hit.match";
    s->elements.push_back(match);
    y += Px(48);
    auto line = [&](const std::string& text, int font, bool bold, Colour c, const std::string& id, int h_px) {
      Element e;
      e.rect = {lx, y, lw, h_px};
      e.text = text;
      e.text_colour = c;
      e.font_px = font;
      e.bold = bold;
      e.align = Align::kLeft;
      e.wrap = h_px > font * 3 / 2;
      e.id = id;
      s->elements.push_back(e);
      y += h_px;
    };
    std::string mmc = h.colour + " " + h.make + " " + h.model;
    if (h.make.empty() && h.model.empty() && h.colour.empty()) mmc = "make / model not listed";
    line(mmc, Px(24), true, t.text, "hit.vehicle", Px(30));
    line(h.list_name + ": " + h.reason, Px(20), false, t.text, "hit.reason", Px(27));
    if (!h.warning_markers.empty()) {
      Element w;
      w.rect = {lx, y, lw, Px(30)};
      w.fill = t.fault;
      w.text = "\u26A0 " + h.warning_markers;
      w.text_colour = {255, 255, 255, 255};
      w.font_px = Px(20);
      w.bold = true;
      w.align = Align::kLeft;
      w.id = "hit.warnings";
      s->elements.push_back(w);
      y += Px(33);
    }
    const int info_h = card.y + card.h - gap - y;
    if (info_h > Px(20)) line(h.information, Px(17), false, t.text, "hit.information", info_h);

    // Right column: overview, time and place.
    const int rx = lx + lw + gap, rw = card.x + card.w - gap - rx;
    Element ov;
    ov.rect = {rx, card.y + gap, rw, card.h - 2 * gap - Px(52)};
    ov.fill = {0, 0, 0, 255};
    ov.image = ph.overview;
    ov.id = "hit.overview";
    if (!ph.overview) {
      ov.text = "no overview image";
      ov.text_colour = {255, 255, 255, 255};
      ov.font_px = Px(16);
    }
    s->elements.push_back(ov);
    Element when;
    when.rect = {rx, card.y + card.h - gap - Px(48), rw, Px(24)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "  read %.0f%%", ph.read_confidence);
    when.text = LocalTime(ph.captured_at_utc_ms, true) + conf;
    when.text_colour = t.text;
    when.font_px = Px(18);
    when.bold = true;
    when.id = "hit.time";
    s->elements.push_back(when);
    Element where = when;
    where.rect.y += Px(24);
    where.text = Place(ph.position);
    where.bold = false;
    where.id = "hit.place";
    s->elements.push_back(where);

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
