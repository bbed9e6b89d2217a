// The unit's status bar: the clock state follows the clock assessment
// (capture/tagging.h AssessClock) and the backlog counts reads not synced.
#include "vehicle/app/unit_status.h"

#include <gtest/gtest.h>

#include "tests/sync/sync_test_support.h"

namespace anpr::unit {
namespace {

std::unique_ptr<Store> OpenDb(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s.value()) : nullptr;
}

Read SomeRead(const std::string& vrm) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 90;
  r.char_confidence.assign(vrm.size(), 90.0f);
  r.syntax = "gb-current";
  r.captured_at_utc_ms = NowUtcMs();
  r.camera_id = "front";
  r.unit_id = "car-1";
  return r;
}

class UnitStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenDb(dir_.File("anpr.db"));
    ASSERT_TRUE(store_);
    in_.data_dir = dir_.path();
  }
  sync::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  UnitStatusInputs in_;
};

TEST_F(UnitStatusTest, FreeRunningClockIsNotOk) {
  in_.gps.state = GpsState::kNoGpsd;
  in_.kernel_clock_synchronised = false;
  const hmi::UnitStatus s = BuildUnitStatus(in_, store_.get());
  EXPECT_EQ(s.clock_source, ClockSource::kFreeRunning);
  EXPECT_FALSE(s.clock_ok);
}

TEST_F(UnitStatusTest, GpsOrNtpDisciplinedClockIsOk) {
  in_.gps.state = GpsState::kOk;
  in_.gps.gps_minus_system_ms = 120;
  in_.kernel_clock_synchronised = false;
  hmi::UnitStatus s = BuildUnitStatus(in_, store_.get());
  EXPECT_EQ(s.clock_source, ClockSource::kGps);
  EXPECT_TRUE(s.clock_ok);

  in_.gps.state = GpsState::kNoFix;
  in_.kernel_clock_synchronised = true;
  s = BuildUnitStatus(in_, store_.get());
  EXPECT_EQ(s.clock_source, ClockSource::kNtp);
  EXPECT_TRUE(s.clock_ok);
}

TEST_F(UnitStatusTest, GpsFarFromTheSystemClockWithNoNtpIsNotOk) {
  in_.gps.state = GpsState::kOk;
  in_.gps.gps_minus_system_ms = 90'000;  // the system clock is a minute and a half out
  in_.kernel_clock_synchronised = false;
  const hmi::UnitStatus s = BuildUnitStatus(in_, store_.get());
  EXPECT_EQ(s.clock_source, ClockSource::kFreeRunning);
  EXPECT_FALSE(s.clock_ok);
}

// Issue 15: a disciplined source is not enough when the ClockWatch finds
// the clock off GPS time (or unsynchronised for 10 min with a fix): the
// clock item turns red (and the HMI sounds the failure tone).
TEST_F(UnitStatusTest, AnUnverifiedClockIsNotOkEvenWhenDisciplined) {
  in_.gps.state = GpsState::kOk;
  in_.gps.gps_minus_system_ms = 120;
  in_.kernel_clock_synchronised = true;
  in_.clock_verdict = ClockVerdict{false, "system clock 2.0 s behind GPS time"};
  const hmi::UnitStatus s = BuildUnitStatus(in_, store_.get());
  EXPECT_NE(s.clock_source, ClockSource::kFreeRunning);
  EXPECT_FALSE(s.clock_ok);
}

TEST_F(UnitStatusTest, UnsyncedReadsAreTheStoresBacklog) {
  EXPECT_EQ(BuildUnitStatus(in_, store_.get()).unsynced_reads, 0);
  const Read a = SomeRead("AB12CDE"), b = SomeRead("XY51ABC"), c = SomeRead("LK19BPN");
  ASSERT_TRUE(store_->CommitRead(a).ok());
  ASSERT_TRUE(store_->CommitRead(b).ok());
  ASSERT_TRUE(store_->CommitRead(c).ok());
  ASSERT_TRUE(store_->MarkReadsSynced({b.uuid}, NowUtcMs()).ok());
  EXPECT_EQ(BuildUnitStatus(in_, store_.get()).unsynced_reads, 2);
}

// A read the depot refused for its content is held on board: counted apart
// from the backlog, so the status bar can say so.
TEST_F(UnitStatusTest, RecordsTheDepotRefusedAreCountedApart) {
  const Read a = SomeRead("AB12CDE"), b = SomeRead("XY51ABC");
  ASSERT_TRUE(store_->CommitRead(a).ok());
  ASSERT_TRUE(store_->CommitRead(b).ok());
  EXPECT_EQ(BuildUnitStatus(in_, store_.get()).quarantined_records, 0);
  ASSERT_TRUE(store_->QuarantineForSync(SyncRecord::kRead, a.uuid, "HTTP 400: test refusal").ok());
  const hmi::UnitStatus st = BuildUnitStatus(in_, store_.get());
  EXPECT_EQ(st.quarantined_records, 1);
  EXPECT_EQ(st.unsynced_reads, 1);
}

}  // namespace
// Issue 16: with several cameras the item counts those streaming ("CAM 1/2")
// and turns to a fault when one is not; each camera's figures go along.
TEST_F(UnitStatusTest, SeveralCamerasAreCountedAndOneFailedTurnsTheItemRed) {
  CameraInputs front;
  front.id = "front";
  front.health.state = SourceState::kStreaming;
  front.health.frames_delivered = 900;
  front.frames_processed = 880;
  front.frames_dropped = 20;
  CameraInputs rear = front;
  rear.id = "rear";
  in_.cameras = {front, rear};
  hmi::UnitStatus s = BuildUnitStatus(in_, store_.get());
  EXPECT_TRUE(s.camera_ok);
  EXPECT_EQ(s.camera_text, "CAM 2/2");
  ASSERT_EQ(s.cameras.size(), 2u);
  EXPECT_EQ(s.cameras[1].id, "rear");
  EXPECT_EQ(s.cameras[1].frames_dropped, 20u);

  in_.cameras[1].health.state = SourceState::kReconnecting;
  s = BuildUnitStatus(in_, store_.get());
  EXPECT_FALSE(s.camera_ok);
  EXPECT_EQ(s.camera_text, "CAM 1/2");
  EXPECT_FALSE(s.cameras[1].ok);
  EXPECT_EQ(s.cameras[1].state, "reconnecting");

  // One camera reads as before.
  in_.cameras = {in_.cameras[1]};
  s = BuildUnitStatus(in_, store_.get());
  EXPECT_FALSE(s.camera_ok);
  EXPECT_EQ(s.camera_text, "CAM reconnecting");
}

}  // namespace anpr::unit
