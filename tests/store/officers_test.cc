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
