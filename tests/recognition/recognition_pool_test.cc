// RecognitionPool: several cameras' frames read by a pool of workers; each
// camera's tracker sees its frames in capture order, cameras that fall
// behind drop their own oldest frames evenly, a dead camera leaves the
// others reading, and the last passes are read when the streams end.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "capture/capture_thread.h"
#include "vehicle/records/mutex.h"
#include "vehicle/recognition/recognition_pool.h"

namespace anpr {
namespace {

// A camera stand-in: `frames` frames at `interval_ms`, each 16x16 with its
// index in the first pixel, then the end of the stream (or, `dead`, a
// device that is gone and keeps being retried).
class CountingSource : public FrameSource {
 public:
  CountingSource(int frames, int interval_ms, bool dead = false)
      : frames_(frames), interval_ms_(interval_ms), dead_(dead) {}
  Status Open() override {
    health_.state = dead_ ? SourceState::kReconnecting : SourceState::kStreaming;
    return Status::Ok();
  }
  Result<Frame> Read(int64_t timeout_ms) override {
    if (dead_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(timeout_ms, 20)));
      return Status(StatusCode::kUnavailable, "camera gone");
    }
    if (next_ >= frames_) {
      health_.state = SourceState::kEnded;
      return Status(StatusCode::kNotFound, "end");
    }
    if (interval_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_));
    Frame f;
    f.image = cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(0));
    f.sequence = uint64_t(next_);
    f.captured_at_mono_ms = 1000 + int64_t{next_} * 66;
    f.captured_at_utc_ms = f.captured_at_mono_ms + 5'000'000;
    ++next_;
    ++health_.frames_delivered;
    return f;
  }
  void Close() override {}
  SourceHealth health() const override { return health_; }
  std::string name() const override { return "counting"; }

 private:
  int frames_, interval_ms_;
  bool dead_;
  int next_ = 0;
  SourceHealth health_;
};

// Reads every frame as one plate, after a random delay (so workers finish
// out of order), and remembers nothing between frames.
class SlowReader : public FrameReader {
 public:
  SlowReader(int max_ms, int seed) : max_ms_(max_ms), rng_(uint32_t(seed)) {}
  std::vector<PlateObservation> Read(const cv::Mat&) override {
    if (max_ms_ > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, max_ms_)(rng_)));
    }
    PlateObservation o;
    o.text = "AB12CDE";
    o.confidence = 60;  // below the early-read bar: read when the stream ends
    o.box = cv::Rect(4, 4, 8, 4);
    return {o};
  }

 private:
  int max_ms_;
  std::mt19937 rng_;
};

struct Seen {
  Mutex mu;
  std::map<size_t, std::vector<uint64_t>> sequences ANPR_GUARDED_BY(mu);
  std::map<size_t, std::vector<std::string>> reads ANPR_GUARDED_BY(mu);
};

RecognitionPoolCallbacks Record(Seen* seen, int max_ms) {
  RecognitionPoolCallbacks cb;
  cb.make_reader = [max_ms](int worker) { return std::make_unique<SlowReader>(max_ms, worker + 1); };
  cb.on_frame = [seen](size_t camera, const Frame& f, const std::vector<PlateObservation>&) {
    MutexLock lock(&seen->mu);
    seen->sequences[camera].push_back(f.sequence);
  };
  cb.on_read = [seen](size_t camera, PassRead pass, int64_t, int64_t) {
    MutexLock lock(&seen->mu);
    seen->reads[camera].push_back(pass.vrm);
  };
  cb.now_utc_ms = [] { return int64_t{0}; };
  return cb;
}

bool WaitDone(const RecognitionPool& pool, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms && !pool.done(); waited += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pool.done();
}

TEST(RecognitionPoolTest, EachCamerasFramesReachItsTrackerInCaptureOrderWithTwoWorkers) {
  // Queues big enough that nothing is dropped: every frame, in order.
  CaptureThread front(std::make_unique<CountingSource>(60, 1), 64);
  CaptureThread rear(std::make_unique<CountingSource>(60, 1), 64);
  Seen seen;
  RecognitionPoolOptions o;
  o.threads = 2;
  RecognitionPool pool({&front, &rear}, o, Record(&seen, 4));
  ASSERT_TRUE(front.Start().ok());
  ASSERT_TRUE(rear.Start().ok());
  pool.Start();
  ASSERT_TRUE(WaitDone(pool, 20000));
  pool.Stop();
  MutexLock lock(&seen.mu);
  for (size_t camera : {size_t{0}, size_t{1}}) {
    std::vector<uint64_t> expected(60);
    for (uint64_t i = 0; i < 60; ++i) expected[i] = i;
    EXPECT_EQ(seen.sequences[camera], expected) << "camera " << camera;
    // The plate seen in every frame is one pass, read once when the stream ended.
    EXPECT_EQ(seen.reads[camera], std::vector<std::string>{"AB12CDE"}) << "camera " << camera;
  }
  EXPECT_EQ(pool.processed(0), 60u);
  EXPECT_EQ(pool.processed(1), 60u);
}

TEST(RecognitionPoolTest, WhenThePoolIsBehindEachCameraDropsItsOwnOldestFramesEvenly) {
  // Three cameras at ~200 fps each, one worker needing ~5 ms a frame: far
  // behind. Each camera keeps a queue of 2 and drops its own oldest.
  std::vector<std::unique_ptr<CaptureThread>> cams;
  std::vector<CaptureThread*> raw;
  for (int i = 0; i < 3; ++i) {
    cams.push_back(std::make_unique<CaptureThread>(std::make_unique<CountingSource>(400, 5), 2));
    raw.push_back(cams.back().get());
  }
  Seen seen;
  RecognitionPoolCallbacks cb = Record(&seen, 0);
  cb.make_reader = [](int) {
    struct Fixed : FrameReader {
      std::vector<PlateObservation> Read(const cv::Mat&) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return {};
      }
    };
    return std::make_unique<Fixed>();
  };
  RecognitionPool pool(raw, RecognitionPoolOptions{}, cb);
  for (auto& c : cams) ASSERT_TRUE(c->Start().ok());
  pool.Start();
  ASSERT_TRUE(WaitDone(pool, 30000));
  pool.Stop();
  uint64_t least = UINT64_MAX, most = 0;
  for (size_t i = 0; i < 3; ++i) {
    const uint64_t processed = pool.processed(i);
    const uint64_t dropped = cams[i]->stats().dropped_queue_full;
    EXPECT_EQ(processed + dropped, 400u) << "camera " << i << ": every frame read or counted as dropped";
    EXPECT_GT(dropped, 0u) << "camera " << i;
    least = std::min(least, processed);
    most = std::max(most, processed);
  }
  // Served in turn: no camera starves, none gets much more than another.
  EXPECT_GT(least, 0u);
  EXPECT_LE(double(most), 1.3 * double(least) + 5) << least << " .. " << most;
  MutexLock lock(&seen.mu);
  for (size_t i = 0; i < 3; ++i) {
    const auto& s = seen.sequences[i];
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end())) << "camera " << i;
  }
}

TEST(RecognitionPoolTest, ACameraThatIsGoneLeavesTheOthersReading) {
  CaptureThread front(std::make_unique<CountingSource>(40, 2), 64);
  CaptureThread rear(std::make_unique<CountingSource>(0, 0, /*dead=*/true), 4);
  Seen seen;
  RecognitionPoolOptions o;
  o.threads = 2;
  RecognitionPool pool({&front, &rear}, o, Record(&seen, 2));
  ASSERT_TRUE(front.Start().ok());
  ASSERT_TRUE(rear.Start().ok());
  pool.Start();
  for (int i = 0; i < 1000 && pool.processed(0) < 40; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(pool.processed(0), 40u);
  EXPECT_EQ(pool.processed(1), 0u);
  EXPECT_FALSE(pool.done()) << "the rear camera may come back: the pool waits for it";
  pool.Stop();
  rear.Stop();
  front.Stop();
  MutexLock lock(&seen.mu);
  // The front's pass is read at the stop, not lost.
  EXPECT_EQ(seen.reads[0], std::vector<std::string>{"AB12CDE"});
  EXPECT_TRUE(seen.reads[1].empty());
}

}  // namespace
}  // namespace anpr
