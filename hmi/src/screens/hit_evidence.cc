// The evidence on the Hit screen while stationary: the read VRM above the
// listed VRM, aligned column by column with the differing characters marked;
// the plate patch at least 40% of the screen wide; the overview, tapped open
// full screen; time and place; and beside them the entry's details.
#include "hmi/model.h"

#include <algorithm>
#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::AlignVrms;
using internal::EstimateTextLines;
using internal::LocalTime;
using internal::Place;
using internal::Spaced;
using internal::VrmColumn;

namespace {

// A differing column is filled red with white text in both rows (6:1).
constexpr Colour kDiffFill{200, 0, 0, 255};
constexpr Colour kDiffText{255, 255, 255, 255};

}  // namespace

// Two rows, READ over LIST, one box per column in the same fixed-width font,
// so a character that differs sits right above its counterpart.
int HmiModel::AddVrmComparison(Scene* s, Rect r, const PendingHit& ph) const {
  const Theme& t = theme();
  const std::vector<VrmColumn> cols = AlignVrms(ph.read_vrm, ph.hit.entry_vrm);
  const int label_w = Px(96), row_h = Px(56), row_gap = Px(6);
  const int cells_w = r.w - label_w;
  double units = 0;  // a gap column is 0.4 of a character column
  for (const VrmColumn& c : cols) units += c.gap ? 0.4 : 1.0;
  const int char_w = static_cast<int>(cells_w / std::max(1.0, units));
  // DejaVu Sans Mono advances 0.6 em; the view opens px * 0.86 as its size.
  const int font_px = std::min(Px(50), (char_w - Px(4)) * 100 / 52);
  struct Row { const char* label; const char* id; bool read; };
  const Row rows[2] = {{"READ", "hit.vrm", true}, {"LIST", "hit.entry_vrm", false}};
  for (int ri = 0; ri < 2; ++ri) {
    const Row& row = rows[ri];
    const int y = r.y + ri * (row_h + row_gap);
    Element label;
    label.rect = {r.x, y, label_w, row_h};
    label.text = row.label;
    label.text_colour = t.text;
    label.font_px = Px(30);
    label.bold = true;
    label.align = Align::kLeft;
    label.id = std::string(row.id) + ".label";
    s->elements.push_back(label);
    // The row's box carries the whole mark as text for tests and screen
    // readers; the columns draw it (font_px 0: not drawn here).
    Element box;
    box.rect = {r.x + label_w, y, cells_w, row_h};
    box.fill = row.read ? t.plate_front : t.panel;
    box.border = row.read ? Colour{0, 0, 0, 255} : t.text;
    box.border_px = std::max(2, Px(2));
    std::string whole;
    for (const VrmColumn& c : cols) {
      const char ch = row.read ? c.read : c.listed;
      if (c.gap) whole += ' ';
      else if (ch) whole += ch;
    }
    box.text = whole;
    box.id = row.id;
    s->elements.push_back(box);
    int x = box.rect.x;
    for (size_t i = 0; i < cols.size(); ++i) {
      const VrmColumn& c = cols[i];
      const int w = c.gap ? char_w * 2 / 5 : char_w;
      if (!c.gap) {
        Element cell;
        cell.rect = {x, y + box.border_px, w, row_h - 2 * box.border_px};
        const char ch = row.read ? c.read : c.listed;
        cell.text = ch ? std::string(1, ch) : std::string("-");
        cell.text_colour = row.read ? t.plate_text : t.text;
        if (c.differs()) {
          cell.fill = kDiffFill;
          cell.text_colour = kDiffText;
        }
        cell.font_px = font_px;
        cell.bold = true;
        cell.mono = true;
        cell.id = std::string(row.id) + ".char." + std::to_string(i);
        s->elements.push_back(std::move(cell));
      }
      x += w;
    }
  }
  return 2 * row_h + row_gap;
}

void HmiModel::BuildHitEvidence(Scene* s, const Rect& card) const {
  const Theme& t = theme();
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  const int gap = Px(10);
  const int lx = card.x + gap, lw = Px(420);
  int y = card.y + gap;
  // Under a revision banner the card is shorter: the time, confidence and
  // place move to the details.
  const bool compact = !ph.revised_vrm.empty();
  y += AddVrmComparison(s, {lx, y, lw, 0}, ph) + Px(6);

  // The plate patch, sized to its own aspect, at least 40% of the screen wide
  // unless it is so tall that the card cannot hold it.
  int patch_w = std::max(Px(330), width_px_ * 2 / 5 + 1), patch_h = Px(72);
  if (ph.plate && ph.plate->cols > 0) {
    patch_h = patch_w * ph.plate->rows / ph.plate->cols;
    const int max_h = Px(96);
    if (patch_h > max_h) {
      patch_w = max_h * ph.plate->cols / ph.plate->rows;
      patch_h = max_h;
    }
    patch_h = std::max(patch_h, Px(64));
  }
  Element patch;
  patch.rect = {lx, y, patch_w, patch_h};
  patch.fill = {0, 0, 0, 255};
  patch.image = ph.plate;
  patch.id = "hit.patch";
  if (!ph.plate) {
    patch.text = "no plate image";
    patch.text_colour = {255, 255, 255, 255};
    patch.font_px = Px(30);
  }
  s->elements.push_back(patch);
  // The overview beside it: a touch target that opens it full screen.
  Element ov;
  ov.rect = {lx + patch_w + Px(8), y, std::max(Px(64), lx + lw - (lx + patch_w + Px(8))), patch_h};
  ov.fill = {0, 0, 0, 255};
  ov.border = t.accent;
  ov.border_px = std::max(2, Px(3));
  ov.image = ph.overview;
  ov.id = "hit.overview";
  if (ph.overview) ov.action = "hit.overview";
  else ov.text = "-", ov.text_colour = {255, 255, 255, 255}, ov.font_px = Px(30);
  s->elements.push_back(ov);
  y += patch_h + Px(6);

  if (!compact) {
    Element when;
    when.rect = {lx, y, lw, Px(34)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "  read %.0f%%", ph.read_confidence);
    when.text = LocalTime(ph.captured_at_utc_ms, true) + conf;
    // Seen by several cameras (or on a unit that has several): the first
    // camera and time, then the others in the place's line (the place is
    // on the details).
    const bool seen = !SeenByText(ph).empty();
    if (seen) {
      const Sighting& first = ph.sightings.front();
      std::snprintf(conf, sizeof conf, " read %.0f%%", ph.read_confidence);
      when.text = (first.camera_id.empty() ? std::string("CAM") : internal::Upper(first.camera_id)) + " " +
                  LocalTime(first.captured_at_utc_ms, true) + conf;
    }
    when.text_colour = t.text;
    when.font_px = Px(30);
    when.bold = true;
    when.align = Align::kLeft;
    when.id = "hit.time";
    s->elements.push_back(when);
    Element where = when;
    where.rect.y += Px(34);
    where.text = Place(ph.position);
    where.bold = false;
    where.id = "hit.place";
    if (seen) {
      where.text = ph.sightings.size() > 1 ? "then" : "not seen again";
      for (size_t i = 1; i < ph.sightings.size(); ++i) {
        const Sighting& o = ph.sightings[i];
        const std::string next = (i > 1 ? ", " : " ") + (o.camera_id.empty() ? std::string("CAM") : internal::Upper(o.camera_id)) +
                                 " " + LocalTime(o.captured_at_utc_ms, true);
        const std::string more = " +" + std::to_string(ph.sightings.size() - i) + " more";
        if (internal::EstimateTextWidthPx(where.text + next + (i + 1 < ph.sightings.size() ? more : ""), Px(30), false) >
            lw - Px(20)) {
          where.text += more;  // all of them on the details
          break;
        }
        where.text += next;
      }
      where.id = "hit.seen";
    }
    s->elements.push_back(where);
  }

  // Right column: the entry's details, each as many lines as it needs; the
  // information takes what is left.
  const int rx = lx + lw + Px(14), rw = card.x + card.w - gap - rx;
  int ry = card.y + gap;
  const int line_h = Px(34);
  auto block = [&](const std::string& text, bool bold, Colour c, Colour fill, const std::string& id, int max_h) {
    const int lines = EstimateTextLines(text, Px(30), rw - Px(20), bold);
    Element e;
    e.rect = {rx, ry, rw, std::min(max_h, lines * line_h + Px(6))};
    e.text = text;
    e.text_colour = c;
    e.fill = fill;
    e.font_px = Px(30);
    e.bold = bold;
    e.align = Align::kLeft;
    e.wrap = lines > 1;
    e.id = id;
    s->elements.push_back(e);
    ry += e.rect.h + Px(4);
  };
  const int bottom = card.y + card.h - gap;
  std::string mmc = h.colour + " " + h.make + " " + h.model;
  if (h.make.empty() && h.model.empty() && h.colour.empty()) mmc = "make / model not listed";
  block(mmc, true, t.text, {0, 0, 0, 0}, "hit.vehicle", bottom - ry);
  if (!h.warning_markers.empty()) {
    // One red row per marker: its symbol, then its word. The whole list is
    // the rows' frame ("hit.warnings"; its text is not drawn).
    const std::vector<std::string> markers = internal::SplitMarkers(h.warning_markers);
    const int mh = Px(40), mgap = Px(2);
    Element all;
    all.rect = {rx, ry, rw, static_cast<int>(markers.size()) * (mh + mgap) - mgap};
    all.text = h.warning_markers;
    all.id = "hit.warnings";
    s->elements.push_back(all);
    for (size_t i = 0; i < markers.size(); ++i) {
      Element row;
      row.rect = {rx, ry, rw, mh};
      row.fill = t.fault;
      row.id = "hit.marker.row." + std::to_string(i);
      s->elements.push_back(row);
      Element sym;
      sym.rect = {rx + Px(4), ry + Px(3), mh - Px(6), mh - Px(6)};
      sym.fill = t.fault;
      sym.symbol = MarkerSymbol(markers[i]);
      sym.symbol_colour = {255, 255, 255, 255};
      sym.id = "hit.marker." + std::to_string(i);
      s->elements.push_back(sym);
      Element text;
      text.rect = {rx + mh, ry, rw - mh, mh};
      text.text = markers[i];
      text.text_colour = {255, 255, 255, 255};
      text.font_px = Px(30);
      text.bold = true;
      text.align = Align::kLeft;
      text.id = "hit.marker.text." + std::to_string(i);
      s->elements.push_back(text);
      ry += mh + mgap;
    }
    ry += Px(4);
  }
  if (compact) {
    // Under the banner: the vehicle and its markers, to check against the
    // image; the rest (list and reason, cameras and times, place) on the details.
    AddButton(s, {rx, bottom - Px(64), rw, Px(64)}, "DETAILS \u25B8", "hit.details", true, Px(30));
    return;
  }
  block(h.list_name + ": " + h.reason, false, t.text, {0, 0, 0, 0}, "hit.reason", bottom - ry);
  // The information in full when it fits, else a button that opens all the
  // details across the card: text cut off mid-sentence could mislead.
  // Seen by several cameras, the place (and every sighting) is on the
  // details: their button always has its room.
  const bool seen = !SeenByText(ph).empty();
  const int info_h =
      h.information.empty() ? 0 : EstimateTextLines(h.information, Px(30), rw - Px(20), false) * line_h + Px(6);
  if (info_h + (seen ? Px(68) : 0) <= bottom - ry) {
    if (!h.information.empty()) block(h.information, false, t.text, {0, 0, 0, 0}, "hit.information", bottom - ry);
    if (seen) AddButton(s, {rx, bottom - Px(64), rw, Px(64)}, "DETAILS \u25B8", "hit.details", true, Px(30));
  } else {
    AddButton(s, {rx, std::min(ry, bottom - Px(64)), rw, Px(64)}, "INSTRUCTIONS \u25B8", "hit.details", true,
              Px(30));
  }
}

// The entry's details across the whole card, every line in full; a touch
// anywhere on the card closes them.
void HmiModel::BuildHitDetails(Scene* s, const Rect& card) const {
  const Theme& t = theme();
  const Hit& h = hits_.front().hit;
  const int gap = Px(10), line_h = Px(34);
  Element close;
  close.rect = card;
  close.action = "hit.details.close";
  close.id = "hit.details.close";
  s->elements.push_back(close);
  int y = card.y + gap;
  const int x = card.x + gap, w = card.w - 2 * gap;
  auto block = [&](const std::string& text, bool bold, Colour c, Colour fill, const std::string& id) {
    const int lines = EstimateTextLines(text, Px(30), w - Px(20), bold);
    Element e;
    e.rect = {x, y, w, lines * line_h + Px(6)};
    e.text = text;
    e.text_colour = c;
    e.fill = fill;
    e.font_px = Px(30);
    e.bold = bold;
    e.align = Align::kLeft;
    e.wrap = lines > 1;
    e.id = id;
    s->elements.push_back(e);
    y += e.rect.h + Px(4);
  };
  const PendingHit& ph = hits_.front();
  if (!ph.revised_vrm.empty()) block(RevisionText(ph), true, {255, 255, 255, 255}, t.fault, "hit.revision");
  std::string mmc = h.colour + " " + h.make + " " + h.model;
  if (h.make.empty() && h.model.empty() && h.colour.empty()) mmc = "make / model not listed";
  block(Spaced(ph.read_vrm) + ": " + mmc, true, t.text, {0, 0, 0, 0}, "hit.vehicle");
  if (!h.warning_markers.empty())
    block("WARNING: " + h.warning_markers, true, {255, 255, 255, 255}, t.fault, "hit.warnings");
  block(h.list_name + ": " + h.reason, false, t.text, {0, 0, 0, 0}, "hit.reason");
  if (!h.information.empty()) block(h.information, false, t.text, {0, 0, 0, 0}, "hit.information");
  const std::string seen = SeenByText(ph);
  if (!seen.empty()) block(seen, false, t.text, {0, 0, 0, 0}, "hit.seen");
  if (!ph.revised_vrm.empty() || !seen.empty()) {  // the place left the evidence for these
    char conf[32];
    std::snprintf(conf, sizeof conf, ", read %.0f%%, ", ph.read_confidence);
    block(LocalTime(ph.captured_at_utc_ms, true) + conf + Place(ph.position), false, t.text, {0, 0, 0, 0},
          "hit.place");
  }
  Element note;
  note.rect = {x, card.y + card.h - gap - Px(34), w, Px(34)};
  note.text = "Tap to go back";
  note.text_colour = t.muted_text;
  note.font_px = Px(30);
  note.align = Align::kRight;
  note.id = "hit.details.note";
  s->elements.push_back(note);
}


// The overview over the whole screen below the status bar; a touch anywhere
// closes it.
void HmiModel::BuildOverviewFull(Scene* s) const {
  const PendingHit& ph = hits_.front();
  const int top = StatusBarHeight();
  Element ov;
  ov.rect = {0, top, width_px_, height_px_ - top};
  ov.fill = {0, 0, 0, 255};
  ov.image = ph.overview;
  ov.action = "hit.overview.close";
  ov.id = "hit.overview.full";
  s->elements.push_back(ov);
  Element note;
  note.rect = {Px(10), height_px_ - Px(54), width_px_ - Px(20), Px(44)};
  note.fill = {0, 0, 0, 255};
  note.text = Spaced(ph.read_vrm) + " overview - tap to close";
  note.text_colour = {255, 255, 255, 255};
  note.font_px = Px(30);
  note.bold = true;
  note.id = "hit.overview.note";
  s->elements.push_back(note);
}

}  // namespace anpr::hmi
