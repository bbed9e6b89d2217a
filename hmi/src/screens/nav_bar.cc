// The nav bar at the bottom of the stationary screens (LIVE, READS, HITS,
// CHECK, SETTINGS, LOCK); the current screen's button is marked.
#include "hmi/model.h"

#include <algorithm>
#include <vector>

#include "hmi/src/model_internal.h"

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
  // Each as wide as its label needs, the rest shared out evenly.
  const int gap = Px(6), n = static_cast<int>(items.size());
  std::vector<int> w;
  int total = 0;
  for (const auto& item : items)
    total += w.emplace_back(internal::EstimateTextWidthPx(item.first, TextPx(), true) + Px(16));
  const int spare = std::max(0, width_px_ - gap * (n + 1) - total) / n;
  int x = gap;
  for (int i = 0; i < n; ++i) {
    const auto& [label, action] = items[static_cast<size_t>(i)];
    const int bw = i + 1 == n ? width_px_ - gap - x : w[static_cast<size_t>(i)] + spare;
    AddButton(s, {x, y + gap, bw, h - 2 * gap}, label, action);
    Screen cur;
    if (ParseScreen(action.substr(4), &cur) && cur == screen_) {
      s->elements.back().fill = t.accent;
      s->elements.back().border = t.text;
      s->elements.back().border_px = Px(2);
    }
    x += bw + gap;
  }
}

}  // namespace anpr::hmi
