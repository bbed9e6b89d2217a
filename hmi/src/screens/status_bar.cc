// The status bar at the top of every screen: camera, GPS, clock, sync,
// storage and hotlist health, and the officer (or NO SOUND, or NO SPEECH). Each item says
// what it can in the room it has: the full text where everything fits (a
// wide screen), else a short word; a tap anywhere on the bar opens the status
// window (status_window.cc), which says it all in full.
#include "hmi/model.h"

#include <numeric>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Age;
using internal::EstimateTextWidthPx;
using internal::LocalTime;

std::vector<HmiModel::StatusLine> HmiModel::StatusLines() const {
  const UnitStatus& u = status_;
  if (!have_status_) {
    return {{"status.camera", true, "CAM ...", "CAM", "Camera: starting"},
            {"status.gps", true, "GPS ...", "GPS", "GPS: starting"},
            {"status.clock", true, LocalTime(now_utc_ms_, true), LocalTime(now_utc_ms_, false), "Clock: starting"},
            {"status.sync", true, "SYNC ...", "SYNC", "Sync: starting"},
            {"status.storage", true, "DISK ...", "DISK", "Storage: starting"},
            {"status.hotlist", true, "LIST ...", "LIST", "Hotlists: starting"}};
  }
  const bool gps_ok = u.gps_fix != FixMode::kNone && !u.gps_stale;
  const std::string gps = u.gps_fix == FixMode::kNone ? "NO GPS FIX"
                          : u.gps_stale               ? "GPS STALE"
                          : u.gps_fix == FixMode::k3D ? "GPS 3D"
                                                      : "GPS 2D";
  const std::string gps_says =
      u.gps_fix == FixMode::kNone ? "GPS: no position fix; reads have no place"
      : u.gps_stale               ? "GPS: last fix old; places may be wrong"
                                  : std::string("GPS: ") + (u.gps_fix == FixMode::k3D ? "3D" : "2D") + " fix";
  // The clock's mark: none when set from GPS, N from NTP, ? when nothing
  // has set it.
  const char* mark = u.clock_source == ClockSource::kGps ? "" : u.clock_source == ClockSource::kNtp ? " N" : " ?";
  const std::string clock_says =
      u.clock_source == ClockSource::kGps   ? "Clock: set from GPS"
      : u.clock_source == ClockSource::kNtp ? "Clock N: set from the network (NTP), not GPS"
                                            : "Clock ?: not set from GPS or the network since start; "
                                              "read times may be off";
  const std::string sync_age = Age(now_utc_ms_, u.last_sync_utc_ms);
  return {
      CameraStatusLine(),
      {"status.gps", gps_ok, gps, "GPS", gps_says},
      {"status.clock", u.clock_ok, LocalTime(now_utc_ms_, true) + mark, LocalTime(now_utc_ms_, false) + mark,
       clock_says + (u.clock_ok ? "" : "; off by too much to trust")},
      {"status.sync", u.sync_ok && u.quarantined_records == 0,
       !u.sync_ok ? "SYNC FAIL" : u.quarantined_records > 0 ? "SYNC HELD" : "SYNC " + sync_age, "SYNC",
       (u.sync_ok ? "Sync: last with the depot " + sync_age + " ago" : "Sync: failing; reads are kept until sent") +
           (u.unsynced_reads > 0 ? ", " + std::to_string(u.unsynced_reads) + " reads to send" : "") +
           (u.quarantined_records > 0 ? "; " + std::to_string(u.quarantined_records) +
                                            " records refused by the depot, held on board: tell the depot"
                                      : "")},
      {"status.storage", u.storage_ok, "DISK " + std::to_string(u.storage_used_percent) + "%", "DISK",
       "Storage: " + std::to_string(u.storage_used_percent) + "% used" + (u.storage_ok ? "" : ", failing")},
      {"status.hotlist", u.hotlist_ok && u.hotlist_updated_utc_ms > 0,
       u.hotlist_updated_utc_ms > 0 ? "LIST " + Age(now_utc_ms_, u.hotlist_updated_utc_ms) : "NO LIST",
       u.hotlist_updated_utc_ms > 0 ? "LIST" : "NO LIST",
       u.hotlist_updated_utc_ms > 0 ? "Hotlists: updated " + Age(now_utc_ms_, u.hotlist_updated_utc_ms) + " ago" +
                                          (u.hotlist_ok ? "" : ", failing")
                                    : "Hotlists: none loaded; no plate can alert"},
  };
}

void HmiModel::BuildStatusBar(Scene* s) const {
  const Theme& t = theme();
  const int h = StatusBarHeight();
  Element bar;
  bar.rect = {0, 0, width_px_, h};
  bar.fill = t.panel;
  bar.id = "status.bar";
  bar.action = "status.open";  // the whole bar: a finger at the top edge lands on it
  s->elements.push_back(bar);

  const std::vector<StatusLine> lines = StatusLines();
  const int gap = Px(3), font = TextPx();
  std::string who = logged_in() ? officer_ : "LOCKED";
  if (!audio_ok_) who = "\u2716 NO SOUND";  // a silent unit must say so: alerts would go unheard
  else if (!speech_ok_) who = "\u2716 NO SPEECH";  // tones only: hits are not spoken while driving
  // A failed item carries a cross as well as red; widths from the text, long
  // where every item fits, else short.
  auto shown = [&](const StatusLine& l, bool full) {
    const std::string& text = full ? l.full : l.brief;
    return l.ok ? text : "\u2716 " + text;
  };
  auto widths = [&](bool full) {
    std::vector<int> w;
    for (const StatusLine& l : lines)
      w.push_back(EstimateTextWidthPx(shown(l, full), font, !l.ok) + 2 * Px(6));
    return w;
  };
  const int who_w = EstimateTextWidthPx(who, font, true) + 2 * Px(6);
  const int room = width_px_ - who_w - gap * static_cast<int>(lines.size() + 2);
  std::vector<int> w = widths(true);
  const bool full = std::accumulate(w.begin(), w.end(), 0) <= room;
  if (!full) w = widths(false);
  // Share what is left over evenly.
  const int spare = std::max(0, room - std::accumulate(w.begin(), w.end(), 0)) / static_cast<int>(lines.size());
  int x = gap;
  for (size_t i = 0; i < lines.size(); ++i) {
    const StatusLine& l = lines[i];
    Element e;
    e.rect = {x, gap, w[i] + spare, h - 2 * gap};
    e.fill = l.ok ? t.background : t.fault;
    e.text = shown(l, full);
    e.text_colour = l.ok ? t.text : Colour{255, 255, 255, 255};
    e.font_px = font;
    e.bold = !l.ok;
    e.id = l.id;
    s->elements.push_back(std::move(e));
    x += w[i] + spare + gap;
  }
  Element officer;
  officer.rect = {width_px_ - who_w - gap, gap, who_w, h - 2 * gap};
  officer.text = who;
  officer.text_colour = t.text;
  if (!audio_ok_ || !speech_ok_) {
    officer.fill = t.fault;
    officer.text_colour = {255, 255, 255, 255};
  }
  officer.font_px = font;
  officer.bold = true;
  officer.id = "status.officer";
  s->elements.push_back(std::move(officer));
}

// Every status item in full with what it means, or (FIGURES) the unit's
// figures for a maintainer, and CLOSE. Over whatever screen is up; a new hit closes it.
void HmiModel::BuildStatusWindow(Scene* s) const {
  const Theme& t = theme();
  const int top = StatusBarHeight(), gap = Px(8), line_h = Px(34), font = TextPx();
  const Rect win{0, top, width_px_, height_px_ - top};
  Element panel;
  panel.rect = win;
  panel.fill = t.panel;
  panel.border = t.accent;
  panel.border_px = std::max(2, Px(3));
  panel.id = "status.window";
  panel.action = "status.close";  // a tap anywhere closes it; nothing beneath is reachable
  s->elements.push_back(panel);
  int y = win.y + gap;
  const int x = gap * 2, w = width_px_ - 4 * gap;
  auto line = [&](const std::string& text, bool ok, const std::string& id, bool bold) {
    const int lines = internal::EstimateTextLines(text, font, w - Px(20), bold);
    Element e;
    e.rect = {x, y, w, lines * line_h + Px(4)};
    e.text = ok ? text : "\u2716 " + text;
    e.text_colour = ok ? t.text : Colour{255, 255, 255, 255};
    e.fill = ok ? Colour{0, 0, 0, 0} : t.fault;
    e.font_px = font;
    e.bold = bold || !ok;
    e.align = Align::kLeft;
    e.wrap = lines > 1;
    e.id = id;
    s->elements.push_back(e);
    y += e.rect.h + Px(2);
  };
  const int close_h = Px(kMinTargetDesignPx);
  const int bottom = win.y + win.h - close_h - 2 * gap;
  if (!status_figures_) {
    for (const StatusLine& l : StatusLines()) line(l.says, l.ok, l.id + ".says", false);
  } else {
    for (size_t i = 0; i < status_.health_lines.size(); ++i) {
      const std::string& text = status_.health_lines[i];
      if (y + internal::EstimateTextLines(text, font, w - Px(20), false) * line_h > bottom) break;
      line(text, true, "status.health." + std::to_string(i), false);
    }
  }
  const int bw = Px(220), by = win.y + win.h - close_h - gap;
  AddButton(s, {width_px_ - 2 * bw - 3 * gap, by, bw, close_h}, status_figures_ ? "STATUS" : "FIGURES",
            "status.figures");
  AddButton(s, {width_px_ - bw - 2 * gap, by, bw, close_h}, "CLOSE", "status.close");
}

}  // namespace anpr::hmi
