// HmiModel and the unit's cameras: the newest frame of each camera, which
// camera the Live screen shows, and the status bar's camera item ("CAM n/m"
// when the unit runs several). The per-camera failure tone is in SetStatus
// (model.cc), with the other items' tones.
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Upper;

void HmiModel::SetCameraFrame(const std::string& camera_id, std::shared_ptr<const cv::Mat> frame_bgr,
                              std::vector<LiveBox> boxes) {
  CameraFrame& f = live_frames_[camera_id];
  f.frame = std::move(frame_bgr);
  f.boxes = std::move(boxes);
  if (screen_ == Screen::kLive) dirty_ = true;
}

const CameraStatus* HmiModel::FindCamera(const std::string& id) const {
  for (const CameraStatus& c : status_.cameras)
    if (c.id == id) return &c;
  return nullptr;
}

std::vector<std::string> HmiModel::LiveCameraIds() const {
  std::vector<std::string> ids;
  for (const CameraStatus& c : status_.cameras) ids.push_back(c.id);
  // A camera that sends frames before (or without) being reported is shown too.
  for (const auto& [id, frame] : live_frames_)
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  if (ids.size() <= 1) return {ids.empty() ? std::string() : ids.front()};
  return ids;
}

std::string HmiModel::live_camera() const {
  const std::vector<std::string> ids = LiveCameraIds();
  if (std::find(ids.begin(), ids.end(), live_camera_) != ids.end()) return live_camera_;
  return ids.front();  // the first until the officer picks another (or the picked one goes)
}

HmiModel::StatusLine HmiModel::CameraStatusLine() const {
  const UnitStatus& u = status_;
  if (u.cameras.size() <= 1) return {"status.camera", u.camera_ok, u.camera_text, "CAM", "Camera: " + u.camera_text};
  size_t streaming = 0;
  std::string says = "Cameras:";
  for (size_t i = 0; i < u.cameras.size(); ++i) {
    const CameraStatus& c = u.cameras[i];
    streaming += c.ok ? 1 : 0;
    says += (i ? ", " : " ") + Upper(c.id) + " " + (c.ok ? std::string("streaming") : c.state);
  }
  const std::string n_of_m = "CAM " + std::to_string(streaming) + "/" + std::to_string(u.cameras.size());
  return {"status.camera", u.camera_ok && streaming == u.cameras.size(), n_of_m, n_of_m, says};
}

}  // namespace anpr::hmi
