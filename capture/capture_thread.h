// Runs a FrameSource on its own thread and hands frames over through a small
// bounded queue. Capture never waits for the consumer: when the queue is
// full the oldest frame is dropped (and counted), so recognition always gets
// the freshest frames and a slow frame never stalls the camera's buffers.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "capture/frame_source.h"
#include "vehicle/records/mutex.h"

namespace anpr {

class CaptureThread {
 public:
  struct Stats {
    SourceHealth source;            // copied from the source after each read
    uint64_t dropped_queue_full = 0;  // frames the consumer never saw
  };

  // `source` must not be opened yet; Start opens it on the calling thread so
  // a configuration error is returned at once. queue_capacity >= 1.
  CaptureThread(std::unique_ptr<FrameSource> source, size_t queue_capacity = 4);
  ~CaptureThread();  // Stop()
  CaptureThread(const CaptureThread&) = delete;
  CaptureThread& operator=(const CaptureThread&) = delete;

  // `notify` is called on the capture thread after each frame is queued and
  // when the source ends, without this object's lock held: a consumer
  // waiting on several cameras at once (RecognitionPool) wakes on it. Set
  // before Start; keep it quick.
  void SetOnFrame(std::function<void()> notify);

  Status Start();
  // Ends the thread (within one read timeout, 200 ms) and closes the source.
  void Stop();

  // The oldest queued frame, waiting up to timeout_ms; nullopt on timeout,
  // or at once when the source has ended and the queue is empty.
  std::optional<Frame> Pop(int64_t timeout_ms);

  // Thread-safe snapshot for the screen and logs.
  Stats stats() const;
  // True once a file/folder source played to its end (nothing more will come).
  bool ended() const;

 private:
  void Run();

  std::unique_ptr<FrameSource> source_;
  const size_t capacity_;
  std::function<void()> on_frame_;  // set before the thread starts
  std::thread thread_;
  std::atomic<bool> stop_{false};

  mutable Mutex mu_;  // guards the members below
  CondVar cv_;
  std::deque<Frame> queue_ ANPR_GUARDED_BY(mu_);
  Stats stats_ ANPR_GUARDED_BY(mu_);
  bool ended_ ANPR_GUARDED_BY(mu_) = false;
};

}  // namespace anpr
