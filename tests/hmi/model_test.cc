// The HMI's logic without SDL: driving mode, the Reads and Settings screens,
// the status bar, touch handling, and touch target sizes on every screen.
// Login, hits and the Check screen have their own model_*_test.cc files.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

TEST_F(ModelTest, DrivingModeShowsOnlyTheEssentials) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Settle();
  Drive(13.4);  // 30 mph
  EXPECT_TRUE(model.driving());
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.symbol")->symbol, Symbol::kTriangle);
  EXPECT_EQ(s.background, DayTheme().high);
  // Regulation 109: the priority's symbol and colour; the VRM is spoken.
  for (const char* hidden : {"hit.vrm", "hit.vehicle", "hit.title", "hit.count", "hit.reason", "hit.information",
                             "hit.warnings", "hit.overview", "hit.patch", "hit.place", "hit.confirmed",
                             "hit.notactioned"})
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
  EXPECT_NE(s.FindAction("hit.details"), nullptr) << "the information, opened in full";
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
  const int list_h = 480 - 64 - 72 - 40;  // below the status bar, above the nav bar and the title
  EXPECT_EQ(model.reads_scroll_px(), 30 * 88 - list_h);
  // Each row has its images.
  s = model.BuildScene();
  int images = 0;
  for (const auto& e : s.elements) images += e.image != nullptr;
  EXPECT_GE(images, 6);
  EXPECT_EQ(model.screen(), Screen::kReads) << "a drag is not a tap on the nav bar";
}

// Issue 13: status items can be tapped to open a status window that says
// what each means, the clock's "?" included, with the unit's health figures
// (they were in small print under Settings).
// Records the depot refused are held on board: the sync item turns red and
// its line in the status window says how many and who must act.
TEST_F(ModelTest, RecordsHeldBackFromTheDepotShowOnTheStatusBar) {
  LogIn(model);
  UnitStatus st;
  model.SetStatus(st);
  Scene s = model.BuildScene();
  const Element* sync = s.FindId("status.sync");
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->text.find("\u2716"), std::string::npos) << sync->text;
  st.quarantined_records = 2;
  model.SetStatus(st);
  s = model.BuildScene();
  sync = s.FindId("status.sync");
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->text.rfind("\u2716", 0), 0u) << "marked failed: " << sync->text;
  const Rect at = sync->rect;
  model.PointerDown(at.cx(), at.cy());
  model.PointerUp(at.cx(), at.cy());
  ASSERT_TRUE(model.status_open());
  s = model.BuildScene();
  const Element* says = s.FindId("status.sync.says");
  ASSERT_NE(says, nullptr);
  EXPECT_NE(says->text.find("2 records refused by the depot"), std::string::npos) << says->text;
}

TEST_F(ModelTest, TappingTheStatusBarOpensAWindowThatExplainsEachItem) {
  LogIn(model);
  UnitStatus st;
  st.gps_fix = FixMode::kNone;
  st.clock_source = ClockSource::kFreeRunning;
  st.health_lines = {"Frames 900 in, 880 read, 20 dropped; queue 0; store queue 0",
                     "Reads 41, hits 1/0/2; read latency p50 60 ms, p95 90 ms; sync idle"};
  model.SetStatus(st);
  Scene s = model.BuildScene();
  EXPECT_NE(s.FindId("status.clock")->text.find('?'), std::string::npos);
  const Rect clock = s.FindId("status.clock")->rect;
  model.PointerDown(clock.cx(), clock.cy());
  model.PointerUp(clock.cx(), clock.cy());
  ASSERT_TRUE(model.status_open());
  s = model.BuildScene();
  const Element* says = s.FindId("status.clock.says");
  ASSERT_NE(says, nullptr);
  EXPECT_EQ(says->text.rfind("Clock ?: not set from GPS or the network", 0), 0u) << says->text;
  EXPECT_NE(s.FindId("status.gps.says")->text.find("no position fix"), std::string::npos);
  Tap(model, "status.figures");
  s = model.BuildScene();
  ASSERT_NE(s.FindId("status.health.0"), nullptr);
  EXPECT_EQ(s.FindId("status.health.0")->text, st.health_lines[0]);
  EXPECT_EQ(s.FindId("status.health.1")->text, st.health_lines[1]);
  const Rect lock = s.FindAction("nav.lock")->rect;
  EXPECT_EQ(s.TargetAt(lock.cx(), lock.cy())->action, "status.close") << "the window covers the screen";
  // Nothing under the window answers a touch; CLOSE closes it.
  model.Activate("nav.lock");
  EXPECT_TRUE(model.logged_in());
  Tap(model, "status.close");
  EXPECT_FALSE(model.status_open());
  // A hit closes it so the alert is not hidden; not opened while moving.
  Tap(model, "status.open");
  ASSERT_TRUE(model.status_open());
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kLow), r);
  EXPECT_FALSE(model.status_open());
  Drive(13.4);
  model.Activate("status.open");
  EXPECT_FALSE(model.status_open());
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
  // At 800x480 the bar has room for a word each; the window says it all.
  EXPECT_EQ(s.FindId("status.camera")->text, "\u2716 CAM");
  EXPECT_NE(s.FindId("status.gps")->fill, DayTheme().fault);
  st.gps_fix = FixMode::kNone;
  model.SetStatus(st);
  EXPECT_EQ(sound.Count("play:failure"), 2);
  EXPECT_EQ(model.BuildScene().FindId("status.gps")->text, "\u2716 GPS");
  Tap(model, "status.open");
  EXPECT_EQ(model.BuildScene().FindId("status.camera.says")->text, "\u2716 Camera: CAM LOST");
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
TEST(ModelTargets, AllTargetsAtLeast64PxAtBothSizes) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}}) {
    FakeActions actions;
    HmiConfig cfg = ConfigOfSize(w, h);
    HmiModel m(cfg, &actions, nullptr);
    m.Tick(kT0);
    std::vector<Scene> scenes;
    const Read r = MakeRead("AB12CDE");
    m.AddHit(MakeHit(r, Priority::kHigh), r);
    scenes.push_back(m.BuildScene());  // login with a waiting hit
    LogIn(m);
    scenes.push_back(m.BuildScene());  // hit
    m.Tick(kT0 + kHitSettleMs);
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
        // 64 design px each way, the status bar included.
        const int min_px = 64 * std::min(w * 480, h * 800) / (800 * 480);
        EXPECT_GE(e.rect.w, min_px) << e.action << " at " << w << "x" << h;
        EXPECT_GE(e.rect.h, min_px) << e.action << " at " << w << "x" << h;
        EXPECT_LE(e.rect.x + e.rect.w, w) << e.action;
        EXPECT_LE(e.rect.y + e.rect.h, h) << e.action;
      }
      EXPECT_GT(targets, 0);
    }
  }
}

}  // namespace
}  // namespace anpr::hmi
