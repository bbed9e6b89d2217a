// Helpers shared by the store suites: a fresh folder per test (TempDir, from
// tests/common) and reads that look like the recogniser's (two JPEG-sized
// images).
#pragma once

#include <string>

#include "tests/common/temp_dir.h"
#include "vehicle/records/read.h"

namespace anpr::testing {

inline Read MakeRead(const std::string& vrm, int64_t captured_at_utc_ms, size_t jpeg_bytes = 2000) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 91.5;
  r.char_confidence.assign(vrm.size(), 90.0f);
  r.candidates = {{vrm + "X", 40.0}};
  r.syntax = "gb-current";
  r.captured_at_utc_ms = captured_at_utc_ms;
  r.clock_source = ClockSource::kGps;
  r.clock_offset_ms = 3;
  r.camera_id = "front";
  r.unit_id = "car-7";
  r.officer_id = "4711";
  r.position.mode = FixMode::k3D;
  r.position.lat_deg = 51.5;
  r.position.lon_deg = -0.12;
  r.position.speed_mps = 13.4;
  r.position.fix_age_ms = 120;
  r.plate_jpeg.assign(jpeg_bytes, 0xAB);
  r.plate_jpeg[0] = 0xFF;
  r.plate_jpeg[1] = 0xD8;
  r.overview_jpeg.assign(jpeg_bytes, 0xCD);
  return r;
}

}  // namespace anpr::testing
