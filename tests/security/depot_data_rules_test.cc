// The depot's data rules under a car that lies (issue 14, item 7), against a
// real depot on loopback over both storage back ends (a SQLite file and a
// PostgreSQL cluster started for the test):
//   - a hit must point at a read of the same vehicle;
//   - a read uuid is held once, whatever its capture time (PostgreSQL
//     partitions reads by month, so the primary key alone cannot say so).
// Each refusal answers 4xx, stores nothing of the batch and, where another
// vehicle's data is involved, leaves a security event.
#include <httplib.h>
#include <gtest/gtest.h>

#include <map>

#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeHit;
using testing::MakeRead;

constexpr int64_t kDayMs = 86400000;

class DepotDataRules : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = "sqlite:" + dir_.File("depot.db");
    if (GetParam() == "postgresql") {
      std::string why;
      auto* pg = testing::PostgresCluster::Shared(&why);
      if (!pg) GTEST_SKIP() << "PostgreSQL cannot start here: " << why;
      url = pg->NewDatabase();
    }
    auto s = OpenDepotStore(url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    for (const char* car : {"CAR1", "CAR2"}) {
      tokens_[car] = NewToken();
      ASSERT_TRUE(store_->AddCredential({car, Role::kVehicle}, TokenHash(tokens_[car])).ok());
    }
    DepotServerOptions o;
    o.port = 0;
    o.insecure_loopback_dev = true;
    server_ = std::make_unique<DepotServer>(store_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
  }

  // POSTs `body` to `path` as `car`; the HTTP status (0: no answer).
  int Post(const std::string& car, const std::string& path, const std::string& body) {
    httplib::Client cli("127.0.0.1", server_->port());
    auto res = cli.Post(path.c_str(), {{"Authorization", "Bearer " + tokens_[car]}}, body, "application/json");
    last_body_ = res ? res->body : httplib::to_string(res.error());
    return res ? res->status : 0;
  }

  int64_t SecurityEvents() { return store_->Counts()->security_events; }

  testing::TempDir dir_;
  std::unique_ptr<DepotStore> store_;
  std::unique_ptr<DepotServer> server_;
  std::map<std::string, std::string> tokens_;
  std::string last_body_;
};

TEST_P(DepotDataRules, AHitPointingAtAnotherCarsReadIsRefusedAndRecorded) {
  Read theirs = MakeRead("CAR1", 1);
  ASSERT_EQ(Post("CAR1", "/api/v1/reads", EncodeReads({theirs})), 200) << last_body_;
  const int64_t events_before = SecurityEvents();

  // CAR2 claims a hit on CAR1's read, inside a batch with a hit of its own.
  Read mine = MakeRead("CAR2", 2);
  ASSERT_EQ(Post("CAR2", "/api/v1/reads", EncodeReads({mine})), 200) << last_body_;
  Hit own = MakeHit(mine, 1);
  Hit forged = MakeHit(theirs, 2);
  EXPECT_EQ(Post("CAR2", "/api/v1/hits", EncodeHits({own, forged})), 403) << last_body_;
  EXPECT_NE(last_body_.find(theirs.uuid), std::string::npos) << "the refusal names the read: " << last_body_;
  EXPECT_FALSE(*store_->Holds("hit", forged.uuid));
  EXPECT_FALSE(*store_->Holds("hit", own.uuid)) << "a refused batch leaves nothing behind";
  EXPECT_EQ(SecurityEvents(), events_before + 1) << "the forged hit must leave a security event";

  // Its own hits go; so does a hit sent before its read (hits travel first).
  Read later = MakeRead("CAR2", 3);
  Hit early = MakeHit(later, 3);
  EXPECT_EQ(Post("CAR2", "/api/v1/hits", EncodeHits({own, early})), 200) << last_body_;
  EXPECT_EQ(Post("CAR2", "/api/v1/reads", EncodeReads({later})), 200) << last_body_;
  EXPECT_EQ(store_->Counts()->hits, 2);
  // And CAR1's hit on its own read.
  EXPECT_EQ(Post("CAR1", "/api/v1/hits", EncodeHits({MakeHit(theirs, 4)})), 200) << last_body_;
}

TEST_P(DepotDataRules, OneReadUuidIsHeldOnceWhateverItsCaptureTime) {
  Read first = MakeRead("CAR1", 1);
  ASSERT_EQ(Post("CAR1", "/api/v1/reads", EncodeReads({first})), 200) << last_body_;

  // The same uuid from the same car a month later: not a resend (a resend
  // carries the same capture time), so refused, not acknowledged.
  Read same_car = first;
  same_car.captured_at_utc_ms += 40 * kDayMs;
  EXPECT_EQ(Post("CAR1", "/api/v1/reads", EncodeReads({same_car})), 400) << last_body_;

  // The same uuid from another car, two months on.
  const int64_t events_before = SecurityEvents();
  Read other_car = first;
  other_car.unit_id = "CAR2";
  other_car.captured_at_utc_ms += 70 * kDayMs;
  EXPECT_EQ(Post("CAR2", "/api/v1/reads", EncodeReads({other_car})), 403) << last_body_;
  EXPECT_EQ(SecurityEvents(), events_before + 1);

  auto c = store_->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->reads, 1) << "one read uuid stored more than once";
  EXPECT_EQ(c->distinct_read_uuids, 1);
  // A genuine resend is still acknowledged.
  EXPECT_EQ(Post("CAR1", "/api/v1/reads", EncodeReads({first})), 200) << last_body_;
  EXPECT_NE(last_body_.find(first.uuid), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DepotDataRules, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace anpr::sync
