// The HMI model's Check screen: hotlist look-ups by keyboard, and the
// officer's "new wanted" entry.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using testing::FakeActions;
using testing::LogIn;
using testing::MakeHit;
using testing::MakeRead;
using testing::ModelTest;
using testing::Tap;
using testing::kT0;

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
  Settle();
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

}  // namespace
}  // namespace anpr::hmi
