// The status bar at the top of every screen: camera, GPS, clock, sync,
// storage and hotlist health, and the officer (or NO SOUND).
#include "hmi/model.h"

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Age;
using internal::LocalTime;

void HmiModel::BuildStatusBar(Scene* s) const {
  const Theme& t = theme();
  const int h = Px(40);
  Element bar;
  bar.rect = {0, 0, width_px_, h};
  bar.fill = t.panel;
  bar.id = "status.bar";
  s->elements.push_back(bar);

  struct Item { const char* id; bool ok; std::string text; };
  std::vector<Item> items;
  const UnitStatus& u = status_;
  if (!have_status_) {
    items = {{"status.camera", true, "CAM ..."}, {"status.gps", true, "GPS ..."},
             {"status.clock", true, LocalTime(now_utc_ms_, true)}, {"status.sync", true, "SYNC ..."},
             {"status.storage", true, "DISK ..."}, {"status.hotlist", true, "LIST ..."}};
  } else {
    std::string gps = u.gps_fix == FixMode::kNone ? "NO GPS FIX"
                      : u.gps_stale               ? "GPS STALE"
                      : u.gps_fix == FixMode::k3D ? "GPS 3D"
                                                  : "GPS 2D";
    std::string clock = LocalTime(now_utc_ms_, true);
    if (u.clock_source != ClockSource::kGps) clock += u.clock_source == ClockSource::kNtp ? " N" : " ?";
    items = {
        {"status.camera", u.camera_ok, u.camera_text},
        {"status.gps", u.gps_fix != FixMode::kNone && !u.gps_stale, gps},
        {"status.clock", u.clock_ok, clock},
        {"status.sync", u.sync_ok, u.sync_ok ? "SYNC " + Age(now_utc_ms_, u.last_sync_utc_ms) : "SYNC FAIL"},
        {"status.storage", u.storage_ok, "DISK " + std::to_string(u.storage_used_percent) + "%"},
        {"status.hotlist", u.hotlist_ok && u.hotlist_updated_utc_ms > 0,
         u.hotlist_updated_utc_ms > 0 ? "LIST " + Age(now_utc_ms_, u.hotlist_updated_utc_ms) : "NO LIST"},
    };
  }
  const int officer_w = Px(110);
  const int gap = Px(3);
  const int item_w = (width_px_ - officer_w - gap * 8) / static_cast<int>(items.size());
  int x = gap;
  for (const Item& it : items) {
    Element e;
    e.rect = {x, gap, item_w, h - 2 * gap};
    e.fill = it.ok ? t.background : t.fault;
    e.text = it.ok ? it.text : "\u2716 " + it.text;  // a cross, not only red
    e.text_colour = it.ok ? t.text : Colour{255, 255, 255, 255};
    e.font_px = Px(16);
    e.bold = !it.ok;
    e.id = it.id;
    s->elements.push_back(std::move(e));
    x += item_w + gap;
  }
  Element who;
  who.rect = {width_px_ - officer_w - gap, gap, officer_w, h - 2 * gap};
  who.text = logged_in() ? "\u25CF " + officer_ : "LOCKED";
  who.text_colour = t.text;
  if (!audio_ok_) {  // a silent unit must say so: alerts would go unheard
    who.fill = t.fault;
    who.text = "\u2716 NO SOUND";
    who.text_colour = {255, 255, 255, 255};
  }
  who.font_px = Px(16);
  who.bold = true;
  who.id = "status.officer";
  s->elements.push_back(std::move(who));
}

}  // namespace anpr::hmi
