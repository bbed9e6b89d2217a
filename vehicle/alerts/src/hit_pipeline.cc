#include "vehicle/alerts/hit_pipeline.h"

#include <utility>

namespace anpr {

HitPipeline::HitPipeline(Store* store, AlertPolicy* policy, AlertSink* sink)
    : store_(store), policy_(policy), sink_(sink) {}

HitPipeline::~HitPipeline() { Stop(); }

void HitPipeline::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void HitPipeline::Stop() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;
    // Wait for reads still being written, so none is left unmatched.
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

size_t HitPipeline::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_ + committed_.size();
}

void HitPipeline::OnRead(Read read) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++in_flight_;
  }
  // Only what matching needs travels on (no images).
  Read light = read;
  light.plate_jpeg.clear();
  light.overview_jpeg.clear();
  store_->SubmitRead(std::move(read), {}, [this, light = std::move(light)](const Status&) mutable {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
      committed_.push_back(std::move(light));
    }
    cv_.notify_all();
  });
}

void HitPipeline::Loop() {
  for (;;) {
    Read read;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !committed_.empty(); });
      if (committed_.empty()) return;
      read = std::move(committed_.front());
      committed_.pop_front();
    }
    auto alerts = policy_->OnCommittedRead(read, NowUtcMs());
    if (alerts.ok() && sink_) {
      for (const Alert& a : *alerts) sink_->OnAlert(a);
    }
    cv_.notify_all();
  }
}

}  // namespace anpr
