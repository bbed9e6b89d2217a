// The unit with several cameras (issue 16), in-process from its parts: each
// camera's frames go through the shared recognition pool, reads carry the
// camera that made them, one vehicle seen by the front and the rear camera
// alerts once, and a camera whose cable is pulled leaves the others reading
// while the unit shows it failed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "capture/camera.h"
#include "capture/synth.h"
#include "tests/capture/scripted_v4l2_device.h"
#include "tests/integration/unit_replay_support.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/app/unit.h"
#include "vehicle/store/store.h"

namespace anpr::unit {
namespace {

using testing::DriveSource;
using testing::kReplayFps;
using testing::kReplayHeightPx;
using testing::kReplayWidthPx;
using testing::LogFixSource;
using testing::ReplayConfig;
using testing::ReplayDrive;
using testing::ReplayOptions;
using UnitCamerasTest = testing::ReplayTest;

// The replay's unit with a front and a rear camera, both synthetic at the
// replay's size and rate, recognised by two threads.
UnitConfig TwoCameraConfig(const sync::testing::TempDir& dir, int queue_frames) {
  UnitConfig config = ReplayConfig(dir, queue_frames);
  config.recognition_threads = 2;
  CameraConfig front;
  front.id = "front";
  front.source = "synthetic";
  front.width_px = kReplayWidthPx;
  front.height_px = kReplayHeightPx;
  front.fps = int(kReplayFps);
  CameraConfig rear = front;
  rear.id = "rear";
  config.cameras = {front, rear};
  config.camera_id = front.id;
  return config;
}

struct StoredRead {
  std::string vrm, camera;
};

// Every read in the unit's store (it is closed when the unit is gone).
std::vector<StoredRead> StoredReads(const std::string& data_dir, size_t* hits) {
  StoreOptions so;
  so.path = data_dir + "/anpr.db";
  auto store = Store::Open(so);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  std::vector<StoredRead> out;
  auto reads = (*store)->UnsyncedReads(100000);
  EXPECT_TRUE(reads.ok());
  if (reads.ok()) {
    for (const Read& r : *reads) out.push_back({r.vrm, r.camera_id});
  }
  auto h = (*store)->UnsyncedHits(100000);
  EXPECT_TRUE(h.ok());
  *hits = h.ok() ? h->size() : 0;
  return out;
}

// The high-priority WR61 KXT passes the front camera, then the rear one
// 4 s later: one alert, both reads stored with their camera.
TEST_F(UnitCamerasTest, OneVehicleSeenByFrontAndRearGivesOneAlertAndTwoReads) {
  synth::DriveBy front = ReplayDrive(1, {{"GF20 MHU", synth::PlateStyle::kUkFront, false},
                                         {"WR61 KXT", synth::PlateStyle::kUkFront, false}});
  synth::DriveBy rear = ReplayDrive(2, {{"WR61 KXT", synth::PlateStyle::kUkRear, false}});
  UnitConfig config = TwoCameraConfig(dir_, front.frame_count() + rear.frame_count() + 1);
  UnitOptions options = ReplayOptions(120'000);
  UnitParts parts = LogParts();
  parts.frames_by_camera["front"] = std::make_unique<DriveSource>(front, drive_start_utc_ms_);
  parts.frames_by_camera["rear"] = std::make_unique<DriveSource>(rear, drive_start_utc_ms_ + 4000);
  {
    auto unit = Unit::CreateFromParts(config, options, std::move(parts));
    ASSERT_TRUE(unit.ok()) << unit.status().ToString();
    ASSERT_TRUE((*unit)->Run().ok());
    const UnitSummary s = (*unit)->Summary();
    EXPECT_EQ(s.alerts, 1u) << s.ToJson();
    EXPECT_EQ(s.hits_high, 1u) << s.ToJson();
    ASSERT_EQ(s.cameras.size(), 2u);
    EXPECT_EQ(s.cameras[0].id, "front");
    EXPECT_EQ(s.cameras[1].id, "rear");
    EXPECT_EQ(s.cameras[0].alerts + s.cameras[1].alerts, 1u) << s.ToJson();
    for (const CameraSummary& c : s.cameras) {
      EXPECT_EQ(c.frames_processed, c.frames_in) << c.id << ": nothing dropped with queues this deep";
      EXPECT_GE(c.reads, 1u) << c.id;
    }
    EXPECT_EQ(s.cameras[0].frames_in, uint64_t(front.frame_count()));
    EXPECT_EQ(s.cameras[1].frames_in, uint64_t(rear.frame_count()));
  }
  size_t hits = 0;
  const std::vector<StoredRead> reads = StoredReads(config.data_dir, &hits);
  std::set<std::string> cameras_reading_it;
  for (const StoredRead& r : reads) {
    if (r.vrm == "WR61KXT") cameras_reading_it.insert(r.camera);
  }
  EXPECT_EQ(cameras_reading_it, (std::set<std::string>{"front", "rear"}));
  EXPECT_EQ(hits, 1u) << "the rear read is a sighting of the front's hit";
}

// The rear camera (the real V4L2 driver code over a scripted device) loses
// its cable after 3 frames and stays out; the front camera reads on and
// raises its hit; the rear camera is shown reconnecting, not streaming.
TEST_F(UnitCamerasTest, ASecondCameraUnpluggedLeavesTheFirstReading) {
  synth::DriveBy front = ReplayDrive(1, {{"GF20 MHU", synth::PlateStyle::kUkFront, false},
                                         {"WR61 KXT", synth::PlateStyle::kUkFront, false}});
  anpr::testing::ScriptedV4l2Device rear_device;
  rear_device.unplug_after = 3;
  rear_device.replug_after_opens = 0;  // never comes back
  CameraOptions co;
  co.device = rear_device.path;
  co.width_px = 640;
  co.height_px = 480;
  co.reconnect_initial_ms = 20;
  co.reconnect_max_ms = 40;
  UnitConfig config = TwoCameraConfig(dir_, front.frame_count() + 1);
  // Never at the end of its sources here: the rear camera may come back.
  UnitOptions options = ReplayOptions(25'000);
  UnitParts parts = LogParts();
  parts.frames_by_camera["front"] = std::make_unique<DriveSource>(front, drive_start_utc_ms_);
  parts.frames_by_camera["rear"] = std::make_unique<V4l2Camera>(rear_device, co);
  auto unit = Unit::CreateFromParts(config, options, std::move(parts));
  ASSERT_TRUE(unit.ok()) << unit.status().ToString();
  // Stop once the front camera's drive is read (and its last pass with it),
  // noting the rear camera's state as the unit shows it then.
  std::string rear_state_while_running;
  std::thread stopper([&] {
    for (int i = 0; i < 2000; ++i) {
      const UnitSummary s = (*unit)->Summary();
      rear_state_while_running = s.cameras.size() == 2 ? s.cameras[1].state : "";
      if (s.hits_high >= 1 && s.cameras.size() == 2 && s.cameras[0].frames_processed >= uint64_t(front.frame_count())) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    (*unit)->RequestStop();
  });
  ASSERT_TRUE((*unit)->Run().ok());
  stopper.join();
  const UnitSummary s = (*unit)->Summary();
  ASSERT_EQ(s.cameras.size(), 2u);
  EXPECT_EQ(s.cameras[0].frames_processed, uint64_t(front.frame_count())) << s.ToJson();
  EXPECT_EQ(s.hits_high, 1u) << s.ToJson();
  EXPECT_EQ(s.alerts, 1u) << s.ToJson();
  EXPECT_EQ(rear_state_while_running, "reconnecting");
  EXPECT_LE(s.cameras[1].frames_in, 3u) << s.ToJson();
  EXPECT_EQ(s.cameras[1].reads, 0u);
}

TEST_F(UnitCamerasTest, ASourceGivenForACameraNotConfiguredIsRefused) {
  UnitConfig config = TwoCameraConfig(dir_, 4);
  UnitOptions options;
  options.headless = true;
  UnitParts parts;
  parts.frames_by_camera["nearside"] = std::make_unique<DriveSource>(ReplayDrive(1, {}), drive_start_utc_ms_);
  parts.fixes = std::make_unique<LogFixSource>(fixes_);
  auto unit = Unit::CreateFromParts(config, options, std::move(parts));
  ASSERT_FALSE(unit.ok());
  EXPECT_NE(unit.status().message().find("nearside"), std::string::npos) << unit.status().ToString();
}

}  // namespace
}  // namespace anpr::unit
