// The unit's own retention purge (at start, then hourly) follows the rule of
// vehicle/store/retention.h: with retention.synced_image_days = 0 the images
// of synced reads stay until the cap, and a synced read inside the cap keeps
// its images for the configured days.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::unique_ptr<Store> OpenDb(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s.value()) : nullptr;
}

// A synced read with both images, captured `age_ms` ago.
std::string AddSyncedRead(Store* store, int64_t age_ms) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = "AB12CDE";
  r.confidence = 90;
  r.char_confidence.assign(7, 90.0f);
  r.syntax = "gb-current";
  r.captured_at_utc_ms = NowUtcMs() - age_ms;
  r.camera_id = "front";
  r.unit_id = "car-1";
  r.plate_jpeg.assign(500, 0xAB);
  r.overview_jpeg.assign(500, 0xCD);
  EXPECT_TRUE(store->CommitRead(r).ok());
  EXPECT_TRUE(store->MarkReadsSynced({r.uuid}, NowUtcMs()).ok());
  return r.uuid;
}

bool HasImages(Store* store, const std::string& uuid) {
  auto r = store->GetRead(uuid, true);
  return r.ok() && r->has_value() && !(*r)->plate_jpeg.empty() && !(*r)->overview_jpeg.empty();
}

void RunUnitWithSyncedImageDays(const sync::testing::TempDir& dir, int synced_image_days) {
  std::ofstream(dir.File("unit.toml")) << "[unit]\ndata_dir = \"" << dir.File("data") << "\"\n"
                                       << "[camera]\nsource = \"synthetic\"\nwidth = 320\nheight = 240\nfps = 2\n"
                                       << "[gps]\ngpsd = \"127.0.0.1:" << sync::testing::FreePort() << "\"\n"
                                       << "[retention]\nsynced_image_days = " << synced_image_days << "\n"
                                       << "[hmi]\nenabled = false\n";
  auto r = testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) +
                               "/vehicle/app/anpr-vehicle --config " + dir.File("unit.toml") + " --duration 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

TEST(VehicleRetention, ZeroSyncedImageDaysKeepsSyncedImagesUntilTheCap) {
  sync::testing::TempDir dir;
  std::filesystem::create_directories(dir.File("data"));
  std::string uuid;
  {
    auto store = OpenDb(dir.File("data/anpr.db"));
    ASSERT_TRUE(store);
    uuid = AddSyncedRead(store.get(), 2 * kDayMs);
  }
  RunUnitWithSyncedImageDays(dir, 0);
  auto store = OpenDb(dir.File("data/anpr.db"));
  ASSERT_TRUE(store);
  EXPECT_TRUE(HasImages(store.get(), uuid)) << "synced_image_days = 0 keeps images until the cap";
}

TEST(VehicleRetention, SyncedImagesGoAfterTheConfiguredDays) {
  sync::testing::TempDir dir;
  std::filesystem::create_directories(dir.File("data"));
  std::string recent, old;
  {
    auto store = OpenDb(dir.File("data/anpr.db"));
    ASSERT_TRUE(store);
    recent = AddSyncedRead(store.get(), 2 * kDayMs);
    old = AddSyncedRead(store.get(), 10 * kDayMs);
  }
  RunUnitWithSyncedImageDays(dir, 5);
  auto store = OpenDb(dir.File("data/anpr.db"));
  ASSERT_TRUE(store);
  EXPECT_TRUE(HasImages(store.get(), recent));
  EXPECT_FALSE(HasImages(store.get(), old));
}

}  // namespace
}  // namespace anpr
