#include "vehicle/recognition/read_builder.h"

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace anpr {

int64_t PassCapturedAtUtcMs(const PassRead& pass, int64_t utc_minus_mono_ms) {
  return pass.last_seen_ms + utc_minus_mono_ms;
}

Read BuildRead(const PassRead& pass, const FrameTag& tag, const ReadIdentity& identity) {
  Read read;
  read.uuid = NewUuid();
  read.vrm = pass.vrm;
  read.confidence = pass.confidence;
  read.char_confidence = pass.char_confidence;
  read.candidates = pass.candidates;
  read.syntax = pass.syntax;
  read.captured_at_utc_ms = tag.captured_at_utc_ms;
  read.clock_source = tag.clock.source;
  read.clock_offset_ms = tag.clock.gps_minus_system_ms.value_or(0);
  read.clock_unverified = !tag.clock.verified;
  read.position.mode = tag.position.mode;
  read.position.lat_deg = tag.position.lat_deg;
  read.position.lon_deg = tag.position.lon_deg;
  read.position.speed_mps = tag.position.speed_mps;
  read.position.heading_deg = tag.position.track_deg;
  read.position.fix_age_ms = tag.position.fix_age_ms;
  read.camera_id = identity.camera_id;
  read.unit_id = identity.unit_id;
  read.officer_id = identity.officer_id;
  read.plate_jpeg = EncodeJpeg(pass.patch, 90);
  read.overview_jpeg = EncodeJpeg(pass.overview, 80);
  return read;
}

std::vector<uint8_t> EncodeJpeg(const cv::Mat& image, int quality) {
  std::vector<uint8_t> out;
  if (image.empty()) return out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

cv::Mat OverviewAround(const cv::Mat& frame, const cv::Rect& plate) {
  const int w = std::max(plate.width * 4, frame.cols / 3);
  const int h = std::max(plate.height * 6, w * 9 / 16);
  cv::Rect r(plate.x + plate.width / 2 - w / 2, plate.y + plate.height / 2 - h * 2 / 3, w, h);
  r &= cv::Rect(0, 0, frame.cols, frame.rows);
  if (r.area() <= 0) return {};
  cv::Mat crop = frame(r);
  if (crop.cols > 640) {
    cv::Mat small;
    cv::resize(crop, small, cv::Size(640, crop.rows * 640 / crop.cols), 0, 0, cv::INTER_AREA);
    return small;
  }
  return crop.clone();
}

}  // namespace anpr
