// Replay sources: a video file and a folder of images. Frames are stamped
// from a nominal start time and the frame rate, so a replay gives the same
// capture times every run (tests, evidence review).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>

#include "capture/frame_source.h"

namespace anpr {

const char* SourceStateName(SourceState state) {
  switch (state) {
    case SourceState::kClosed: return "closed";
    case SourceState::kStreaming: return "streaming";
    case SourceState::kFault: return "fault";
    case SourceState::kReconnecting: return "reconnecting";
    case SourceState::kEnded: return "ended";
  }
  return "unknown";
}

int64_t MonotonicNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t SystemUtcNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// Turns any decoded image into the BGR 8-bit form every consumer expects.
cv::Mat ToBgr(const cv::Mat& in) {
  if (in.empty()) return in;
  cv::Mat out;
  if (in.channels() == 1) {
    cv::cvtColor(in, out, cv::COLOR_GRAY2BGR);
  } else if (in.channels() == 4) {
    cv::cvtColor(in, out, cv::COLOR_BGRA2BGR);
  } else {
    out = in;
  }
  if (out.depth() != CV_8U) out.convertTo(out, CV_8U);
  return out;
}

// Common stamping and pacing for the replay sources.
class ReplayBase : public FrameSource {
 public:
  explicit ReplayBase(ReplayOptions options) : options_(options) {
    if (!(options_.fps > 0) || !std::isfinite(options_.fps)) options_.fps = 10;
  }
  SourceHealth health() const override { return health_; }

 protected:
  void StartClock(double fps) {
    if (fps > 0 && std::isfinite(fps)) options_.fps = fps;
    start_utc_ms_ = options_.start_utc_ms != 0 ? options_.start_utc_ms : SystemUtcNowMs();
    start_mono_ms_ = MonotonicNowMs();
    index_ = 0;
  }

  // Stamps the frame at position index_ and advances; sleeps first when
  // pacing, but never longer than timeout_ms (returns false then).
  bool Stamp(Frame* frame, int64_t timeout_ms) {
    const int64_t offset_ms = std::llround(double(index_) * 1000.0 / options_.fps);
    if (options_.realtime) {
      const int64_t wait_ms = start_mono_ms_ + offset_ms - MonotonicNowMs();
      if (wait_ms > timeout_ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms)));
        return false;
      }
      if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
    frame->captured_at_utc_ms = start_utc_ms_ + offset_ms;
    frame->captured_at_mono_ms = start_mono_ms_ + offset_ms;
    frame->sequence = sequence_++;
    ++index_;
    return true;
  }

  Status End(const std::string& what) {
    health_.state = SourceState::kEnded;
    health_.message = what + ": end of stream";
    return NotFound(health_.message);
  }

  ReplayOptions options_;
  SourceHealth health_;
  int64_t start_utc_ms_ = 0;
  int64_t start_mono_ms_ = 0;
  int64_t index_ = 0;      // position in the current pass (restarts on loop)
  uint64_t sequence_ = 0;  // never restarts
};

class VideoFileSource : public ReplayBase {
 public:
  VideoFileSource(std::string path, ReplayOptions options)
      : ReplayBase(options), path_(std::move(path)) {}

  Status Open() override {
    Close();
    if (!std::filesystem::exists(path_)) {
      health_.state = SourceState::kFault;
      health_.message = path_ + ": no such file";
      return NotFound(health_.message);
    }
    // FFmpeg when OpenCV has it: it reads files directly, where trying every
    // backend on a file none can read probes cameras (and the USB bus) and
    // leaks doing so.
    const int api = cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_ANY;
    if (!capture_.open(path_, api) || !capture_.isOpened()) {
      health_.state = SourceState::kFault;
      health_.message = path_ + ": not a video OpenCV can read";
      return InvalidArgument(health_.message);
    }
    StartClock(capture_.get(cv::CAP_PROP_FPS));
    health_.state = SourceState::kStreaming;
    health_.message.clear();
    return Status::Ok();
  }

  Result<Frame> Read(int64_t timeout_ms) override {
    if (health_.state == SourceState::kEnded) return NotFound(health_.message);
    if (!capture_.isOpened()) return Status(StatusCode::kUnavailable, path_ + ": not open");
    if (pending_.empty() && (!capture_.read(pending_) || pending_.empty())) {
      pending_.release();
      if (!options_.loop || index_ == 0) return End(path_);
      capture_.set(cv::CAP_PROP_POS_FRAMES, 0);
      start_utc_ms_ += std::llround(double(index_) * 1000.0 / options_.fps);
      start_mono_ms_ = MonotonicNowMs();
      index_ = 0;
      if (!capture_.read(pending_) || pending_.empty()) return End(path_);
    }
    Frame frame;
    // Not yet time for this frame: keep it for the next call.
    if (!Stamp(&frame, timeout_ms)) return Status(StatusCode::kTimeout, path_ + ": next frame not due yet");
    frame.image = ToBgr(pending_);
    pending_.release();
    ++health_.frames_delivered;
    return frame;
  }

  void Close() override {
    if (capture_.isOpened()) capture_.release();
    if (health_.state == SourceState::kStreaming) health_.state = SourceState::kClosed;
  }
  std::string name() const override { return path_; }

 private:
  std::string path_;
  cv::VideoCapture capture_;
  cv::Mat pending_;  // read from the file, not yet delivered
};

bool IsImageName(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

class ImageFolderSource : public ReplayBase {
 public:
  ImageFolderSource(std::string folder, ReplayOptions options)
      : ReplayBase(options), folder_(std::move(folder)) {}

  Status Open() override {
    std::error_code ec;
    files_.clear();
    if (!std::filesystem::is_directory(folder_, ec)) {
      health_.state = SourceState::kFault;
      health_.message = folder_ + ": not a folder";
      return NotFound(health_.message);
    }
    for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
      if (entry.is_regular_file(ec) && IsImageName(entry.path())) files_.push_back(entry.path().string());
    }
    std::sort(files_.begin(), files_.end());
    if (files_.empty()) {
      health_.state = SourceState::kFault;
      health_.message = folder_ + ": no .jpg/.jpeg/.png/.bmp images";
      return NotFound(health_.message);
    }
    StartClock(options_.fps);
    next_ = 0;
    health_.state = SourceState::kStreaming;
    health_.message.clear();
    return Status::Ok();
  }

  Result<Frame> Read(int64_t timeout_ms) override {
    if (health_.state == SourceState::kEnded) return NotFound(health_.message);
    if (health_.state != SourceState::kStreaming) return Status(StatusCode::kUnavailable, folder_ + ": not open");
    if (next_ >= files_.size()) {
      if (!options_.loop) return End(folder_);
      start_utc_ms_ += std::llround(double(index_) * 1000.0 / options_.fps);
      start_mono_ms_ = MonotonicNowMs();
      index_ = 0;
      next_ = 0;
    }
    Frame frame;
    // Stamp before decoding so a bad file still occupies its time slot.
    if (!Stamp(&frame, timeout_ms)) return Status(StatusCode::kTimeout, folder_ + ": next frame not due yet");
    const std::string& file = files_[next_++];
    frame.image = ToBgr(cv::imread(file, cv::IMREAD_UNCHANGED));
    if (frame.image.empty()) {
      ++health_.frames_dropped;
      health_.message = file + ": not a readable image (skipped)";
      return Corruption(health_.message);
    }
    ++health_.frames_delivered;
    return frame;
  }

  void Close() override {
    if (health_.state == SourceState::kStreaming) health_.state = SourceState::kClosed;
  }
  std::string name() const override { return folder_; }

 private:
  std::string folder_;
  std::vector<std::string> files_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> MakeVideoFileSource(std::string path, ReplayOptions options) {
  return std::make_unique<VideoFileSource>(std::move(path), options);
}

std::unique_ptr<FrameSource> MakeImageFolderSource(std::string folder, ReplayOptions options) {
  return std::make_unique<ImageFolderSource>(std::move(folder), options);
}

}  // namespace anpr
