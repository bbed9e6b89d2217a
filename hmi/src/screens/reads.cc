// The Reads screen: the shift's reads, newest first, dragged by finger.
#include "hmi/model.h"

#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Decode;
using internal::LocalTime;
using internal::Place;

int HmiModel::ReadsContentHeight() const { return static_cast<int>(reads_.size()) * Px(88); }

void HmiModel::BuildReads(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8);
  Element head;
  head.rect = {gap, c.y, c.w - 2 * gap, Px(40)};
  head.text = std::to_string(reads_.size()) + " reads this shift - drag to scroll";
  head.text_colour = t.muted_text;
  head.font_px = TextPx();
  head.bold = true;
  head.align = Align::kLeft;
  head.id = "reads.title";
  s->elements.push_back(head);

  const Rect list{0, c.y + Px(40), c.w, c.h - Px(40)};
  Element area;
  area.rect = list;
  area.action = "reads.area";
  area.id = "reads.area";
  s->elements.push_back(area);

  const int row_h = Px(88);
  const int first = reads_scroll_px_ / row_h;
  const int n = static_cast<int>(reads_.size());
  for (int i = first; i < n; ++i) {
    const int y = list.y + i * row_h - reads_scroll_px_;
    if (y >= list.y + list.h) break;
    const ReadRow& r = reads_[n - 1 - i];  // newest first
    if (!r.plate && !r.plate_jpeg.empty()) r.plate = Decode(r.plate_jpeg, Px(160));
    if (!r.overview && !r.overview_jpeg.empty()) r.overview = Decode(r.overview_jpeg, Px(120));
    Element bg;
    bg.rect = {gap, y + Px(4), c.w - 2 * gap, row_h - Px(8)};
    bg.fill = t.panel;
    bg.clip = list;
    bg.id = "reads.row";
    s->elements.push_back(bg);
    Element ov;
    ov.rect = {gap + Px(6), y + Px(8), Px(96), row_h - Px(16)};
    ov.fill = {0, 0, 0, 255};
    ov.image = r.overview;
    ov.clip = list;
    if (!r.overview) ov.text = "-", ov.text_colour = {255, 255, 255, 255}, ov.font_px = TextPx();
    s->elements.push_back(ov);
    Element pl;
    pl.rect = {gap + Px(110), y + Px(18), Px(140), Px(50)};
    pl.fill = {0, 0, 0, 255};
    pl.image = r.plate;
    pl.clip = list;
    if (!r.plate) pl.text = "-", pl.text_colour = {255, 255, 255, 255}, pl.font_px = TextPx();
    s->elements.push_back(pl);
    AddPlateText(s, {gap + Px(262), y + Px(18), Px(190), Px(50)}, r.vrm, Px(34), "reads.vrm");
    s->elements.back().clip = list;
    Element info;
    info.rect = {gap + Px(462), y + Px(6), c.w - Px(462) - 2 * gap, row_h - Px(12)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "   %.0f%%", r.confidence);
    info.text = LocalTime(r.captured_at_utc_ms, true) + conf + "\n" + Place(r.position);
    info.text_colour = t.text;
    info.font_px = TextPx();
    info.align = Align::kLeft;
    info.wrap = true;
    info.clip = list;
    s->elements.push_back(info);
  }
  if (reads_.empty()) {
    Element none;
    none.rect = list;
    none.text = "No reads yet this shift";
    none.text_colour = t.muted_text;
    none.font_px = TextPx();
    s->elements.push_back(none);
  }
}

}  // namespace anpr::hmi
