#include "capture/capture_thread.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

namespace anpr {

CaptureThread::CaptureThread(std::unique_ptr<FrameSource> source, size_t queue_capacity)
    : source_(std::move(source)), capacity_(std::max<size_t>(1, queue_capacity)) {}

CaptureThread::~CaptureThread() { Stop(); }

void CaptureThread::SetOnFrame(std::function<void()> notify) { on_frame_ = std::move(notify); }

Status CaptureThread::Start() {
  if (thread_.joinable()) return Status(StatusCode::kAlreadyExists, source_->name() + ": capture already running");
  const Status s = source_->Open();
  {
    MutexLock lock(&mu_);
    stats_.source = source_->health();
  }
  if (!s.ok()) return s;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void CaptureThread::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (source_) source_->Close();
  MutexLock lock(&mu_);
  stats_.source = source_->health();
  cv_.NotifyAll();
}

void CaptureThread::Run() {
  std::string last_error;
  while (!stop_) {
    Result<Frame> r = source_->Read(200);
    const SourceHealth health = source_->health();
    MutexLock lock(&mu_);
    stats_.source = health;
    if (r.ok()) {
      if (queue_.size() >= capacity_) {
        queue_.pop_front();
        ++stats_.dropped_queue_full;
      }
      queue_.push_back(std::move(r).value());
      cv_.NotifyOne();
      last_error.clear();
      lock.Unlock();
      if (on_frame_) on_frame_();
      continue;
    }
    if (health.state == SourceState::kEnded || health.state == SourceState::kFault) {
      ended_ = true;
      if (health.state == SourceState::kFault) spdlog::error("{}: {}", source_->name(), r.status().message());
      cv_.NotifyAll();
      lock.Unlock();
      if (on_frame_) on_frame_();
      return;
    }
    // Timeouts, reconnects and garbled frames: the source recovers by itself
    // (and a camera logs its own loss and return); log each new kind of
    // other trouble once, not once per frame.
    const StatusCode code = r.status().code();
    if (code != StatusCode::kTimeout && code != StatusCode::kUnavailable && r.status().message() != last_error) {
      last_error = r.status().message();
      spdlog::warn("{}", last_error);
    }
  }
}

std::optional<Frame> CaptureThread::Pop(int64_t timeout_ms) {
  MutexLock lock(&mu_);
  cv_.WaitFor(&mu_, std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms)),
              [this]() ANPR_REQUIRES(mu_) { return !queue_.empty() || ended_ || stop_; });
  if (queue_.empty()) return std::nullopt;
  Frame f = std::move(queue_.front());
  queue_.pop_front();
  return f;
}

CaptureThread::Stats CaptureThread::stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

bool CaptureThread::ended() const {
  MutexLock lock(&mu_);
  return ended_ && queue_.empty();
}

}  // namespace anpr
