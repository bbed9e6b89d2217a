// The synthetic drive-by (capture/synth.h) as a FrameSource, so the demo,
// benchmarks and tests run the whole unit with no camera.
#pragma once

#include <cstdint>
#include <memory>

#include "capture/frame_source.h"
#include "capture/synth.h"

namespace anpr {

// Frames of synth::DriveBy(seed, options), stamped with the wall clock as a
// camera would stamp them. realtime: paced at the drive's fps (a live camera);
// otherwise as fast as they are read. loop: starts again after the last
// frame (the demo); otherwise Read returns kNotFound at the end.
std::unique_ptr<FrameSource> MakeSyntheticDriveSource(uint64_t seed, synth::DriveByOptions options,
                                                      bool realtime, bool loop);

}  // namespace anpr
