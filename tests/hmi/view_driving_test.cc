// The hit screen while driving, on the real SDL window (headless): reduced to
// what Regulation 109 leaves the driver, the priority's symbol and colour.
// Part of hmi_view_test.
#include "hmi/view.h"

#include <SDL.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include <opencv2/imgcodecs.hpp>

#include "hmi/sdl_env.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/view_test_support.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

// Pixels below the status bar, outside the priority symbol and the marker
// symbols, whose colour is none of the scene's plain fills: anti-aliased ink
// (text) where only flat colour should be. Boxes are drawn without
// anti-aliasing, so flat fills match exactly.
int InkOutsideSymbols(const Scene& scene, const cv::Mat& shot) {
  std::set<std::tuple<int, int, int>> flat = {{scene.background.b, scene.background.g, scene.background.r}};
  for (const Element& e : scene.elements) {
    if (e.fill.a == 255) flat.insert({e.fill.b, e.fill.g, e.fill.r});
    if (e.border.a == 255) flat.insert({e.border.b, e.border.g, e.border.r});
  }
  cv::Mat mask(shot.rows, shot.cols, CV_8U, cv::Scalar(1));
  const Element* bar = scene.FindId("status.bar");
  mask(cv::Rect(0, 0, shot.cols, bar->rect.h)).setTo(0);
  for (const Element& e : scene.elements)
    if (e.symbol != Symbol::kNone || e.id == "hit.stop_note")
      mask(cv::Rect(e.rect.x, e.rect.y, e.rect.w, e.rect.h) & cv::Rect(0, 0, shot.cols, shot.rows)).setTo(0);
  int ink = 0;
  for (int y = 0; y < shot.rows; ++y)
    for (int x = 0; x < shot.cols; ++x) {
      if (!mask.at<uint8_t>(y, x)) continue;
      const cv::Vec3b p = shot.at<cv::Vec3b>(y, x);
      ink += !flat.count({p[0], p[1], p[2]});
    }
  return ink;
}

// Issue 13: while moving the driver saw the VRM in 100 px text, make, model
// and colour and "+1 waiting". Moving (no operator), the screen holds the
// priority's symbol and colour and the marker symbols, no text at all; a tap
// adds only "Stop to answer". Parked, the same hits show the VRM, drawn.
TEST_F(ViewTest, WhileDrivingTheHitShowsOnlyThePrioritySymbolAndColour) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}}) {
    for (bool night : {false, true}) {
      SCOPED_TRACE(std::to_string(w) + (night ? " night" : " day"));
      auto view = Open(w, h);
      ASSERT_NE(view, nullptr);
      FakeActions actions;
      HmiConfig cfg = ConfigOfSize(w, h);
      cfg.settings.night = night;
      HmiModel m(cfg, &actions, nullptr);
      int64_t now = kT0;
      m.Tick(now);
      LogInByActions(m);
      UnitStatus moving;
      moving.gps_fix = FixMode::k3D;
      moving.speed_mps = 13.4;
      m.SetStatus(moving);
      ASSERT_TRUE(m.driving());
      const Read r = MakeRead("WR61KXT"), r2 = MakeRead("AB12CDE");
      Hit hit = MakeHit(r, Priority::kHigh);
      hit.warning_markers = "FIREARMS, VIOLENT";
      m.AddHit(hit, r);
      m.AddHit(MakeHit(r2, Priority::kMedium), r2);  // waiting behind it
      m.Tick(now += kHitSettleMs);
      PushFingerTap(w / 2, h / 2, w, h);
      ASSERT_TRUE(view->PumpEvents(&m));
      ASSERT_EQ(m.stop_note(), "Stop to answer");

      Scene s = m.BuildScene();
      view->Draw(s);
      cv::Mat shot = view->ReadPixels();
      view->Present();
      const std::string tag = std::to_string(w) + "x" + std::to_string(h) + (night ? "-night" : "");
      ASSERT_TRUE(cv::imwrite((ShotDir() / ("driving-reg109-" + tag + ".png")).string(), shot));
      const int bar_h = s.FindId("status.bar")->rect.h;
      for (const Element& e : s.elements) {
        if (e.rect.y < bar_h || e.font_px == 0 || e.text.empty()) continue;
        EXPECT_EQ(e.id, "hit.stop_note") << "text '" << e.text << "' shown to the driver";
      }
      for (const char* gone : {"hit.vrm", "hit.vehicle", "hit.count", "hit.title", "hit.entry_vrm"})
        EXPECT_EQ(s.FindId(gone), nullptr) << gone;
      ASSERT_NE(s.FindId("hit.symbol"), nullptr);
      EXPECT_EQ(s.FindId("hit.symbol")->symbol, Symbol::kTriangle);
      ASSERT_NE(s.FindId("hit.marker.1"), nullptr);
      EXPECT_EQ(s.FindId("hit.marker.0")->symbol, Symbol::kCrosshair);
      const Theme& t = night ? NightTheme() : DayTheme();
      EXPECT_GT(ColourFraction(shot, t.high), night ? 0.04 : 0.4) << "the priority's colour";
      EXPECT_EQ(InkOutsideSymbols(s, shot), 0) << "no glyphs drawn beside the symbols";
      EXPECT_GT(TextMatch(*view, shot, *s.FindId("hit.stop_note")), 0.8);

      // Parked: the same hit's VRM is drawn, and the ink measure sees it.
      UnitStatus parked = moving;
      parked.speed_mps = 0;
      m.SetStatus(parked);
      ASSERT_FALSE(m.driving());
      s = m.BuildScene();
      view->Draw(s);
      shot = view->ReadPixels();
      view->Present();
      ASSERT_NE(s.FindId("hit.vrm"), nullptr);
      Element cell = *s.FindId("hit.vrm.char.0");
      if (cell.fill.a == 0) cell.fill = s.FindId("hit.vrm")->fill;
      EXPECT_GT(TextMatch(*view, shot, cell), 0.9);
      EXPECT_GT(InkOutsideSymbols(s, shot), 500) << "text drawn is counted as ink";
    }
  }
}

}  // namespace
}  // namespace anpr::hmi
