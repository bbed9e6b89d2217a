#include "hmi/src/demo_cameras.h"

#include <utility>

namespace anpr::hmi::internal {

CameraStatus DemoCamera(const std::string& id, bool streaming, uint64_t frames_in, uint64_t frames_read) {
  CameraStatus c;
  c.id = id;
  c.ok = streaming;
  c.state = streaming ? "streaming" : "reconnecting";
  c.fps = streaming ? 15 : 0;
  c.frames_in = frames_in;
  c.frames_processed = frames_read;
  c.frames_dropped = frames_in - frames_read;
  return c;
}

void SetDemoCameras(std::vector<CameraStatus> cameras, UnitStatus* status) {
  status->camera_ok = true;
  for (const CameraStatus& c : cameras) status->camera_ok &= c.ok;
  status->camera_text = status->camera_ok ? "CAM 15fps" : "CAM LOST";
  status->cameras = std::move(cameras);
}

}  // namespace anpr::hmi::internal
