// The path from recognition to the officer, in the order the evidence rules
// demand: a read is durable in the store before it is matched, and a hit is
// durable before its alert reaches the sink (the HMI).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <thread>

#include "vehicle/alerts/alert_policy.h"
#include "vehicle/records/mutex.h"
#include "vehicle/records/read.h"
#include "vehicle/store/store.h"

namespace anpr {

// Receives alerts (the HMI). Called on the pipeline's thread.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const Alert& alert) = 0;
  // A hit already alerted seen again within its cool-down (by this or
  // another camera): `read` (committed; without its images) saw it. No
  // alarm: the screen adds the sighting to the hit.
  virtual void OnSighting(const Sighting& /*sighting*/, const Read& /*read*/) {}
};

// The path from recognition to the officer: OnRead() enqueues the read with
// the store and returns at once; once the read is durable, the pipeline's
// thread matches it, records hits and passes alerts to the sink. A read that
// failed to store still gets matched (an alert must not be lost), and the
// failure shows in Store::state().
class HitPipeline {
 public:
  // How long Stop() waits for reads the store has not reported on yet.
  static constexpr int kDefaultStopWaitMs = 5000;

  HitPipeline(Store* store, AlertPolicy* policy, AlertSink* sink);
  ~HitPipeline();  // Stop()
  void Start();
  // Waits up to stop_wait_ms for reads still being written (on a full disk
  // they go to the store's spill file, so this is normally short), matches
  // the ones committed, then stops the thread. Reads the store has still not
  // reported on stay with the store, which writes or spills them when it is
  // destroyed (see Store::SubmitRead): they are not matched in this run,
  // and the count is logged. Bounded: returns within stop_wait_ms plus the
  // matching of committed reads.
  void Stop(int stop_wait_ms = kDefaultStopWaitMs);
  void OnRead(Read read);
  // Reads handed in whose alerts have not been decided yet.
  size_t pending() const;

 private:
  // Shared with the store's callbacks, which may run after Stop() and after
  // this pipeline is gone (a read still queued when the store closes).
  struct Shared {
    mutable Mutex mu;
    CondVar cv;
    std::deque<Read> committed ANPR_GUARDED_BY(mu);
    size_t in_flight ANPR_GUARDED_BY(mu) = 0;  // submitted, not yet committed
    bool stopping ANPR_GUARDED_BY(mu) = false;
  };

  void Loop();
  Store* store_;
  AlertPolicy* policy_;
  AlertSink* sink_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  std::thread thread_;  // started and joined by the owner's thread
};

}  // namespace anpr
