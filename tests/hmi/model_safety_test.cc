// Issue 13, the touchscreen as a safety device, at the model: touches that
// began on another screen or hit, the settle time after a hit appears, UNDO,
// driving with speed unknown, "Stop to answer", a second officer, the idle
// lock and the alarm, the GPS start-up grace, list colours and sounds, and
// the priorities of waiting hits.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

std::string CurrentUuid(const HmiModel& m) { return m.current_hit() ? m.current_hit()->uuid : ""; }
std::optional<Priority> CurrentPriority(const HmiModel& m) {
  if (!m.current_hit()) return std::nullopt;
  return m.current_hit()->priority;
}

Rect TargetRect(const HmiModel& m, const std::string& action) {
  const Scene s = m.BuildScene();
  const Element* e = s.FindAction(action);
  EXPECT_NE(e, nullptr) << action;
  return e ? e->rect : Rect{};
}

TEST_F(ModelTest, APressHeldWhileAHigherHitArrivesAnswersNothing) {
  LogIn(model);
  const Read lr = MakeRead("LOW1AAA"), hr = MakeRead("HIG3CCC");
  model.AddHit(MakeHit(lr, Priority::kLow), lr);
  Wait(3000);
  const Rect c = TargetRect(model, "hit.confirmed");
  model.PointerDown(c.cx(), c.cy());
  model.AddHit(MakeHit(hr, Priority::kHigh), hr);
  Wait(981);
  EXPECT_FALSE(model.BuildScene().FindAction("hit.confirmed")->pressed);
  model.PointerUp(c.cx(), c.cy());
  PastUndo();
  EXPECT_TRUE(actions.outcomes.empty());
  EXPECT_EQ(model.pending_hits(), 2u);
  EXPECT_EQ(CurrentPriority(model), Priority::kHigh);
}

TEST_F(ModelTest, ATouchBegunBeforeTheHitAppearedIsIgnored) {
  LogIn(model);
  // The finger goes down on the Live screen where MISREAD will be.
  const Read r = MakeRead("AB12CDE");
  model.PointerDown(300, 440);
  model.AddHit(MakeHit(r, Priority::kMedium), r);
  Wait(2000);
  model.PointerUp(300, 440);
  PastUndo();
  EXPECT_TRUE(actions.outcomes.empty());
  EXPECT_FALSE(model.undo_pending());
  EXPECT_EQ(model.pending_hits(), 1u);
}

TEST_F(ModelTest, TapsInTheFirstSecondOfAReplacingHitAreIgnored) {
  LogIn(model);
  const Read lr = MakeRead("LOW1AAA"), hr = MakeRead("HIG3CCC");
  model.AddHit(MakeHit(lr, Priority::kLow), lr);
  Settle();
  model.AddHit(MakeHit(hr, Priority::kHigh), hr);
  Wait(900);
  const int stops = sound.Count("stop:high");
  Tap(model, "hit.confirmed");
  EXPECT_FALSE(model.undo_pending());
  EXPECT_EQ(sound.Count("stop:high"), stops) << "a stray tap does not silence it either";
  Wait(100);
  Tap(model, "hit.confirmed");
  EXPECT_TRUE(model.undo_pending());
  EXPECT_EQ(CurrentPriority(model), Priority::kLow);
}

TEST_F(ModelTest, AnOutcomeCanBeUndoneForFiveSeconds) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  const Hit h = MakeHit(r, Priority::kMedium);
  model.AddHit(h, r);
  Settle();
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.screen(), Screen::kLive);
  EXPECT_TRUE(actions.outcomes.empty()) << "held for UNDO";
  const Scene s = model.BuildScene();
  ASSERT_NE(s.FindAction("undo"), nullptr);
  EXPECT_EQ(s.FindAction("undo")->text, "CONFIRMED: AB12 CDE   UNDO (5 s)");
  Wait(4000);
  Tap(model, "undo");
  EXPECT_EQ(model.screen(), Screen::kHit);
  EXPECT_EQ(CurrentUuid(model), h.uuid);
  PastUndo();
  EXPECT_TRUE(actions.outcomes.empty());
  Tap(model, "hit.notactioned");
  Tap(model, "hit.reason.0");
  Wait(kUndoMs - 1);
  EXPECT_TRUE(actions.outcomes.empty());
  Wait(1);
  ASSERT_EQ(actions.outcomes.size(), 1u);
  EXPECT_EQ(actions.outcomes[0].outcome, HitOutcome::kNotActioned);
  EXPECT_EQ(model.BuildScene().FindAction("undo"), nullptr);
}

TEST_F(ModelTest, LockingRecordsAHeldOutcomeFirst) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kLow), r);
  Settle();
  Tap(model, "hit.misread");
  Tap(model, "nav.lock");
  ASSERT_EQ(actions.outcomes.size(), 1u);
  EXPECT_EQ(actions.outcomes[0].outcome, HitOutcome::kMisread);
  EXPECT_FALSE(model.logged_in());
}

TEST_F(ModelTest, UnknownSpeedCountsAsMovingAfterTenSeconds) {
  LogIn(model);
  Drive(0);
  EXPECT_FALSE(model.driving());
  UnitStatus lost;
  lost.gps_fix = FixMode::kNone;
  lost.speed_mps = std::nan("");
  model.SetStatus(lost);
  Wait(10'000);
  model.SetStatus(lost);
  EXPECT_FALSE(model.driving());
  Wait(1);  // more than 10 s: by the clock alone
  EXPECT_TRUE(model.driving()) << "GPS lost while parked must not leave the full screen up for the drive";
  Drive(0);
  EXPECT_FALSE(model.driving());
}

TEST_F(ModelTest, ATapAsTheCarMovesOffSaysStopToAnswer) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Settle();
  const Rect c = TargetRect(model, "hit.confirmed");
  model.PointerDown(c.cx(), c.cy());
  Drive(13.4);
  model.PointerUp(c.cx(), c.cy());
  EXPECT_EQ(model.stop_note(), "Stop to answer");
  Scene s = model.BuildScene();
  ASSERT_NE(s.FindId("hit.stop_note"), nullptr);
  EXPECT_EQ(s.FindId("hit.stop_note")->text, "Stop to answer");
  PastUndo();
  EXPECT_TRUE(actions.outcomes.empty());
  Drive(0);
  EXPECT_EQ(model.stop_note(), "");
  // A tap on the reduced hit screen while moving says the same.
  Drive(13.4);
  model.PointerDown(400, 300);
  model.PointerUp(400, 300);
  EXPECT_EQ(model.stop_note(), "Stop to answer");
}

TEST(ModelOperator, ASecondOfficerKeepsTheFullScreenWhileMoving) {
  FakeActions actions;
  HmiConfig cfg;
  cfg.operator_present = true;
  HmiModel m(cfg, &actions, nullptr);
  m.Tick(testing::kT0);
  LogIn(m);
  UnitStatus st;
  st.gps_fix = FixMode::k3D;
  st.speed_mps = 20;
  m.SetStatus(st);
  EXPECT_FALSE(m.driving());
  const Read r = MakeRead("AB12CDE");
  m.AddHit(MakeHit(r, Priority::kMedium), r);
  m.Tick(testing::kT0 + kHitSettleMs);
  Tap(m, "hit.confirmed");
  EXPECT_TRUE(m.undo_pending());
}

TEST_F(ModelTest, NoIdleLockWhileTheAlarmSounds) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Wait(11 * 60'000);
  EXPECT_TRUE(model.logged_in()) << "locked while the alarm was sounding";
  model.Activate("hit.ack");
  Wait(11 * 60'000);
  EXPECT_FALSE(model.logged_in());
}

TEST_F(ModelTest, ANewHitRestartsTheIdleTimer) {
  LogIn(model);
  Wait(9 * 60'000);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kLow), r);
  Wait(2 * 60'000);
  EXPECT_TRUE(model.logged_in());
  EXPECT_EQ(model.screen(), Screen::kHit);
}

TEST_F(ModelTest, NoGpsFaultToneWhileTheGpsLooksForItsFirstFix) {
  UnitStatus st;
  st.gps_fix = FixMode::kNone;
  st.speed_mps = 0;
  model.SetStatus(st);
  Wait(119'000);
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 0);
  Wait(1000);
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 1) << "still no fix after 2 minutes is a fault";
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 1);
}

TEST_F(ModelTest, AGpsFixLostSoonAfterStartIsStillAFault) {
  UnitStatus st;
  st.gps_fix = FixMode::k3D;
  st.speed_mps = 0;
  model.SetStatus(st);
  Wait(30'000);
  st.gps_fix = FixMode::kNone;
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 1);
}

TEST_F(ModelTest, ListColourAndSoundAreUsedWhenSet) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kLow), r, HitStyle{"#00a000", "medium"});
  EXPECT_EQ(model.BuildScene().background, (Colour{0, 160, 0, 255}));
  EXPECT_EQ(sound.Count("play:medium"), 1);
  EXPECT_EQ(sound.Count("play:low"), 0);
  Settle();
  Tap(model, "hit.confirmed");
  // Not set, or not understood: the priority's.
  const Read r2 = MakeRead("XY51ABC");
  model.AddHit(MakeHit(r2, Priority::kLow), r2, HitStyle{"red", "siren"});
  EXPECT_EQ(model.BuildScene().background, DayTheme().low);
  EXPECT_EQ(sound.Count("play:low"), 1);
  // A list cannot make a high hit quieter than the alarm.
  const Read r3 = MakeRead("HI99GHH");
  model.AddHit(MakeHit(r3, Priority::kHigh), r3, HitStyle{"#202020", "low"});
  EXPECT_EQ(sound.log.back(), "play:high");
  EXPECT_EQ(model.BuildScene().background, (Colour{32, 32, 32, 255}));
  EXPECT_EQ(model.BuildScene().FindId("hit.title")->text_colour, (Colour{255, 255, 255, 255}));
}

TEST_F(ModelTest, WaitingHitsShowTheirPriority) {
  LogIn(model);
  const Read a = MakeRead("LOW1AAA"), b = MakeRead("MED2BBB"), c = MakeRead("HIG3CCC");
  model.AddHit(MakeHit(a, Priority::kLow), a);
  model.AddHit(MakeHit(b, Priority::kMedium), b);
  model.AddHit(MakeHit(c, Priority::kHigh), c);
  for (bool moving : {false, true}) {
    Drive(moving ? 13.4 : 0);
    const Scene s = model.BuildScene();
    const Element* w1 = s.FindId("hit.waiting.1");
    const Element* w2 = s.FindId("hit.waiting.2");
    ASSERT_NE(w1, nullptr) << moving;
    ASSERT_NE(w2, nullptr) << moving;
    EXPECT_EQ(w1->symbol, Symbol::kDiamond);
    EXPECT_EQ(w1->fill, DayTheme().medium);
    EXPECT_EQ(w2->symbol, Symbol::kCircle);
    EXPECT_EQ(w2->fill, DayTheme().low);
    EXPECT_EQ(s.FindId("hit.waiting.3"), nullptr);
    if (moving) {
      // Regulation 109: symbols and colours only, no count to read.
      EXPECT_EQ(s.FindId("hit.count"), nullptr);
      continue;
    }
    // Clear of the title and the count.
    const Rect t = s.FindId("hit.title")->rect, n = s.FindId("hit.count")->rect;
    for (const Element* w : {w1, w2}) {
      EXPECT_LE(w->rect.x + w->rect.w, n.x);
      EXPECT_GE(w->rect.x, t.x + t.w);
    }
  }
}

}  // namespace
}  // namespace anpr::hmi
