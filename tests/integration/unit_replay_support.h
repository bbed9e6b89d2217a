// Parts for running the unit in-process on recorded input (UnitParts): the
// demo's NMEA log parsed into fixes (no gpsd), a synthetic drive as a
// camera's frames stamped on the log's clock, and a still clock; and the
// replay's settings and fixture, shared by unit_replay_test.cc and
// unit_cameras_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "capture/frame_source.h"
#include "capture/gps.h"
#include "capture/synth.h"
#include "tests/common/temp_dir.h"
#include "vehicle/app/unit.h"

namespace anpr::unit::testing {

// --- NMEA (RMC + GGA, as hw/demo/make-demo-nmea.py writes them) ----------

inline double NmeaDegrees(const std::string& value, const std::string& hemisphere) {
  if (value.empty()) return GpsFix::kUnknown;
  const double v = std::stod(value);
  const double deg = std::floor(v / 100);
  const double out = deg + (v - deg * 100) / 60;
  return (hemisphere == "S" || hemisphere == "W") ? -out : out;
}

inline std::vector<std::string> Fields(const std::string& sentence) {
  std::vector<std::string> out;
  const std::string body = sentence.substr(0, sentence.find('*'));
  std::stringstream in(body);
  std::string f;
  while (std::getline(in, f, ',')) out.push_back(f);
  if (!body.empty() && body.back() == ',') out.emplace_back();
  return out;
}

// One fix per RMC sentence (time, position, speed, track); the GGA of the
// same time adds the fix quality and altitude.
inline std::vector<GpsFix> ParseNmea(const std::string& path) {
  std::ifstream in(path);
  std::vector<GpsFix> fixes;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> f = Fields(line);
    if (f.empty()) continue;
    if (f[0] == "$GPRMC" && f.size() >= 10) {
      std::tm t{};
      t.tm_hour = std::stoi(f[1].substr(0, 2));
      t.tm_min = std::stoi(f[1].substr(2, 2));
      t.tm_sec = std::stoi(f[1].substr(4, 2));
      t.tm_mday = std::stoi(f[9].substr(0, 2));
      t.tm_mon = std::stoi(f[9].substr(2, 2)) - 1;
      t.tm_year = 100 + std::stoi(f[9].substr(4, 2));
      const int64_t ms = int64_t{timegm(&t)} * 1000 + std::lround(std::stod(f[1].substr(6)) * 1000);
      GpsFix fix;
      fix.time_utc_ms = ms;
      fix.received_utc_ms = ms;
      fix.received_mono_ms = ms;
      if (f[2] == "A") {
        fix.mode = FixMode::k2D;
        fix.lat_deg = NmeaDegrees(f[3], f[4]);
        fix.lon_deg = NmeaDegrees(f[5], f[6]);
        fix.speed_mps = f[7].empty() ? GpsFix::kUnknown : std::stod(f[7]) * 0.514444;
        fix.track_deg = f[8].empty() ? GpsFix::kUnknown : std::stod(f[8]);
      }
      fixes.push_back(fix);
    } else if (f[0] == "$GPGGA" && f.size() >= 10 && !fixes.empty()) {
      if (std::stoi(f[6].empty() ? "0" : f[6]) > 0 && !f[9].empty()) {
        fixes.back().mode = FixMode::k3D;
        fixes.back().alt_msl_m = std::stod(f[9]);
      }
    }
  }
  return fixes;
}

// The whole log at once, with a fresh fix and a clock in step with GPS: what
// gpsd would report at any moment of the drive, without the waiting.
class LogFixSource : public FixSource {
 public:
  // gps_minus_system_ms: the clock offset gpsd's fixes show (0: in step).
  explicit LogFixSource(std::vector<GpsFix> fixes, int64_t gps_minus_system_ms = 0)
      : fixes_(std::move(fixes)), offset_ms_(gps_minus_system_ms) {}
  GpsStatus status() const override {
    GpsStatus s;
    s.state = GpsState::kOk;
    s.last_fix_age_ms = 0;
    s.gps_minus_system_ms = offset_ms_;
    s.fixes_received = static_cast<int64_t>(fixes_.size());
    return s;
  }
  std::optional<GpsFix> LastFix() const override {
    if (fixes_.empty()) return std::nullopt;
    return fixes_.back();
  }
  std::vector<GpsFix> History() const override { return fixes_; }

 private:
  const std::vector<GpsFix> fixes_;
  const int64_t offset_ms_;
};

// Frames of the demo drive stamped on the log's clock (start + t), as fast
// as they are read, ending after the last frame.
class DriveSource : public FrameSource {
 public:
  DriveSource(synth::DriveBy drive, int64_t start_utc_ms) : drive_(std::move(drive)), start_utc_ms_(start_utc_ms) {}
  Status Open() override {
    health_.state = SourceState::kStreaming;
    return Status::Ok();
  }
  Result<Frame> Read(int64_t) override {
    if (next_ >= drive_.frame_count()) {
      health_.state = SourceState::kEnded;
      return NotFound("end of the drive");
    }
    synth::DriveByFrame df = drive_.Frame(next_);
    Frame f;
    f.image = std::move(df.image);
    f.captured_at_mono_ms = df.t_ms;
    f.captured_at_utc_ms = start_utc_ms_ + df.t_ms;
    f.sequence = static_cast<uint64_t>(next_);
    ++next_;
    ++health_.frames_delivered;
    return f;
  }
  void Close() override {}
  SourceHealth health() const override { return health_; }
  std::string name() const override { return "demo drive"; }

 private:
  synth::DriveBy drive_;
  int64_t start_utc_ms_;
  int next_ = 0;
  SourceHealth health_;
};

// The clock the unit reads for anything but the evidence: fixed, so nothing
// compared depends on when the test runs.
class FixedClock : public UnitClock {
 public:
  explicit FixedClock(int64_t utc_ms) : utc_ms_(utc_ms) {}
  int64_t NowUtcMs() const override { return utc_ms_; }
  bool KernelSynchronised() const override { return false; }

 private:
  int64_t utc_ms_;
};

// --- the replay's settings ------------------------------------------------

// Small frames, few of them. The drive is parked for its first 20 s, so the
// frames start 30 s into the log, when the car moves and every read has a
// position of its own.
inline constexpr int kReplayWidthPx = 640;
inline constexpr int kReplayHeightPx = 360;
inline constexpr double kReplayFps = 5;
inline constexpr int64_t kDriveStartIntoLogMs = 30'000;
// Where the unit's still clock (FixedClock) stands: this long after the
// drive's start, when every pass of a replay is over.
inline constexpr int64_t kClockIntoDriveMs = 60'000;

// hw/demo of the checkout: the demo hotlist and GPS log.
inline std::string DemoDir() { return std::string(ANPR_SOURCE_DIR) + "/hw/demo"; }

// `plates` driven past at the replay's size and rate: 2 s a pass, 0.5 s
// between passes.
inline synth::DriveBy ReplayDrive(uint64_t seed, std::vector<synth::PlateSpec> plates) {
  synth::DriveByOptions d;
  d.width_px = kReplayWidthPx;
  d.height_px = kReplayHeightPx;
  d.fps = kReplayFps;
  d.plates = std::move(plates);
  d.pass_duration_s = 2.0;
  d.gap_s = 0.5;
  return synth::DriveBy(seed, d);
}

// The unit on `dir`: its store in data/, hotlists from lists/, no screen, its
// one camera at the replay's size and rate; `queue_frames` frames may wait for
// recognition (a replay that drops none gives more than the drive has).
inline UnitConfig ReplayConfig(const anpr::testing::TempDir& dir, int queue_frames) {
  UnitConfig config;
  config.data_dir = dir.File("data");
  config.hotlist_dir = dir.File("lists");
  config.hmi_enabled = false;
  config.camera_fps = static_cast<int>(kReplayFps);
  config.camera_width_px = kReplayWidthPx;
  config.camera_height_px = kReplayHeightPx;
  config.frame_queue_frames = queue_frames;
  return config;
}

// Headless, ending with its sources; `duration_ms` is a safety net that a
// replay ends long before.
inline UnitOptions ReplayOptions(int64_t duration_ms) {
  UnitOptions options;
  options.headless = true;
  options.stop_at_end_of_source = true;
  options.duration_ms = duration_ms;
  return options;
}

// A fresh folder with the demo hotlist in lists/ (as demo-local.csv), the
// demo log's fixes, and the drive's start on the log's clock.
class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("lists"));
    std::filesystem::copy_file(DemoDir() + "/demo-hotlist.csv", dir_.File("lists/demo-local.csv"));
    fixes_ = ParseNmea(DemoDir() + "/demo-drive.nmea");
    ASSERT_GT(fixes_.size(), 100u);
    ASSERT_TRUE(fixes_.front().time_utc_ms.has_value());
    drive_start_utc_ms_ = *fixes_.front().time_utc_ms + kDriveStartIntoLogMs;
  }

  // The log's fixes (gpsd's clock `gps_minus_system_ms` off the system's)
  // and the still clock; the frames are the test's.
  UnitParts LogParts(int64_t gps_minus_system_ms = 0) const {
    UnitParts parts;
    parts.fixes = std::make_unique<LogFixSource>(fixes_, gps_minus_system_ms);
    parts.clock = std::make_unique<FixedClock>(drive_start_utc_ms_ + kClockIntoDriveMs);
    return parts;
  }

  anpr::testing::TempDir dir_;
  std::vector<GpsFix> fixes_;
  int64_t drive_start_utc_ms_ = 0;
};

}  // namespace anpr::unit::testing
