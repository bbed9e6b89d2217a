// The depot store contract, run against a real SQLite file and a real
// PostgreSQL cluster started for the test.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <set>
#include <thread>

#include "sync/depot_store.h"
#include "vehicle/records/store_key.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeAudit;
using testing::MakeHit;
using testing::MakeRead;

class DepotStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_.File("depot.db");
    } else if (GetParam() == "sqlite_encrypted") {
      // The same contract on a depot file encrypted at rest.
      url_ = "sqlite:" + dir_.File("depot.db");
      key_ = NewStoreKey().value();
    } else {
      std::string why;
      auto* pg = testing::PostgresCluster::Shared(&why);
      if (!pg) GTEST_SKIP() << "PostgreSQL cannot start here: " << why;
      url_ = pg->NewDatabase();
    }
    store_ = Open();
    ASSERT_TRUE(store_);
  }

  std::unique_ptr<DepotStore> Open() {
    auto s = OpenDepotStore(url_, key_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    auto m = (*s)->Migrate();
    EXPECT_TRUE(m.ok()) << m.ToString();
    return std::move(*s);
  }

  testing::TempDir dir_;
  std::string url_;
  std::optional<StoreKey> key_;
  std::unique_ptr<DepotStore> store_;
};

TEST_P(DepotStoreTest, MigrationIsIdempotentAndVersioned) {
  EXPECT_EQ(store_->Kind(), GetParam() == "postgresql" ? "postgresql" : "sqlite");
  auto before = store_->SchemaVersion();
  ASSERT_TRUE(before.ok());
  EXPECT_GE(*before, 2);
  ASSERT_TRUE(store_->Migrate().ok());
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, *before);
}

TEST_P(DepotStoreTest, ReadsStoredOnceAndAcknowledgedOnResend) {
  std::vector<Read> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(MakeRead("CAR1", i));
  auto first = store_->IngestReads("CAR1", batch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->newly_stored, 20u);
  EXPECT_EQ(first->acknowledged.size(), 20u);
  // The same batch again plus five new ones: all acknowledged, five stored.
  for (int i = 20; i < 25; ++i) batch.push_back(MakeRead("CAR1", i));
  auto second = store_->IngestReads("CAR1", batch);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->newly_stored, 5u);
  EXPECT_EQ(second->acknowledged.size(), 25u);
  auto c = store_->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->reads, 25);
  EXPECT_EQ(c->distinct_read_uuids, 25);
}

TEST_P(DepotStoreTest, AnotherVehiclesUuidIsRefusedAndNothingOfTheBatchStored) {
  Read mine = MakeRead("CAR1", 1);
  ASSERT_TRUE(store_->IngestReads("CAR1", {mine}).ok());
  Read fresh = MakeRead("CAR2", 2);
  Read stolen = mine;
  stolen.unit_id = "CAR2";
  auto r = store_->IngestReads("CAR2", {fresh, stolen});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  auto held = store_->Holds("read", fresh.uuid);
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(*held) << "a refused batch must leave nothing behind";
}

TEST_P(DepotStoreTest, ImagesAndFieldsSurviveExactly) {
  Read r = MakeRead("CAR1", 7, 20000);
  ASSERT_TRUE(store_->IngestReads("CAR1", {r}).ok());
  SearchQuery q;
  q.vrm = r.vrm;
  q.reason = "image check";
  q.investigator = "DC Jones";
  q.with_images = true;
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  const Read& got = (*found)[0];
  EXPECT_EQ(got.uuid, r.uuid);
  EXPECT_EQ(got.captured_at_utc_ms, r.captured_at_utc_ms);
  EXPECT_EQ(got.plate_jpeg, r.plate_jpeg);
  EXPECT_EQ(got.overview_jpeg, r.overview_jpeg);
  EXPECT_DOUBLE_EQ(got.position.lat_deg, r.position.lat_deg);
  EXPECT_EQ(got.officer_id, "PC1234");
}

TEST_P(DepotStoreTest, SearchNeedsAReasonAndIsAudited) {
  Read r = MakeRead("CAR1", 3);
  ASSERT_TRUE(store_->IngestReads("CAR1", {r}).ok());
  SearchQuery q;
  q.vrm = r.vrm;
  q.investigator = "DC Jones";
  EXPECT_EQ(store_->SearchReads(q).status().code(), StatusCode::kInvalidArgument);
  q.reason = "burglary 12/345";
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ(store_->Counts()->searches, 1);
}

TEST_P(DepotStoreTest, WildcardSearchMatchesEachQuestionMarkToOneCharacterAndIsAudited) {
  Read a = MakeRead("CAR1", 1), b = MakeRead("CAR1", 2), c = MakeRead("CAR1", 3);
  a.vrm = "AB12CDE";
  b.vrm = "AB17CDE";
  c.vrm = "AB1CDE";  // one character short: '?' is exactly one
  ASSERT_TRUE(store_->IngestReads("CAR1", {a, b, c}).ok());
  SearchQuery q;
  q.vrm = "AB1?CDE";
  q.reason = "stolen vehicle, partial plate from witness";
  q.investigator = "DC Jones";
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::set<std::string> vrms;
  for (const auto& r : *found) vrms.insert(r.vrm);
  EXPECT_EQ(vrms, (std::set<std::string>{"AB12CDE", "AB17CDE"}));
  EXPECT_EQ(store_->Counts()->searches, 1);
  EXPECT_TRUE(IsVrmPattern("AB1?CDE"));
  EXPECT_FALSE(IsVrmPattern("???"));
  EXPECT_FALSE(IsVrmPattern("AB%"));
  EXPECT_FALSE(IsVrmPattern("AB_1"));
}

TEST_P(DepotStoreTest, HitOutcomeUpdatesOnResendButHitStoredOnce) {
  Read r = MakeRead("CAR1", 1);
  Hit h = MakeHit(r, 1);
  ASSERT_TRUE(store_->IngestHits("CAR1", {h}).ok());
  h.outcome = HitOutcome::kConfirmed;
  h.outcome_by = "PC1234";
  h.outcome_at_utc_ms = h.raised_at_utc_ms + 60000;
  auto again = store_->IngestHits("CAR1", {h});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->newly_stored, 0u);
  EXPECT_EQ(store_->Counts()->hits, 1);
  WireAuditEntry a = MakeAudit("CAR1", 1);
  ASSERT_TRUE(store_->IngestAudit("CAR1", {a, a}).ok());
  EXPECT_EQ(store_->Counts()->audit, 1);
}

TEST_P(DepotStoreTest, CredentialsAuthenticateUntilRevoked) {
  const std::string token = NewToken();
  ASSERT_EQ(token.size(), 64u);
  ASSERT_TRUE(store_->AddCredential({"CAR1", Role::kVehicle}, TokenHash(token)).ok());
  auto p = store_->Authenticate(TokenHash(token));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->name, "CAR1");
  EXPECT_EQ((*p)->role, Role::kVehicle);
  EXPECT_FALSE(store_->Authenticate(TokenHash("wrong"))->has_value());
  EXPECT_FALSE(store_->Authenticate(token)->has_value()) << "the raw token is never what is stored";
  ASSERT_TRUE(store_->Revoke("CAR1").ok());
  EXPECT_FALSE(store_->Authenticate(TokenHash(token))->has_value());
  EXPECT_EQ(store_->Revoke("CAR1").code(), StatusCode::kNotFound);
}

TEST_P(DepotStoreTest, HotlistDeltasBetweenVersions) {
  WireHotlistEntry a{"AB12CDE", Priority::kHigh, "stolen", "", "", "Ford", "Focus", "Blue", ""};
  WireHotlistEntry b{"XY51ZZZ", Priority::kLow, "no insurance", "", "", "", "", "", ""};
  WireHotlistEntry c{"LM99ABC", Priority::kMedium, "wanted", "violent", "", "", "", "", "2027-01-01"};
  auto v1 = store_->PublishHotlist("PNC", {a, b}, "admin");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto full = store_->HotlistSince(0);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->latest_version, *v1);
  ASSERT_EQ(full->lists.size(), 1u);
  EXPECT_TRUE(full->lists[0].full);
  EXPECT_EQ(full->lists[0].added.size(), 2u);

  WireHotlistEntry a2 = a;
  a2.priority = Priority::kMedium;  // changed
  auto v2 = store_->PublishHotlist("PNC", {a2, c}, "admin");  // b removed, c added
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(*v2, *v1);
  auto delta = store_->HotlistSince(*v1);
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->lists.size(), 1u);
  const auto& d = delta->lists[0];
  EXPECT_FALSE(d.full);
  EXPECT_EQ(d.from_version, *v1);
  EXPECT_EQ(d.to_version, *v2);
  std::set<std::string> added;
  for (const auto& e : d.added) added.insert(e.vrm);
  EXPECT_EQ(added, (std::set<std::string>{"AB12CDE", "LM99ABC"}));
  EXPECT_EQ(d.removed_vrms, std::vector<std::string>{"XY51ZZZ"});
  EXPECT_TRUE(store_->HotlistSince(*v2)->lists.empty());
}

TEST_P(DepotStoreTest, TwoDepotServersSharingOneDatabaseStoreOnce) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "one SQLite depot per file by design; sharing is PostgreSQL's job";
  auto other = Open();
  ASSERT_TRUE(other);
  std::vector<Read> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(MakeRead("CAR1", i));
  Result<IngestResult> r1 = Internal("not run"), r2 = Internal("not run");
  std::thread t1([&] { r1 = store_->IngestReads("CAR1", batch); });
  std::thread t2([&] { r2 = other->IngestReads("CAR1", batch); });
  t1.join();
  t2.join();
  // Both acknowledge (one may have waited on the other's rows); never twice.
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r1->newly_stored + r2->newly_stored, 100u);
  EXPECT_EQ(store_->Counts()->reads, 100);
}

TEST_P(DepotStoreTest, RetentionDropsWholeOldMonths) {
  Read old_read = MakeRead("CAR1", 1);
  old_read.captured_at_utc_ms = 1735689600000 + 86400000;  // 2025-01-02
  Read new_read = MakeRead("CAR1", 2);
  new_read.captured_at_utc_ms = 1738368000000 + 86400000;  // 2025-02-02
  ASSERT_TRUE(store_->IngestReads("CAR1", {old_read, new_read}).ok());
  auto n = store_->DropReadsBefore(1738368000000 + 10 * 86400000LL);  // cut-off 2025-02-11
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);  // one partition / one read
  EXPECT_FALSE(*store_->Holds("read", old_read.uuid));
  EXPECT_TRUE(*store_->Holds("read", new_read.uuid));
  // The month's partition is back on demand for a late upload.
  ASSERT_TRUE(store_->IngestReads("CAR1", {MakeRead("CAR1", 3)}).ok());
  // A dropped read's uuid went with it: sent again, it is stored again, not
  // acknowledged as held.
  auto again = store_->IngestReads("CAR1", {old_read});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->newly_stored, 1u);
  EXPECT_TRUE(*store_->Holds("read", old_read.uuid));
}

// Investigation holds from a car keep the reads of their VRM through the
// depot's retention while they last (issue 15); a hold that ended keeps
// nothing, and another car cannot claim a hold's uuid.
TEST_P(DepotStoreTest, RetentionKeepsReadsUnderAHoldInForce) {
  const int64_t jan = 1735689600000 + 86400000;  // 2025-01-02
  Read held = MakeRead("CAR1", 1);
  held.captured_at_utc_ms = jan;
  Read other = MakeRead("CAR1", 2);
  other.captured_at_utc_ms = jan;
  other.vrm = "OT11HER";
  Read ended = MakeRead("CAR1", 3);
  ended.captured_at_utc_ms = jan;
  ended.vrm = "EN11DED";
  ASSERT_NE(held.vrm, other.vrm);
  ASSERT_TRUE(store_->IngestReads("CAR1", {held, other, ended}).ok());
  const int64_t now = NowUtcMs();
  HoldEntry in_force{NewUuid(), "CAR1", held.vrm, "operation nightjar 4471", "200", now - 1000, now + 86400000};
  HoldEntry over{NewUuid(), "CAR1", ended.vrm, "operation nightjar 4471", "200", now - 5000, now - 1000};
  auto ack = store_->IngestHolds("CAR1", {in_force, over});
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->newly_stored, 2u);
  EXPECT_EQ(store_->IngestHolds("CAR1", {in_force})->newly_stored, 0u) << "a resend is acknowledged, not stored";
  EXPECT_EQ(store_->IngestHolds("CAR2", {in_force}).status().code(), StatusCode::kPermissionDenied);

  auto n = store_->DropReadsBefore(1738368000000 + 10 * 86400000LL);  // cut-off 2025-02-11
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(*store_->Holds("read", held.uuid)) << "held read purged by the depot";
  EXPECT_FALSE(*store_->Holds("read", other.uuid));
  EXPECT_FALSE(*store_->Holds("read", ended.uuid)) << "a hold that ended keeps nothing";
  // A purged read sent again is stored again; the held one is still acknowledged as held.
  EXPECT_EQ(store_->IngestReads("CAR1", {held})->newly_stored, 0u);
}

// The depot's anchor of each car's audit chain: its newest link moves
// forward with the entries it stores; an entry rewritten under it, or a
// reported head behind or beside it, is named.
TEST_P(DepotStoreTest, AuditChainHeadsCatchACutOrRecomputedChain) {
  auto chained = [](int seq, const std::string& prev, const std::string& hash) {
    WireAuditEntry a = MakeAudit("CAR1", seq);
    a.chain_seq = seq;
    a.chain_prev_hash = prev;
    a.chain_hash = hash;
    return a;
  };
  const std::string h0(64, '0'), h1(64, '1'), h2(64, '2'), h3(64, '3'), x2(64, 'a');
  auto first = store_->IngestAudit("CAR1", {chained(1, h0, h1), chained(2, h1, h2)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->security_notes.empty());
  EXPECT_FALSE(store_->CheckAuditChainHead("CAR1", {2, h2})->has_value());
  EXPECT_FALSE(store_->CheckAuditChainHead("CAR2", {1, h1})->has_value()) << "a chain the depot holds nothing of";
  auto cut = store_->CheckAuditChainHead("CAR1", {1, h1});
  ASSERT_TRUE(cut.ok() && cut->has_value());
  EXPECT_NE((*cut)->find("deleted from the end"), std::string::npos) << **cut;
  auto rewritten = store_->CheckAuditChainHead("CAR1", {2, x2});
  ASSERT_TRUE(rewritten.ok() && rewritten->has_value());
  EXPECT_NE((*rewritten)->find("rewritten"), std::string::npos) << **rewritten;
  // A recomputed entry 2 arrives: stored (evidence) and named.
  auto again = store_->IngestAudit("CAR1", {chained(2, h1, x2)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->newly_stored, 1u);
  ASSERT_EQ(again->security_notes.size(), 1u);
  // An honest continuation is not.
  auto next = store_->IngestAudit("CAR1", {chained(3, h2, h3)});
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->security_notes.empty());
  EXPECT_FALSE(store_->CheckAuditChainHead("CAR1", {3, h3})->has_value());
  // A head ahead of what the car sent is no problem, and is kept: entries
  // the car reported are missed if they are deleted before they are sent.
  const std::string h4(64, '4'), h5(64, '5');
  EXPECT_FALSE(store_->CheckAuditChainHead("CAR1", {5, h5})->has_value()) << "ahead: not synced yet";
  auto behind = store_->CheckAuditChainHead("CAR1", {4, h4});
  ASSERT_TRUE(behind.ok() && behind->has_value()) << "reported entry 5 gone before it was sent";
  EXPECT_NE((*behind)->find("reported it to entry 5"), std::string::npos) << **behind;
  // An entry that skips one the depot never had.
  auto gap = store_->IngestAudit("CAR1", {chained(5, h4, h5)});
  ASSERT_TRUE(gap.ok());
  ASSERT_EQ(gap->security_notes.size(), 1u);
  EXPECT_NE(gap->security_notes[0].find("entries 4 to 4 never arrived"), std::string::npos) << gap->security_notes[0];
}

// The newest reported head is checked against the entry that arrives there.
TEST_P(DepotStoreTest, AnEntryAtTheReportedHeadMustCarryItsHash) {
  WireAuditEntry a = MakeAudit("CAR1", 1);
  a.chain_seq = 1;
  a.chain_prev_hash = std::string(64, '0');
  a.chain_hash = std::string(64, 'b');
  EXPECT_FALSE(store_->CheckAuditChainHead("CAR1", {1, std::string(64, '1')})->has_value());
  auto in = store_->IngestAudit("CAR1", {a});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->newly_stored, 1u);
  ASSERT_EQ(in->security_notes.size(), 1u);
  EXPECT_NE(in->security_notes[0].find("differs from the head the car reported"), std::string::npos)
      << in->security_notes[0];
}

// A '?' search finds plates through an index wherever the wildcard stands
// and whatever the database's collation: before PostgreSQL migration 8, a LIKE with a
// leading '_' could only read every month's partition (seconds at 10M
// reads: tests/sync/depot_search_bench).
TEST_P(DepotStoreTest, WildcardSearchOnPostgresUsesAnIndex) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "a query plan of PostgreSQL's";
  std::vector<Read> batch;
  for (int i = 0; i < 20; ++i) {
    batch.push_back(MakeRead("CAR1", i));
    batch.back().vrm = "AB" + std::to_string(10 + i) + "CDE";
  }
  ASSERT_TRUE(store_->IngestReads("CAR1", batch).ok());
  SearchQuery q;
  q.vrm = "?B15CDE";
  q.reason = "stolen vehicle enquiry 17";
  q.investigator = "inv1";
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].vrm, "AB15CDE");
  // The planner, told to avoid scanning whole tables, still must when no
  // index serves the pattern.
  PGconn* c = PQconnectdb(url_.c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  PQclear(PQexec(c, "SET enable_seqscan = off"));
  PGresult* r = PQexec(c, "EXPLAIN SELECT record FROM reads WHERE vrm LIKE '_B15CDE' ORDER BY captured_at_utc_ms");
  std::string plan;
  for (int i = 0; i < PQntuples(r); ++i) plan += std::string(PQgetvalue(r, i, 0)) + "\n";
  PQclear(r);
  PQfinish(c);
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Index"), std::string::npos) << plan;
}

INSTANTIATE_TEST_SUITE_P(Backends, DepotStoreTest, ::testing::Values("sqlite", "sqlite_encrypted", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace anpr::sync
