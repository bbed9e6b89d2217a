#include "capture/synth_source.h"

#include <chrono>
#include <thread>

namespace anpr {
namespace {

class SyntheticDriveSource : public FrameSource {
 public:
  SyntheticDriveSource(uint64_t seed, synth::DriveByOptions options, bool realtime, bool loop)
      : drive_(seed, std::move(options)), realtime_(realtime), loop_(loop) {}

  Status Open() override {
    if (drive_.frame_count() <= 0) return InvalidArgument("synthetic drive has no frames");
    health_.state = SourceState::kStreaming;
    next_index_ = 0;
    started_mono_ms_ = MonotonicNowMs();
    return Status::Ok();
  }

  Result<Frame> Read(int64_t timeout_ms) override {
    if (health_.state != SourceState::kStreaming) {
      return health_.state == SourceState::kEnded ? Status(NotFound("synthetic drive ended"))
                                                  : Status(Unavailable("synthetic drive not open"));
    }
    if (next_index_ >= drive_.frame_count()) {
      if (!loop_) {
        health_.state = SourceState::kEnded;
        return NotFound("synthetic drive ended");
      }
      next_index_ = 0;
      ++loops_;
    }
    const double period_ms = 1000.0 / drive_.fps();
    if (realtime_) {
      // Frame n is due at start + n * period, counting every loop.
      const int64_t n = loops_ * drive_.frame_count() + next_index_;
      const int64_t due_ms = started_mono_ms_ + static_cast<int64_t>(static_cast<double>(n) * period_ms);
      const int64_t wait_ms = due_ms - MonotonicNowMs();
      if (wait_ms > timeout_ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
        return Status(StatusCode::kTimeout, "next synthetic frame not due yet");
      }
      if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
    synth::DriveByFrame f = drive_.Frame(next_index_++);
    Frame out;
    out.image = std::move(f.image);
    out.captured_at_mono_ms = MonotonicNowMs();
    out.captured_at_utc_ms = SystemUtcNowMs();
    out.sequence = sequence_++;
    ++health_.frames_delivered;
    return out;
  }

  void Close() override { health_.state = SourceState::kClosed; }
  SourceHealth health() const override { return health_; }
  std::string name() const override { return "synthetic drive-by"; }

 private:
  synth::DriveBy drive_;
  bool realtime_;
  bool loop_;
  SourceHealth health_;
  int next_index_ = 0;
  int64_t loops_ = 0;
  int64_t started_mono_ms_ = 0;
  uint64_t sequence_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> MakeSyntheticDriveSource(uint64_t seed, synth::DriveByOptions options,
                                                      bool realtime, bool loop) {
  return std::make_unique<SyntheticDriveSource>(seed, std::move(options), realtime, loop);
}

}  // namespace anpr
