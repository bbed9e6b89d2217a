// Issue 14: "Reasons are at least 10 visible characters everywhere." Blank,
// NUL-filled, newline-only and one-character reasons are refused wherever a
// reason is entered: a supervisor's search and export on the unit, a "not
// actioned" note, an officer-entered wanted plate, and the depot's search
// (a real depot over loopback TLS).
#include <httplib.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "hmi/model.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "tests/common/temp_dir.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/alerts/alert_policy.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/reason.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;

std::vector<std::string> BadReasons() {
  return {"", "   ", std::string(3, '\0'), "\n", "x", "\t\t\t\t\t\t\t\t\t\t\t\t", "abc\ndefghijkl",
          "123456789", "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0",
          std::string("incident 2026/123\0", 18)};
}
constexpr const char* kGoodReason = "incident 2026/123";

TEST(Reason, TheRule) {
  for (const std::string& r : BadReasons()) {
    EXPECT_EQ(ValidateReason(r).code(), StatusCode::kInvalidArgument) << "accepted: '" << r << "'";
  }
  EXPECT_TRUE(ValidateReason(kGoodReason).ok());
  EXPECT_TRUE(ValidateReason("stolen vehicle").ok());
  EXPECT_TRUE(ValidateReason("Überfall in München").ok());
}

// The HMI offers fixed "not actioned" reasons; each must pass the rule, or
// the officer's tap would be refused at the roadside.
TEST(Reason, TheHmisNotActionedChoicesMeetTheRule) {
  for (const std::string& r : hmi::HmiConfig{}.not_actioned_reasons) EXPECT_TRUE(ValidateReason(r).ok()) << r;
}

class UnitReasons : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.File("unit.db");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    OfficersOptions opt;
    opt.pbkdf2_iterations = 1000;
    officers_ = std::make_unique<Officers>(store_.get(), opt);
    ASSERT_TRUE(officers_->AddOfficer(nullptr, "1", Role::kAdministrator, "9876", kT0).ok());
    auto admin = officers_->Login("1", "9876", kT0);
    ASSERT_TRUE(admin.ok());
    session_ = *admin;
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Officers> officers_;
  Session session_;
};

TEST_F(UnitReasons, SearchAndExportNeedARealReason) {
  ReadQuery q;
  q.vrm = "AB12CDE";
  for (const std::string& r : BadReasons()) {
    EXPECT_EQ(officers_->SearchReads(&session_, q, r, kT0).status().code(), StatusCode::kInvalidArgument) << r;
    EXPECT_EQ(officers_->ExportReads(&session_, q, r, kT0).status().code(), StatusCode::kInvalidArgument) << r;
  }
  EXPECT_TRUE(officers_->SearchReads(&session_, q, kGoodReason, kT0).ok());
}

TEST_F(UnitReasons, NotActionedNeedsARealReason) {
  for (const std::string& r : BadReasons()) {
    // Checked before the hit is looked up: no such hit would be kNotFound.
    EXPECT_EQ(officers_->RecordOutcome(&session_, "no-such-hit", HitOutcome::kNotActioned, r, kT0).code(),
              StatusCode::kInvalidArgument)
        << r;
  }
  EXPECT_EQ(officers_->RecordOutcome(&session_, "no-such-hit", HitOutcome::kNotActioned, "Unsafe to stop", kT0)
                .code(),
            StatusCode::kNotFound);
}

TEST_F(UnitReasons, WantedPlateNeedsARealReason) {
  Matcher matcher;
  AlertPolicy policy(store_.get(), &matcher);
  for (const std::string& r : BadReasons()) {
    EXPECT_EQ(policy.EnterWanted("1", "XY51ABC", Priority::kHigh, r, kT0 + 86'400'000, kT0).status().code(),
              StatusCode::kInvalidArgument)
        << r;
  }
  EXPECT_TRUE(policy.EnterWanted("1", "XY51ABC", Priority::kHigh, "armed robbery", kT0 + 86'400'000, kT0).ok());
}

TEST(DepotReasons, SearchNeedsARealReason) {
  testing::TempDir dir;
  ASSERT_TRUE(sync::testing::MakeTestCertificate(dir.path())) << "openssl CLI could not make a certificate";
  auto store = sync::OpenDepotStore("sqlite:" + dir.File("depot.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  const std::string token = sync::NewToken();
  ASSERT_TRUE((*store)->AddCredential({"DC Jones", sync::Role::kInvestigator}, sync::TokenHash(token)).ok());
  sync::DepotServerOptions o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.cert_file = dir.File("cert.pem");
  o.key_file = dir.File("key.pem");
  sync::DepotServer server(store->get(), o);
  ASSERT_TRUE(server.Start().ok());

  httplib::SSLClient cli("127.0.0.1", server.port());
  cli.set_ca_cert_path(dir.File("cert.pem").c_str());
  cli.enable_server_certificate_verification(true);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  for (const char* reason : {"%20%20%20", "%00%00%00", "%0A", "x", "%0A%0A%0A%0A%0A%0A%0A%0A%0A%0A%0A"}) {
    auto res = cli.Get((std::string("/api/v1/reads?vrm=AB12CDE&reason=") + reason).c_str(), auth);
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 400) << "reason " << reason << ": " << res->body;
  }
  auto ok = cli.Get("/api/v1/reads?vrm=AB12CDE&reason=burglary%2012%2F345", auth);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace anpr
