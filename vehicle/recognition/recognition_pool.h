// The frames of every camera of the car, read by one pool of workers.
//
// - Each camera keeps its own capture queue (capture/capture_thread.h): when
//   the pool is behind, a camera drops its own oldest frames, never another
//   camera's. Workers take frames from the cameras in turn (round robin), so
//   the cameras are served evenly and none starves.
// - Any worker may read any camera's frame, so one busy camera can use every
//   worker; the results are handed to that camera's tracker in capture
//   order (a small reorder buffer per camera), so voting and early reads see
//   the frames as the camera took them.
// - Each worker has its own FrameReader (one OCR engine per thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "capture/capture_thread.h"
#include "capture/frame_source.h"
#include "vehicle/recognition/plate.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/records/mutex.h"

namespace anpr {

// What a worker runs on one frame: the plates in it. One per worker thread,
// used by that thread only.
class FrameReader {
 public:
  virtual ~FrameReader() = default;
  virtual std::vector<PlateObservation> Read(const cv::Mat& frame_bgr) = 0;
};

struct RecognitionPoolOptions {
  int threads = 1;  // workers, >= 1
  Region region = Region::kGb;
  TrackerOptions tracker;
};

// What the pool tells its owner. Every callback may run on any worker
// thread; the per-camera ones are called in that camera's capture order,
// one at a time per camera (under the camera's lock: keep them quick and do
// not call back into the pool).
struct RecognitionPoolCallbacks {
  // Makes one worker's reader, on that worker's thread. Null: that worker
  // does not run (the owner logs why); with no worker at all nothing is read.
  std::function<std::unique_ptr<FrameReader>(int worker)> make_reader;
  // A frame was read (for the live view).
  std::function<void(size_t camera, const Frame& frame, const std::vector<PlateObservation>& plates)> on_frame;
  // A pass read by a camera's tracker. `utc_minus_mono_ms` maps the pass's
  // stream times to UTC; `trigger_utc_ms` is the capture time of the frame
  // that completed it (or now, for a read made at the end).
  std::function<void(size_t camera, PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_utc_ms)> on_read;
  // Each pass of a worker's loop, at least every 100 ms while it is not
  // stuck in a frame (the watchdog).
  std::function<void(int worker)> beat;
  // The worker stops for good (stop, or no reader): the watchdog lets it go.
  std::function<void(int worker)> retire;
  // The unit's clock, for the reads made when a stream ends.
  std::function<int64_t()> now_utc_ms;
};

class RecognitionPool {
 public:
  // `cameras` must outlive the pool and must not be started yet (the pool
  // listens to them). Camera indexes in callbacks are positions in it.
  RecognitionPool(std::vector<CaptureThread*> cameras, RecognitionPoolOptions options,
                  RecognitionPoolCallbacks callbacks);
  ~RecognitionPool();  // Stop()
  RecognitionPool(const RecognitionPool&) = delete;
  RecognitionPool& operator=(const RecognitionPool&) = delete;

  void Start();
  // Joins the workers, then reads the passes still being followed (a
  // read is never lost to a stop).
  void Stop();

  // Frames of camera `camera` read so far.
  uint64_t processed(size_t camera) const;
  // Every camera's source ended and every frame it gave was read, its last
  // passes too (a replay is over).
  bool done() const { return done_; }

 private:
  struct Camera;
  void Work(int worker);
  // Takes the next camera's oldest frame, round robin; false when none is
  // queued. Sets *camera and *seq.
  bool Take(Frame* frame, size_t* camera, uint64_t* seq) ANPR_REQUIRES(mu_);
  // Hands one read frame to its camera's tracker, in capture order.
  void Deliver(size_t camera, uint64_t seq, Frame frame, std::vector<PlateObservation> plates);
  // Reads the passes a camera's tracker still follows (end of its stream or stop).
  void FlushCamera(size_t camera, int64_t trigger_utc_ms);
  // Reads the last passes of each camera whose source ended and whose
  // frames were all delivered; true when that is every camera.
  bool FlushEndedCameras() ANPR_REQUIRES(mu_);

  std::vector<std::unique_ptr<Camera>> cameras_;
  RecognitionPoolOptions options_;
  RecognitionPoolCallbacks callbacks_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};

  mutable Mutex mu_;  // the scheduler: which camera is next
  CondVar cv_;        // a frame was queued or a source ended
  size_t next_camera_ ANPR_GUARDED_BY(mu_) = 0;
  uint64_t wakeups_ ANPR_GUARDED_BY(mu_) = 0;  // bumped by every notify: no lost wake-up
};

}  // namespace anpr
