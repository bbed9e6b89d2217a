// The Live screen's camera switch, for a unit with several cameras: one
// button per camera, named by its id in capitals, in configuration order.
// The camera shown is marked like the current screen in the nav bar; a
// camera that is not streaming is red with a cross, so a lost camera shows
// even while another is on screen.
#include "hmi/model.h"

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Upper;

void HmiModel::AddCameraSwitch(Scene* s, const Rect& area) const {
  const Theme& t = theme();
  const std::vector<std::string> ids = LiveCameraIds();
  const std::string shown = live_camera();
  std::vector<std::string> labels;
  for (const std::string& id : ids) {
    const CameraStatus* c = FindCamera(id);
    labels.push_back((c && !c->ok ? "\u2716 " : "") + Upper(id));
  }
  const std::vector<Rect> at = RowOfButtons(labels, area, Px(8));
  for (size_t i = 0; i < at.size(); ++i) {
    AddButton(s, at[i], labels[i], "live.camera." + ids[i]);
    Element& b = s->elements.back();
    if (b.pressed) continue;  // the finger's highlight first
    const CameraStatus* c = FindCamera(ids[i]);
    if (c && !c->ok) b.fill = t.fault;
    if (ids[i] == shown) {
      if (c == nullptr || c->ok) b.fill = t.accent;
      b.border = t.text;
      b.border_px = Px(3);
    }
  }
}

}  // namespace anpr::hmi
