// The depot's SQLite file encrypted at rest: no plate, image, hotlist or
// audit text in any file of its folder, and a missing or wrong key refused
// without touching a byte. (The whole depot contract also runs encrypted:
// depot_store_test's sqlite_encrypted backend.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "sync/console_store.h"
#include "sync/depot_store.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/records/store_key.h"

namespace anpr::sync {
namespace {

std::map<std::string, std::vector<unsigned char>> FilesUnder(const std::string& dir) {
  std::map<std::string, std::vector<unsigned char>> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    out[e.path().string()] = {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  return out;
}

bool Contains(const std::vector<unsigned char>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

std::unique_ptr<DepotStore> OpenOrDie(const std::string& path, const std::optional<StoreKey>& key) {
  auto s = OpenSqliteDepotStore(path, key);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  EXPECT_TRUE((*s)->Migrate().ok());
  return std::move(s).value();
}

TEST(DepotEncryption, NoFileOfTheDepotHoldsAPlateAnImageAHotlistOrAnAuditLine) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("depot"));
  const std::string path = dir.File("depot/depot.db");
  const StoreKey key = NewStoreKey().value();
  std::vector<Read> reads;
  std::vector<std::string> secrets = {"WANTED9X", "STOLENVEHICLEREASON", "FIREARMSMARKER", "AUDITDETAILSECRET"};
  for (int i = 0; i < 3; ++i) {
    Read r = testing::MakeRead("car-1", i, 20'000);
    r.vrm = "QX5" + std::to_string(i) + "ZVR";
    const std::string tag = "IMAGEPATTERN-" + r.vrm + "-";
    for (size_t k = 4; k < r.plate_jpeg.size(); ++k) r.plate_jpeg[k] = static_cast<uint8_t>(tag[k % tag.size()]);
    secrets.push_back(r.vrm);
    secrets.push_back(tag + tag.substr(0, 3));
    reads.push_back(r);
  }
  auto depot = OpenOrDie(path, key);
  ASSERT_NE(depot, nullptr);
  ASSERT_TRUE(depot->IngestReads("car-1", reads).ok());
  WireHotlistEntry wanted;
  wanted.vrm = "WANTED9X";
  wanted.reason = "STOLENVEHICLEREASON";
  wanted.warning_markers = "FIREARMSMARKER";
  ASSERT_TRUE(depot->PublishHotlist("pnc", {wanted}, "admin").ok());
  WireAuditEntry audit = testing::MakeAudit("car-1", 1);
  audit.detail = "AUDITDETAILSECRET";
  ASSERT_TRUE(depot->IngestAudit("car-1", {audit}).ok());
  SearchQuery q;
  q.vrm = reads[1].vrm;
  q.reason = "test";
  q.investigator = "inv";
  q.with_images = true;
  auto found = depot->SearchReads(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].plate_jpeg, reads[1].plate_jpeg);

  auto check = [&](const char* when) {
    for (const auto& [name, bytes] : FilesUnder(dir.File("depot"))) {
      for (const auto& secret : secrets) EXPECT_FALSE(Contains(bytes, secret)) << when << ": " << name << " holds " << secret;
    }
  };
  check("depot open");
  depot.reset();
  check("depot closed");

  // A wrong or missing key is refused and leaves every byte as it was.
  const auto before = FilesUnder(dir.File("depot"));
  auto wrong = OpenSqliteDepotStore(path, NewStoreKey().value());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.status().message().find("does not decrypt"), std::string::npos) << wrong.status().ToString();
  auto none = OpenSqliteDepotStore(path);
  EXPECT_EQ(none.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(FilesUnder(dir.File("depot")), before);

  depot = OpenOrDie(path, key);
  ASSERT_NE(depot, nullptr);
  EXPECT_EQ(depot->Counts()->reads, 3);
}

// The console's tables (heartbeats, users) live in the same file: they are
// encrypted with the same key, and the file is refused to the console
// without it.
TEST(DepotEncryption, TheConsolesHeartbeatsAndUsersAreEncryptedInTheSameFile) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("depot"));
  const std::string path = dir.File("depot/depot.db");
  const StoreKey key = NewStoreKey().value();
  auto depot = OpenOrDie(path, key);
  ASSERT_NE(depot, nullptr);
  auto console = ConsoleStore::Open("sqlite:" + path, ConsoleStore::kHeartbeatHistory, &key);
  ASSERT_TRUE(console.ok()) << console.status().ToString();
  ASSERT_TRUE((*console)->Migrate().ok());
  Heartbeat hb;
  hb.unit_id = "car-1";
  hb.sent_at_utc_ms = 1'700'000'000'000;
  hb.software_version = "VERSIONSECRET-9";
  hb.last_fault = "FAULTSECRETTEXT";
  ASSERT_TRUE((*console)->RecordHeartbeat(hb, hb.sent_at_utc_ms).ok());
  ASSERT_TRUE((*console)->AddUser("investigatorsecret", ConsoleRole::kInvestigator, "a long password 1").ok());
  auto latest = (*console)->LatestHeartbeats();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 1u);
  console->reset();
  depot.reset();
  for (const auto& [name, bytes] : FilesUnder(dir.File("depot")))
    for (const std::string secret : {"VERSIONSECRET-9", "FAULTSECRETTEXT", "investigatorsecret"})
      EXPECT_FALSE(Contains(bytes, secret)) << name << " holds " << secret;

  const auto before = FilesUnder(dir.File("depot"));
  auto none = ConsoleStore::Open("sqlite:" + path);
  EXPECT_EQ(none.status().code(), StatusCode::kUnauthenticated) << none.status().ToString();
  EXPECT_EQ(FilesUnder(dir.File("depot")), before);
}

}  // namespace
}  // namespace anpr::sync
