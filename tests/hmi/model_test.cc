// The HMI's logic without SDL: what each screen shows, what a touch does,
// which sound is asked for.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"

namespace anpr::hmi {
namespace {

using testing::FakeActions;
using testing::LogIn;
using testing::MakeHit;
using testing::MakeRead;
using testing::RecordingSound;
using testing::Tap;
using testing::TypeDigits;

constexpr int64_t kT0 = 1'790'000'000'000;

struct ModelTest : ::testing::Test {
  FakeActions actions;
  RecordingSound sound;
  HmiModel model{HmiConfig{}, &actions, &sound};
  void SetUp() override { model.Tick(kT0); }
  void Drive(double mps) {
    UnitStatus s;
    s.gps_fix = FixMode::k3D;
    s.speed_mps = mps;
    model.SetStatus(s);
  }
};

TEST_F(ModelTest, LoginWithKeypadThenWrongPinIsRefused) {
  EXPECT_EQ(model.screen(), Screen::kLogin);
  EXPECT_EQ(model.BuildScene().FindAction("nav.live"), nullptr) << "nothing but the keypad while locked";
  TypeDigits(model, "1234");
  Tap(model, "login.ok");  // NEXT: to the PIN field
  TypeDigits(model, "0000");
  Tap(model, "login.ok");
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(model.message(), "Wrong officer number or PIN");
  const Scene scene_msg = model.BuildScene();
  const Element* msg = scene_msg.FindId("login.message");
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(msg->text, "Wrong officer number or PIN");

  Tap(model, "login.field.officer");
  for (int i = 0; i < 4; ++i) Tap(model, "login.del");
  LogIn(model);
  EXPECT_TRUE(model.logged_in());
  EXPECT_EQ(model.officer(), "1234");
  EXPECT_EQ(model.screen(), Screen::kLive);
  // The PIN is never shown, only its length.
  EXPECT_EQ(actions.logins.size(), 2u);
}

TEST_F(ModelTest, PinIsMaskedOnScreen) {
  TypeDigits(model, "1234");
  Tap(model, "login.ok");
  TypeDigits(model, "567");
  const Scene scene_pin = model.BuildScene();
  const Element* pin = scene_pin.FindId("login.field.pin");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->text, "***");
}

TEST_F(ModelTest, LocksWhenIdleAndByButton) {
  LogIn(model);
  model.Tick(kT0 + 9 * 60 * 1000);
  EXPECT_TRUE(model.logged_in());
  model.Tick(kT0 + 11 * 60 * 1000);
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(model.screen(), Screen::kLogin);
  EXPECT_EQ(actions.logouts.back(), "1234:idle");
  LogIn(model);
  Tap(model, "nav.lock");
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(actions.logouts.back(), "1234:manual");
}

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
    Tap(model, "hit.confirmed");
    EXPECT_EQ(model.screen(), Screen::kLive);
  }
  EXPECT_EQ(actions.outcomes.size(), 3u);
}

TEST_F(ModelTest, HitScreenShowsEvidenceAndMatchKind) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh, MatchKind::kSimilar), r);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.match")->text, "SIMILAR");
  EXPECT_EQ(s.FindId("hit.entry_vrm")->text, "list: AB02 CDE");
  ASSERT_NE(s.FindId("hit.patch")->image, nullptr);
  EXPECT_EQ(s.FindId("hit.patch")->image->cols, 260);
  ASSERT_NE(s.FindId("hit.overview")->image, nullptr);
  EXPECT_NE(s.FindId("hit.warnings")->text.find("FIREARMS"), std::string::npos);
  EXPECT_NE(s.FindId("hit.reason")->text.find("PNC: Stolen vehicle"), std::string::npos);
  EXPECT_NE(s.FindId("hit.information")->text.find("armed support"), std::string::npos);
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
  EXPECT_EQ(model.BuildScene().FindId("hit.count")->text, "1 of 4 waiting");
  std::vector<std::string> shown;
  while (model.pending_hits() > 0) {
    shown.push_back(model.BuildScene().FindId("hit.vrm")->text);
    Tap(model, "hit.notseen");
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"HIG3CCC", "HIG4DDD", "MED2BBB", "LOW1AAA"}));
  ASSERT_EQ(actions.outcomes.size(), 4u);
  for (const auto& o : actions.outcomes) EXPECT_EQ(o.outcome, HitOutcome::kNotSeen);
}

TEST_F(ModelTest, EachOutcomeIsRecordedAndNotActionedNeedsAReason) {
  LogIn(model);
  for (const char* a : {"hit.confirmed", "hit.misread", "hit.notseen"}) {
    const Read r = MakeRead("AB12CDE");
    model.AddHit(MakeHit(r, Priority::kMedium), r);
    Tap(model, a);
  }
  const Read r = MakeRead("AB12CDE");
  const Hit h = MakeHit(r, Priority::kMedium);
  model.AddHit(h, r);
  Tap(model, "hit.notactioned");
  EXPECT_TRUE(model.choosing_reason());
  EXPECT_EQ(model.pending_hits(), 1u) << "no outcome without a reason";
  EXPECT_EQ(model.BuildScene().FindAction("hit.confirmed"), nullptr);
  Tap(model, "hit.reason.cancel");
  EXPECT_FALSE(model.choosing_reason());
  Tap(model, "hit.notactioned");
  Tap(model, "hit.reason.1");
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
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.pending_hits(), 1u);
  EXPECT_EQ(model.screen(), Screen::kHit);
  EXPECT_EQ(model.BuildScene().FindId("hit.message")->text, "Not saved: store unavailable");
  actions.fail_outcomes = false;
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.pending_hits(), 0u);
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

TEST_F(ModelTest, DrivingModeShowsOnlyTheEssentials) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Drive(13.4);  // 30 mph
  EXPECT_TRUE(model.driving());
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.vrm")->text, "AB12 CDE");
  EXPECT_EQ(s.FindId("hit.vehicle")->text, "Blue Ford Focus");
  EXPECT_EQ(s.FindId("hit.symbol")->symbol, Symbol::kTriangle);
  EXPECT_EQ(s.background, DayTheme().high);
  for (const char* hidden : {"hit.reason", "hit.information", "hit.warnings", "hit.overview", "hit.patch",
                             "hit.place", "hit.confirmed", "hit.notactioned"})
    EXPECT_EQ(s.FindId(hidden), nullptr) << hidden << " must not show while moving";
  // Touch anywhere silences; outcomes wait until stationary.
  model.PointerDown(10, 300);
  model.PointerUp(10, 300);
  EXPECT_EQ(sound.log.back(), "stop:high");
  model.Activate("hit.confirmed");
  EXPECT_EQ(model.pending_hits(), 1u);
  // Creeping below the threshold but above half of it stays in driving mode.
  Drive(1.5);
  EXPECT_TRUE(model.driving());
  Drive(0.2);
  EXPECT_FALSE(model.driving());
  s = model.BuildScene();
  EXPECT_NE(s.FindId("hit.information"), nullptr);
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.pending_hits(), 0u);
}

TEST_F(ModelTest, TypingIsDisabledWhileMoving) {
  LogIn(model);
  Tap(model, "nav.check");
  Tap(model, "check.key.A");
  Drive(20);
  model.Activate("check.key.B");
  EXPECT_EQ(model.check_text(), "A");
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindAction("check.key.B"), nullptr);
  EXPECT_EQ(s.FindId("driving.title")->text, "DRIVING");
  Drive(0);
  Tap(model, "check.key.B");
  EXPECT_EQ(model.check_text(), "AB");
}

TEST_F(ModelTest, CheckKeyboardLooksUpTheHotlist) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  actions.hotlist["AB12CDE"] = {MakeHit(r, Priority::kLow), MakeHit(r, Priority::kHigh)};
  Tap(model, "nav.check");
  for (char c : std::string("AB12CDX")) Tap(model, std::string("check.key.") + c);
  Tap(model, "check.del");
  Tap(model, "check.key.E");
  EXPECT_EQ(model.check_text(), "AB12CDE");
  Tap(model, "check.go");
  ASSERT_EQ(model.check_results().size(), 2u);
  EXPECT_EQ(model.check_results()[0].priority, Priority::kHigh) << "highest first";
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("check.summary")->text, "2 entries");
  EXPECT_NE(s.FindId("check.result")->text.find("PNC"), std::string::npos);
  Tap(model, "check.clear");
  for (char c : std::string("ZZ99ZZZ")) Tap(model, std::string("check.key.") + c);
  Tap(model, "check.go");
  EXPECT_EQ(model.BuildScene().FindId("check.summary")->text, "\u2714 Not on any list");
}

TEST_F(ModelTest, ReadsScrollByFingerDragAndATapIsNotADrag) {
  LogIn(model);
  for (int i = 0; i < 30; ++i) model.AddRead(MakeRead("AB" + std::to_string(10 + i) + "CDE", kT0 + i * 1000));
  Tap(model, "nav.reads");
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("reads.vrm")->text, "AB39 CDE") << "newest first";
  model.PointerDown(400, 350);
  model.PointerMove(400, 300);
  model.PointerMove(400, 150);
  model.PointerUp(400, 150);
  EXPECT_EQ(model.reads_scroll_px(), 200);
  s = model.BuildScene();
  EXPECT_NE(s.FindId("reads.vrm")->text, "AB39 CDE");
  // Dragging far past the end stops at the last row.
  model.PointerDown(400, 400);
  model.PointerMove(400, -5000);
  model.PointerUp(400, -5000);
  const int list_h = 480 - 40 - 64 - 36;
  EXPECT_EQ(model.reads_scroll_px(), 30 * 88 - list_h);
  // Each row has its images.
  s = model.BuildScene();
  int images = 0;
  for (const auto& e : s.elements) images += e.image != nullptr;
  EXPECT_GE(images, 6);
  EXPECT_EQ(model.screen(), Screen::kReads) << "a drag is not a tap on the nav bar";
}

TEST_F(ModelTest, StatusFailureShowsRedAndSoundsOncePerFailure) {
  LogIn(model);
  UnitStatus st;
  st.gps_fix = FixMode::k3D;
  st.camera_text = "CAM 15fps";
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 0);
  st.camera_ok = false;
  st.camera_text = "CAM LOST";
  model.SetStatus(st);
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 1);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("status.camera")->fill, DayTheme().fault);
  EXPECT_EQ(s.FindId("status.camera")->text, "\u2716 CAM LOST");
  EXPECT_NE(s.FindId("status.gps")->fill, DayTheme().fault);
  st.gps_fix = FixMode::kNone;
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 2);
  EXPECT_EQ(model.BuildScene().FindId("status.gps")->text, "\u2716 NO GPS FIX");
}

TEST_F(ModelTest, SlidingOffAButtonCancelsIt) {
  TypeDigits(model, "12");
  const Scene scene_k = model.BuildScene();
  const Element* k = scene_k.FindAction("login.key.3");
  model.PointerDown(k->rect.cx(), k->rect.cy());
  EXPECT_TRUE(model.BuildScene().FindAction("login.key.3")->pressed) << "pressed feedback";
  model.PointerMove(k->rect.cx() + 300, k->rect.cy());
  model.PointerUp(k->rect.cx() + 300, k->rect.cy());
  EXPECT_EQ(model.BuildScene().FindId("login.field.officer")->text, "12");
}

// Every touch target on every screen is at least 48 px both ways, at both sizes.
TEST(ModelTargets, AllTargetsAtLeast48PxAtBothSizes) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}}) {
    FakeActions actions;
    HmiConfig cfg;
    cfg.width_px = w;
    cfg.height_px = h;
    HmiModel m(cfg, &actions, nullptr);
    m.Tick(kT0);
    std::vector<Scene> scenes;
    const Read r = MakeRead("AB12CDE");
    m.AddHit(MakeHit(r, Priority::kHigh), r);
    scenes.push_back(m.BuildScene());  // login with a waiting hit
    LogIn(m);
    scenes.push_back(m.BuildScene());  // hit
    Tap(m, "hit.notactioned");
    scenes.push_back(m.BuildScene());  // reason picker
    Tap(m, "hit.reason.0");
    m.AddRead(r);
    for (Screen s : {Screen::kLive, Screen::kReads, Screen::kCheck, Screen::kSettings}) {
      m.ShowScreen(s);
      scenes.push_back(m.BuildScene());
    }
    for (const Scene& s : scenes) {
      int targets = 0;
      for (const Element& e : s.elements) {
        if (e.action.empty()) continue;
        ++targets;
        EXPECT_GE(e.rect.w, 48) << e.action << " at " << w << "x" << h;
        EXPECT_GE(e.rect.h, 48) << e.action << " at " << w << "x" << h;
        EXPECT_LE(e.rect.x + e.rect.w, w) << e.action;
        EXPECT_LE(e.rect.y + e.rect.h, h) << e.action;
      }
      EXPECT_GT(targets, 0);
    }
  }
}

}  // namespace
}  // namespace anpr::hmi
