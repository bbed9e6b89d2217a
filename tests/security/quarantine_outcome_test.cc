// A hit the depot refused is quarantined on the car (kept, no longer sent).
// Before, an outcome the officer recorded for it afterwards never reached
// the depot: the hit stayed set aside with its new outcome, even once the
// depot would take it. Now recording the outcome releases the hit (audited)
// and the next pass offers it again, outcome included.
//
// The real store, the real sync client and a real depot on loopback, whose
// request limit first refuses the hit (413) and is then raised by its
// operator.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "sync/client.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

class QuarantinedHitOutcome : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = sync::OpenDepotStore("sqlite:" + dir_.File("depot.db"));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    depot_ = std::move(*d);
    ASSERT_TRUE(depot_->Migrate().ok());
    token_ = sync::NewToken();
    ASSERT_TRUE(depot_->AddCredential({"CAR1", sync::Role::kVehicle}, sync::TokenHash(token_)).ok());
    StoreOptions so;
    so.path = dir_.File("unit.db");
    auto s = Store::Open(so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  void StartDepot(size_t max_request_bytes) {
    server_.reset();
    sync::DepotServerOptions o;
    o.port = 0;
    o.insecure_loopback_dev = true;
    o.max_request_bytes = max_request_bytes;
    server_ = std::make_unique<sync::DepotServer>(depot_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
  }

  Status SyncPass() {
    sync::StoreOutbox outbox(store_.get(), nullptr, "CAR1");
    sync::SyncClientOptions o;
    o.depot_url = "http://127.0.0.1:" + std::to_string(server_->port());
    o.token = token_;
    sync::SyncClient client(&outbox, o);
    return client.SyncOnce();
  }

  // The hit's outcome as the depot holds it; "" when it holds no such hit.
  std::string DepotOutcome(const std::string& hit_uuid) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir_.File("depot.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT outcome FROM hits WHERE uuid = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, hit_uuid.c_str(), -1, SQLITE_TRANSIENT);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  sync::testing::TempDir dir_;
  std::unique_ptr<sync::DepotStore> depot_;
  std::unique_ptr<sync::DepotServer> server_;
  std::unique_ptr<Store> store_;
  std::string token_;
};

TEST_F(QuarantinedHitOutcome, AnOutcomeRecordedAfterTheQuarantineReachesTheDepot) {
  const Read read = sync::testing::MakeRead("CAR1", 1, 16);
  Hit hit = sync::testing::MakeHit(read, 1);
  hit.reason = std::string(3000, 'r');  // within the shared limits; over this depot's first request limit
  ASSERT_TRUE(store_->CommitRead(read, {hit}).ok());

  StartDepot(2500);
  ASSERT_TRUE(SyncPass().ok());
  ASSERT_EQ(store_->CountUnsynced()->quarantined, 1) << "the depot did not refuse the hit: the test proves nothing";
  ASSERT_EQ(DepotOutcome(hit.uuid), "");

  // The depot's operator raises the limit; the quarantined hit stays aside.
  StartDepot(sync::kMaxRequestBytes);
  ASSERT_TRUE(SyncPass().ok());
  EXPECT_EQ(DepotOutcome(hit.uuid), "");

  // The officer records what happened: the depot must learn it.
  ASSERT_TRUE(store_->SetHitOutcome(hit.uuid, HitOutcome::kNotSeen, "1001", "", NowUtcMs()).ok());
  ASSERT_TRUE(SyncPass().ok());
  EXPECT_EQ(DepotOutcome(hit.uuid), "not-seen") << "the outcome of a quarantined hit never reached the depot";
  EXPECT_EQ(store_->CountUnsynced()->quarantined, 0);
  EXPECT_EQ(store_->CountUnsynced()->hits, 0);
  auto audit = store_->AuditEntries(1, 1000);
  ASSERT_TRUE(audit.ok());
  bool released = false;
  for (const AuditEntry& e : *audit) released |= e.action == "sync.release" && e.detail.find(hit.uuid) != std::string::npos;
  EXPECT_TRUE(released) << "the release is not in the audit log";
}

// A repeat sighting changes the hit too: it is released the same way.
TEST_F(QuarantinedHitOutcome, ARepeatSightingRecordedAfterTheQuarantineReachesTheDepot) {
  const Read read = sync::testing::MakeRead("CAR1", 3, 16);
  Hit hit = sync::testing::MakeHit(read, 3);
  hit.reason = std::string(3000, 'r');
  ASSERT_TRUE(store_->CommitRead(read, {hit}).ok());
  StartDepot(2500);
  ASSERT_TRUE(SyncPass().ok());
  ASSERT_EQ(store_->CountUnsynced()->quarantined, 1);
  StartDepot(sync::kMaxRequestBytes);
  const Read again = sync::testing::MakeRead("CAR1", 4, 16);
  ASSERT_TRUE(store_->CommitRead(again).ok());
  ASSERT_TRUE(store_->RecordRepeatHit(hit.uuid, again.uuid, again.captured_at_utc_ms).ok());
  ASSERT_TRUE(SyncPass().ok());
  EXPECT_EQ(DepotOutcome(hit.uuid), "pending") << "the hit seen again never reached the depot";
  EXPECT_EQ(store_->CountUnsynced()->quarantined, 0);
}

// Refused again, it is quarantined again: kept on the car, never blocking.
TEST_F(QuarantinedHitOutcome, ARefusedAgainHitIsQuarantinedAgain) {
  const Read read = sync::testing::MakeRead("CAR1", 2, 16);
  Hit hit = sync::testing::MakeHit(read, 2);
  hit.reason = std::string(3000, 'r');
  ASSERT_TRUE(store_->CommitRead(read, {hit}).ok());
  StartDepot(2500);
  ASSERT_TRUE(SyncPass().ok());
  ASSERT_EQ(store_->CountUnsynced()->quarantined, 1);
  ASSERT_TRUE(store_->SetHitOutcome(hit.uuid, HitOutcome::kConfirmed, "1001", "", NowUtcMs()).ok());
  EXPECT_EQ(store_->CountUnsynced()->quarantined, 0);
  ASSERT_TRUE(SyncPass().ok());
  EXPECT_EQ(store_->CountUnsynced()->quarantined, 1);
  EXPECT_EQ(DepotOutcome(hit.uuid), "");
  EXPECT_TRUE(store_->GetHit(hit.uuid)->has_value());
}

}  // namespace
}  // namespace anpr
