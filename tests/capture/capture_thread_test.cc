// CaptureThread: frames move from a source on its own thread to a consumer
// through a bounded queue that drops the oldest, and survive a pulled camera.
#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "capture/camera.h"
#include "capture/capture_thread.h"
#include "scripted_v4l2_device.h"

namespace anpr {
namespace {

TEST(CaptureThreadTest, SlowConsumerGetsTheNewestFramesAndTheDropsAreCounted) {
  const std::string dir = std::string(ANPR_BINARY_DIR) + "/capture_thread_test_frames";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (int n = 0; n < 10; ++n) {
    char name[64];
    std::snprintf(name, sizeof(name), "/f%02d.png", n);
    cv::imwrite(dir + name, cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(20 * n)));
  }
  CaptureThread capture(MakeImageFolderSource(dir), 3);
  ASSERT_TRUE(capture.Start().ok());
  // The consumer is busy while the whole folder plays.
  for (int i = 0; i < 200 && capture.stats().source.state != SourceState::kEnded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(capture.stats().source.state, SourceState::kEnded);
  std::vector<uint64_t> got;
  while (auto f = capture.Pop(100)) got.push_back(f->sequence);
  EXPECT_EQ(got, (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_EQ(capture.stats().dropped_queue_full, 7u);
  EXPECT_EQ(capture.stats().source.frames_delivered, 10u);
  EXPECT_TRUE(capture.ended());
  capture.Stop();
  std::filesystem::remove_all(dir);
}

TEST(CaptureThreadTest, MissingSourceFailsAtStart) {
  CaptureThread capture(MakeVideoFileSource("/nonexistent/drive.avi"));
  const Status s = capture.Start();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(capture.stats().source.state, SourceState::kFault);
  EXPECT_FALSE(capture.Pop(10).has_value());
}

TEST(CaptureThreadTest, PulledCameraRecoversWhileTheConsumerKeepsReading) {
  testing::ScriptedV4l2Device dev;
  dev.unplug_after = 5;
  dev.replug_after_opens = 3;
  CameraOptions o;
  o.device = dev.path;
  o.width_px = 640;
  o.height_px = 480;
  o.reconnect_initial_ms = 20;
  o.reconnect_max_ms = 40;
  CaptureThread capture(std::make_unique<V4l2Camera>(dev, o), 2);
  ASSERT_TRUE(capture.Start().ok());
  std::vector<uint64_t> got;
  for (int i = 0; i < 300 && got.size() < 12; ++i) {
    if (auto f = capture.Pop(50)) got.push_back(f->sequence);
  }
  ASSERT_GE(got.size(), 12u);
  const CaptureThread::Stats s = capture.stats();
  capture.Stop();
  EXPECT_EQ(s.source.faults, 1u);
  EXPECT_EQ(s.source.state, SourceState::kStreaming);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(dev.opens, 2);  // first open, then the one after the replug
  EXPECT_EQ(dev.mapped, 0);
}

}  // namespace
}  // namespace anpr
