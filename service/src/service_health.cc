// ServiceHealth: loops beat, the main loop pings while none stalled.
#include "service/service_health.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

namespace anpr::service {
namespace {

int64_t MonoNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ServiceHealth::ServiceHealth(std::unique_ptr<Notifier> notifier, int64_t stall_limit_ms)
    : notifier_(std::move(notifier)),
      interval_ms_(notifier_->WatchdogIntervalMs()),
      stall_limit_ms_(interval_ms_ <= 0 ? 0 : stall_limit_ms > 0 ? stall_limit_ms : interval_ms_ / 2) {
  if (const char* hook = std::getenv("ANPR_TEST_HANG_LOOP"); hook && *hook) {
    const std::string text = hook;
    const size_t colon = text.rfind(':');
    hang_loop_ = text.substr(0, colon);
    hang_after_ms_ = colon == std::string::npos ? 0 : std::atoll(text.c_str() + colon + 1);
    spdlog::warn("test hook ANPR_TEST_HANG_LOOP: loop '{}' will hang {} ms after it starts", hang_loop_,
                 hang_after_ms_);
  }
}

void ServiceHealth::Ready() { notifier_->Ready(); }
void ServiceHealth::Stopping() { notifier_->Stopping(); }
void ServiceHealth::Status(const std::string& text) { notifier_->Status(text); }

ServiceHealth::LoopId ServiceHealth::Register(const std::string& name) {
  const int64_t now = MonoNowMs();
  MutexLock lock(&mu_);
  loops_.push_back(Loop{name, now, now, false, false});
  return static_cast<LoopId>(loops_.size() - 1);
}

void ServiceHealth::Beat(LoopId id) {
  const int64_t now = MonoNowMs();
  std::string name;
  int64_t registered = 0;
  {
    MutexLock lock(&mu_);
    if (id < 0 || static_cast<size_t>(id) >= loops_.size()) return;
    Loop& loop = loops_[static_cast<size_t>(id)];
    loop.last_beat_mono_ms = now;
    if (loop.stall_logged) {
      spdlog::warn("watchdog: loop '{}' makes progress again", loop.name);
      loop.stall_logged = false;
    }
    if (hang_after_ms_ < 0) return;
    name = loop.name;
    registered = loop.registered_mono_ms;
  }
  MaybeHang(name, registered, now);
}

void ServiceHealth::MaybeHang(const std::string& name, int64_t registered_mono_ms, int64_t now_mono_ms) const {
  if (name != hang_loop_ || now_mono_ms - registered_mono_ms < hang_after_ms_) return;
  spdlog::warn("test hook ANPR_TEST_HANG_LOOP: loop '{}' hangs now", name);
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

void ServiceHealth::Retire(LoopId id) {
  MutexLock lock(&mu_);
  if (id < 0 || static_cast<size_t>(id) >= loops_.size()) return;
  loops_[static_cast<size_t>(id)].retired = true;
}

std::vector<std::string> ServiceHealth::Tick() {
  std::vector<std::string> stalled;
  if (stall_limit_ms_ <= 0) return stalled;
  const int64_t now = MonoNowMs();
  MutexLock lock(&mu_);
  for (Loop& loop : loops_) {
    if (loop.retired || now - loop.last_beat_mono_ms <= stall_limit_ms_) continue;
    stalled.push_back(loop.name);
    if (!loop.stall_logged) {
      spdlog::error("watchdog: loop '{}' made no progress for {} ms; no longer telling systemd the program is "
                    "alive, so it is restarted",
                    loop.name, now - loop.last_beat_mono_ms);
      loop.stall_logged = true;
    }
  }
  if (stalled.empty() && now >= next_ping_mono_ms_) {
    next_ping_mono_ms_ = now + interval_ms_ / 4;
    lock.Unlock();
    notifier_->Alive();
  }
  return stalled;
}

}  // namespace anpr::service
