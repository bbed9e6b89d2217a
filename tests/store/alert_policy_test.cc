// The alert policy end to end over a real store: what alerts, what is only
// recorded, what waits for the cool-down, and late hits after an update.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "tests/store/test_util.h"
#include "vehicle/alerts/hit_pipeline.h"

namespace anpr {
namespace {

using anpr::testing::MakeRead;
using anpr::testing::TempDir;

constexpr int64_t kT0 = 1'800'000'000'000;

HotlistEntry Entry(const std::string& vrm, Priority p) {
  HotlistEntry e;
  e.vrm = vrm;
  e.priority = p;
  e.reason = "wanted: " + vrm;
  e.information = "approach with care";
  return e;
}

class AlertPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.File("unit.db");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    HotlistMeta pnc;
    pnc.name = "pnc";
    pnc.source = ListSource::kPnc;
    pnc.colour = "#ff0000";
    pnc.sound = "siren";
    ASSERT_TRUE(store_->ApplyHotlistVersion(pnc, {Entry("AB12CDE", Priority::kHigh), Entry("LOW1", Priority::kLow)},
                                            "test", &matcher_).ok());
    HotlistMeta covert;
    covert.name = "covert";
    covert.covert = true;
    ASSERT_TRUE(store_->ApplyHotlistVersion(covert, {Entry("SPY1", Priority::kMedium)}, "test", &matcher_).ok());
    policy_ = std::make_unique<AlertPolicy>(store_.get(), &matcher_);
  }
  Read Committed(const std::string& vrm, int64_t at) {
    Read r = MakeRead(vrm, at);
    EXPECT_TRUE(store_->CommitRead(r).ok());
    return r;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  Matcher matcher_;
  std::unique_ptr<AlertPolicy> policy_;
};

TEST_F(AlertPolicyTest, HitIsRecordedWithDetailsAndResponseText) {
  Read r = Committed("A812CDE", kT0);
  auto alerts = policy_->OnCommittedRead(r, kT0);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  const Alert& a = (*alerts)[0];
  EXPECT_EQ(a.hit.match, MatchKind::kSimilar);
  EXPECT_EQ(a.hit.reason, "wanted: AB12CDE");
  EXPECT_EQ(a.hit.information, "approach with care");
  EXPECT_EQ(a.list_sound, "siren");
  EXPECT_EQ(a.response_text, policy_->ResponseText(Priority::kHigh));
  EXPECT_NE(a.response_text.find("HIGH"), std::string::npos);
  auto stored = store_->GetHit(a.hit.uuid);
  ASSERT_TRUE(stored->has_value());  // durable before the alert is returned
  EXPECT_EQ((*stored)->read_uuid, r.uuid);
}

TEST_F(AlertPolicyTest, RepeatWithinCooldownUpdatesTheFirstHit) {
  auto first = policy_->OnCommittedRead(Committed("AB12CDE", kT0), kT0);
  ASSERT_EQ(first->size(), 1u);
  auto repeat = policy_->OnCommittedRead(Committed("AB12CDE", kT0 + 60'000), kT0 + 60'000);
  EXPECT_TRUE(repeat->empty());
  EXPECT_EQ(store_->RecentHits(10)->size(), 1u);
  // Past the cool-down since the last sighting: a new alert.
  auto later = policy_->OnCommittedRead(Committed("AB12CDE", kT0 + 60'000 + 5 * 60'000 + 1), kT0 + 400'000);
  EXPECT_EQ(later->size(), 1u);
  EXPECT_EQ(store_->RecentHits(10)->size(), 2u);
}

TEST_F(AlertPolicyTest, CooldownRunsFromTheAlertNotFromTheLastSighting) {
  // Followed for six minutes, read every two: the sightings do not keep
  // pushing the cool-down on; six minutes after the alert it alerts again.
  ASSERT_EQ(policy_->OnCommittedRead(Committed("AB12CDE", kT0), kT0)->size(), 1u);
  for (int minute : {2, 4}) {
    const int64_t at = kT0 + minute * 60'000;
    EXPECT_TRUE(policy_->OnCommittedRead(Committed("AB12CDE", at), at)->empty()) << minute;
  }
  const int64_t at = kT0 + 6 * 60'000;
  EXPECT_EQ(policy_->OnCommittedRead(Committed("AB12CDE", at), at)->size(), 1u);
}

TEST_F(AlertPolicyTest, HighAnsweredNotSeenAlertsAgainAtTheNextSightingAfterTheInterval) {
  for (HitOutcome answer : {HitOutcome::kNotSeen, HitOutcome::kNotActioned}) {
    const int64_t t0 = kT0 + (answer == HitOutcome::kNotSeen ? 0 : 3'600'000);
    auto first = policy_->OnCommittedRead(Committed("AB12CDE", t0), t0);
    ASSERT_EQ(first->size(), 1u);
    ASSERT_TRUE(store_->SetHitOutcome((*first)[0].hit.uuid, answer, "4711", "Unsafe to stop", t0 + 10'000).ok());
    // Within the interval after the answer: a repeat, no alert.
    EXPECT_TRUE(policy_->OnCommittedRead(Committed("AB12CDE", t0 + 50'000), t0 + 50'000)->empty());
    // The next sighting after it alerts, long before the cool-down ends.
    auto again = policy_->OnCommittedRead(Committed("AB12CDE", t0 + 75'000), t0 + 75'000);
    ASSERT_EQ(again->size(), 1u) << HitOutcomeName(answer);
    EXPECT_EQ((*again)[0].hit.priority, Priority::kHigh);
    EXPECT_FALSE((*again)[0].hit.late);
  }
  // Low priority answered NOT SEEN waits for the cool-down as before.
  auto low = policy_->OnCommittedRead(Committed("LOW1", kT0), kT0);
  ASSERT_EQ(low->size(), 1u);
  ASSERT_TRUE(store_->SetHitOutcome((*low)[0].hit.uuid, HitOutcome::kNotSeen, "4711", "", kT0 + 1000).ok());
  EXPECT_TRUE(policy_->OnCommittedRead(Committed("LOW1", kT0 + 120'000), kT0 + 120'000)->empty());
}

TEST_F(AlertPolicyTest, ReAlertIntervalIsConfigurable) {
  AlertPolicyOptions o;
  o.realert_after_ms = 5'000;
  AlertPolicy policy(store_.get(), &matcher_, o);
  auto first = policy.OnCommittedRead(Committed("AB12CDE", kT0), kT0);
  ASSERT_EQ(first->size(), 1u);
  ASSERT_TRUE(store_->SetHitOutcome((*first)[0].hit.uuid, HitOutcome::kNotSeen, "4711", "", kT0 + 1000).ok());
  EXPECT_EQ(policy.OnCommittedRead(Committed("AB12CDE", kT0 + 7000), kT0 + 7000)->size(), 1u);
}

TEST_F(AlertPolicyTest, RematchDoesNotRaiseAVehicleAlreadyAnsweredThisShift) {
  // An officer enters a high plate; its reads of the last half hour (one
  // pass, a repeat two minutes later, another pass ten minutes after that)
  // come back as one late alert.
  Read pass1 = Committed("XY51ABC", kT0 - 30 * 60'000);
  Committed("XY51ABC", kT0 - 28 * 60'000);
  Committed("XY51ABC", kT0 - 20 * 60'000);
  auto late = policy_->EnterWanted("4711", "XY51ABC", Priority::kHigh, "abduction of a child", kT0 + 86'400'000, kT0);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ((*late)[0].hit.read_uuid, pass1.uuid);
  ASSERT_TRUE(store_->SetHitOutcome((*late)[0].hit.uuid, HitOutcome::kConfirmed, "4711", "", kT0 + 5000).ok());
  // Saving an unrelated low plate re-matches the officer's list: the
  // confirmed vehicle is not raised again.
  auto other = policy_->EnterWanted("4711", "LOW9ZZZ", Priority::kLow, "no insurance", kT0 + 86'400'000,
                                    kT0 + 60'000);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_TRUE(other->empty()) << (other->empty() ? "" : (*other)[0].hit.entry_vrm);
  EXPECT_EQ(store_->RecentHits(10)->size(), 1u);
}

TEST_F(AlertPolicyTest, CovertHitsAreRecordedButNeverAlerted) {
  Read r = Committed("SPY1", kT0);
  auto alerts = policy_->OnCommittedRead(r, kT0);
  EXPECT_TRUE(alerts->empty());
  auto hits = store_->HitsForRead(r.uuid);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_TRUE((*hits)[0].covert);
  EXPECT_EQ(store_->UnsyncedHits(10)->size(), 1u);  // goes to the depot
}

TEST_F(AlertPolicyTest, HighCannotBeMuted) {
  EXPECT_EQ(policy_->SetMuted(Priority::kHigh, true).code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(policy_->SetMuted(Priority::kLow, true).ok());
  auto low = policy_->OnCommittedRead(Committed("LOW1", kT0), kT0);
  ASSERT_EQ(low->size(), 1u);
  EXPECT_FALSE((*low)[0].sound);
  auto high = policy_->OnCommittedRead(Committed("AB12CDE", kT0), kT0);
  ASSERT_EQ(high->size(), 1u);
  EXPECT_TRUE((*high)[0].sound);
}

TEST_F(AlertPolicyTest, NewVersionRaisesLateHitsOnRecentReads) {
  Read old_read = Committed("NEW9", kT0 - 5 * 60 * 60 * 1000);  // outside the 4 h window
  Read recent = Committed("NEW9", kT0 - 60 * 60 * 1000);
  HotlistDelta d;
  d.base_version = 1;
  d.new_version = 2;
  d.adds = {Entry("NEW9", Priority::kMedium)};
  ASSERT_TRUE(store_->ApplyHotlistDelta("pnc", d, "sync", &matcher_).ok());
  auto late = policy_->RematchRecent("pnc", kT0);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_TRUE((*late)[0].hit.late);
  EXPECT_EQ((*late)[0].hit.read_uuid, recent.uuid);
  EXPECT_TRUE(store_->HitsForRead(old_read.uuid)->empty());
  // Matching again raises nothing twice.
  EXPECT_TRUE(policy_->RematchRecent("pnc", kT0)->empty());
}

TEST_F(AlertPolicyTest, OfficerEnteredPlateIsCheckedSyncedAndMatchesBack) {
  Read r = Committed("XY51ABC", kT0 - 10 * 60 * 1000);
  EXPECT_EQ(policy_->EnterWanted("4711", "XY51ABC", Priority::kHigh, "armed robbery", kT0 + 101LL * 86'400'000, kT0)
                .status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(policy_->EnterWanted("4711", "XY51ABC", Priority::kHigh, "", kT0 + 1000, kT0).status().code(),
            StatusCode::kInvalidArgument);
  auto late = policy_->EnterWanted("4711", "xy51 abc", Priority::kHigh, "armed robbery", kT0 + 2 * 86'400'000, kT0);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  ASSERT_EQ(late->size(), 1u);
  EXPECT_TRUE((*late)[0].hit.late);
  EXPECT_EQ((*late)[0].hit.list_name, kOfficerListName);
  EXPECT_EQ((*late)[0].hit.reason, "armed robbery");
  auto outbox = store_->UnsyncedOfficerEntries(10);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].entry.vrm, "XY51ABC");
  EXPECT_EQ((*outbox)[0].entered_by, "4711");
  ASSERT_TRUE(store_->MarkOfficerEntriesSynced({(*outbox)[0].uuid}, kT0).ok());
  EXPECT_TRUE(store_->UnsyncedOfficerEntries(10)->empty());
}

class CollectingSink : public AlertSink {
 public:
  void OnAlert(const Alert& a) override {
    std::lock_guard<std::mutex> lock(mu);
    alerts.push_back(a);
    cv.notify_all();
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Alert> alerts;
};

// Issue 16: the front camera alerts; the rear camera reads the same vehicle
// 3 s later, within the cool-down: no second alert, both reads stored, and
// the sink is told the rear sighting of the hit it already shows. A covert
// hit's repeats are not shown either.
TEST_F(AlertPolicyTest, FrontAndRearCamerasSeeingOneVehicleGiveOneAlertAndASighting) {
  class SightingSink : public CollectingSink {
   public:
    void OnSighting(const Sighting& s, const Read& read) override {
      std::lock_guard<std::mutex> lock(mu);
      sightings.emplace_back(s, read.camera_id);
    }
    std::vector<std::pair<Sighting, std::string>> sightings;
  } sink;
  HitPipeline pipeline(store_.get(), policy_.get(), &sink);
  pipeline.Start();
  Read front = MakeRead("AB12CDE", kT0);
  front.camera_id = "front";
  Read rear = MakeRead("AB12CDE", kT0 + 3000);
  rear.camera_id = "rear";
  Read covert_front = MakeRead("SPY1", kT0 + 4000);
  covert_front.camera_id = "front";
  Read covert_rear = MakeRead("SPY1", kT0 + 6000);
  covert_rear.camera_id = "rear";
  for (const Read& r : {front, rear, covert_front, covert_rear}) pipeline.OnRead(r);
  pipeline.Stop();
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].hit.read_uuid, front.uuid);
  ASSERT_EQ(sink.sightings.size(), 1u);
  EXPECT_EQ(sink.sightings[0].first.hit_uuid, sink.alerts[0].hit.uuid);
  EXPECT_EQ(sink.sightings[0].first.read_uuid, rear.uuid);
  EXPECT_EQ(sink.sightings[0].first.priority, Priority::kHigh);
  EXPECT_EQ(sink.sightings[0].second, "rear");
  EXPECT_EQ(*store_->CountReads(), 4);  // every read kept
  auto rear_hits = store_->HitsForRead(rear.uuid);
  ASSERT_TRUE(rear_hits.ok());
  EXPECT_TRUE(rear_hits->empty()) << "the rear read is a sighting of the front's hit, not a hit of its own";
}

TEST_F(AlertPolicyTest, PipelineAlertsOnlyAfterTheReadIsDurable) {
  // The sink checks, at the moment it is told, that the read is in the store.
  class CheckingSink : public CollectingSink {
   public:
    explicit CheckingSink(Store* s) : store(s) {}
    void OnAlert(const Alert& a) override {
      read_was_stored = read_was_stored && store->GetRead(a.hit.read_uuid, false)->has_value();
      CollectingSink::OnAlert(a);
    }
    Store* store;
    bool read_was_stored = true;
  } sink(store_.get());
  HitPipeline pipeline(store_.get(), policy_.get(), &sink);
  pipeline.Start();
  for (int i = 0; i < 20; ++i) pipeline.OnRead(MakeRead(i == 7 ? "AB12CDE" : "NONE" + std::to_string(i), kT0 + i));
  pipeline.Stop();
  EXPECT_EQ(pipeline.pending(), 0u);
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].hit.entry_vrm, "AB12CDE");
  EXPECT_TRUE(sink.read_was_stored);
  EXPECT_EQ(*store_->CountReads(), 20);
}

}  // namespace
}  // namespace anpr
