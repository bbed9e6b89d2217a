// The cameras of a demo unit as the status bar gets them: what the demo's
// screens (demo.cc) and the HMI tests build their several-camera units from.
// Not a public header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hmi/actions.h"

namespace anpr::hmi::internal {

// Camera `id` streaming at 15 fps, or reconnecting with nothing coming; of
// its `frames_in` frames, `frames_read` were recognised and the rest dropped
// (frames_read <= frames_in).
CameraStatus DemoCamera(const std::string& id, bool streaming, uint64_t frames_in, uint64_t frames_read);

// Puts `cameras` on `*status`, with the camera item at fault unless every
// one streams, and the text a one-camera unit shows for it ("CAM 15fps" or
// "CAM LOST"). The other items of `*status` are left as they are.
void SetDemoCameras(std::vector<CameraStatus> cameras, UnitStatus* status);

}  // namespace anpr::hmi::internal
