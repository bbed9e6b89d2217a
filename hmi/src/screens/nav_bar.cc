// The nav bar at the bottom of the stationary screens (LIVE, READS, CHECK,
// SETTINGS, LOCK); the current screen's button is marked.
#include "hmi/model.h"

namespace anpr::hmi {

void HmiModel::BuildNavBar(Scene* s) const {
  const Theme& t = theme();
  const int h = NavBarHeight(), y = height_px_ - h;
  Element bar;
  bar.rect = {0, y, width_px_, h};
  bar.fill = t.panel;
  s->elements.push_back(bar);
  const std::vector<std::pair<std::string, std::string>> items = {
      {"LIVE", "nav.live"}, {"READS", "nav.reads"}, {"CHECK", "nav.check"},
      {"SETTINGS", "nav.settings"}, {"LOCK", "nav.lock"}};
  const int gap = Px(6);
  const int w = (width_px_ - gap * (static_cast<int>(items.size()) + 1)) / static_cast<int>(items.size());
  int x = gap;
  for (const auto& [label, action] : items) {
    AddButton(s, {x, y + gap, w, h - 2 * gap}, label, action);
    Screen cur;
    if (ParseScreen(action.substr(4), &cur) && cur == screen_) {
      s->elements.back().fill = t.accent;
      s->elements.back().border = t.text;
      s->elements.back().border_px = Px(2);
    }
    x += w + gap;
  }
}

}  // namespace anpr::hmi
