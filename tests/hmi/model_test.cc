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

// ---- the officer's "new wanted" entry on the Check screen

// Types `text` on the Check keyboard while the wanted entry step is open.
void TypeReason(HmiModel& m, const std::string& text) {
  for (char c : text) Tap(m, c == ' ' ? std::string("wanted.space") : std::string("wanted.key.") + c);
}

void TypeVrm(HmiModel& m, const std::string& vrm) {
  for (char c : vrm) Tap(m, std::string("check.key.") + c);
}

TEST_F(ModelTest, WantedEntryIsSavedAndTheCheckThenHits) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  actions.hotlist["AB12CDE"] = {MakeHit(r, Priority::kLow)};
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Tap(model, "check.go");
  ASSERT_EQ(model.check_results().size(), 1u);
  Tap(model, "check.wanted");
  ASSERT_TRUE(model.entering_wanted());
  EXPECT_EQ(model.wanted_vrm(), "AB12CDE");
  EXPECT_FALSE(model.wanted_priority().has_value()) << "no priority preselected";
  EXPECT_EQ(model.wanted_days(), 7) << "7 days by default";
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("wanted.vrm")->text, "AB12 CDE");
  EXPECT_EQ(s.FindId("wanted.reason")->text, "Reason (required)");
  EXPECT_EQ(s.FindAction("check.key.A"), nullptr) << "the keyboard types the reason now";
  EXPECT_EQ(s.FindAction("check.wanted"), nullptr);
  for (const char* a : {"wanted.priority.high", "wanted.priority.medium", "wanted.priority.low", "wanted.days.1",
                        "wanted.days.7", "wanted.days.30", "wanted.days.100", "wanted.save", "wanted.cancel",
                        "wanted.key.A", "wanted.key.0", "wanted.space", "wanted.del"})
    EXPECT_NE(s.FindAction(a), nullptr) << a;
  EXPECT_EQ(s.FindAction("wanted.days.7")->text, "\u2714 7 DAYS");
  EXPECT_EQ(s.FindAction("wanted.priority.high")->text, "HIGH");

  Tap(model, "wanted.priority.low");
  Tap(model, "wanted.priority.high");  // changed their mind
  TypeReason(model, "STOLEN IN 2 BURGLARIEX");
  Tap(model, "wanted.del");
  Tap(model, "wanted.key.S");
  EXPECT_EQ(model.wanted_reason(), "STOLEN IN 2 BURGLARIES");
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("wanted.reason")->text, "STOLEN IN 2 BURGLARIES_") << "shown as typed";
  EXPECT_EQ(s.FindAction("wanted.priority.high")->text, "\u2714 HIGH");
  EXPECT_EQ(s.FindAction("wanted.priority.high")->fill, DayTheme().high);
  EXPECT_EQ(actions.wanted_calls, 0) << "nothing saved before SAVE";

  Tap(model, "wanted.save");
  ASSERT_EQ(actions.wanted.size(), 1u);
  EXPECT_EQ(actions.wanted[0].vrm, "AB12CDE");
  EXPECT_EQ(actions.wanted[0].priority, Priority::kHigh);
  EXPECT_EQ(actions.wanted[0].reason, "STOLEN IN 2 BURGLARIES");
  EXPECT_EQ(actions.wanted[0].valid_days, 7);
  EXPECT_FALSE(model.entering_wanted());
  EXPECT_EQ(model.check_notice(), "Wanted entered: AB12CDE, high, 7 days");
  ASSERT_EQ(model.check_results().size(), 2u);
  EXPECT_EQ(model.check_results()[0].list_name, "officer") << "the new entry, highest first";
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("check.notice")->text, "\u2714 Wanted entered: AB12CDE, high, 7 days");
  EXPECT_EQ(s.FindId("check.summary")->text, "2 entries");
  EXPECT_NE(s.FindId("check.result")->text.find("officer: STOLEN IN 2 BURGLARIES"), std::string::npos);
  EXPECT_EQ(s.FindId("check.field")->text, "AB12CDE_");
  // Typing another VRM drops the confirmation.
  Tap(model, "check.clear");
  EXPECT_EQ(model.BuildScene().FindId("check.notice"), nullptr);
}

TEST_F(ModelTest, WantedEntryOfAPlateNotListedWithOtherDays) {
  LogIn(model);
  Tap(model, "nav.check");
  EXPECT_FALSE(model.BuildScene().FindAction("check.wanted")->enabled) << "no VRM typed yet";
  TypeVrm(model, "XY51ABC");  // ADD WANTED without checking first
  Tap(model, "check.wanted");
  Tap(model, "wanted.priority.medium");
  TypeReason(model, "MISSING PERSON");
  Tap(model, "wanted.days.100");
  Tap(model, "wanted.days.1");
  Tap(model, "wanted.save");
  ASSERT_EQ(actions.wanted.size(), 1u);
  EXPECT_EQ(actions.wanted[0].valid_days, 1);
  EXPECT_EQ(actions.wanted[0].priority, Priority::kMedium);
  EXPECT_EQ(model.check_notice(), "Wanted entered: XY51ABC, medium, 1 day");
  ASSERT_EQ(model.check_results().size(), 1u);
  EXPECT_EQ(model.BuildScene().FindId("check.summary")->text, "1 entry");
}

TEST_F(ModelTest, WantedNeedsPriorityAndReasonBeforeSaving) {
  LogIn(model);
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Tap(model, "check.wanted");
  Tap(model, "wanted.save");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->text, "Pick a priority and type a reason");
  Tap(model, "wanted.space");  // a leading space is not a reason
  TypeReason(model, "A  B ");
  EXPECT_EQ(model.wanted_reason(), "A B ") << "no leading or double spaces";
  Tap(model, "wanted.save");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->text, "Pick a priority");
  for (int i = 0; i < 4; ++i) Tap(model, "wanted.del");
  Tap(model, "wanted.priority.low");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->fill.a, 0) << "an edit clears the message";
  Tap(model, "wanted.space");
  Tap(model, "wanted.save");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->text, "Type a reason");
  EXPECT_EQ(actions.wanted_calls, 0);
  EXPECT_TRUE(model.entering_wanted());
  // The reason is capped; what is shown is what is saved.
  TypeReason(model, std::string(70, 'X'));
  EXPECT_EQ(model.wanted_reason().size(), 60u);
}

TEST_F(ModelTest, CancellingAWantedEntryCallsNothing) {
  LogIn(model);
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Tap(model, "check.go");
  Tap(model, "check.wanted");
  Tap(model, "wanted.priority.high");
  TypeReason(model, "ROBBERY");
  Tap(model, "wanted.days.30");
  Tap(model, "wanted.cancel");
  EXPECT_EQ(actions.wanted_calls, 0);
  EXPECT_FALSE(model.entering_wanted());
  EXPECT_EQ(model.check_text(), "AB12CDE") << "back to the check as it was";
  EXPECT_NE(model.BuildScene().FindAction("check.key.A"), nullptr);
  Tap(model, "check.wanted");  // a new entry starts empty
  EXPECT_FALSE(model.wanted_priority().has_value());
  EXPECT_EQ(model.wanted_reason(), "");
  EXPECT_EQ(model.wanted_days(), 7);
}

TEST_F(ModelTest, NoWantedEntryWhileMoving) {
  LogIn(model);
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Drive(13.4);
  model.Activate("check.wanted");
  EXPECT_FALSE(model.entering_wanted()) << "the flow cannot start while moving";
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindAction("check.wanted"), nullptr);
  EXPECT_EQ(s.FindAction("wanted.save"), nullptr);
  Drive(0);
  Tap(model, "check.wanted");
  Tap(model, "wanted.priority.high");
  TypeReason(model, "ROB");
  // Moving off mid-entry: no typing, no saving, but nothing is lost.
  Drive(13.4);
  for (const char* a : {"wanted.key.X", "wanted.space", "wanted.del", "wanted.priority.low", "wanted.days.30",
                        "wanted.save", "wanted.cancel"})
    model.Activate(a);
  EXPECT_EQ(actions.wanted_calls, 0);
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("wanted.reason"), nullptr) << "hidden while moving";
  EXPECT_NE(s.FindId("driving.title"), nullptr);
  Drive(0);
  EXPECT_TRUE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "ROB");
  EXPECT_EQ(model.wanted_priority(), Priority::kHigh);
  EXPECT_EQ(model.wanted_days(), 7);
}

TEST_F(ModelTest, AFailedWantedEntryKeepsWhatWasTyped) {
  LogIn(model);
  actions.fail_wanted = true;
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Tap(model, "check.wanted");
  Tap(model, "wanted.priority.medium");
  TypeReason(model, "FAIL TO STOP");
  Tap(model, "wanted.days.30");
  Tap(model, "wanted.save");
  EXPECT_EQ(actions.wanted_calls, 1);
  EXPECT_TRUE(actions.wanted.empty());
  EXPECT_TRUE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "FAIL TO STOP");
  EXPECT_EQ(model.wanted_priority(), Priority::kMedium);
  EXPECT_EQ(model.wanted_days(), 30);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("wanted.message")->text, "Not entered: store unavailable");
  EXPECT_EQ(s.FindId("wanted.message")->fill, DayTheme().fault);
  EXPECT_EQ(s.FindId("wanted.reason")->text, "FAIL TO STOP_");
  EXPECT_TRUE(model.check_notice().empty());
  actions.fail_wanted = false;
  Tap(model, "wanted.save");
  ASSERT_EQ(actions.wanted.size(), 1u);
  EXPECT_EQ(actions.wanted[0].reason, "FAIL TO STOP");
  EXPECT_EQ(actions.wanted[0].valid_days, 30);
  EXPECT_EQ(model.check_notice(), "Wanted entered: AB12CDE, medium, 30 days");
}

TEST_F(ModelTest, WantedEntryNeedsALoginAndSurvivesAHit) {
  model.Activate("check.wanted");
  model.Activate("wanted.save");
  EXPECT_EQ(actions.wanted_calls, 0);
  LogIn(model);
  Tap(model, "nav.check");
  TypeVrm(model, "AB12CDE");
  Tap(model, "check.wanted");
  TypeReason(model, "ROB");
  // A hit takes over; answering it returns to the entry as it was.
  const Read r = MakeRead("MX19KLT");
  model.AddHit(MakeHit(r, Priority::kMedium), r);
  EXPECT_EQ(model.screen(), Screen::kHit);
  model.Activate("wanted.save");
  EXPECT_EQ(actions.wanted_calls, 0) << "the hit is modal";
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.screen(), Screen::kCheck);
  EXPECT_TRUE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "ROB");
  // Locking drops the entry: the next officer does not inherit it.
  Tap(model, "nav.lock");
  EXPECT_FALSE(model.entering_wanted());
  model.Activate("wanted.save");
  LogIn(model);
  Tap(model, "nav.check");
  EXPECT_FALSE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "");
  EXPECT_EQ(actions.wanted_calls, 0);
}

// The entry step at both sizes: targets do not overlap each other or the
// texts beside them, and everything stays between the status and nav bars.
TEST(ModelTargets, WantedEntryLaysOutWithoutOverlap) {
  auto overlap = [](const Rect& a, const Rect& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  };
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}, std::pair{1024, 600}}) {
    FakeActions actions;
    HmiConfig cfg;
    cfg.width_px = w;
    cfg.height_px = h;
    HmiModel m(cfg, &actions, nullptr);
    m.Tick(kT0);
    actions.fail_wanted = true;  // the error line shows too
    LogIn(m);
    Tap(m, "nav.check");
    TypeVrm(m, "AB12CDE");
    Tap(m, "check.wanted");
    Tap(m, "wanted.priority.medium");
    for (std::string reason : {std::string("ROB"), std::string(50, 'W')}) {
      TypeReason(m, reason);
      Tap(m, "wanted.save");  // with an error message shown
      ASSERT_TRUE(m.entering_wanted());
      const Scene s = m.BuildScene();
      std::vector<const Element*> laid;
      for (const Element& e : s.elements)
        if (!e.action.empty() || e.id.rfind("wanted.", 0) == 0) laid.push_back(&e);
      ASSERT_GE(laid.size(), 40u);
      const int nav_top = s.FindAction("nav.live")->rect.y, status_bottom = s.FindId("status.bar")->rect.h;
      for (size_t i = 0; i < laid.size(); ++i) {
        const std::string name_i = laid[i]->id.empty() ? laid[i]->action : laid[i]->id;
        if (name_i.rfind("nav.", 0) != 0) {
          EXPECT_GE(laid[i]->rect.y, status_bottom) << name_i << " at " << w << "x" << h;
          EXPECT_LE(laid[i]->rect.y + laid[i]->rect.h, nav_top) << name_i << " at " << w << "x" << h;
        }
        if (!laid[i]->action.empty()) {
          EXPECT_GE(laid[i]->rect.w, 48) << name_i;
          EXPECT_GE(laid[i]->rect.h, 48) << name_i;
        }
        for (size_t j = i + 1; j < laid.size(); ++j)
          EXPECT_FALSE(overlap(laid[i]->rect, laid[j]->rect))
              << name_i << " and " << (laid[j]->id.empty() ? laid[j]->action : laid[j]->id) << " at " << w << "x"
              << h;
      }
    }
  }
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

TEST_F(ModelTest, SettingsShowTheUnitsHealthFigures) {
  LogIn(model);
  UnitStatus st;
  st.gps_fix = FixMode::k3D;
  st.health_lines = {"Frames 900 in, 880 read, 20 dropped; queue 0; store queue 0",
                     "Reads 41, hits 1/0/2; read latency p50 60 ms, p95 90 ms; sync idle"};
  model.SetStatus(st);
  Tap(model, "nav.settings");
  const Scene s = model.BuildScene();
  ASSERT_NE(s.FindId("settings.health.0"), nullptr);
  EXPECT_EQ(s.FindId("settings.health.0")->text, st.health_lines[0]);
  EXPECT_EQ(s.FindId("settings.health.1")->text, st.health_lines[1]);
  // Inside the content area, clear of the navigation bar.
  EXPECT_LE(s.FindId("settings.health.1")->rect.y + s.FindId("settings.health.1")->rect.h,
            s.FindId("nav.settings")->rect.y);
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
    m.ShowScreen(Screen::kCheck);
    m.Activate("check.key.A");
    m.Activate("check.wanted");
    ASSERT_TRUE(m.entering_wanted());
    scenes.push_back(m.BuildScene());  // the wanted entry step
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
