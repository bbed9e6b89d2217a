// Issue 16 on the real SDL window (headless): the Live screen of a unit with
// a front and a rear camera; a finger on REAR, through SDL's event queue,
// puts the rear camera's picture on screen, named. Screenshots in
// hmi-screens/live-front.png and live-rear-touched.png.
#include <SDL.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <opencv2/imgcodecs.hpp>

#include "hmi/model.h"
#include "hmi/view.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/view_test_support.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

// A camera picture of one flat colour with a white block, so the screenshot
// says whose picture is up.
std::shared_ptr<const cv::Mat> Picture(cv::Scalar bgr) {
  cv::Mat m(720, 1280, CV_8UC3, bgr);
  cv::rectangle(m, {500, 300, 280, 120}, cv::Scalar(255, 255, 255), cv::FILLED);
  return std::make_shared<const cv::Mat>(std::move(m));
}

// The colour at the middle of the shown frame's left quarter (clear of
// the white block and the camera's name).
cv::Vec3b FrameColour(const Scene& s, const cv::Mat& shot) {
  const Element* f = s.FindId("live.frame");
  if (!f) return {};
  return shot.at<cv::Vec3b>(f->rect.y + f->rect.h * 3 / 4, f->rect.x + f->rect.w / 8);
}

TEST_F(ViewTest, TouchingRearShowsTheRearCamerasPicture) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}}) {
    SCOPED_TRACE(w);
    auto view = Open(w, h);
    ASSERT_NE(view, nullptr);
    LoggedInModel at_size(w, h);
    HmiModel& m = at_size.model;
    UnitStatus st;
    st.gps_fix = FixMode::k3D;
    for (const char* id : {"front", "rear"}) {
      CameraStatus c;
      c.id = id;
      st.cameras.push_back(c);
    }
    m.SetStatus(st);
    const cv::Scalar front_bgr(40, 140, 40), rear_bgr(40, 40, 170);  // green, red
    m.SetCameraFrame("front", Picture(front_bgr), {});
    m.SetCameraFrame("rear", Picture(rear_bgr), {});

    Scene s = m.BuildScene();
    view->Draw(s);
    cv::Mat shot = view->ReadPixels();
    view->Present();
    ASSERT_TRUE(cv::imwrite((ShotDir() / ("live-front-" + std::to_string(w) + ".png")).string(), shot));
    EXPECT_EQ(FrameColour(s, shot), cv::Vec3b(40, 140, 40));
    Element name = *s.FindId("live.camera.name");
    EXPECT_GT(TextMatch(*view, shot, name), 0.9) << "FRONT is written on the picture";

    // A finger on REAR, as the panel's touch driver reports it.
    const Element* rear = s.FindAction("live.camera.rear");
    ASSERT_NE(rear, nullptr);
    EXPECT_GE(rear->rect.h, int(64 * std::min(w / 800.0, h / 480.0)));  // kMinTargetDesignPx, scaled
    EXPECT_GT(TextMatch(*view, shot, *rear), 0.8) << "the button reads REAR";
    PushFingerTap(rear->rect.cx(), rear->rect.cy(), w, h);
    ASSERT_TRUE(view->PumpEvents(&m));
    s = m.BuildScene();
    view->Draw(s);
    shot = view->ReadPixels();
    view->Present();
    ASSERT_TRUE(cv::imwrite((ShotDir() / ("live-rear-touched-" + std::to_string(w) + ".png")).string(), shot));
    EXPECT_EQ(m.live_camera(), "rear");
    EXPECT_EQ(FrameColour(s, shot), cv::Vec3b(40, 40, 170)) << "the rear camera's picture";
    name = *s.FindId("live.camera.name");
    EXPECT_EQ(name.text, "REAR");
    EXPECT_GT(TextMatch(*view, shot, name), 0.9) << "REAR is written on the picture";
    // The button of the camera shown is marked.
    const Element* marked = s.FindAction("live.camera.rear");
    EXPECT_EQ(shot.at<cv::Vec3b>(marked->rect.cy(), marked->rect.x + marked->border_px + 2), Bgr(DayTheme().accent));
  }
}

}  // namespace
}  // namespace anpr::hmi
