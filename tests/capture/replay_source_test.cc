// Video-file and image-folder sources against files the test writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "capture/frame_source.h"

namespace anpr {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const std::string dir = std::string(ANPR_BINARY_DIR) + "/replay_test_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Frame n: a grey level and a white square whose x position is 10 * n.
cv::Mat Picture(int n, cv::Size size = {320, 240}) {
  cv::Mat m(size, CV_8UC3, cv::Scalar(30 + 20 * n, 30 + 20 * n, 30 + 20 * n));
  cv::rectangle(m, cv::Rect(10 * n, 100, 40, 40), cv::Scalar(255, 255, 255), cv::FILLED);
  return m;
}

TEST(VideoFileSourceTest, PlaysEveryFrameStampedFromTheFileRate) {
  const std::string dir = FreshDir("video");
  const std::string path = dir + "/drive.avi";
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, cv::Size(320, 240));
    ASSERT_TRUE(w.isOpened());
    for (int n = 0; n < 8; ++n) w.write(Picture(n));
  }
  ReplayOptions o;
  o.start_utc_ms = 1'700'000'000'000;
  auto src = MakeVideoFileSource(path, o);
  ASSERT_TRUE(src->Open().ok());
  EXPECT_EQ(src->health().state, SourceState::kStreaming);
  for (int n = 0; n < 8; ++n) {
    auto f = src->Read(1000);
    ASSERT_TRUE(f.ok()) << n << ": " << f.status().ToString();
    EXPECT_EQ(f->image.type(), CV_8UC3);
    EXPECT_EQ(f->image.size(), cv::Size(320, 240));
    EXPECT_EQ(f->sequence, uint64_t(n));
    EXPECT_EQ(f->captured_at_utc_ms, o.start_utc_ms + n * 40);  // 25 fps
    // The square is where frame n put it (MJPEG is lossy: compare loosely).
    EXPECT_GT(f->image.at<cv::Vec3b>(120, 10 * n + 20)[0], 200) << n;
  }
  auto end = src->Read(1000);
  EXPECT_EQ(end.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(src->health().state, SourceState::kEnded);
  EXPECT_EQ(src->health().frames_delivered, 8u);
}

TEST(VideoFileSourceTest, LoopsWithTimeRunningOn) {
  const std::string dir = FreshDir("loop");
  const std::string path = dir + "/short.avi";
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(160, 120));
    for (int n = 0; n < 3; ++n) w.write(Picture(n, {160, 120}));
  }
  ReplayOptions o;
  o.start_utc_ms = 1000;
  o.loop = true;
  auto src = MakeVideoFileSource(path, o);
  ASSERT_TRUE(src->Open().ok());
  int64_t last = 0;
  for (int n = 0; n < 7; ++n) {
    auto f = src->Read(1000);
    ASSERT_TRUE(f.ok()) << n;
    EXPECT_EQ(f->sequence, uint64_t(n));
    EXPECT_EQ(f->captured_at_utc_ms, 1000 + n * 100);
    last = f->captured_at_utc_ms;
  }
  EXPECT_EQ(last, 1600);
}

TEST(VideoFileSourceTest, MissingAndBrokenFilesAreClearErrors) {
  const std::string dir = FreshDir("broken");
  auto missing = MakeVideoFileSource(dir + "/none.avi");
  const Status s = missing->Open();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("none.avi"), std::string::npos);
  EXPECT_EQ(missing->health().state, SourceState::kFault);

  std::ofstream(dir + "/junk.avi") << "this is not a video at all";
  auto junk = MakeVideoFileSource(dir + "/junk.avi");
  const Status j = junk->Open();
  EXPECT_FALSE(j.ok());
  EXPECT_NE(j.message().find("junk.avi"), std::string::npos) << j.message();
}

TEST(VideoFileSourceTest, RealtimePacingHoldsAFrameUntilItIsDue) {
  const std::string dir = FreshDir("paced");
  const std::string path = dir + "/slow.avi";
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 5, cv::Size(160, 120));
    for (int n = 0; n < 3; ++n) w.write(Picture(n, {160, 120}));
  }
  ReplayOptions o;
  o.realtime = true;
  auto src = MakeVideoFileSource(path, o);
  ASSERT_TRUE(src->Open().ok());
  ASSERT_TRUE(src->Read(1000).ok());
  // The next frame is due 200 ms later: a 20 ms read times out, keeps it.
  EXPECT_EQ(src->Read(20).status().code(), StatusCode::kTimeout);
  auto f = src->Read(1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->sequence, 1u);
  EXPECT_GT(f->image.at<cv::Vec3b>(105, 15)[0], 200);
}

TEST(ImageFolderSourceTest, PlaysImagesInNameOrderAndSkipsABadOne) {
  const std::string dir = FreshDir("folder");
  cv::imwrite(dir + "/frame_002.png", Picture(2));
  cv::imwrite(dir + "/frame_000.jpg", Picture(0));
  cv::imwrite(dir + "/frame_001.bmp", cv::Mat(Picture(1)));
  std::ofstream(dir + "/frame_001b.jpg") << "garbage, not a JPEG";
  std::ofstream(dir + "/notes.txt") << "ignored";
  cv::Mat grey;
  cv::cvtColor(Picture(3), grey, cv::COLOR_BGR2GRAY);
  cv::imwrite(dir + "/frame_003.png", grey);

  ReplayOptions o;
  o.start_utc_ms = 5000;
  o.fps = 4;
  auto src = MakeImageFolderSource(dir, o);
  ASSERT_TRUE(src->Open().ok());
  std::vector<int64_t> stamps;
  int x_of_square[] = {0, 1, -1, 2, 3};
  for (int i = 0; i < 5; ++i) {
    auto f = src->Read(1000);
    if (x_of_square[i] < 0) {
      EXPECT_EQ(f.status().code(), StatusCode::kCorruption);
      EXPECT_NE(f.status().message().find("frame_001b.jpg"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(f.ok()) << i << ": " << f.status().ToString();
    EXPECT_EQ(f->image.type(), CV_8UC3);  // grey PNG converted too
    EXPECT_GT(f->image.at<cv::Vec3b>(120, 10 * x_of_square[i] + 20)[2], 200) << i;
    stamps.push_back(f->captured_at_utc_ms);
    EXPECT_EQ(f->sequence, uint64_t(i));  // the bad file keeps its slot
  }
  EXPECT_EQ(stamps, (std::vector<int64_t>{5000, 5250, 5750, 6000}));
  EXPECT_EQ(src->Read(10).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(src->health().state, SourceState::kEnded);
  EXPECT_EQ(src->health().frames_delivered, 4u);
  EXPECT_EQ(src->health().frames_dropped, 1u);
}

TEST(ImageFolderSourceTest, EmptyOrMissingFolderIsAClearError) {
  const std::string dir = FreshDir("empty");
  auto empty = MakeImageFolderSource(dir);
  EXPECT_EQ(empty->Open().code(), StatusCode::kNotFound);
  EXPECT_NE(empty->health().message.find("no .jpg"), std::string::npos);
  auto missing = MakeImageFolderSource(dir + "/nope");
  EXPECT_EQ(missing->Open().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace anpr
