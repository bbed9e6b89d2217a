// `anpr gps [--gpsd HOST:PORT] [--count N] [--json] [--timeout S]`: prints
// fixes from gpsd as they arrive, one per receiver epoch. With --json each is
// one line: {"time_utc": ISO8601, "mode": 0|2|3, "lat": F, "lon": F,
// "speed_mps": F, "track_deg": F, "age_ms": N}, null for unknown fields;
// age_ms is how long ago the fix's first report reached this program. GPS
// state changes ("no gpsd", "no fix", ...) go to stderr.
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstring>
#include <ctime>
#include <deque>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "capture/frame_source.h"
#include "capture/gps.h"
#include "vehicle/app/command.h"
#include "vehicle/records/mutex.h"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void OnSignal(int) { g_interrupted = 1; }

struct GpsArgs {
  std::string gpsd = "localhost:2947";
  int count = 0;
  bool json = false;
  double timeout_s = 0;
};

std::string IsoUtc(int64_t utc_ms) {
  const std::time_t secs = std::time_t(utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000);
  const int ms = int(utc_ms - int64_t(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, ms);
  return out;
}

// Fixes handed over from the GpsClient's thread to the printing loop.
class FixQueue {
 public:
  void Push(const anpr::GpsFix& f) {
    {
      anpr::MutexLock lock(&mu_);
      fixes_.push_back(f);
    }
    cv_.NotifyOne();
  }
  // The fixes queued so far, oldest first, after waiting up to `timeout`
  // for one if there were none.
  std::deque<anpr::GpsFix> Take(std::chrono::milliseconds timeout) {
    std::deque<anpr::GpsFix> out;
    anpr::MutexLock lock(&mu_);
    cv_.WaitFor(&mu_, timeout, [this]() ANPR_REQUIRES(mu_) { return !fixes_.empty(); });
    out.swap(fixes_);
    return out;
  }

 private:
  anpr::Mutex mu_;
  anpr::CondVar cv_;
  std::deque<anpr::GpsFix> fixes_ ANPR_GUARDED_BY(mu_);
};

nlohmann::ordered_json Number(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

nlohmann::ordered_json FixJson(const anpr::GpsFix& f, int64_t now_mono_ms) {
  nlohmann::ordered_json j;
  j["time_utc"] = f.time_utc_ms ? nlohmann::ordered_json(IsoUtc(*f.time_utc_ms)) : nullptr;
  j["mode"] = int(f.mode);
  j["lat"] = Number(f.lat_deg);
  j["lon"] = Number(f.lon_deg);
  j["speed_mps"] = Number(f.speed_mps);
  j["track_deg"] = Number(f.track_deg);
  j["age_ms"] = f.time_utc_ms ? nlohmann::ordered_json(now_mono_ms - f.received_mono_ms) : nullptr;
  return j;
}

std::string FixText(const anpr::GpsFix& f, int64_t now_mono_ms) {
  char buf[256];
  const char* mode = f.mode == anpr::FixMode::k3D ? "3D" : f.mode == anpr::FixMode::k2D ? "2D" : "no fix";
  if (!f.has_position()) {
    std::snprintf(buf, sizeof(buf), "%-24s %s", f.time_utc_ms ? IsoUtc(*f.time_utc_ms).c_str() : "(no time)", mode);
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "%-24s %-6s %11.7f %12.7f  %6.2f m/s  %5.1f deg  age %lld ms",
                f.time_utc_ms ? IsoUtc(*f.time_utc_ms).c_str() : "(no time)", mode, f.lat_deg, f.lon_deg,
                f.speed_mps, f.track_deg, static_cast<long long>(now_mono_ms - f.received_mono_ms));
  std::string s = buf;
  // "nan" reads badly on a screen: say unknown.
  for (const char* from : {"   nan m/s", "  nan deg"}) {
    const auto at = s.find(from);
    if (at != std::string::npos) s.replace(at, std::strlen(from), std::string(std::strlen(from) - 1, ' ') + "?");
  }
  return s;
}

int RunGps(const GpsArgs& args) {
  auto options = anpr::ParseGpsdAddress(args.gpsd);
  if (!options.ok()) {
    std::cerr << "anpr gps: " << options.status().message() << "\n";
    return 2;
  }
  FixQueue queue;
  anpr::GpsClient client(*options);
  g_interrupted = 0;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const anpr::Status started = client.Start([&](const anpr::GpsFix& f) { queue.Push(f); });
  if (!started.ok()) {
    std::cerr << "anpr gps: " << started.ToString() << "\n";
    return 1;
  }

  const int64_t start_ms = anpr::MonotonicNowMs();
  int printed = 0;
  std::string last_state;
  int exit_code = 0;
  while (!g_interrupted && (args.count <= 0 || printed < args.count)) {
    const std::deque<anpr::GpsFix> batch = queue.Take(std::chrono::milliseconds(200));
    const anpr::GpsStatus status = client.status();
    const std::string state = std::string(anpr::GpsStateName(status.state)) + ": " + status.message;
    if (status.state != anpr::GpsState::kOk && state != last_state) std::cerr << "gps: " << state << "\n";
    last_state = status.state == anpr::GpsState::kOk ? "ok" : state;
    const int64_t now = anpr::MonotonicNowMs();
    for (const anpr::GpsFix& f : batch) {
      if (args.count > 0 && printed >= args.count) break;
      if (args.json) {
        std::cout << FixJson(f, now).dump() << "\n";
      } else {
        std::cout << FixText(f, now) << "\n";
      }
      ++printed;
    }
    std::cout.flush();
    if (args.timeout_s > 0 && now - start_ms > int64_t(args.timeout_s * 1000) &&
        (args.count <= 0 || printed < args.count)) {
      std::cerr << "anpr gps: timed out after " << args.timeout_s << " s with " << printed << " fix(es); "
                << anpr::GpsStateName(status.state) << ": " << status.message << "\n";
      exit_code = 1;
      break;
    }
  }
  client.Stop();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return exit_code;
}

const anpr::cli::CommandRegistration kGps{
    "gps", "Print GPS fixes from gpsd as they arrive (one per receiver epoch)",
    [](CLI::App& sub) {
      auto args = std::make_shared<GpsArgs>();
      sub.add_option("--gpsd", args->gpsd, "gpsd address HOST:PORT")->capture_default_str();
      sub.add_option("--count", args->count, "Stop after N fixes (0: until interrupted)")->check(CLI::NonNegativeNumber);
      sub.add_flag("--json", args->json, "One JSON object per line");
      sub.add_option("--timeout", args->timeout_s, "Give up (exit 1) after S seconds without N fixes; 0: never")
          ->check(CLI::NonNegativeNumber);
      return [args]() { return RunGps(*args); };
    }};

}  // namespace
