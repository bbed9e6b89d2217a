#include "sync/src/security_tally.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace anpr::sync {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const char* RefusalName(Refusal r) {
  switch (r) {
    case Refusal::kConnectionCap: return "connection_cap";
    case Refusal::kIdleEvicted: return "idle_evicted";
    case Refusal::kTlsHandshake: return "tls_handshake";
    case Refusal::kHeaderDeadline: return "header_deadline";
    case Refusal::kBodyTooLarge: return "body_too_large";
    case Refusal::kBodyNotAccepted: return "body_not_accepted";
    case Refusal::kBodyWithoutCredential: return "body_without_credential";
  }
  return "unknown";
}

SecurityTally::SecurityTally(std::function<void(const std::string&, const std::string&)> sink,
                             int64_t report_interval_ms)
    : sink_(std::move(sink)), interval_ms_(report_interval_ms) {}

void SecurityTally::Count(Refusal kind, const std::string& remote, const std::string& detail) {
  uint64_t count = 0;
  uint64_t total = 0;
  {
    MutexLock lock(&mu_);
    Kind& k = kinds_[static_cast<std::size_t>(kind)];
    ++k.total;
    ++k.unreported;
    const int64_t now = SteadyMs();
    if (k.last_report_ms >= 0 && now - k.last_report_ms < interval_ms_) return;
    k.last_report_ms = now;
    count = k.unreported;
    total = k.total;
    k.unreported = 0;
  }
  Report(kind, count, total, remote, detail);
}

void SecurityTally::Flush() {
  for (std::size_t i = 0; i < kRefusalKinds; ++i) {
    uint64_t count = 0;
    uint64_t total = 0;
    {
      MutexLock lock(&mu_);
      Kind& k = kinds_[i];
      if (k.unreported == 0) continue;
      count = k.unreported;
      total = k.total;
      k.unreported = 0;
      k.last_report_ms = SteadyMs();
    }
    Report(static_cast<Refusal>(i), count, total, "", "(report at shut-down)");
  }
}

std::array<uint64_t, kRefusalKinds> SecurityTally::Totals() const {
  MutexLock lock(&mu_);
  std::array<uint64_t, kRefusalKinds> out{};
  for (std::size_t i = 0; i < kRefusalKinds; ++i) out[i] = kinds_[i].total;
  return out;
}

void SecurityTally::Report(Refusal kind, uint64_t count, uint64_t total, const std::string& remote,
                           const std::string& detail) {
  const std::string text = std::string("refused (") + RefusalName(kind) + "): " + detail + "; " +
                           std::to_string(count) + " since the last report, " + std::to_string(total) + " in all";
  spdlog::warn("depot: security: {} (last from {})", text, remote.empty() ? "-" : remote);
  if (sink_) sink_(text, remote);
}

}  // namespace anpr::sync
