// Poison records (issue 14, item 3): a record the depot refuses for its
// content must not stop the car's sync. Before, the refused record was sent
// first on every pass and refused every time, and nothing behind it ever
// reached the depot ("with hits first, 12 of 13 reads never arrived").
//
// A real depot on loopback, a real outbox file, the real sync client. Two of
// the car's reads are ones the depot refuses: the oldest carries images too
// large for the depot's request limit (413), and one in the middle reuses a
// uuid the depot holds with another capture time (400). After one pass every
// other record is at the depot, the two are quarantined on the car (kept,
// never marked synced, counted and shown in the sync state), and later
// passes, after a reboot too, leave them be.
#include <gtest/gtest.h>

#include <algorithm>

#include "sync/client.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/sqlite_outbox.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeAudit;
using testing::MakeHit;
using testing::MakeRead;

class PoisonRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenDepotStore("sqlite:" + dir_.File("depot.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    depot_ = std::move(*s);
    ASSERT_TRUE(depot_->Migrate().ok());
    token_ = NewToken();
    ASSERT_TRUE(depot_->AddCredential({"CAR1", Role::kVehicle}, TokenHash(token_)).ok());
    DepotServerOptions o;
    o.port = 0;
    o.insecure_loopback_dev = true;
    o.max_request_bytes = 1024 * 1024;
    server_ = std::make_unique<DepotServer>(depot_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
    auto b = SqliteOutbox::Open(dir_.File("outbox.db"));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    box_ = std::move(*b);
  }

  SyncClientOptions Options() {
    SyncClientOptions o;
    o.depot_url = "http://127.0.0.1:" + std::to_string(server_->port());
    o.token = token_;
    o.batch_records = 5;
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 10000;
    return o;
  }

  testing::TempDir dir_;
  std::unique_ptr<DepotStore> depot_;
  std::unique_ptr<DepotServer> server_;
  std::unique_ptr<SqliteOutbox> box_;
  std::string token_;
};

TEST_F(PoisonRecords, TheRecordsBehindARefusedRecordArriveAndItIsQuarantined) {
  std::vector<Read> reads;
  std::vector<Hit> hits;
  for (int i = 0; i < 13; ++i) {
    reads.push_back(MakeRead("CAR1", i));
    hits.push_back(MakeHit(reads.back(), i));
  }
  reads[0] = MakeRead("CAR1", 0, 700 * 1024);  // the oldest: sent first, over the 1 MiB limit
  hits[0].read_uuid = reads[0].uuid;
  Read clash = reads[6];                        // held at the depot under another capture time
  clash.captured_at_utc_ms -= 3600 * 1000;
  ASSERT_TRUE(depot_->IngestReads("CAR1", {clash}).ok());
  std::vector<WireAuditEntry> audit = {MakeAudit("CAR1", 1), MakeAudit("CAR1", 2)};
  ASSERT_TRUE(box_->AddAll(reads, hits, audit).ok());

  SyncClient client(box_.get(), Options());
  Status pass = client.SyncOnce();
  EXPECT_TRUE(pass.ok()) << pass.ToString();

  auto c = depot_->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->reads, 1 + 11) << "reads behind the poison records never reached the depot";
  EXPECT_EQ(c->hits, 13);
  EXPECT_EQ(c->audit, 2);
  EXPECT_FALSE(*depot_->Holds("read", reads[0].uuid));
  for (int i : {1, 5, 7, 12}) EXPECT_TRUE(*depot_->Holds("read", reads[i].uuid)) << "read " << i;

  // Kept on the car, never marked synced, counted apart from the backlog.
  auto left = box_->CountUnsynced();
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->total(), 0) << "the backlog still holds records that will go";
  EXPECT_EQ(left->quarantined, 2);
  auto synced = box_->SyncedUuids(RecordKind::kRead);
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(synced->size(), 11u);
  for (int i : {0, 6}) EXPECT_EQ(std::count(synced->begin(), synced->end(), reads[i].uuid), 0) << "read " << i;

  // The car shows it: in the state the health line and status bar read.
  EXPECT_EQ(client.state().quarantined, 2);
  EXPECT_FALSE(client.state().auth_fault);
  const std::string shown = DescribeSyncState(client.state());
  EXPECT_NE(shown.find("2 quarantined"), std::string::npos) << shown;

  // Later passes (and a reboot) leave them be: nothing new is sent.
  box_.reset();
  auto reopened = SqliteOutbox::Open(dir_.File("outbox.db"));
  ASSERT_TRUE(reopened.ok());
  box_ = std::move(*reopened);
  SyncClient after_reboot(box_.get(), Options());
  EXPECT_TRUE(after_reboot.SyncOnce().ok());
  EXPECT_EQ(box_->CountUnsynced()->quarantined, 2);
  EXPECT_EQ(after_reboot.state().quarantined, 2);
  EXPECT_EQ(depot_->Counts()->reads, 12);
}

TEST_F(PoisonRecords, ACredentialRefusalQuarantinesNothing) {
  ASSERT_TRUE(box_->AddAll({MakeRead("CAR1", 1)}, {}, {}).ok());
  auto o = Options();
  o.token = NewToken();  // unknown to the depot
  SyncClient client(box_.get(), o);
  EXPECT_EQ(client.SyncOnce().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(client.state().auth_fault);
  EXPECT_EQ(box_->CountUnsynced()->quarantined, 0);
  EXPECT_EQ(box_->CountUnsynced()->reads, 1);
}

}  // namespace
}  // namespace anpr::sync
