// Officers as they use the unit: PIN login, lock-out, idle lock, and what
// each role may do. Each refusal is checked the way an officer without the
// right would meet it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/store/test_util.h"
#include "vehicle/store/officers.h"

namespace anpr {
namespace {

using anpr::testing::MakeRead;
using anpr::testing::TempDir;

constexpr int64_t kT0 = 1'800'000'000'000;

class OfficersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.File("unit.db");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    OfficersOptions opt;
    opt.pbkdf2_iterations = 1000;  // keep the suite quick; production uses the default
    officers_ = std::make_unique<Officers>(store_.get(), opt);
    ASSERT_TRUE(officers_->AddOfficer(nullptr, "1", Role::kAdministrator, "9876", kT0).ok());
    auto admin = officers_->Login("1", "9876", kT0);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(officers_->AddOfficer(&*admin, "4711", Role::kOfficer, "1234", kT0).ok());
    ASSERT_TRUE(officers_->AddOfficer(&*admin, "200", Role::kSupervisor, "5555", kT0).ok());
  }
  bool AuditHas(const std::string& action, const std::string& text) {
    auto entries = store_->AuditEntries(1, 1000);
    for (const auto& e : *entries) {
      if (e.action == action && e.detail.find(text) != std::string::npos) return true;
    }
    return false;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Officers> officers_;
};

TEST_F(OfficersTest, PinIsStoredOnlyAsASaltedSlowHash) {
  auto rec = store_->GetOfficer("4711");
  ASSERT_TRUE(rec->has_value());
  EXPECT_EQ((*rec)->pin_hash_hex.size(), 64u);
  EXPECT_EQ((*rec)->pin_hash_hex.find("1234"), std::string::npos);
  EXPECT_EQ((*rec)->pin_iterations, 1000);
  EXPECT_EQ((*rec)->pin_hash_hex, HashPin("1234", (*rec)->pin_salt_hex, 1000));
  // Same PIN, different officer: different salt, different hash.
  ASSERT_TRUE(officers_->AddOfficer(nullptr, "x", Role::kAdministrator, "1234", kT0).code() ==
              StatusCode::kPermissionDenied);
  auto other = store_->GetOfficer("200");
  EXPECT_NE((*other)->pin_salt_hex, (*rec)->pin_salt_hex);
}

TEST_F(OfficersTest, WrongPinsLockTheOfficerOut) {
  for (int i = 0; i < 4; ++i) {
    auto r = officers_->Login("4711", "0000", kT0 + i);
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(r.status().message(), "unknown officer number or wrong PIN");
  }
  EXPECT_EQ(officers_->Login("nobody", "0000", kT0).status().message(), "unknown officer number or wrong PIN");
  EXPECT_EQ(officers_->Login("4711", "0000", kT0 + 5).status().code(), StatusCode::kUnauthenticated);
  // Fifth failure: locked, even with the right PIN.
  auto locked = officers_->Login("4711", "1234", kT0 + 10);
  EXPECT_EQ(locked.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(locked.status().message().find("locked out"), std::string::npos);
  // After the lock-out period the right PIN works again.
  EXPECT_TRUE(officers_->Login("4711", "1234", kT0 + 16 * 60 * 1000).ok());
  EXPECT_TRUE(AuditHas("login.failed", "locked out for 900 s"));
  EXPECT_TRUE(store_->VerifyAudit()->ok);
}

TEST_F(OfficersTest, IdleSessionLocksAndThePinUnlocksIt) {
  auto s = officers_->Login("4711", "1234", kT0);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(officers_->CheckIdle(&*s, kT0 + 60'000));
  EXPECT_TRUE(officers_->CheckIdle(&*s, kT0 + 10 * 60'000));
  EXPECT_EQ(officers_->Authorize(&*s, Right::kRecordOutcome, "", kT0 + 10 * 60'000).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(officers_->Unlock(&*s, "1111", kT0 + 11 * 60'000).code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(officers_->Unlock(&*s, "1234", kT0 + 11 * 60'000).ok());
  EXPECT_TRUE(officers_->Authorize(&*s, Right::kRecordOutcome, "", kT0 + 11 * 60'000).ok());
}

TEST_F(OfficersTest, RolesGateSearchExportAndAdministration) {
  ASSERT_TRUE(store_->CommitRead(MakeRead("AB12CDE", kT0)).ok());
  auto officer = officers_->Login("4711", "1234", kT0);
  auto supervisor = officers_->Login("200", "5555", kT0);
  ASSERT_TRUE(officer.ok() && supervisor.ok());
  ReadQuery q;
  q.vrm = "AB12CDE";

  auto denied = officers_->SearchReads(&*officer, q, "curious", kT0);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(), "role officer may not search reads");
  EXPECT_EQ(officers_->ExportReads(&*officer, q, "x", kT0).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(AuditHas("access.denied", "search reads as officer"));

  auto no_reason = officers_->SearchReads(&*supervisor, q, "  ", kT0);
  EXPECT_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_reason.status().message().find("10 visible characters"), std::string::npos);

  auto found = officers_->SearchReads(&*supervisor, q, "incident 2026/123", kT0);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_TRUE((*found)[0].plate_jpeg.empty());  // search shows records, export carries images
  auto exported = officers_->ExportReads(&*supervisor, q, "court bundle 77", kT0);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ((*exported)[0].plate_jpeg.size(), 2000u);
  EXPECT_TRUE(AuditHas("reads.search", "reason: incident 2026/123"));
  EXPECT_TRUE(AuditHas("reads.export", "reason: court bundle 77"));

  EXPECT_EQ(officers_->AddOfficer(&*supervisor, "9", Role::kOfficer, "1234", kT0).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(officers_->ChangeSetting(&*supervisor, "cooldown_ms", "1", kT0).code(), StatusCode::kPermissionDenied);
}

// Issue 13: a misread plate or a wrong outcome corrected from the shift's
// hits list. The correction is one audit entry (who, when, old and new
// values) that syncs; the read is never changed; a changed outcome becomes
// the hit's, synced again, the first answer still in the audit log.
TEST_F(OfficersTest, AHitCorrectionIsAuditedAndLeavesTheReadAsRead) {
  const Read read = MakeRead("GF20MHU", kT0);
  Hit hit;
  hit.uuid = "hit-1";
  hit.read_uuid = read.uuid;
  hit.list_name = "PNC";
  hit.entry_vrm = "GF2OMHU";
  hit.priority = Priority::kHigh;
  hit.match = MatchKind::kSimilar;
  hit.raised_at_utc_ms = kT0;
  ASSERT_TRUE(store_->CommitRead(read, {hit}).ok());
  auto officer = officers_->Login("4711", "1234", kT0);
  ASSERT_TRUE(officer.ok());
  ASSERT_TRUE(officers_->RecordOutcome(&*officer, "hit-1", HitOutcome::kConfirmed, "", kT0 + 1000).ok());
  ASSERT_TRUE(store_->MarkHitsSynced({"hit-1"}, kT0 + 2000).ok());
  auto audit_before = store_->AuditEntries(1, 1000);
  ASSERT_TRUE(audit_before.ok());

  Store::HitCorrection vrm_fix;
  vrm_fix.hit_uuid = "hit-1";
  vrm_fix.vrm = "GF2OMHU";
  ASSERT_TRUE(officers_->CorrectHit(&*officer, vrm_fix, kT0 + 60'000).ok());
  EXPECT_EQ((*store_->GetRead(read.uuid))->vrm, "GF20MHU") << "the read stays as read";
  EXPECT_EQ((*store_->GetHit("hit-1"))->outcome, HitOutcome::kConfirmed) << "the outcome is not touched";
  EXPECT_TRUE(store_->UnsyncedHits(10)->empty());
  auto entries = store_->AuditEntries(1, 1000);
  ASSERT_EQ(entries->size(), audit_before->size() + 1);
  const AuditEntry& e = entries->back();
  EXPECT_EQ(e.officer, "4711");
  EXPECT_GT(e.at_utc_ms, 0) << "stamped by the store when written";
  EXPECT_EQ(e.action, "hit.correction");
  EXPECT_NE(e.detail.find("hit hit-1"), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("VRM GF20MHU -> GF2OMHU"), std::string::npos) << e.detail;
  EXPECT_FALSE(e.synced_at_utc_ms.has_value()) << "the correction goes to the depot";

  Store::HitCorrection outcome_fix;
  outcome_fix.hit_uuid = "hit-1";
  outcome_fix.outcome = HitOutcome::kNotActioned;
  outcome_fix.note = "Unsafe to stop";
  ASSERT_TRUE(officers_->CorrectHit(&*officer, outcome_fix, kT0 + 90'000).ok());
  auto h = store_->GetHit("hit-1");
  EXPECT_EQ((*h)->outcome, HitOutcome::kNotActioned);
  EXPECT_EQ((*h)->outcome_note, "Unsafe to stop");
  EXPECT_EQ((*h)->outcome_at_utc_ms, kT0 + 90'000);
  ASSERT_EQ(store_->UnsyncedHits(10)->size(), 1u) << "the changed outcome syncs again";
  EXPECT_TRUE(AuditHas("hit.correction", "outcome confirmed -> not-actioned (Unsafe to stop)"));
  EXPECT_TRUE(AuditHas("hit.outcome", "hit hit-1: confirmed")) << "the first answer stays in the log";
  EXPECT_TRUE(store_->VerifyAudit()->ok);

  // Refused, and nothing recorded: no change, a malformed VRM, no reason,
  // an unknown hit, no session.
  const size_t n = store_->AuditEntries(1, 1000)->size();
  Store::HitCorrection empty;
  empty.hit_uuid = "hit-1";
  EXPECT_EQ(officers_->CorrectHit(&*officer, empty, kT0).code(), StatusCode::kInvalidArgument);
  Store::HitCorrection bad_vrm = vrm_fix;
  bad_vrm.vrm = "GF2 OMHU";
  EXPECT_EQ(officers_->CorrectHit(&*officer, bad_vrm, kT0).code(), StatusCode::kInvalidArgument);
  Store::HitCorrection no_reason = outcome_fix;
  no_reason.note = "";
  EXPECT_EQ(officers_->CorrectHit(&*officer, no_reason, kT0).code(), StatusCode::kInvalidArgument);
  Store::HitCorrection unknown = vrm_fix;
  unknown.hit_uuid = "no-such-hit";
  EXPECT_EQ(officers_->CorrectHit(&*officer, unknown, kT0).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AuditEntries(1, 1000)->size(), n) << "nothing recorded for a refused correction";
  ASSERT_TRUE(officers_->Logout(&*officer, kT0 + 100'000).ok());
  const size_t after_logout = store_->AuditEntries(1, 1000)->size();
  EXPECT_NE(officers_->CorrectHit(&*officer, vrm_fix, kT0 + 100'001).code(), StatusCode::kOk);
  EXPECT_EQ(store_->AuditEntries(1, 1000)->size(), after_logout);
}

TEST(Rights, TableMatchesTheDocumentation) {
  EXPECT_TRUE(RoleHasRight(Role::kOfficer, Right::kRecordOutcome));
  EXPECT_TRUE(RoleHasRight(Role::kOfficer, Right::kEnterWanted));
  EXPECT_FALSE(RoleHasRight(Role::kOfficer, Right::kSearchReads));
  EXPECT_FALSE(RoleHasRight(Role::kOfficer, Right::kExportReads));
  EXPECT_TRUE(RoleHasRight(Role::kSupervisor, Right::kSearchReads));
  EXPECT_TRUE(RoleHasRight(Role::kOfficer, Right::kVerifyAudit));
  EXPECT_FALSE(RoleHasRight(Role::kOfficer, Right::kManageHotlists));
  EXPECT_TRUE(RoleHasRight(Role::kSupervisor, Right::kManageHotlists));
  EXPECT_FALSE(RoleHasRight(Role::kSupervisor, Right::kManageOfficers));
  EXPECT_TRUE(RoleHasRight(Role::kAdministrator, Right::kChangeSettings));
}

}  // namespace
}  // namespace anpr
