#include "vehicle/alerts/hit_pipeline.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

namespace anpr {

HitPipeline::HitPipeline(Store* store, AlertPolicy* policy, AlertSink* sink)
    : store_(store), policy_(policy), sink_(sink) {}

HitPipeline::~HitPipeline() { Stop(); }

void HitPipeline::Start() {
  if (thread_.joinable()) return;
  {
    MutexLock lock(&shared_->mu);
    shared_->stopping = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void HitPipeline::Stop(int stop_wait_ms) {
  if (!thread_.joinable()) return;
  Shared* sh = shared_.get();
  {
    MutexLock lock(&sh->mu);
    // Wait, for a while, for reads still being written, so none is left
    // unmatched. Never for ever: a full disk must not hold up the stop.
    const bool written = sh->cv.WaitFor(&sh->mu, std::chrono::milliseconds(stop_wait_ms),
                                        [sh]() ANPR_REQUIRES(sh->mu) { return sh->in_flight == 0; });
    if (!written) {
      spdlog::error("hit pipeline: stopping with {} reads not yet reported by the store after {} ms; "
                    "the store keeps them (written or spilled when it closes), they are not matched now",
                    sh->in_flight, stop_wait_ms);
    }
    sh->stopping = true;
  }
  sh->cv.NotifyAll();
  thread_.join();
}

size_t HitPipeline::pending() const {
  MutexLock lock(&shared_->mu);
  return shared_->in_flight + shared_->committed.size();
}

void HitPipeline::OnRead(Read read) {
  {
    MutexLock lock(&shared_->mu);
    ++shared_->in_flight;
  }
  // Only what matching needs travels on (no images).
  Read light = read;
  light.plate_jpeg.clear();
  light.overview_jpeg.clear();
  store_->SubmitRead(std::move(read), {}, [sh = shared_, light = std::move(light)](const Status&) mutable {
    {
      MutexLock lock(&sh->mu);
      --sh->in_flight;
      if (!sh->stopping) sh->committed.push_back(std::move(light));
    }
    sh->cv.NotifyAll();
  });
}

void HitPipeline::Loop() {
  Shared* sh = shared_.get();
  for (;;) {
    Read read;
    {
      MutexLock lock(&sh->mu);
      sh->cv.Wait(&sh->mu, [sh]() ANPR_REQUIRES(sh->mu) { return sh->stopping || !sh->committed.empty(); });
      if (sh->committed.empty()) return;
      read = std::move(sh->committed.front());
      sh->committed.pop_front();
    }
    std::vector<Sighting> sightings;
    auto alerts = policy_->OnCommittedRead(read, NowUtcMs(), &sightings);
    if (alerts.ok() && sink_) {
      for (const Alert& a : *alerts) sink_->OnAlert(a);
      for (const Sighting& s : sightings) sink_->OnSighting(s, read);
    }
    sh->cv.NotifyAll();
  }
}

}  // namespace anpr
