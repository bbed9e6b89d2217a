// The HMI model's hits: colours, symbols and sounds per priority, the alarm,
// the queue, outcomes, covert hits, and hits waiting while locked.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

TEST_F(ModelTest, EachPriorityShowsItsColourSymbolAndSound) {
  LogIn(model);
  const Theme& t = DayTheme();
  struct Case { Priority p; Colour colour; Symbol symbol; const char* sound; };
  for (const Case& c : {Case{Priority::kHigh, t.high, Symbol::kTriangle, "play:high"},
                        Case{Priority::kMedium, t.medium, Symbol::kDiamond, "play:medium"},
                        Case{Priority::kLow, t.low, Symbol::kCircle, "play:low"}}) {
    sound.log.clear();
    const Read r = MakeRead("AB12CDE");
    ASSERT_TRUE(model.AddHit(MakeHit(r, c.p), r));
    EXPECT_EQ(model.screen(), Screen::kHit);
    const Scene s = model.BuildScene();
    EXPECT_EQ(s.background, c.colour) << PriorityName(c.p);
    ASSERT_NE(s.FindId("hit.symbol"), nullptr);
    EXPECT_EQ(s.FindId("hit.symbol")->symbol, c.symbol);
    EXPECT_EQ(s.FindId("hit.vrm")->text, "AB12 CDE");
    EXPECT_EQ(sound.Count(c.sound), 1) << PriorityName(c.p);
    for (const char* a : {"hit.confirmed", "hit.misread", "hit.notseen", "hit.notactioned"})
      EXPECT_NE(s.FindAction(a), nullptr) << a;
    Settle();
    Tap(model, "hit.confirmed");
    EXPECT_EQ(model.screen(), Screen::kLive);
  }
  PastUndo();
  EXPECT_EQ(actions.outcomes.size(), 3u);
}

TEST_F(ModelTest, HitScreenShowsEvidenceAndMatchKind) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh, MatchKind::kSimilar), r);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.match")->text, "SIMILAR");
  EXPECT_EQ(s.FindId("hit.entry_vrm")->text, "AB02 CDE");
  ASSERT_NE(s.FindId("hit.patch")->image, nullptr);
  EXPECT_EQ(s.FindId("hit.patch")->image->cols, 260);
  ASSERT_NE(s.FindId("hit.overview")->image, nullptr);
  EXPECT_NE(s.FindId("hit.warnings")->text.find("FIREARMS"), std::string::npos);
  EXPECT_NE(s.FindId("hit.reason")->text.find("PNC: Stolen vehicle"), std::string::npos);
  EXPECT_NE(s.FindAction("hit.details"), nullptr) << "the information is longer than its place";
  EXPECT_EQ(s.FindId("hit.vehicle")->text, "Blue Ford Focus");
  EXPECT_EQ(s.FindId("hit.place")->text, "51.50735, -0.12776");
  EXPECT_EQ(s.FindId("hit.title")->text, "HIGH PRIORITY");
}

TEST_F(ModelTest, HighRepeatsUntilAcknowledgedByAnyTouch) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  EXPECT_EQ(sound.log.back(), "play:high");
  EXPECT_EQ(sound.Count("stop:high"), 0);
  Settle();
  // A touch on an empty part of the hit screen acknowledges.
  const Scene scene_vrm = model.BuildScene();
  const Element* vrm = scene_vrm.FindId("hit.vrm");
  model.PointerDown(vrm->rect.cx(), vrm->rect.cy());
  model.PointerUp(vrm->rect.cx(), vrm->rect.cy());
  EXPECT_EQ(sound.log.back(), "stop:high");
  EXPECT_EQ(model.pending_hits(), 1u) << "acknowledging is not an outcome";
  // A second high hit starts the alarm again.
  const Read r2 = MakeRead("XY51ABC");
  model.AddHit(MakeHit(r2, Priority::kHigh), r2);
  EXPECT_EQ(sound.log.back(), "play:high");
}

TEST_F(ModelTest, MutedMediumAndLowAreSilentButHighNeverIs) {
  LogIn(model);
  Tap(model, "nav.settings");
  Tap(model, "settings.mute_low");
  Tap(model, "settings.mute_medium");
  EXPECT_TRUE(model.settings().mute_low);
  EXPECT_TRUE(model.settings().mute_medium);
  ASSERT_EQ(actions.settings_changes.size(), 2u);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindAction("settings.mute_high"), nullptr) << "no control can mute high";
  EXPECT_EQ(s.FindId("settings.high")->text, "ALWAYS ON");
  sound.log.clear();
  for (Priority p : {Priority::kLow, Priority::kMedium, Priority::kHigh}) {
    const Read r = MakeRead("AB12CDE");
    model.AddHit(MakeHit(r, p), r);
  }
  EXPECT_EQ(sound.Count("play:low"), 0);
  EXPECT_EQ(sound.Count("play:medium"), 0);
  EXPECT_EQ(sound.Count("play:high"), 1);
  EXPECT_EQ(model.pending_hits(), 3u) << "muted hits still show";
}

TEST_F(ModelTest, WaitingHitsQueueHighestFirstWithCount) {
  LogIn(model);
  const Read a = MakeRead("LOW1AAA"), b = MakeRead("MED2BBB"), c = MakeRead("HIG3CCC"), d = MakeRead("HIG4DDD");
  model.AddHit(MakeHit(a, Priority::kLow), a);
  model.AddHit(MakeHit(b, Priority::kMedium), b);
  model.AddHit(MakeHit(c, Priority::kHigh), c);
  model.AddHit(MakeHit(d, Priority::kHigh), d);
  EXPECT_EQ(model.BuildScene().FindId("hit.count")->text, "1 of 4");
  std::vector<std::string> shown;
  while (model.pending_hits() > 0) {
    Settle();
    shown.push_back(model.BuildScene().FindId("hit.vrm")->text);
    Tap(model, "hit.notseen");
  }
  PastUndo();
  EXPECT_EQ(shown, (std::vector<std::string>{"HIG3CCC", "HIG4DDD", "MED2BBB", "LOW1AAA"}));
  ASSERT_EQ(actions.outcomes.size(), 4u);
  for (const auto& o : actions.outcomes) EXPECT_EQ(o.outcome, HitOutcome::kNotSeen);
}

TEST_F(ModelTest, EachOutcomeIsRecordedAndNotActionedNeedsAReason) {
  LogIn(model);
  for (const char* a : {"hit.confirmed", "hit.misread", "hit.notseen"}) {
    const Read r = MakeRead("AB12CDE");
    model.AddHit(MakeHit(r, Priority::kMedium), r);
    Settle();
    Tap(model, a);
  }
  const Read r = MakeRead("AB12CDE");
  const Hit h = MakeHit(r, Priority::kMedium);
  model.AddHit(h, r);
  Settle();
  Tap(model, "hit.notactioned");
  EXPECT_TRUE(model.choosing_reason());
  EXPECT_EQ(model.pending_hits(), 1u) << "no outcome without a reason";
  EXPECT_EQ(model.BuildScene().FindAction("hit.confirmed"), nullptr);
  Tap(model, "hit.reason.cancel");
  EXPECT_FALSE(model.choosing_reason());
  Tap(model, "hit.notactioned");
  Tap(model, "hit.reason.1");
  PastUndo();
  ASSERT_EQ(actions.outcomes.size(), 4u);
  EXPECT_EQ(actions.outcomes[0].outcome, HitOutcome::kConfirmed);
  EXPECT_EQ(actions.outcomes[1].outcome, HitOutcome::kMisread);
  EXPECT_EQ(actions.outcomes[2].outcome, HitOutcome::kNotSeen);
  EXPECT_EQ(actions.outcomes[3].outcome, HitOutcome::kNotActioned);
  EXPECT_EQ(actions.outcomes[3].note, "Unsafe to stop");
  EXPECT_EQ(actions.outcomes[3].uuid, h.uuid);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(actions.outcomes[i].note, "");
}

TEST_F(ModelTest, AFailedSaveKeepsTheHitOnScreen) {
  LogIn(model);
  actions.fail_outcomes = true;
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Settle();
  Tap(model, "hit.confirmed");
  PastUndo();  // recorded (and refused) when the UNDO window ends
  EXPECT_EQ(model.pending_hits(), 1u);
  EXPECT_EQ(model.screen(), Screen::kHit);
  ASSERT_NE(model.BuildScene().FindId("hit.message"), nullptr);
  EXPECT_EQ(model.BuildScene().FindId("hit.message")->text, "Not saved: store unavailable");
  actions.fail_outcomes = false;
  Settle();
  Tap(model, "hit.confirmed");
  PastUndo();
  EXPECT_EQ(model.pending_hits(), 0u);
  EXPECT_EQ(actions.outcomes.size(), 1u);
}

TEST_F(ModelTest, CovertHitsNeverAlertAndRepeatsDoNotSoundTwice) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  Hit covert = MakeHit(r, Priority::kHigh);
  covert.covert = true;
  EXPECT_FALSE(model.AddHit(covert, r));
  EXPECT_EQ(model.pending_hits(), 0u);
  EXPECT_TRUE(sound.log.empty() || sound.log.back() != "play:high");
  Hit h = MakeHit(r, Priority::kMedium);
  model.AddHit(h, r);
  h.reason = "updated";
  model.AddHit(h, r);
  EXPECT_EQ(model.pending_hits(), 1u);
  EXPECT_EQ(sound.Count("play:medium"), 1);
}

TEST_F(ModelTest, HitsWhileLockedWaitAndCanBeSilenced) {
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  EXPECT_EQ(model.screen(), Screen::kLogin);
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("login.hits")->text, "1 HIT WAITING");
  EXPECT_EQ(s.FindId("hit.vrm"), nullptr) << "no plate shown while locked";
  Tap(model, "login.silence");
  EXPECT_EQ(sound.log.back(), "stop:high");
  LogIn(model);
  EXPECT_EQ(model.screen(), Screen::kHit);
}

}  // namespace
}  // namespace anpr::hmi
