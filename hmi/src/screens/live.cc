// The Live screen: the camera picture with plate boxes, and the latest
// reads beside it. A unit with several cameras shows one at a time, named on
// the picture, with a button per camera under it (screens/camera_switch.cc).
#include "hmi/model.h"

#include <algorithm>
#include <cstdio>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::LocalTime;
using internal::Spaced;
using internal::Upper;

void HmiModel::BuildLive(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8);
  const std::vector<std::string> ids = LiveCameraIds();
  const bool several = ids.size() > 1;
  const std::string shown_id = live_camera();
  const int switch_h = several ? Px(kMinTargetDesignPx) + gap : 0;
  const Rect cam{gap, c.y + gap, (c.w * 2) / 3, c.h - 2 * gap - switch_h};
  // The shown camera's frame; "" stands for the only or the first camera.
  const CameraFrame* shown = nullptr;
  if (auto it = live_frames_.find(shown_id); it != live_frames_.end()) shown = &it->second;
  if (!shown && shown_id == ids.front())
    if (auto it = live_frames_.find(""); it != live_frames_.end()) shown = &it->second;
  const std::shared_ptr<const cv::Mat> live_frame = shown ? shown->frame : nullptr;
  static const std::vector<LiveBox> kNoBoxes;
  const std::vector<LiveBox>& live_boxes = shown ? shown->boxes : kNoBoxes;
  Element panel;
  panel.rect = cam;
  panel.fill = {0, 0, 0, 255};
  panel.id = "live.camera";
  if (!live_frame || live_frame->empty()) {
    panel.text = "No camera picture";
    panel.text_colour = {255, 255, 255, 255};
    panel.font_px = TextPx();
    s->elements.push_back(panel);
  } else {
    s->elements.push_back(panel);
    // Fit the frame, keeping its aspect, so the boxes can be placed on it.
    const double scale = std::min(double(cam.w) / live_frame->cols, double(cam.h) / live_frame->rows);
    const int iw = int(live_frame->cols * scale), ih = int(live_frame->rows * scale);
    const Rect img{cam.x + (cam.w - iw) / 2, cam.y + (cam.h - ih) / 2, iw, ih};
    Element im;
    im.rect = img;
    im.image = live_frame;
    im.id = "live.frame";
    s->elements.push_back(im);
    for (const LiveBox& b : live_boxes) {
      Element box;
      box.rect = {img.x + int(b.box.x * scale), img.y + int(b.box.y * scale), std::max(2, int(b.box.w * scale)),
                  std::max(2, int(b.box.h * scale))};
      box.border = {0, 230, 0, 255};
      box.border_px = Px(3);
      box.clip = img;
      box.id = "live.box";
      s->elements.push_back(box);
      if (!b.vrm.empty()) {
        Element label;
        label.rect = {box.rect.x, box.rect.y - Px(38), std::max(box.rect.w, Px(150)), Px(36)};
        label.fill = {0, 0, 0, 200};
        label.text = Spaced(b.vrm);
        label.text_colour = {0, 255, 0, 255};
        label.font_px = TextPx();
        label.bold = true;
        label.mono = true;
        label.clip = img;
        s->elements.push_back(label);
      }
    }
  }
  const CameraStatus* shown_status = several ? FindCamera(shown_id) : nullptr;
  const bool lost_now = several ? shown_status && !shown_status->ok : have_status_ && !status_.camera_ok;
  if (lost_now) {
    Element lost;  // an old picture must not pass for a live one
    lost.rect = {cam.x, cam.y + cam.h / 2 - Px(40), cam.w, Px(80)};
    lost.fill = {t.fault.r, t.fault.g, t.fault.b, 230};
    lost.text = "\u2716 " + (several ? Upper(shown_id) + " " + Upper(shown_status->state) : status_.camera_text);
    lost.text_colour = {255, 255, 255, 255};
    lost.font_px = Px(34);
    lost.bold = true;
    lost.id = "live.camera_lost";
    s->elements.push_back(lost);
  }
  if (several) {
    // Which camera this is, on the picture itself.
    Element name;
    name.text = Upper(shown_id);
    name.font_px = TextPx();
    name.bold = true;
    name.rect = {cam.x, cam.y, internal::EstimateTextWidthPx(name.text, name.font_px, true) + Px(20), Px(40)};
    name.fill = {0, 0, 0, 255};
    name.text_colour = {255, 255, 255, 255};
    name.id = "live.camera.name";
    s->elements.push_back(name);
    AddCameraSwitch(s, {cam.x, cam.y + cam.h + gap, cam.w, Px(kMinTargetDesignPx)});
  }
  // Latest reads, newest first.
  const int rx = cam.x + cam.w + gap, rw = c.w - rx - gap;
  Element head;
  head.rect = {rx, c.y + gap, rw, Px(36)};
  head.text = "LATEST READS";
  head.text_colour = t.muted_text;
  head.font_px = TextPx();
  head.bold = true;
  s->elements.push_back(head);
  int y = c.y + gap + Px(40);
  const int row_h = Px(84);
  for (auto it = reads_.rbegin(); it != reads_.rend() && y + row_h <= c.y + c.h; ++it) {
    AddPlateText(s, {rx, y, rw, Px(44)}, it->vrm, Px(34), "live.read");
    Element when;
    when.rect = {rx, y + Px(44), rw, Px(36)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "  %.0f%%", it->confidence);
    when.text = LocalTime(it->captured_at_utc_ms, true) + conf;
    when.text_colour = t.muted_text;
    when.font_px = TextPx();
    s->elements.push_back(when);
    y += row_h;
  }
  if (reads_.empty()) {
    Element none;
    none.rect = {rx, y, rw, Px(36)};
    none.text = "No reads yet";
    none.text_colour = t.muted_text;
    none.font_px = TextPx();
    s->elements.push_back(none);
  }
}

}  // namespace anpr::hmi
