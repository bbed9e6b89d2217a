// Retention by policy (issue 15): 12 months by default, the clock run
// forward to day 366; investigation holds keep a VRM's reads (images
// included) while they last; each purge and each hold is in the audit log.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "tests/store/test_util.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/retention.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using testing::MakeRead;
using testing::TempDir;

constexpr int64_t kT0 = 1'800'000'000'000;  // 2027-01-15: a set clock

class RetentionHold : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.File("unit.db");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s.value());
    OfficersOptions opt;
    opt.pbkdf2_iterations = 1000;  // keep the suite quick; production uses the default
    officers_ = std::make_unique<Officers>(store_.get(), opt);
    ASSERT_TRUE(officers_->AddOfficer(nullptr, "1", Role::kAdministrator, "9876", kT0).ok());
    auto admin = officers_->Login("1", "9876", kT0);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(officers_->AddOfficer(&*admin, "4711", Role::kOfficer, "1234", kT0).ok());
    ASSERT_TRUE(officers_->AddOfficer(&*admin, "200", Role::kSupervisor, "5555", kT0).ok());
  }

  Session Login(const std::string& number, const std::string& pin, int64_t at) {
    auto s = officers_->Login(number, pin, at);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : Session{};
  }

  bool Kept(const Read& r) {
    auto got = store_->GetRead(r.uuid, true);
    return got.ok() && got->has_value();
  }
  bool KeptWithImages(const Read& r) {
    auto got = store_->GetRead(r.uuid, true);
    return got.ok() && got->has_value() && (*got)->plate_jpeg == r.plate_jpeg &&
           (*got)->overview_jpeg == r.overview_jpeg;
  }
  int CountAudit(const std::string& action) {
    auto all = store_->AuditEntries(1, 100000);
    EXPECT_TRUE(all.ok());
    return static_cast<int>(
        std::count_if(all->begin(), all->end(), [&](const AuditEntry& e) { return e.action == action; }));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Officers> officers_;
};

TEST_F(RetentionHold, DefaultIsTwelveMonthsAndTheCapStaysTwoYears) {
  EXPECT_EQ(RetentionConfig{}.max_age_ms, 365 * kDayMs);
  RetentionConfig two_years;
  two_years.max_age_ms = 730 * kDayMs;
  EXPECT_TRUE(ValidateRetention(two_years).ok());
  two_years.max_age_ms = 731 * kDayMs;
  EXPECT_EQ(ValidateRetention(two_years).code(), StatusCode::kInvalidArgument);
}

TEST_F(RetentionHold, OnlyASupervisorWithAReasonPlacesAHoldAndItIsAudited) {
  Session officer = Login("4711", "1234", kT0);
  EXPECT_EQ(officers_->PlaceHold(&officer, "AB12CDE", "operation nightjar 4471", kT0 + kDayMs, kT0).status().code(),
            StatusCode::kPermissionDenied);
  Session sup = Login("200", "5555", kT0);
  EXPECT_EQ(officers_->PlaceHold(&sup, "AB12CDE", "  too short ", kT0 + kDayMs, kT0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(officers_->PlaceHold(&sup, "AB12CDE", "operation nightjar 4471", kT0 - 1, kT0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ActiveHolds(kT0)->empty());
  auto hold = officers_->PlaceHold(&sup, "ab12 cde", "operation nightjar 4471", kT0 + kDayMs, kT0);
  ASSERT_TRUE(hold.ok()) << hold.status().ToString();
  EXPECT_EQ(hold->vrm, "AB12CDE");
  auto active = store_->ActiveHolds(kT0);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->front().placed_by, "200");
  EXPECT_TRUE(store_->ActiveHolds(kT0 + kDayMs)->empty()) << "a hold ends at its until time";
  auto newest = store_->NewestAuditEntry();
  ASSERT_TRUE(newest->has_value());
  EXPECT_EQ((*newest)->action, "reads.hold");
  EXPECT_EQ((*newest)->officer, "200");
  EXPECT_NE((*newest)->detail.find("operation nightjar 4471"), std::string::npos);
  EXPECT_EQ(store_->UnsyncedHolds(10)->size(), 1u);
  ASSERT_TRUE(store_->MarkHoldsSynced({hold->uuid}, kT0).ok());
  EXPECT_TRUE(store_->UnsyncedHolds(10)->empty());
}

TEST_F(RetentionHold, DayThreeHundredSixtySixPurgesAllButHeldReads) {
  Read held = MakeRead("HE11ELD", kT0);
  Read gone_synced = MakeRead("GO11NES", kT0);
  Read gone_unsynced = MakeRead("GO22NEU", kT0);
  Read hold_ended = MakeRead("EN11DED", kT0);
  Read fresh = MakeRead("FR11ESH", kT0 + 2 * kDayMs);  // 364 days old at day 366
  for (const Read* r : {&held, &gone_synced, &gone_unsynced, &hold_ended, &fresh}) ASSERT_TRUE(store_->CommitRead(*r).ok());
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = gone_unsynced.uuid;
  h.list_name = "l";
  h.entry_vrm = gone_unsynced.vrm;
  ASSERT_TRUE(store_->CommitHits({h}).ok());
  // Synced early: without the hold its images would go after 31 days.
  ASSERT_TRUE(store_->MarkReadsSynced({held.uuid, gone_synced.uuid, hold_ended.uuid}, kT0).ok());

  Session sup = Login("200", "5555", kT0 + 10 * kDayMs);
  ASSERT_TRUE(officers_->PlaceHold(&sup, held.vrm, "operation nightjar 4471", kT0 + 400 * kDayMs, kT0 + 10 * kDayMs).ok());
  ASSERT_TRUE(officers_->PlaceHold(&sup, hold_ended.vrm, "incident 88 closed soon", kT0 + 200 * kDayMs,
                                   kT0 + 10 * kDayMs)
                  .ok());

  RetentionConfig policy;  // the defaults: 365 days, synced images 31 days
  // Every day up to 366, as the unit's purge would (hourly: daily is enough here).
  int purges = 0;
  for (int day = 1; day <= 366; ++day) {
    auto c = ApplyRetention(store_.get(), policy, kT0 + day * kDayMs);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ++purges;
    if (day == 365) {
      EXPECT_TRUE(Kept(gone_synced) && Kept(gone_unsynced) && Kept(hold_ended)) << "nothing goes before the cap";
    }
  }
  EXPECT_TRUE(KeptWithImages(held)) << "a held read and its images stay past the cap";
  EXPECT_FALSE(Kept(gone_synced));
  EXPECT_FALSE(Kept(gone_unsynced));
  EXPECT_FALSE(store_->GetHit(h.uuid)->has_value()) << "the purged read's hit goes with it";
  EXPECT_FALSE(Kept(hold_ended)) << "a hold that ended keeps nothing";
  ASSERT_TRUE(Kept(fresh));
  EXPECT_TRUE(KeptWithImages(fresh)) << "unsynced: images kept";
  EXPECT_EQ(CountAudit("retention.purge"), purges) << "each purge is in the audit log";
  auto newest = store_->NewestAuditEntry();
  EXPECT_NE((*newest)->detail.find("kept under an investigation hold: 1"), std::string::npos) << (*newest)->detail;

  // Once the hold ends, the next purge applies the cap.
  ASSERT_TRUE(ApplyRetention(store_.get(), policy, kT0 + 401 * kDayMs).ok());
  EXPECT_FALSE(Kept(held));
  EXPECT_EQ(CountAudit("retention.purge"), purges + 1);
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->problem;
}

TEST_F(RetentionHold, AHeldFutureDatedReadIsKeptWhileTheHoldLasts) {
  Read ahead = MakeRead("FU11TUR", kT0 + 10 * kDayMs);
  Read other = MakeRead("FU22TUR", kT0 + 10 * kDayMs);
  ASSERT_TRUE(store_->CommitRead(ahead).ok());
  ASSERT_TRUE(store_->CommitRead(other).ok());
  Session sup = Login("200", "5555", kT0);
  ASSERT_TRUE(officers_->PlaceHold(&sup, ahead.vrm, "operation nightjar 4471", kT0 + 30 * kDayMs, kT0).ok());
  auto c = ApplyRetention(store_.get(), RetentionConfig{}, kT0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->future_dated_deleted, 1);
  EXPECT_TRUE(Kept(ahead));
  EXPECT_FALSE(Kept(other));
}

}  // namespace
}  // namespace anpr
