// The real V4L2 camera code against the scripted stand-in device.
#include <gtest/gtest.h>

#include <linux/videodev2.h>

#include <filesystem>
#include <fstream>

#include <opencv2/core.hpp>

#include "capture/camera.h"
#include "scripted_v4l2_device.h"

namespace anpr {
namespace {

using testing::ScriptedV4l2Device;

// Mean grey level of a frame, to tell which scripted frame it is.
double Level(const Frame& f) { return cv::mean(f.image)[1]; }

CameraOptions Options(const ScriptedV4l2Device& dev) {
  CameraOptions o;
  o.device = dev.path;
  o.width_px = 1280;
  o.height_px = 720;
  o.fps = 30;
  o.reconnect_initial_ms = 10;
  o.reconnect_max_ms = 40;
  return o;
}

// Reads until a frame arrives or `attempts` reads failed with `expect`.
Result<Frame> ReadFrame(V4l2Camera& cam, int attempts = 200) {
  Result<Frame> r = Status(StatusCode::kTimeout, "never read");
  for (int i = 0; i < attempts; ++i) {
    r = cam.Read(50);
    if (r.ok()) return r;
  }
  return r;
}

TEST(CameraTest, NegotiatesMjpegAndDeliversBgrFramesStampedFromTheDriver) {
  ScriptedV4l2Device dev;
  CameraOptions o = Options(dev);
  o.exposure_100us = 10;  // 1 ms
  o.gain = 900;           // above the camera's 0..255: clamped
  V4l2Camera cam(dev, o);
  ASSERT_TRUE(cam.Open().ok());
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
  EXPECT_EQ(cam.negotiated().format, PixelFormat::kMjpeg);
  EXPECT_EQ(cam.negotiated().width_px, 1280);
  EXPECT_EQ(cam.negotiated().height_px, 720);
  EXPECT_DOUBLE_EQ(cam.negotiated().fps, 30);
  EXPECT_TRUE(cam.negotiated().exposure_set);
  EXPECT_EQ(dev.controls[V4L2_CID_EXPOSURE_AUTO], V4L2_EXPOSURE_MANUAL);
  EXPECT_EQ(dev.controls[V4L2_CID_EXPOSURE_ABSOLUTE], 10);
  EXPECT_EQ(dev.controls[V4L2_CID_GAIN], 255);

  for (int n = 0; n < 3; ++n) {
    const int64_t before_utc = SystemUtcNowMs();
    auto f = cam.Read(1000);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->image.type(), CV_8UC3);
    EXPECT_EQ(f->image.cols, 1280);
    EXPECT_EQ(f->image.rows, 720);
    EXPECT_NEAR(Level(*f), ScriptedV4l2Device::LevelOf(n), 3);
    EXPECT_EQ(f->sequence, uint64_t(n));
    // The driver stamped the buffer 5 ms before handing it over: the frame
    // carries that instant, on both clocks.
    EXPECT_LE(f->captured_at_mono_ms, MonotonicNowMs() - 4);
    EXPECT_GE(f->captured_at_utc_ms, before_utc - 5 - 2);
    EXPECT_LE(f->captured_at_utc_ms, SystemUtcNowMs() - 5 + 2);
  }
  EXPECT_EQ(cam.health().frames_delivered, 3u);
  cam.Close();
  EXPECT_EQ(dev.mapped, 0);
  EXPECT_EQ(cam.health().state, SourceState::kClosed);
}

TEST(CameraTest, FallsBackToYuyvAndConvertsIt) {
  ScriptedV4l2Device dev;
  dev.offers = {{V4L2_PIX_FMT_YUYV, {{640, 480}, {320, 240}}}};
  dev.has_exposure = false;
  CameraOptions o = Options(dev);
  o.width_px = 640;
  o.height_px = 480;
  o.fps = 14;  // nearest offered: 15
  o.exposure_100us = 10;
  V4l2Camera cam(dev, o);
  ASSERT_TRUE(cam.Open().ok());
  EXPECT_EQ(cam.negotiated().format, PixelFormat::kYuyv);
  EXPECT_DOUBLE_EQ(cam.negotiated().fps, 15);
  EXPECT_FALSE(cam.negotiated().exposure_set);  // camera has no such control
  auto f = cam.Read(1000);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->image.size(), cv::Size(640, 480));
  // YUYV luma L with neutral chroma decodes to grey (L-16)*255/219 (BT.601).
  const double y = ScriptedV4l2Device::LevelOf(0);
  EXPECT_NEAR(Level(*f), (y - 16) * 255.0 / 219.0, 3);
}

TEST(CameraTest, TakesTheNearestSizeTheDriverGrants) {
  ScriptedV4l2Device dev;
  CameraOptions o = Options(dev);
  o.width_px = 1920;
  o.height_px = 1080;
  V4l2Camera cam(dev, o);
  ASSERT_TRUE(cam.Open().ok());
  EXPECT_EQ(cam.negotiated().width_px, 1280);
  auto f = cam.Read(1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->image.size(), cv::Size(1280, 720));
}

TEST(CameraTest, RejectsACameraWithNeitherFormat) {
  ScriptedV4l2Device dev;
  dev.offers = {{V4L2_PIX_FMT_GREY, {{640, 480}}}};
  V4l2Camera cam(dev, Options(dev));
  const Status s = cam.Open();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("neither MJPG nor YUYV"), std::string::npos) << s.message();
  EXPECT_EQ(cam.health().state, SourceState::kFault);
  EXPECT_EQ(dev.mapped, 0);
}

TEST(CameraTest, RidesOutEagainAndEintr) {
  ScriptedV4l2Device dev;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  dev.eagain_next = 5;
  dev.eintr_next = 3;
  auto f = cam.Read(1000);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_NEAR(Level(*f), ScriptedV4l2Device::LevelOf(0), 3);
  EXPECT_EQ(dev.eagain_next, 0);
  EXPECT_EQ(dev.eintr_next, 0);
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
  EXPECT_EQ(cam.health().faults, 0u);
}

TEST(CameraTest, TimesOutWhenNoFrameComes) {
  ScriptedV4l2Device dev;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  dev.eagain_next = 1 << 30;
  const int64_t t0 = MonotonicNowMs();
  auto f = cam.Read(60);
  EXPECT_EQ(f.status().code(), StatusCode::kTimeout);
  EXPECT_GE(MonotonicNowMs() - t0, 60);
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
}

TEST(CameraTest, GarbledMjpegFrameIsCountedAndTheStreamGoesOn) {
  ScriptedV4l2Device dev;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  dev.garble_next = 1;
  auto bad = cam.Read(1000);
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("undecodable MJPEG"), std::string::npos) << bad.status().message();
  auto good = cam.Read(1000);
  ASSERT_TRUE(good.ok());
  EXPECT_NEAR(Level(*good), ScriptedV4l2Device::LevelOf(1), 3);
  EXPECT_EQ(good->sequence, 1u);
  EXPECT_EQ(cam.health().frames_dropped, 1u);
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
}

TEST(CameraTest, DriverDropsShowAsSequenceGaps) {
  ScriptedV4l2Device dev;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  ASSERT_TRUE(cam.Read(1000).ok());
  dev.skip_sequence = 2;
  auto f = cam.Read(1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->sequence, 3u);
  EXPECT_EQ(cam.health().frames_dropped, 2u);
}

TEST(CameraTest, PulledCableIsReportedRetriedAndStreamingResumes) {
  ScriptedV4l2Device dev;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  dev.unplug_after = 2;
  ASSERT_TRUE(cam.Read(1000).ok());
  ASSERT_TRUE(cam.Read(1000).ok());

  // The cable goes: the read says so, the state says so, nothing is leaked.
  auto lost = cam.Read(1000);
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lost.status().message().find("No such device"), std::string::npos) << lost.status().message();
  EXPECT_EQ(cam.health().state, SourceState::kReconnecting);
  EXPECT_EQ(cam.health().faults, 1u);
  EXPECT_EQ(dev.mapped, 0);

  // While it is out, reads keep failing plainly and retries back off.
  const int opens_before = dev.opens;
  for (int i = 0; i < 6; ++i) {
    auto r = cam.Read(30);
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  }
  EXPECT_EQ(cam.health().state, SourceState::kReconnecting);
  EXPECT_GT(cam.health().reconnect_attempts, 0);
  EXPECT_NE(cam.health().message.find("No such file"), std::string::npos) << cam.health().message;
  EXPECT_EQ(dev.opens, opens_before);  // absent: open failed every time

  // Plugged back in: frames resume without reopening from outside.
  dev.Replug();
  auto back = ReadFrame(cam);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
  EXPECT_EQ(dev.opens, opens_before + 1);
  EXPECT_NEAR(Level(*back), ScriptedV4l2Device::LevelOf(2), 3);
  EXPECT_GT(back->sequence, 1u);
  EXPECT_EQ(cam.health().frames_delivered, 3u);
  EXPECT_EQ(cam.negotiated().format, PixelFormat::kMjpeg);
}

TEST(CameraTest, AbsentAtStartIsNotFatal) {
  ScriptedV4l2Device dev;
  dev.present = false;
  V4l2Camera cam(dev, Options(dev));
  ASSERT_TRUE(cam.Open().ok());
  EXPECT_EQ(cam.health().state, SourceState::kReconnecting);
  EXPECT_EQ(cam.Read(20).status().code(), StatusCode::kUnavailable);
  dev.Replug();
  auto f = ReadFrame(cam);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(cam.health().state, SourceState::kStreaming);
}

TEST(CameraTest, ListsCaptureDevicesWithFormatsAndControls) {
  ScriptedV4l2Device dev;
  std::vector<std::string> errors;
  auto cams = ListCameras(dev, {dev.path, "/dev/video99"}, &errors);
  ASSERT_EQ(cams.size(), 1u);
  EXPECT_EQ(cams[0].card, "Scripted Webcam");
  EXPECT_EQ(cams[0].driver, "uvcvideo");
  ASSERT_EQ(cams[0].formats.size(), 2u);
  EXPECT_EQ(cams[0].formats[0].fourcc, "MJPG");
  EXPECT_EQ(cams[0].formats[1].fourcc, "YUYV");
  ASSERT_EQ(cams[0].formats[0].sizes.size(), 2u);
  EXPECT_EQ(cams[0].formats[0].sizes[1].width_px, 1280);
  EXPECT_EQ(cams[0].formats[0].sizes[1].fps, (std::vector<double>{30, 15}));
  ASSERT_EQ(cams[0].controls.size(), 3u);
  EXPECT_EQ(cams[0].controls[2], "gain 0..255");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("/dev/video99"), std::string::npos);

  dev.metadata_node = true;  // UVC's second node: not a camera
  EXPECT_TRUE(ListCameras(dev, {dev.path}).empty());
}

TEST(CameraTest, FindsVideoNodesInNumericOrder) {
  // This machine has no cameras; the function is exercised on a made folder.
  const std::string dir = std::string(ANPR_BINARY_DIR) + "/camera_test_dev";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* n : {"video10", "video2", "video0", "videox", "vbi0"}) {
    std::ofstream(dir + "/" + n) << "";
  }
  EXPECT_EQ(FindVideoDevices(dir),
            (std::vector<std::string>{dir + "/video0", dir + "/video2", dir + "/video10"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace anpr
