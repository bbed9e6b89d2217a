// The path from recognition to the officer, in the order the evidence rules
// demand: a read is durable in the store before it is matched, and a hit is
// durable before its alert reaches the sink (the HMI).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "vehicle/alerts/alert_policy.h"
#include "vehicle/records/read.h"
#include "vehicle/store/store.h"

namespace anpr {

// Receives alerts (the HMI). Called on the pipeline's thread.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const Alert& alert) = 0;
};

// The path from recognition to the officer: OnRead() enqueues the read with
// the store and returns at once; once the read is durable, the pipeline's
// thread matches it, records hits and passes alerts to the sink. A read that
// failed to store still gets matched (an alert must not be lost), and the
// failure shows in Store::state().
class HitPipeline {
 public:
  HitPipeline(Store* store, AlertPolicy* policy, AlertSink* sink);
  ~HitPipeline();  // Stop()
  void Start();
  // Finishes reads already committed, then stops the thread.
  void Stop();
  void OnRead(Read read);
  // Reads handed in whose alerts have not been decided yet.
  size_t pending() const;

 private:
  void Loop();
  Store* store_;
  AlertPolicy* policy_;
  AlertSink* sink_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Read> committed_;  // guarded by mu_
  size_t in_flight_ = 0;        // submitted, not yet committed; guarded by mu_
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace anpr
