// Heartbeats end to end: the car's sync client posts them to a real depot on
// loopback TLS, which keeps the newest per vehicle and a bounded history in
// a real SQLite file or PostgreSQL cluster.
#include <gtest/gtest.h>

#include <atomic>

#include "sync/client.h"
#include "sync/console_store.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/sqlite_outbox.h"
#include "sync/web_console.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeRead;
using testing::WaitFor;

Heartbeat Healthy(const std::string& unit) {
  Heartbeat hb;
  hb.unit_id = unit;
  hb.software_version = "1.2.3";
  hb.cameras = {{"front", "running"}};
  hb.gps_fix = "3d";
  hb.gps_fix_age_ms = 400;
  hb.clock_offset_ms = -12;
  hb.disk_used_bytes = 10'000'000'000;
  hb.disk_total_bytes = 64'000'000'000;
  return hb;
}

class HeartbeatTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeTestCertificate(dir_.path()));
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_.File("depot.db");
    } else {
      std::string why;
      auto* pg = testing::PostgresCluster::Shared(&why);
      if (!pg) GTEST_SKIP() << "PostgreSQL cannot start here: " << why;
      url_ = pg->NewDatabase();
    }
    auto s = OpenDepotStore(url_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    auto c = ConsoleStore::Open(url_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    console_ = std::move(*c);
    ASSERT_TRUE(console_->Migrate().ok());
    ASSERT_TRUE(console_->Migrate().ok()) << "migration must be idempotent";
    token_ = NewToken();
    ASSERT_TRUE(store_->AddCredential({"CAR1", Role::kVehicle}, TokenHash(token_)).ok());
    DepotServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_file = dir_.File("cert.pem");
    o.key_file = dir_.File("key.pem");
    server_ = std::make_unique<DepotServer>(store_.get(), o);
    server_->AttachConsole(console_.get(), WebConsoleOptions{});
    ASSERT_TRUE(server_->Start().ok());
    auto b = SqliteOutbox::Open(dir_.File("outbox.db"));
    ASSERT_TRUE(b.ok());
    box_ = std::move(*b);
  }

  SyncClientOptions Options(const std::string& token) {
    SyncClientOptions o;
    o.depot_url = "https://127.0.0.1:" + std::to_string(server_->port());
    o.token = token;
    o.ca_file = dir_.File("cert.pem");
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 10000;
    return o;
  }

  testing::TempDir dir_;
  std::string url_, token_;
  std::unique_ptr<DepotStore> store_;
  std::unique_ptr<ConsoleStore> console_;
  std::unique_ptr<DepotServer> server_;
  std::unique_ptr<SqliteOutbox> box_;
};

TEST_P(HeartbeatTest, TheDepotKeepsWhatTheCarSaidAndItsBacklog) {
  ASSERT_TRUE(box_->AddAll({MakeRead("CAR1", 1), MakeRead("CAR1", 2)}, {}, {}).ok());
  auto o = Options(token_);
  o.heartbeat_source = [] { return Healthy("CAR1"); };
  SyncClient client(box_.get(), o);
  const int64_t before = NowUtcMs();
  ASSERT_TRUE(client.SendHeartbeat().ok());
  auto latest = console_->LatestHeartbeats();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 1u);
  const HeartbeatRecord& r = latest->front();
  EXPECT_EQ(r.heartbeat.unit_id, "CAR1");
  EXPECT_EQ(r.heartbeat.software_version, "1.2.3");
  ASSERT_EQ(r.heartbeat.cameras.size(), 1u);
  EXPECT_EQ(r.heartbeat.cameras[0].state, "running");
  EXPECT_EQ(r.heartbeat.gps_fix, "3d");
  EXPECT_EQ(r.heartbeat.gps_fix_age_ms, 400);
  EXPECT_EQ(r.heartbeat.clock_offset_ms, -12);
  EXPECT_EQ(r.heartbeat.disk_total_bytes, 64'000'000'000);
  EXPECT_EQ(r.heartbeat.unsynced_reads, 2) << "the client adds the car's backlog";
  EXPECT_GE(r.received_at_utc_ms, before);
  EXPECT_TRUE(HeartbeatFaults(r.heartbeat).empty());
}

TEST_P(HeartbeatTest, AConnectedCarWithNothingToSyncStillBeats) {
  auto o = Options(token_);
  o.idle_interval_ms = 60000;  // one pass, then nothing to sync for a minute
  o.heartbeat_interval_ms = 150;
  std::atomic<int> made{0};
  o.heartbeat_source = [&made] {
    Heartbeat hb = Healthy("CAR1");
    hb.last_fault = "beat " + std::to_string(++made);
    return hb;
  };
  SyncClient client(box_.get(), o);
  client.Start();
  EXPECT_TRUE(WaitFor(
      [&] {
        auto h = console_->HeartbeatHistory("CAR1", 10);
        return h.ok() && h->size() >= 3;
      },
      5000));
  client.Stop();
  auto h = console_->HeartbeatHistory("CAR1", 10);
  ASSERT_TRUE(h.ok());
  ASSERT_GE(h->size(), 3u);
  // Newest first; the latest table holds the newest.
  EXPECT_GT(h->at(0).received_at_utc_ms, 0);
  auto latest = console_->LatestHeartbeats();
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ(latest->front().heartbeat.last_fault, h->at(0).heartbeat.last_fault);
}

TEST_P(HeartbeatTest, HistoryIsBounded) {
  constexpr int kKept = 30;
  auto small = ConsoleStore::Open(url_, kKept);
  ASSERT_TRUE(small.ok());
  Heartbeat hb = Healthy("CAR9");
  const int n = kKept + 3;
  for (int i = 0; i < n; ++i) {
    hb.sent_at_utc_ms = i;
    ASSERT_TRUE((*small)->RecordHeartbeat(hb, 1000 + i).ok());
  }
  ASSERT_TRUE((*small)->RecordHeartbeat(Healthy("CAR8"), 5000).ok());
  auto h = console_->HeartbeatHistory("CAR9", 100000);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), static_cast<std::size_t>(kKept));
  EXPECT_EQ(h->front().received_at_utc_ms, 1000 + n - 1);
  EXPECT_EQ(h->back().received_at_utc_ms, 1000 + 3) << "the oldest three went";
  auto other = console_->HeartbeatHistory("CAR8", 100000);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), 1u) << "another car's history is its own";
}

TEST_P(HeartbeatTest, ACarMayNotBeatForAnotherAndAStrangerNotAtAll) {
  auto o = Options(token_);
  o.heartbeat_source = [] { return Healthy("CAR2"); };
  SyncClient liar(box_.get(), o);
  Status s = liar.SendHeartbeat();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  auto o2 = Options(NewToken());
  o2.heartbeat_source = [] { return Healthy("CAR1"); };
  SyncClient stranger(box_.get(), o2);
  EXPECT_EQ(stranger.SendHeartbeat().code(), StatusCode::kUnauthenticated);
  auto latest = console_->LatestHeartbeats();
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->empty());
  auto c = store_->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_GE(c->security_events, 2);
}

TEST(HeartbeatRules, FaultyItemsAreNamed) {
  Heartbeat hb = Healthy("CAR1");
  EXPECT_TRUE(HeartbeatFaults(hb).empty());
  hb.cameras[0].state = "no frames";
  hb.gps_fix = "none";
  hb.clock_offset_ms = 2500;
  hb.disk_used_bytes = 60'000'000'000;
  auto f = HeartbeatFaults(hb);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "camera front: no frames");
  EXPECT_EQ(f[1], "no GPS fix");
  EXPECT_EQ(f[2], "clock off GPS by 2.5 s");
  EXPECT_EQ(f[3], "disk 93% full");
  EXPECT_TRUE(IsSilent(hb, 1000, 1000 + kDefaultSilenceMs + 1, kDefaultSilenceMs));
  EXPECT_FALSE(IsSilent(hb, 1000, 1000 + kDefaultSilenceMs, kDefaultSilenceMs));
  hb.running = false;
  EXPECT_FALSE(IsSilent(hb, 1000, 1000 + 10 * kDefaultSilenceMs, kDefaultSilenceMs)) << "a car switched off is not a fault";
}

TEST(HeartbeatCodec, RoundTripsAndRefusesNonsense) {
  Heartbeat hb = Healthy("CAR1");
  hb.clock_offset_ms.reset();
  auto back = ParseHeartbeat(EncodeHeartbeat(hb));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeHeartbeat(*back), EncodeHeartbeat(hb));
  EXPECT_FALSE(back->clock_offset_ms.has_value());
  EXPECT_FALSE(ParseHeartbeat("{}").ok());
  EXPECT_FALSE(ParseHeartbeat("[1]").ok());
  std::string bad = EncodeHeartbeat(hb);
  bad.replace(bad.find("\"3d\""), 4, "\"4d\"");
  auto r = ParseHeartbeat(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("gps_fix"), std::string::npos) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, HeartbeatTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace anpr::sync
