// Issue 16, the touchscreen side of several cameras: the status bar's
// "CAM n/m" and a failure tone per camera, the Live screen's camera switch,
// the cameras' frame figures on Settings, and what a hit learns after its
// alert (sightings by other cameras, a revised read), all without SDL.
#include <gtest/gtest.h>

#include "hmi/model.h"
#include "hmi/src/demo_cameras.h"
#include "hmi/src/model_internal.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

// A camera streaming (or reconnecting) with `in` frames delivered, `read`
// of them recognised.
CameraStatus Camera(const std::string& id, bool ok, uint64_t in = 900, uint64_t read = 890) {
  return internal::DemoCamera(id, ok, in, read);
}

// A unit with a fix, a hotlist and `cameras`.
UnitStatus Cameras(std::vector<CameraStatus> cameras) {
  UnitStatus s;
  s.gps_fix = FixMode::k3D;
  s.hotlist_updated_utc_ms = kT0;
  internal::SetDemoCameras(std::move(cameras), &s);
  return s;
}

std::shared_ptr<const cv::Mat> Solid(cv::Scalar bgr) {
  return std::make_shared<const cv::Mat>(cv::Mat(360, 640, CV_8UC3, bgr));
}

using CamerasModelTest = ModelTest;

TEST_F(CamerasModelTest, TheStatusBarCountsStreamingCamerasAndTurnsRedWhenOneFails) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", true), Camera("nearside", true)}));
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("status.camera")->text, "CAM 3/3");
  EXPECT_EQ(s.FindId("status.camera")->fill, DayTheme().background);

  model.SetStatus(Cameras({Camera("front", true), Camera("rear", false), Camera("nearside", true)}));
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("status.camera")->text, "\u2716 CAM 2/3");
  EXPECT_EQ(s.FindId("status.camera")->fill, DayTheme().fault);
  // The status window names the camera that failed.
  Tap(model, "status.open");
  EXPECT_NE(model.BuildScene().FindId("status.camera.says")->text.find("REAR reconnecting"), std::string::npos);
}

TEST_F(CamerasModelTest, OneCameraKeepsTheUnitsOwnText) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true)}));
  Tap(model, "status.open");
  EXPECT_EQ(model.BuildScene().FindId("status.camera.says")->text, "Camera: CAM 15fps");
  model.SetStatus(Cameras({Camera("front", false)}));
  EXPECT_EQ(model.BuildScene().FindId("status.camera.says")->text, "\u2716 Camera: CAM LOST");
  EXPECT_EQ(sound.Count("play:failure"), 1);
}

// The tone is per camera, not per status item: the rear failing while the
// front is already down is news too. Before issue 16 the item, already at
// fault, stayed silent.
TEST_F(CamerasModelTest, EachCameraFailingSoundsTheFailureToneOnce) {
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", true)}));
  EXPECT_EQ(sound.Count("play:failure"), 0);
  model.SetStatus(Cameras({Camera("front", false), Camera("rear", true)}));
  EXPECT_EQ(sound.Count("play:failure"), 1);
  model.SetStatus(Cameras({Camera("front", false), Camera("rear", true)}));  // still down: no news
  EXPECT_EQ(sound.Count("play:failure"), 1);
  model.SetStatus(Cameras({Camera("front", false), Camera("rear", false)}));  // the second one
  EXPECT_EQ(sound.Count("play:failure"), 2);
  model.SetStatus(Cameras({Camera("front", false), Camera("rear", false)}));
  EXPECT_EQ(sound.Count("play:failure"), 2);
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", false)}));  // the front back
  EXPECT_EQ(sound.Count("play:failure"), 2);
  model.SetStatus(Cameras({Camera("front", false), Camera("rear", false)}));  // and lost again
  EXPECT_EQ(sound.Count("play:failure"), 3);
}

TEST_F(CamerasModelTest, TheLiveScreenShowsOneCameraAtATimeByTouch) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", true)}));
  const auto front = Solid({200, 0, 0}), rear = Solid({0, 0, 200});
  model.SetCameraFrame("front", front, {});
  model.SetCameraFrame("rear", rear, {LiveBox{{100, 100, 120, 30}, "KN17WFA"}});
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("live.frame")->image, front) << "the first camera until another is picked";
  EXPECT_EQ(s.FindId("live.camera.name")->text, "FRONT");
  for (const char* id : {"front", "rear"}) {
    const Element* b = s.FindAction(std::string("live.camera.") + id);
    ASSERT_NE(b, nullptr) << id;
    EXPECT_GE(b->rect.w, 64);
    EXPECT_GE(b->rect.h, 64);
  }
  EXPECT_EQ(s.FindAction("live.camera.rear")->text, "REAR");
  Tap(model, "live.camera.rear");
  EXPECT_EQ(model.live_camera(), "rear");
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("live.frame")->image, rear);
  EXPECT_EQ(s.FindId("live.camera.name")->text, "REAR");
  EXPECT_NE(s.FindId("live.box"), nullptr) << "the rear frame's plate box";
  // The rear lost: its picture is marked, and its button is red.
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", false)}));
  s = model.BuildScene();
  EXPECT_EQ(s.FindId("live.camera_lost")->text, "\u2716 REAR RECONNECTING");
  EXPECT_EQ(s.FindAction("live.camera.rear")->text, "\u2716 REAR");
}

TEST_F(CamerasModelTest, OneCameraLooksAsBeforeWithNoSwitch) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true)}));
  const auto frame = Solid({0, 200, 0});
  model.SetLiveFrame(frame, {});  // the single-camera unit's PostFrame
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("live.frame")->image, frame);
  EXPECT_EQ(s.FindId("live.camera.name"), nullptr);
  for (const Element& e : s.elements) EXPECT_NE(e.action.rfind("live.camera.", 0), 0u) << e.action;
}

TEST_F(CamerasModelTest, SettingsShowEachCamerasFramesInReadAndDropped) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true, 900, 890), Camera("rear", false, 1200, 1000)}));
  Tap(model, "nav.settings");
  Tap(model, "settings.cameras");
  ASSERT_TRUE(model.settings_cameras_open());
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("settings.camera.0")->text, "FRONT 900 in, 890 read, 10 dropped (1.1%)");
  EXPECT_EQ(s.FindId("settings.camera.1")->text, "REAR (reconnecting) 1,200 in, 1,000 read, 200 dropped (16.7%)");
  EXPECT_EQ(s.FindId("settings.camera.1")->fill, DayTheme().fault);
  Tap(model, "settings.cameras");  // BACK
  EXPECT_NE(model.BuildScene().FindAction("settings.vol.up"), nullptr);
}

Read FromCamera(const std::string& vrm, const std::string& camera, int64_t at_ms) {
  Read r = MakeRead(vrm, at_ms);
  r.camera_id = camera;
  return r;
}

std::string TextOf(const Scene& s, const std::string& id) {
  const Element* e = s.FindId(id);
  return e ? e->text : "<none: " + id + ">";
}

// Seen by the rear camera 2 s after the front's alert: no new alert, the hit
// lists both cameras with their times, stationary; nothing new while driving.
TEST_F(CamerasModelTest, ASightingListsTheCamerasThatSawTheHitWithoutASound) {
  LogIn(model);
  model.SetStatus(Cameras({Camera("front", true), Camera("rear", true)}));
  const Read first = FromCamera("MX19KLT", "front", testing::kT0);
  const Hit hit = MakeHit(first, Priority::kMedium);
  model.AddHit(hit, first);
  const size_t sounds = sound.log.size();
  EXPECT_TRUE(model.AddSighting(hit.uuid, FromCamera("MX19KLT", "rear", testing::kT0 + 2000)));
  EXPECT_FALSE(model.AddSighting("no-such-hit", FromCamera("MX19KLT", "rear", testing::kT0 + 2000)));
  EXPECT_EQ(sound.log.size(), sounds) << "a sighting makes no sound";
  EXPECT_EQ(model.pending_hits(), 1u);
  const std::string t0 = internal::LocalTime(testing::kT0, true), t2 = internal::LocalTime(testing::kT0 + 2000, true);
  Scene s = model.BuildScene();
  EXPECT_EQ(TextOf(s, "hit.time"), "FRONT " + t0 + " read 93%");
  EXPECT_EQ(TextOf(s, "hit.seen"), "then REAR " + t2);
  Settle();
  Tap(model, "hit.details");
  EXPECT_EQ(TextOf(model.BuildScene(), "hit.seen"), "Seen by FRONT " + t0 + ", REAR " + t2);
  Tap(model, "hit.details.close");

  // While driving: the symbol screen, no words about cameras.
  Drive(13);
  s = model.BuildScene();
  for (const Element& e : s.elements) {
    if (e.id.rfind("status.", 0) == 0) continue;
    EXPECT_EQ(e.text.find("REAR"), std::string::npos) << e.id;
    EXPECT_EQ(e.text.find("Seen"), std::string::npos) << e.id;
  }
  Drive(0);
  Settle();
  // Answered, then seen again: the hits list's entry has them all.
  Tap(model, "hit.confirmed");
  PastUndo();
  EXPECT_TRUE(model.AddSighting(hit.uuid, FromCamera("MX19KLT", "front", testing::kT0 + 9000)));
  Tap(model, "nav.shift");
  Tap(model, "shift.open.0");
  // All three where they fit, else the first ones and how many more.
  const std::string seen = TextOf(model.BuildScene(), "shift.seen");
  EXPECT_EQ(seen.rfind("Seen by FRONT " + t0 + ", REAR " + t2, 0), 0u) << seen;
  EXPECT_TRUE(seen.find(", FRONT " + internal::LocalTime(testing::kT0 + 9000, true)) != std::string::npos ||
              seen.find(" +1 more") != std::string::npos)
      << seen;
}

// Alerted on an early read; later frames of the pass read AB12CDF: the hit
// says so and stays until answered; a tap already on its way when the line
// appears does not answer it.
TEST_F(CamerasModelTest, ARevisedReadTellsTheOfficerToCheckThePlate) {
  LogIn(model);
  const Read early = FromCamera("AB12CDE", "front", testing::kT0);
  const Hit hit = MakeHit(early, Priority::kHigh);
  model.AddHit(hit, early);
  Settle();
  const size_t sounds = sound.log.size();
  EXPECT_FALSE(model.ReviseRead("no-such-read", FromCamera("AB12CDF", "front", testing::kT0 + 600)));
  ASSERT_TRUE(model.ReviseRead(early.uuid, FromCamera("AB12CDF", "front", testing::kT0 + 600)));
  EXPECT_EQ(sound.log.size(), sounds) << "no new alarm";
  Scene s = model.BuildScene();
  EXPECT_EQ(TextOf(s, "hit.revision"), "LATER FRAMES READ AB12 CDF: CHECK THE PLATE");
  EXPECT_EQ(TextOf(s, "hit.vrm"), "AB12 CDE") << "the read that raised it stays as read";
  // A tap right after the line appeared is ignored; the hit stays up.
  Tap(model, "hit.confirmed");
  EXPECT_EQ(model.pending_hits(), 1u);
  EXPECT_EQ(model.screen(), Screen::kHit);
  Settle();
  ASSERT_EQ(model.screen(), Screen::kHit);
  EXPECT_EQ(TextOf(model.BuildScene(), "hit.revision"), "LATER FRAMES READ AB12 CDF: CHECK THE PLATE");
  // The details have the place that made room for the line.
  Settle();
  Tap(model, "hit.details");
  EXPECT_NE(TextOf(model.BuildScene(), "hit.place").find("51.50735"), std::string::npos);
  Tap(model, "hit.details.close");
  // While driving: no words.
  Drive(13);
  EXPECT_EQ(model.BuildScene().FindId("hit.revision"), nullptr);
  Drive(0);
  Settle();
  Tap(model, "hit.misread");
  PastUndo();
  EXPECT_EQ(actions.outcomes.size(), 1u);
  EXPECT_EQ(model.pending_hits(), 0u);
  // The shift's review shows the later reading beside the read and the list.
  Tap(model, "nav.shift");
  Tap(model, "shift.open.0");
  EXPECT_EQ(TextOf(model.BuildScene(), "shift.revised_vrm"), "AB12 CDF");
}

}  // namespace
}  // namespace anpr::hmi
