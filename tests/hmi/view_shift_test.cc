// The shift's hits list on the real SDL window (headless), driven by
// synthetic finger touches through SDL's event queue: the list, a hit opened
// with its images, a misread plate corrected on the keyboard, an outcome
// changed. Part of hmi_view_test.
#include "hmi/view.h"

#include <SDL.h>
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "hmi/sdl_env.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/view_test_support.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

cv::Mat Shot(SdlView& v, const Scene& s, const std::string& file) {
  v.Draw(s);
  cv::Mat shot = v.ReadPixels();
  v.Present();
  EXPECT_TRUE(cv::imwrite(file, shot)) << file;
  return shot;
}

// The element's text as drawn on its own box (or on `behind`, else the
// screen's background).
double Drawn(SdlView& v, const cv::Mat& shot, const Scene& s, const std::string& id, Colour behind = {0, 0, 0, 0}) {
  const Element* found = s.FindId(id);
  if (!found) return 0;
  Element e = *found;
  if (e.fill.a == 0) e.fill = behind.a ? behind : s.background;
  return TextMatch(v, shot, e);
}

// Issue 13: "An answered hit can't be reviewed, and a misread plate can't be
// corrected." By finger: HITS, the hit, CORRECT VRM, the keys, SAVE; then
// another outcome. Each correction reaches HmiActions::CorrectHit once.
TEST_F(ViewTest, TheShiftsHitsAreReviewedAndCorrectedByFinger) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}}) {
    SCOPED_TRACE(w);
    auto view = Open(w, h);
    ASSERT_NE(view, nullptr);
    FakeActions actions;
    HmiConfig cfg = ConfigOfSize(w, h);
    HmiModel m(cfg, &actions, nullptr);
    int64_t now = kT0;
    m.Tick(now);
    for (char c : std::string("1234")) TapVia(*view, m, std::string("login.key.") + c, true);
    TapVia(*view, m, "login.ok", true);
    for (char c : std::string("5678")) TapVia(*view, m, std::string("login.key.") + c, true);
    TapVia(*view, m, "login.ok", true);
    ASSERT_TRUE(m.logged_in());
    const Read read = MakeRead("GF20MHU");
    const Hit hit = MakeHit(read, Priority::kHigh);
    for (const char* vrm : {"AB12CDE", "GF20MHU"}) {
      const Read r = std::string(vrm) == "GF20MHU" ? read : MakeRead(vrm);
      m.AddHit(std::string(vrm) == "GF20MHU" ? hit : MakeHit(r, Priority::kLow), r);
      m.Tick(now += kHitSettleMs);
      TapVia(*view, m, "hit.confirmed", true);
      m.Tick(now += kUndoMs);
    }
    ASSERT_EQ(actions.outcomes.size(), 2u);

    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    TapVia(*view, m, "nav.shift", true);
    ASSERT_EQ(m.screen(), Screen::kShift);
    Scene s = m.BuildScene();
    cv::Mat shot = Shot(*view, s, (ShotDir() / ("shift-list-" + size + ".png")).string());
    EXPECT_GT(Drawn(*view, shot, s, "shift.title"), 0.8);
    EXPECT_GT(Drawn(*view, shot, s, "shift.vrm"), 0.9) << "the newest hit's VRM";
    EXPECT_GT(Drawn(*view, shot, s, "shift.outcome", DayTheme().panel), 0.8);

    TapVia(*view, m, "shift.open.1", true);  // the GF20MHU hit, at the top
    ASSERT_EQ(m.shift_open(), 1);
    s = m.BuildScene();
    shot = Shot(*view, s, (ShotDir() / ("shift-hit-" + size + ".png")).string());
    EXPECT_GT(Drawn(*view, shot, s, "shift.read_vrm"), 0.9);
    // The plate patch is drawn: the plate's yellow fills much of its box.
    const Element* patch = s.FindId("shift.patch");
    ASSERT_NE(patch, nullptr);
    ASSERT_NE(patch->image, nullptr);
    const cv::Mat box = shot(cv::Rect(patch->rect.x, patch->rect.y, patch->rect.w, patch->rect.h));
    cv::Mat yellow;
    cv::inRange(box, cv::Scalar(0, 160, 200), cv::Scalar(80, 255, 255), yellow);
    EXPECT_GT(cv::countNonZero(yellow), box.total() / 5) << "the plate patch is on screen";

    TapVia(*view, m, "shift.vrm", true);
    ASSERT_TRUE(m.shift_typing());
    for (int i = 0; i < 4; ++i) TapVia(*view, m, "shift.del", true);
    for (char c : std::string("OMHU")) TapVia(*view, m, std::string("shift.key.") + c, true);
    s = m.BuildScene();
    shot = Shot(*view, s, (ShotDir() / ("shift-typing-" + size + ".png")).string());
    EXPECT_GT(Drawn(*view, shot, s, "shift.field"), 0.9) << "what is typed, beside the patch";
    ASSERT_NE(s.FindId("shift.patch"), nullptr);
    TapVia(*view, m, "shift.save", true);
    ASSERT_EQ(actions.corrections.size(), 1u);
    EXPECT_EQ(actions.corrections[0].uuid, hit.uuid);
    EXPECT_EQ(actions.corrections[0].vrm, "GF2OMHU");
    s = m.BuildScene();
    shot = Shot(*view, s, (ShotDir() / ("shift-corrected-" + size + ".png")).string());
    EXPECT_GT(Drawn(*view, shot, s, "shift.corrected_vrm"), 0.9);
    EXPECT_GT(Drawn(*view, shot, s, "shift.read_vrm"), 0.9) << "the read, kept as read";
    EXPECT_GT(Drawn(*view, shot, s, "shift.message"), 0.8);

    TapVia(*view, m, "shift.outcome.misread", true);
    ASSERT_EQ(actions.corrections.size(), 2u);
    EXPECT_EQ(actions.corrections[1].outcome, HitOutcome::kMisread);
    EXPECT_EQ(actions.outcomes.size(), 2u) << "the first answers are not re-recorded";
    TapVia(*view, m, "shift.back", true);
    s = m.BuildScene();
    shot = Shot(*view, s, (ShotDir() / ("shift-list-corrected-" + size + ".png")).string());
    EXPECT_EQ(s.FindId("shift.outcome")->text, "MISREAD, CORRECTED");
    EXPECT_GT(Drawn(*view, shot, s, "shift.outcome", DayTheme().panel), 0.8);
  }
}

}  // namespace
}  // namespace anpr::hmi
