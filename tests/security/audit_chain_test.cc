// The audit chain's ends (issue 14, item 6). Before: deleting the newest
// entries, or rewriting an entry and recomputing the chain after it,
// verified as intact, and INSERT OR REPLACE got past the no-update triggers.
//
// The attacker here holds the unit's database file and the sqlite3 library:
// the triggers stop what SQL can do through them; what a person who drops
// and recreates them does is caught by `anpr audit verify` against the
// chain's anchor (the head's seq and hash, kept outside the audit table),
// and, for whatever the depot had already received, by the depot, which
// keeps each car's head and is sent the car's head with every sync.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "sync/client.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/records/audit.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using anpr::testing::CommandResult;
using anpr::testing::RunCommand;
using anpr::testing::TempDir;

// The audit table's guards as the store creates them, for an attacker who
// drops them, does their work and puts them back.
const char* const kGuardTriggers[] = {"audit_no_update",        "audit_no_delete",       "audit_append_only",
                                      "audit_anchor_follows",   "audit_anchor_forward",  "audit_anchor_no_update",
                                      "audit_anchor_no_delete"};
// What a forger who knows of the anchor adds: it is moved to the forged head.
const char* const kForgeAnchor =
    "DELETE FROM audit_anchor; "
    "INSERT INTO audit_anchor (id, seq, hash) SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;";

class AuditChain : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("unit.db");
    StoreOptions so;
    so.path = path_;
    auto s = Store::Open(so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    for (int i = 1; i <= 6; ++i)
      ASSERT_TRUE(store_->Audit("1001", "reads.search", "vrm AB12CDE, reason: incident " + std::to_string(i)).ok());
    entries_ = static_cast<int>(store_->AuditEntries(1, 1000)->size());
    store_.reset();  // the attacker has the file to themselves
  }

  // Runs SQL on the file as the attacker would; the SQLite result code.
  int Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  // Saves the guard triggers' SQL, drops them, runs `sql`, puts them back.
  void WithGuardsDropped(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string restore;
    for (const char* name : kGuardTriggers) {
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?", -1, &st,
                                   nullptr),
                SQLITE_OK);
      sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
      if (sqlite3_step(st) == SQLITE_ROW) {
        restore += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        restore += ";\n";
        const std::string drop = std::string("DROP TRIGGER ") + name;
        sqlite3_finalize(st);
        ASSERT_EQ(sqlite3_exec(db, drop.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
      } else {
        sqlite3_finalize(st);
      }
    }
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    ASSERT_EQ(sqlite3_exec(db, restore.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  // Rewrites entry `seq`'s detail and recomputes the chain from it to the
  // end, as a careful forger would.
  std::string RecomputedChainSql(int64_t seq, const std::string& detail) {
    StoreOptions so;
    so.path = path_;
    auto s = Store::Open(so);
    EXPECT_TRUE(s.ok());
    auto all = (*s)->AuditEntries(1, 1000);
    EXPECT_TRUE(all.ok());
    std::string sql;
    std::string prev = kAuditGenesisHash;
    for (AuditEntry e : *all) {
      if (e.seq == seq) e.detail = detail;
      const std::string hash = AuditEntryHash(prev, e.seq, e.at_utc_ms, e.officer, e.action, e.detail);
      sql += "UPDATE audit SET detail='" + e.detail + "', prev_hash='" + prev + "', hash='" + hash +
             "' WHERE seq=" + std::to_string(e.seq) + ";\n";
      prev = hash;
    }
    return sql;
  }

  CommandResult Verify() {
    return RunCommand(ANPR_BINARY_DIR "/vehicle/app/anpr audit verify --db " + path_ + " </dev/null");
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
  int entries_ = 0;
};

TEST_F(AuditChain, InsertOrReplaceCannotRewriteAnEntry) {
  // A forged newest entry with a correct chain hash, put in place by REPLACE
  // (which deletes without firing the delete trigger).
  StoreOptions so;
  so.path = path_;
  auto s = Store::Open(so);
  ASSERT_TRUE(s.ok());
  auto all = (*s)->AuditEntries(1, 1000);
  s->reset();
  const AuditEntry last = all->back();
  const std::string forged = "nothing to see";
  const std::string hash = AuditEntryHash(last.prev_hash, last.seq, last.at_utc_ms, last.officer, last.action, forged);
  EXPECT_NE(Sql("INSERT OR REPLACE INTO audit (seq, at_utc_ms, officer, action, detail, prev_hash, hash) VALUES (" +
                std::to_string(last.seq) + "," + std::to_string(last.at_utc_ms) + ",'" + last.officer + "','" +
                last.action + "','" + forged + "','" + last.prev_hash + "','" + hash + "')"),
            SQLITE_OK);
  // Nor can an entry be slotted in out of order.
  EXPECT_NE(Sql("INSERT INTO audit (seq, at_utc_ms, officer, action, detail, prev_hash, hash) VALUES (" +
                std::to_string(last.seq + 5) + ",1,'x','y','z','" + last.hash + "','" + hash + "')"),
            SQLITE_OK);
  CommandResult v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find("intact"), std::string::npos) << v.output;
}

TEST_F(AuditChain, DeletingTheNewestEntriesIsCaughtByVerify) {
  WithGuardsDropped("DELETE FROM audit WHERE seq > " + std::to_string(entries_ - 2));
  CommandResult v = Verify();
  EXPECT_NE(v.exit_code, 0) << "truncation verified as intact: " << v.output;
  EXPECT_NE(v.output.find("TAMPERED"), std::string::npos) << v.output;
  EXPECT_NE(v.output.find(std::to_string(entries_)), std::string::npos)
      << "names where the chain reached: " << v.output;
}

TEST_F(AuditChain, RewritingAnEntryAndRecomputingTheChainIsCaughtByVerify) {
  WithGuardsDropped(RecomputedChainSql(2, "vrm AB12CDE, reason: routine"));
  CommandResult v = Verify();
  EXPECT_NE(v.exit_code, 0) << "a recomputed chain verified as intact: " << v.output;
  EXPECT_NE(v.output.find("TAMPERED"), std::string::npos) << v.output;
}

// The depot's anchor: it keeps the newest link of each car's chain it
// received and is sent the car's head every pass, so a forger who also moved
// the unit's own anchor is still caught for what the depot already holds.
class AuditChainAtTheDepot : public AuditChain {
 protected:
  void SetUp() override {
    AuditChain::SetUp();
    auto d = sync::OpenDepotStore("sqlite:" + dir_.File("depot.db"));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    depot_ = std::move(*d);
    ASSERT_TRUE(depot_->Migrate().ok());
    token_ = sync::NewToken();
    ASSERT_TRUE(depot_->AddCredential({"CAR1", sync::Role::kVehicle}, sync::TokenHash(token_)).ok());
    sync::DepotServerOptions o;
    o.port = 0;
    o.insecure_loopback_dev = true;
    server_ = std::make_unique<sync::DepotServer>(depot_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
  }

  // One sync pass of the unit's store, as anpr-vehicle runs it.
  Status SyncUnit(int port = 0) {
    StoreOptions so;
    so.path = path_;
    auto s = Store::Open(so);
    if (!s.ok()) return s.status();
    sync::StoreOutbox outbox(s->get(), nullptr, "CAR1");
    sync::SyncClientOptions o;
    o.depot_url = "http://127.0.0.1:" + std::to_string(port ? port : server_->port());
    o.token = token_;
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 10000;
    sync::SyncClient client(&outbox, o);
    return client.SyncOnce();
  }

  // The depot's security events, as an administrator reads them.
  std::string SecurityEvents() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir_.File("depot.db").c_str(), &db), SQLITE_OK);
    std::string out;
    sqlite3_exec(
        db, "SELECT what FROM security_events ORDER BY id",
        [](void* user, int, char** cols, char**) {
          *static_cast<std::string*>(user) += std::string(cols[0] ? cols[0] : "") + "\n";
          return 0;
        },
        &out, nullptr);
    sqlite3_close(db);
    return out;
  }

  // The newest chain head CAR1 reported, as the depot keeps it; -1: none.
  int64_t ReportedHeadSeq() {
    sqlite3* db = nullptr;
    int64_t seq = -1;
    if (sqlite3_open_v2(dir_.File("depot.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 2000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT seq FROM audit_reported_heads WHERE unit_id = 'CAR1'", -1, &st, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return seq;
  }

  std::unique_ptr<sync::DepotStore> depot_;
  std::unique_ptr<sync::DepotServer> server_;
  std::string token_;
};

TEST_F(AuditChainAtTheDepot, DeletingSyncedEntriesIsCaughtByTheDepot) {
  ASSERT_TRUE(SyncUnit().ok());
  ASSERT_EQ(SecurityEvents(), "");
  WithGuardsDropped("DELETE FROM audit WHERE seq > " + std::to_string(entries_ - 2) + "; " + kForgeAnchor);
  CommandResult v = Verify();
  ASSERT_EQ(v.exit_code, 0) << "the forger moved the unit's anchor too: " << v.output;

  Status pass = SyncUnit();
  EXPECT_TRUE(pass.ok()) << "the car's records still go: " << pass.ToString();
  const std::string events = SecurityEvents();
  EXPECT_NE(events.find("audit chain of CAR1"), std::string::npos) << "truncation not caught: " << events;
  EXPECT_NE(events.find("deleted from the end"), std::string::npos) << events;
}

TEST_F(AuditChainAtTheDepot, ARecomputedChainIsCaughtByTheDepot) {
  ASSERT_TRUE(SyncUnit().ok());
  ASSERT_EQ(SecurityEvents(), "");
  WithGuardsDropped(RecomputedChainSql(2, "vrm AB12CDE, reason: routine") + kForgeAnchor);
  CommandResult v = Verify();
  ASSERT_EQ(v.exit_code, 0) << "the forger moved the unit's anchor too: " << v.output;

  EXPECT_TRUE(SyncUnit().ok());
  const std::string events = SecurityEvents();
  EXPECT_NE(events.find("audit chain of CAR1"), std::string::npos) << "recomputation not caught: " << events;
  EXPECT_NE(events.find("rewritten and recomputed"), std::string::npos) << events;
}

// Entries the car held when a pass began, never sent (the connection
// dropped), then deleted with the unit's anchor forged to match: before, no
// one could tell. The car reports its head at the start of each pass and the
// depot keeps the newest reported, so the next pass is caught.
TEST_F(AuditChainAtTheDepot, DeletingUnsyncedEntriesIsCaughtByTheDepot) {
  ASSERT_TRUE(SyncUnit().ok());
  int64_t synced_head = 0;
  {
    StoreOptions so;
    so.path = path_;
    auto s = Store::Open(so);
    ASSERT_TRUE(s.ok());
    synced_head = (*s)->NewestAuditEntry()->value().seq;
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE((*s)->Audit("1001", "reads.search", "vrm XY99ZZZ, reason: not for the record " + std::to_string(i)).ok());
  }
  const int64_t stored_audit = depot_->Counts()->audit;
  {
    // The pass ends once the depot has taken the car's head, before the
    // entries go (here the depot revokes the car's credential just then).
    sync::testing::TcpRelay relay(server_->port());
    bool revoked = false;
    relay.CutResponseWhen([&] {
      if (!revoked && ReportedHeadSeq() > synced_head) revoked = depot_->Revoke("CAR1").ok();
      return false;
    });
    const Status cut = SyncUnit(relay.port());
    // 401, or the connection reset as the depot refuses the upload on its
    // headers and closes: either way the entries were not taken.
    EXPECT_FALSE(cut.ok()) << "the pass did not end there";
    ASSERT_TRUE(revoked) << "the car did not report its head before sending its entries";
  }
  token_ = sync::NewToken();  // enrolled again
  ASSERT_TRUE(depot_->AddCredential({"CAR1", sync::Role::kVehicle}, sync::TokenHash(token_)).ok());
  ASSERT_EQ(depot_->Counts()->audit, stored_audit) << "the new entries reached the depot: the test proves nothing";

  WithGuardsDropped("DELETE FROM audit WHERE seq > " + std::to_string(synced_head) + "; " + kForgeAnchor);
  CommandResult v = Verify();
  ASSERT_EQ(v.exit_code, 0) << "the forger moved the unit's anchor too: " << v.output;

  EXPECT_TRUE(SyncUnit().ok()) << "the car's records still go";
  const std::string events = SecurityEvents();
  EXPECT_NE(events.find("audit chain of CAR1"), std::string::npos) << "deletion of unsynced entries not caught";
  EXPECT_NE(events.find("deleted from the end before they were synced"), std::string::npos) << events;
}

}  // namespace
}  // namespace anpr
