// The Shift screen's logic without SDL: the hits answered this shift, a hit
// opened for review, and corrections (the plate as read on the image,
// another outcome) handed to HmiActions::CorrectHit, the first answer kept.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

class ShiftTest : public ModelTest {
 protected:
  // Raises a hit on `vrm` and answers it with `action`, past UNDO.
  Hit Answer(const std::string& vrm, Priority p, const std::string& action) {
    const Read r = MakeRead(vrm);
    const Hit h = MakeHit(r, p);
    model.AddHit(h, r);
    Settle();
    Tap(model, action);
    PastUndo();
    return h;
  }
};

// Issue 13: "An answered hit can't be reviewed, and a misread plate can't be
// corrected."
TEST_F(ShiftTest, AnsweredHitsAreListedNewestFirstAndOneOpensWithItsImages) {
  LogIn(model);
  Tap(model, "nav.shift");
  EXPECT_EQ(model.screen(), Screen::kShift);
  EXPECT_EQ(model.BuildScene().FindId("shift.title")->text, "No hits answered yet this shift");
  const Hit a = Answer("AB12CDE", Priority::kHigh, "hit.confirmed");
  const Hit b = Answer("XY51ABC", Priority::kLow, "hit.notseen");
  EXPECT_EQ(model.screen(), Screen::kShift) << "back where the officer was";
  EXPECT_EQ(model.shift_hit_count(), 2u);
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("shift.title")->text, "2 hits answered this shift");
  // Newest first: the first row opens the second hit answered.
  const Element* first_vrm = s.FindId("shift.vrm");
  ASSERT_NE(first_vrm, nullptr);
  EXPECT_EQ(first_vrm->text, "XY51 ABC");
  EXPECT_EQ(s.FindId("shift.outcome")->text, "NOT SEEN");
  EXPECT_EQ(s.FindId("shift.priority")->symbol, Symbol::kCircle);
  Tap(model, "shift.open.0");
  EXPECT_EQ(model.shift_open(), 0);
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("shift.read_vrm")->text, "AB12 CDE");
  ASSERT_NE(s.FindId("shift.patch"), nullptr);
  EXPECT_NE(s.FindId("shift.patch")->image, nullptr) << "the plate patch to check the read against";
  EXPECT_NE(s.FindId("shift.overview")->image, nullptr);
  EXPECT_EQ(s.FindAction("shift.outcome.confirmed")->fill, DayTheme().accent) << "the recorded outcome marked";
  EXPECT_EQ(s.FindAction("nav.live"), nullptr) << "the review has the whole screen";
  Tap(model, "shift.back");
  EXPECT_EQ(model.shift_open(), -1);
  (void)b;
}

TEST_F(ShiftTest, AMisreadPlateIsCorrectedOnTheKeyboardAndTheAnswerKept) {
  LogIn(model);
  const Hit h = Answer("GF20MHU", Priority::kMedium, "hit.confirmed");
  Tap(model, "nav.shift");
  Tap(model, "shift.open.0");
  Tap(model, "shift.vrm");
  ASSERT_TRUE(model.shift_typing());
  EXPECT_EQ(model.shift_vrm(), "GF20MHU") << "starts from the VRM as read";
  Tap(model, "shift.save");
  EXPECT_TRUE(actions.corrections.empty()) << "nothing changed: nothing recorded";
  EXPECT_EQ(model.message(), "That is the VRM already recorded");
  for (int i = 0; i < 4; ++i) Tap(model, "shift.del");
  for (char c : std::string("OMHU")) Tap(model, std::string("shift.key.") + c);
  EXPECT_EQ(model.shift_vrm(), "GF2OMHU");
  Tap(model, "shift.save");
  ASSERT_EQ(actions.corrections.size(), 1u);
  EXPECT_EQ(actions.corrections[0].uuid, h.uuid);
  EXPECT_EQ(actions.corrections[0].vrm, "GF2OMHU");
  EXPECT_FALSE(actions.corrections[0].outcome.has_value()) << "the outcome is not touched";
  EXPECT_FALSE(model.shift_typing());
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("shift.read_vrm")->text, "GF20 MHU") << "the read is kept as read";
  EXPECT_EQ(s.FindId("shift.corrected_vrm")->text, "GF2OMHU");
  EXPECT_EQ(s.FindId("shift.message")->text, "Saved: VRM GF2OMHU");
  ASSERT_EQ(actions.outcomes.size(), 1u) << "the first answer stays recorded once";
  Tap(model, "shift.back");
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("shift.vrm")->text, "GF2OMHU");
  EXPECT_EQ(s.FindId("shift.outcome")->text, "CONFIRMED, CORRECTED");
}

TEST_F(ShiftTest, AnOutcomeIsChangedOnceWithAReasonWhereOneIsNeeded) {
  LogIn(model);
  const Hit h = Answer("AB12CDE", Priority::kHigh, "hit.confirmed");
  Tap(model, "nav.shift");
  Tap(model, "shift.open.0");
  Tap(model, "shift.outcome.confirmed");
  EXPECT_TRUE(actions.corrections.empty()) << "the recorded outcome again is no change";
  Tap(model, "shift.outcome.notactioned");
  Tap(model, "shift.reason.1");
  ASSERT_EQ(actions.corrections.size(), 1u);
  EXPECT_EQ(actions.corrections[0].uuid, h.uuid);
  EXPECT_EQ(actions.corrections[0].outcome, HitOutcome::kNotActioned);
  EXPECT_EQ(actions.corrections[0].note, HmiConfig{}.not_actioned_reasons[1]);
  EXPECT_TRUE(actions.corrections[0].vrm.empty());
  EXPECT_EQ(model.BuildScene().FindAction("shift.outcome.notactioned")->fill, DayTheme().accent);
  // A refused save changes nothing and says why.
  actions.fail_corrections = true;
  Tap(model, "shift.outcome.misread");
  EXPECT_EQ(model.message(), "Not saved: store unavailable");
  EXPECT_EQ(model.BuildScene().FindAction("shift.outcome.notactioned")->fill, DayTheme().accent);
}

TEST_F(ShiftTest, NothingToCorrectWhileMovingAndARefusedOutcomeIsNotListed) {
  LogIn(model);
  Answer("AB12CDE", Priority::kLow, "hit.confirmed");
  actions.fail_outcomes = true;
  const Read r = MakeRead("CD34EFG");
  model.AddHit(MakeHit(r, Priority::kLow), r);
  Settle();
  Tap(model, "hit.misread");
  PastUndo();
  EXPECT_EQ(model.shift_hit_count(), 1u) << "not recorded: back on screen, not in the list";
  actions.fail_outcomes = false;
  Settle();
  Tap(model, "hit.misread");
  PastUndo();
  EXPECT_EQ(model.shift_hit_count(), 2u);
  Tap(model, "nav.shift");
  Tap(model, "shift.open.0");
  Drive(13.4);
  model.Activate("shift.outcome.notseen");
  model.Activate("shift.vrm");
  EXPECT_TRUE(actions.corrections.empty());
  EXPECT_FALSE(model.shift_typing());
  EXPECT_NE(model.BuildScene().FindId("driving.title"), nullptr);
}

}  // namespace
}  // namespace anpr::hmi
