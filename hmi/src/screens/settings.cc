// The Settings screen: volume, night mode and sounds, and on a unit that
// reports its cameras a CAMERAS button for each camera's frame figures
// (screens/settings_cameras.cc). (The unit's other health figures are in
// the status window, a tap on the status bar.)
#include "hmi/model.h"

#include <algorithm>

namespace anpr::hmi {

void HmiModel::BuildSettings(Scene* s) const {
  const bool cameras = !status_.cameras.empty();
  if (cameras && settings_cameras_) return BuildSettingsCameras(s);
  const Theme& t = theme();
  const Rect c = ContentRect();
  // With the CAMERAS button the rows stand 4 px apart (as the nav bar's
  // buttons do) so five 64 px rows fit above the nav bar at 800x480.
  const int gap = Px(cameras ? 4 : 8), row_h = Px(kMinTargetDesignPx) + gap;
  int y = c.y + gap;
  auto label = [&](const std::string& text, const std::string& id) {
    Element e;
    e.rect = {Px(24), y, width_px_ - Px(24) - Px(300) - Px(40), row_h - gap};
    e.text = text;
    e.text_colour = t.text;
    e.font_px = TextPx();
    e.bold = true;
    e.align = Align::kLeft;
    e.id = id;
    s->elements.push_back(e);
  };
  const int cx = width_px_ - Px(24) - Px(300);
  label("Alert volume", "settings.volume.label");
  AddButton(s, {cx, y, Px(80), row_h - gap}, "-", "settings.vol.down", true, Px(34));
  Element vol;
  vol.rect = {cx + Px(90), y, Px(120), row_h - gap};
  vol.text = std::to_string(settings_.volume_percent) + "%";
  vol.text_colour = t.text;
  vol.font_px = Px(30);
  vol.bold = true;
  vol.id = "settings.volume";
  s->elements.push_back(vol);
  AddButton(s, {cx + Px(220), y, Px(80), row_h - gap}, "+", "settings.vol.up", true, Px(34));
  y += row_h;
  auto toggle = [&](const std::string& text, bool on, const std::string& action, const char* on_text,
                    const char* off_text) {
    label(text, action + ".label");
    AddButton(s, {cx, y, Px(300), row_h - gap}, on ? on_text : off_text, action);
    if (on) s->elements.back().fill = t.accent;
    y += row_h;
  };
  toggle("Night mode", settings_.night, "settings.night", "NIGHT", "DAY");
  toggle("Low priority sound", settings_.mute_low, "settings.mute_low", "MUTED", "ON");
  toggle("Medium priority sound", settings_.mute_medium, "settings.mute_medium", "MUTED", "ON");
  label("High priority sound", "settings.high.label");
  Element high;
  high.rect = {cx, y, Px(300), Px(48)};
  if (cameras) {
    // ALWAYS ON moves left to make room for CAMERAS at the row's end.
    const int cam_w = Px(170);
    AddButton(s, {width_px_ - Px(24) - cam_w, y, cam_w, Px(kMinTargetDesignPx)}, "CAMERAS", "settings.cameras");
    high.rect = {width_px_ - Px(24) - cam_w - gap - Px(200), y + Px(8), Px(200), Px(48)};
  }
  high.fill = t.high;
  high.text = "ALWAYS ON";
  high.text_colour = t.high_text;
  high.font_px = TextPx();
  high.bold = true;
  high.id = "settings.high";
  s->elements.push_back(high);
  for (Element& e : s->elements) {
    if (e.id != "settings.high.label") continue;
    e.rect.y = high.rect.y;  // level with ALWAYS ON, and clear of it
    e.rect.h = high.rect.h;
    e.rect.w = std::min(e.rect.w, high.rect.x - gap - e.rect.x);
  }
}

}  // namespace anpr::hmi
