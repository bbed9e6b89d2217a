// Issue 14: a read stamped 10 years in the future was never purged (its age
// stays negative). Retention deletes reads stamped more than a day ahead of
// now, synced or not, with their hits, and audits it; reads within the
// tolerance stay, and nothing is deleted this way while the clock reads
// before 2025 (a reset clock). Real store file, real ApplyRetention.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/common/temp_dir.h"
#include "vehicle/records/read.h"
#include "vehicle/store/retention.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;  // 2027-01-15
constexpr int64_t kYearMs = 365 * kDayMs;

Read MakeRead(const std::string& vrm, int64_t captured_at_utc_ms) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 90;
  r.captured_at_utc_ms = captured_at_utc_ms;
  r.camera_id = "front";
  r.unit_id = "car-7";
  r.officer_id = "4711";
  r.plate_jpeg.assign(100, 0xAB);
  r.overview_jpeg.assign(100, 0xCD);
  return r;
}

Hit MakeHit(const Read& read) {
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = read.uuid;
  h.list_name = "pnc";
  h.entry_vrm = read.vrm;
  h.priority = Priority::kHigh;
  h.raised_at_utc_ms = read.captured_at_utc_ms;
  return h;
}

class FutureDatedReads : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.File("unit.db");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->CommitRead(past_).ok());
    ASSERT_TRUE(store_->CommitRead(soon_).ok());
    ASSERT_TRUE(store_->CommitRead(future_, {future_hit_}).ok());
  }
  bool Has(const Read& r) {
    auto got = store_->GetRead(r.uuid, false);
    return got.ok() && got->has_value();
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  Read past_ = MakeRead("AB12CDE", kNow - 3600'000);
  Read soon_ = MakeRead("XY51ABC", kNow + 3600'000);  // an hour ahead: clocks disagree
  Read future_ = MakeRead("LM99ABC", kNow + 10 * kYearMs);
  Hit future_hit_ = MakeHit(future_);
};

TEST_F(FutureDatedReads, AReadTenYearsAheadIsPurged) {
  auto counts = ApplyRetention(store_.get(), RetentionConfig{}, kNow);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_FALSE(Has(future_)) << "a read stamped 10 years ahead survived retention";
  auto hit = store_->GetHit(future_hit_.uuid);
  ASSERT_TRUE(hit.ok());
  EXPECT_FALSE(hit->has_value()) << "its hit survived";
  EXPECT_TRUE(Has(past_));
  EXPECT_TRUE(Has(soon_)) << "a read within the tolerance was purged";
  EXPECT_EQ(counts->future_dated_deleted, 1);
  EXPECT_EQ(counts->reads_deleted, 1);
  EXPECT_EQ(counts->unsynced_reads_deleted, 1);
  EXPECT_EQ(counts->hits_deleted, 1);
  auto audit = store_->AuditEntries(1, 1000);
  ASSERT_TRUE(audit.ok());
  bool audited = false;
  for (const AuditEntry& e : *audit) audited |= e.action == "retention.purge-future";
  EXPECT_TRUE(audited);
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->problem;
}

TEST_F(FutureDatedReads, AClockThatIsNotSetDeletesNothingThisWay) {
  constexpr int64_t kRtcReset = 946'684'800'000;  // 2000-01-01: every read looks future-dated
  auto counts = ApplyRetention(store_.get(), RetentionConfig{}, kRtcReset);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->reads_deleted, 0);
  EXPECT_TRUE(Has(past_));
  EXPECT_TRUE(Has(soon_));
  EXPECT_TRUE(Has(future_));
}

}  // namespace
}  // namespace anpr
