// The HMI model's Check screen: hotlist look-ups by keyboard, and the
// officer's "new wanted" entry.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

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
// The keyboard comes up by a tap on the reason field when it is not up.
void TypeReason(HmiModel& m, const std::string& text) {
  if (!m.wanted_typing()) Tap(m, "wanted.reason");
  for (char c : text) Tap(m, c == ' ' ? std::string("wanted.space") : std::string("wanted.key.") + c);
}

// A key of the reason's keyboard, brought up first when it is not up.
void Key(HmiModel& m, const std::string& action) {
  if (!m.wanted_typing()) Tap(m, "wanted.reason");
  Tap(m, action);
}

// Picks a priority or validity, after NEXT when the keyboard is up.
void Pick(HmiModel& m, const std::string& action) {
  if (m.wanted_typing()) Tap(m, "wanted.done");
  Tap(m, action);
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
  // The keyboard first (the reason is required), then the choices.
  EXPECT_TRUE(model.wanted_typing());
  for (const char* a : {"wanted.save", "wanted.cancel", "wanted.done", "wanted.key.A", "wanted.key.0", "wanted.space",
                        "wanted.del"})
    EXPECT_NE(s.FindAction(a), nullptr) << a;
  EXPECT_EQ(s.FindId("nav.lock"), nullptr) << "the entry has the screen; CANCEL leaves";
  Tap(model, "wanted.done");
  s = model.BuildScene();
  for (const char* a : {"wanted.priority.high", "wanted.priority.medium", "wanted.priority.low", "wanted.days.1",
                        "wanted.days.7", "wanted.days.30", "wanted.days.100", "wanted.save", "wanted.cancel",
                        "wanted.reason"})
    EXPECT_NE(s.FindAction(a), nullptr) << a;
  EXPECT_EQ(s.FindAction("wanted.key.A"), nullptr);
  EXPECT_EQ(s.FindAction("wanted.days.7")->text, "\u2714 7 DAYS");
  EXPECT_EQ(s.FindAction("wanted.priority.high")->text, "HIGH");

  Pick(model, "wanted.priority.low");
  Pick(model, "wanted.priority.high");  // changed their mind
  TypeReason(model, "STOLEN IN 2 BURGLARIEX");
  Key(model, "wanted.del");
  Key(model, "wanted.key.S");
  EXPECT_EQ(model.wanted_reason(), "STOLEN IN 2 BURGLARIES");
  s = model.BuildScene();
  // Shown as typed; a reason longer than the field shows its end.
  const std::string shown = s.FindId("wanted.reason")->text;
  EXPECT_EQ(shown.substr(0, 3), "...");
  EXPECT_EQ(shown.substr(shown.size() - 11), "BURGLARIES_");
  Tap(model, "wanted.done");
  s = model.BuildScene();
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
  Pick(model, "wanted.priority.medium");
  TypeReason(model, "MISSING PERSON");
  Pick(model, "wanted.days.100");
  Pick(model, "wanted.days.1");
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
  Key(model, "wanted.space");  // a leading space is not a reason
  TypeReason(model, "A  B ");
  EXPECT_EQ(model.wanted_reason(), "A B ") << "no leading or double spaces";
  Tap(model, "wanted.save");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->text, "Pick a priority");
  for (int i = 0; i < 4; ++i) Key(model, "wanted.del");
  Pick(model, "wanted.priority.low");
  EXPECT_EQ(model.BuildScene().FindId("wanted.message")->fill.a, 0) << "an edit clears the message";
  Key(model, "wanted.space");
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
  Pick(model, "wanted.priority.high");
  TypeReason(model, "ROBBERY");
  Pick(model, "wanted.days.30");
  Tap(model, "wanted.cancel");
  EXPECT_EQ(actions.wanted_calls, 0);
  EXPECT_FALSE(model.entering_wanted());
  EXPECT_EQ(model.check_text(), "AB12CDE") << "back to the check as it was";
  EXPECT_NE(model.BuildScene().FindAction("check.edit"), nullptr) << "the check's result, as it was";
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
  Pick(model, "wanted.priority.high");
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
  Pick(model, "wanted.priority.medium");
  TypeReason(model, "FAIL TO STOP");
  Pick(model, "wanted.days.30");
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
  EXPECT_EQ(s.FindId("wanted.reason")->text, "FAIL TO STOP");
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
  Settle();
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.screen(), Screen::kCheck);
  EXPECT_TRUE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "ROB");
  // Locking (idle here: the entry has the screen) drops the entry: the next
  // officer does not inherit it.
  Wait(HmiConfig{}.idle_lock_ms + 1000);
  ASSERT_FALSE(model.logged_in());
  EXPECT_FALSE(model.entering_wanted());
  model.Activate("wanted.save");
  LogIn(model);
  Tap(model, "nav.check");
  EXPECT_FALSE(model.entering_wanted());
  EXPECT_EQ(model.wanted_reason(), "");
  EXPECT_EQ(actions.wanted_calls, 0);
}

// The entry step at three sizes, with its keyboard and with its choices:
// targets do not overlap each other or the texts beside them, all of them at
// least 64 px; everything stays below the status bar (the entry has the
// screen: no nav bar).
TEST(ModelTargets, WantedEntryLaysOutWithoutOverlap) {
  auto overlap = [](const Rect& a, const Rect& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  };
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}, std::pair{1024, 600}}) {
    FakeActions actions;
    HmiConfig cfg = ConfigOfSize(w, h);
    HmiModel m(cfg, &actions, nullptr);
    m.Tick(kT0);
    actions.fail_wanted = true;  // the error line shows too
    LogIn(m);
    Tap(m, "nav.check");
    TypeVrm(m, "AB12CDE");
    Tap(m, "check.wanted");
    Pick(m, "wanted.priority.medium");
    for (std::string reason : {std::string("ROB"), std::string(50, 'W'), std::string("PICKS")}) {
      TypeReason(m, reason);
      if (reason == "PICKS") Pick(m, "wanted.days.30");
      Tap(m, "wanted.save");  // with an error message shown
      ASSERT_TRUE(m.entering_wanted());
      const Scene s = m.BuildScene();
      std::vector<const Element*> laid;
      for (const Element& e : s.elements)
        if ((!e.action.empty() || e.id.rfind("wanted.", 0) == 0) && e.id != "status.bar") laid.push_back(&e);
      ASSERT_GE(laid.size(), m.wanted_typing() ? 40u : 12u);
      EXPECT_EQ(s.FindAction("nav.live"), nullptr);
      const int nav_top = h, status_bottom = s.FindId("status.bar")->rect.h;
      for (size_t i = 0; i < laid.size(); ++i) {
        const std::string name_i = laid[i]->id.empty() ? laid[i]->action : laid[i]->id;
        if (name_i.rfind("nav.", 0) != 0) {
          EXPECT_GE(laid[i]->rect.y, status_bottom) << name_i << " at " << w << "x" << h;
          EXPECT_LE(laid[i]->rect.y + laid[i]->rect.h, nav_top) << name_i << " at " << w << "x" << h;
        }
        if (!laid[i]->action.empty() && name_i != "status.bar") {
          EXPECT_GE(laid[i]->rect.w, 64) << name_i;
          EXPECT_GE(laid[i]->rect.h, 64) << name_i;
        }
        for (size_t j = i + 1; j < laid.size(); ++j)
          EXPECT_FALSE(overlap(laid[i]->rect, laid[j]->rect))
              << name_i << " and " << (laid[j]->id.empty() ? laid[j]->action : laid[j]->id) << " at " << w << "x"
              << h;
      }
    }
  }
}

}  // namespace
}  // namespace anpr::hmi
