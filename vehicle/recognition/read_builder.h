// From a tracker pass to a Read: how one vehicle pass (PassRead), the time
// of the frames it was seen in, the GPS tag and the unit's identity become
// the evidence record the store keeps and the depot receives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/tagging.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/records/read.h"

namespace anpr {

// Who made the read: fixed per camera and unit, except the officer, who is
// the one logged in when the read is made (empty when nobody is).
struct ReadIdentity {
  std::string camera_id;
  std::string unit_id;
  std::string officer_id;
};

// The evidence time of a pass: the last frame the plate was seen in, moved
// from the stream's monotonic clock onto UTC by `utc_minus_mono_ms` (the
// difference of the two stamps of a frame of the same stream).
int64_t PassCapturedAtUtcMs(const PassRead& pass, int64_t utc_minus_mono_ms);

// Builds the read of one pass: a fresh UUID, the recognition fields of
// `pass`, time, clock and position from `tag` (tag.captured_at_utc_ms is the
// read's capture time; see PassCapturedAtUtcMs), the identity, and the plate
// patch (JPEG quality 90) and overview (quality 80) as JPEG. Images that are
// empty stay empty. Thread-safe (no shared state).
Read BuildRead(const PassRead& pass, const FrameTag& tag, const ReadIdentity& identity);

// JPEG bytes of `image` at `quality` (0-100); empty for an empty image.
std::vector<uint8_t> EncodeJpeg(const cv::Mat& image, int quality);

// A wider view of the vehicle around a plate box in `frame`: about four
// plate widths across, clipped to the frame, scaled to at most 640 px wide.
// An owned copy, so the frame can be released; empty when the box lies
// outside the frame.
cv::Mat OverviewAround(const cv::Mat& frame, const cv::Rect& plate);

}  // namespace anpr
