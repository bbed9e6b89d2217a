#include "vehicle/recognition/recognition_pool.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

namespace anpr {

// One camera's side of the pool: its frames in flight, put back in capture
// order for its tracker.
struct RecognitionPool::Camera {
  Camera(CaptureThread* c, Region region, const TrackerOptions& tracker_options)
      : capture(c), tracker(region, tracker_options) {}
  CaptureThread* capture;

  struct ReadFrame {
    Frame frame;
    std::vector<PlateObservation> plates;
  };
  Mutex mu;  // delivery: one frame at a time, in order
  // Frames read out of order (a later frame finished first), by sequence.
  std::map<uint64_t, ReadFrame> ready ANPR_GUARDED_BY(mu);
  uint64_t next_out ANPR_GUARDED_BY(mu) = 0;  // the sequence the tracker takes next
  PlateTracker tracker ANPR_GUARDED_BY(mu);
  int64_t utc_minus_mono_ms ANPR_GUARDED_BY(mu) = 0;  // of the newest frame delivered
  bool flushed ANPR_GUARDED_BY(mu) = false;
  // Frames taken by workers so far; written under the pool's scheduler lock.
  uint64_t taken = 0;
  std::atomic<uint64_t> processed{0};
};

RecognitionPool::RecognitionPool(std::vector<CaptureThread*> cameras, RecognitionPoolOptions options,
                                 RecognitionPoolCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {
  options_.threads = std::max(1, options_.threads);
  for (CaptureThread* c : cameras) {
    cameras_.push_back(std::make_unique<Camera>(c, options_.region, options_.tracker));
    c->SetOnFrame([this] {
      MutexLock lock(&mu_);
      ++wakeups_;
      cv_.NotifyOne();
    });
  }
}

RecognitionPool::~RecognitionPool() { Stop(); }

void RecognitionPool::Start() {
  if (!workers_.empty()) return;
  stop_ = false;
  for (int w = 0; w < options_.threads; ++w) workers_.emplace_back([this, w] { Work(w); });
}

void RecognitionPool::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    cv_.NotifyAll();
  }
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  // Every frame taken was delivered (a worker finishes its frame before it
  // stops); the passes still followed are read now.
  const int64_t now = callbacks_.now_utc_ms ? callbacks_.now_utc_ms() : 0;
  for (size_t c = 0; c < cameras_.size(); ++c) FlushCamera(c, now);
}

uint64_t RecognitionPool::processed(size_t camera) const {
  return camera < cameras_.size() ? cameras_[camera]->processed.load() : 0;
}

bool RecognitionPool::Take(Frame* frame, size_t* camera, uint64_t* seq) {
  const size_t n = cameras_.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t c = (next_camera_ + i) % n;
    std::optional<Frame> f = cameras_[c]->capture->Pop(0);
    if (!f) continue;
    *frame = std::move(*f);
    *camera = c;
    *seq = cameras_[c]->taken++;
    next_camera_ = (c + 1) % n;  // the next worker starts at the next camera
    return true;
  }
  return false;
}

void RecognitionPool::Deliver(size_t camera, uint64_t seq, Frame frame, std::vector<PlateObservation> plates) {
  Camera& cam = *cameras_[camera];
  MutexLock lock(&cam.mu);
  cam.ready.emplace(seq, Camera::ReadFrame{std::move(frame), std::move(plates)});
  while (!cam.ready.empty() && cam.ready.begin()->first == cam.next_out) {
    Camera::ReadFrame r = std::move(cam.ready.begin()->second);
    cam.ready.erase(cam.ready.begin());
    cam.utc_minus_mono_ms = r.frame.captured_at_utc_ms - r.frame.captured_at_mono_ms;
    if (callbacks_.on_frame) callbacks_.on_frame(camera, r.frame, r.plates);
    for (PassRead& pass : cam.tracker.Update(r.frame.captured_at_mono_ms, r.plates)) {
      if (callbacks_.on_read) callbacks_.on_read(camera, std::move(pass), cam.utc_minus_mono_ms, r.frame.captured_at_utc_ms);
    }
    ++cam.next_out;
    ++cam.processed;
  }
}

void RecognitionPool::FlushCamera(size_t camera, int64_t trigger_utc_ms) {
  Camera& cam = *cameras_[camera];
  MutexLock lock(&cam.mu);
  if (cam.flushed) return;
  cam.flushed = true;
  for (PassRead& pass : cam.tracker.Flush()) {
    if (callbacks_.on_read) callbacks_.on_read(camera, std::move(pass), cam.utc_minus_mono_ms, trigger_utc_ms);
  }
}

bool RecognitionPool::FlushEndedCameras() {
  bool all = true;
  for (size_t c = 0; c < cameras_.size(); ++c) {
    Camera& cam = *cameras_[c];
    bool delivered = false;
    if (cam.capture->ended()) {
      MutexLock lock(&cam.mu);
      delivered = cam.next_out == cam.taken;
    }
    if (!delivered) {
      all = false;
      continue;
    }
    // Its stream played to its end: read the passes still followed.
    FlushCamera(c, callbacks_.now_utc_ms ? callbacks_.now_utc_ms() : 0);
  }
  return all;
}

void RecognitionPool::Work(int worker) {
  std::unique_ptr<FrameReader> reader = callbacks_.make_reader ? callbacks_.make_reader(worker) : nullptr;
  if (!reader) {
    if (callbacks_.retire) callbacks_.retire(worker);
    return;
  }
  while (!stop_) {
    if (callbacks_.beat) callbacks_.beat(worker);
    Frame frame;
    size_t camera = 0;
    uint64_t seq = 0;
    {
      MutexLock lock(&mu_);
      if (!Take(&frame, &camera, &seq)) {
        if (!done_ && FlushEndedCameras()) done_ = true;
        const uint64_t seen = wakeups_;
        cv_.WaitFor(&mu_, std::chrono::milliseconds(100),
                    [&]() ANPR_REQUIRES(mu_) { return stop_.load() || wakeups_ != seen; });
        continue;
      }
    }
    std::vector<PlateObservation> plates = reader->Read(frame.image);
    Deliver(camera, seq, std::move(frame), std::move(plates));
  }
  if (callbacks_.retire) callbacks_.retire(worker);
}

}  // namespace anpr
