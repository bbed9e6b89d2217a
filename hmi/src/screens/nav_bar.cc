// The nav bar at the bottom of the stationary screens (LIVE, READS, HITS,
// CHECK, SETTINGS, LOCK); the current screen's button is marked.
#include "hmi/model.h"

#include <vector>

namespace anpr::hmi {

void HmiModel::BuildNavBar(Scene* s) const {
  const Theme& t = theme();
  const int h = NavBarHeight(), y = height_px_ - h;
  Element bar;
  bar.rect = {0, y, width_px_, h};
  bar.fill = t.panel;
  s->elements.push_back(bar);
  const std::vector<std::pair<std::string, std::string>> items = {
      {"LIVE", "nav.live"}, {"READS", "nav.reads"}, {"HITS", "nav.shift"}, {"CHECK", "nav.check"},
      {"SETTINGS", "nav.settings"}, {"LOCK", "nav.lock"}};
  const int gap = Px(4);
  std::vector<std::string> labels;
  for (const auto& item : items) labels.push_back(item.first);
  const std::vector<Rect> at = RowOfButtons(labels, {gap, y + gap, width_px_ - 2 * gap, h - 2 * gap}, gap);
  for (size_t i = 0; i < at.size(); ++i) {
    const std::string& action = items[i].second;
    AddButton(s, at[i], labels[i], action);
    Screen cur;
    if (ParseScreen(action.substr(4), &cur) && cur == screen_) {
      s->elements.back().fill = t.accent;
      s->elements.back().border = t.text;
      s->elements.back().border_px = Px(2);
    }
  }
}

}  // namespace anpr::hmi
