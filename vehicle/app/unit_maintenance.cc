// Unit::Impl's maintenance: retention on its own thread (by the one rule,
// ApplyRetention), the health the status bar shows and the log records once
// a minute, and the figures of the summary.
#include <malloc.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "service/journal.h"
#include "vehicle/app/unit_impl.h"
#include "vehicle/app/unit_status.h"
#include "vehicle/records/percentile.h"
#include "vehicle/store/retention.h"

namespace anpr::unit {

std::string UnitSummary::ToJson() const {
  nlohmann::json j;
  j["frames"] = frames_in;
  j["frames_processed"] = frames_processed;
  j["frames_dropped"] = frames_dropped;
  j["reads"] = reads;
  j["hits"] = {{"high", hits_high}, {"medium", hits_medium}, {"low", hits_low}};
  j["alerts"] = alerts;
  j["capture_to_alert_ms"] = {{"p50", capture_to_alert_p50_ms}, {"p95", capture_to_alert_p95_ms}};
  j["first_sight_to_alert_ms"] = {{"p50", first_sight_to_alert_p50_ms}, {"p95", first_sight_to_alert_p95_ms}};
  j["late_alerts"] = {{"count", late_alerts},
                      {"capture_to_alert_ms", {{"p50", late_capture_to_alert_p50_ms}, {"p95", late_capture_to_alert_p95_ms}}}};
  j["read_latency_ms"] = {{"p50", read_latency_p50_ms}, {"p95", read_latency_p95_ms}};
  j["queues"] = {{"frames", frame_queue_depth}, {"store", store_queue_depth}};
  j["headless"] = headless;
  j["cameras"] = nlohmann::json::array();
  for (const CameraSummary& c : cameras) {
    j["cameras"].push_back({{"id", c.id},
                            {"state", c.state},
                            {"frames", c.frames_in},
                            {"frames_processed", c.frames_processed},
                            {"frames_dropped", c.frames_dropped},
                            {"reads", c.reads},
                            {"alerts", c.alerts},
                            {"first_sight_to_alert_ms",
                             {{"p50", c.first_sight_to_alert_p50_ms}, {"p95", c.first_sight_to_alert_p95_ms}}}});
  }
  return j.dump();
}

// Retention, at start and then hourly, by the one rule of
// vehicle/store/retention.h (ApplyRetention): every read past the hard cap
// goes, synced or not (the law says so); images of synced reads go after
// synced_image_retention_days (0: kept until the cap). Unsynced reads
// inside the cap are never touched. Each purge is audited by the store.
void Unit::Impl::MaintenanceLoop() {
  RetentionConfig retention;
  retention.max_age_ms = int64_t{config.retention_max_days} * kDayMs;
  retention.synced_images_max_age_ms = int64_t{config.synced_image_retention_days} * kDayMs;
  MutexLock lock(&maintenance_mu);
  while (!stop) {
    lock.Unlock();  // a purge takes a while: BuildStatus must not wait on it
    auto purged = ApplyRetention(store.get(), retention, Now());
    lock.Lock();
    if (!purged.ok()) {
      last_purge_error = purged.status().ToString();
      spdlog::error("retention purge failed: {}", last_purge_error);
    } else {
      last_purge_error.clear();
      if (purged->reads_deleted > 0 || purged->images_deleted > 0) {
        spdlog::info("retention: {} reads ({} never synced) and {} image pairs removed", purged->reads_deleted,
                     purged->unsynced_reads_deleted, purged->images_deleted);
      }
    }
    maintenance_cv.WaitFor(&maintenance_mu, std::chrono::hours(1), [this] { return stop.load(); });
  }
}

void Unit::Impl::WatchCameras(int64_t now_mono_ms) {
  for (auto& cam : cameras) {
    const CaptureThread::Stats st = cam->capture->stats();
    // Delivery rate over the last second or more.
    if (cam->rate_mono_ms == 0) {
      cam->rate_mono_ms = now_mono_ms;
      cam->rate_frames = st.source.frames_delivered;
    } else if (now_mono_ms - cam->rate_mono_ms >= 1000) {
      cam->fps = double(st.source.frames_delivered - cam->rate_frames) * 1000.0 /
                 double(now_mono_ms - cam->rate_mono_ms);
      cam->rate_mono_ms = now_mono_ms;
      cam->rate_frames = st.source.frames_delivered;
    }
    // Each change of a camera's state, as an event with its id (the
    // journal's ANPR_CAMERA field): a fault is found by camera, not by text.
    if (st.source.state != cam->logged_state) {
      cam->logged_state = st.source.state;
      service::LogEvent(st.source.state == SourceState::kStreaming ? spdlog::level::info : spdlog::level::warn,
                        fmt::format("camera {}: {}{}", cam->config.id, SourceStateName(st.source.state),
                                    st.source.message.empty() ? "" : " (" + st.source.message + ")"),
                        {{"ANPR_UNIT_ID", config.unit_id}, {"ANPR_CAMERA", cam->config.id}});
    }
  }
}

hmi::UnitStatus Unit::Impl::BuildStatus() const {
  UnitStatusInputs in;
  for (size_t i = 0; i < cameras.size(); ++i) {
    const CaptureThread::Stats st = cameras[i]->capture->stats();
    CameraInputs c;
    c.id = cameras[i]->config.id;
    c.health = st.source;
    c.fps = cameras[i]->fps;
    c.frames_processed = pool ? pool->processed(i) : 0;
    c.frames_dropped = st.dropped_queue_full;
    in.cameras.push_back(std::move(c));
  }
  in.gps = fixes->status();
  in.last_fix = fixes->LastFix();
  in.kernel_clock_synchronised = clock->KernelSynchronised();
  in.clock_verdict = clock_watch->Observe(MonotonicNowMs(), in.gps, in.kernel_clock_synchronised);
  if (sync_client) in.sync = sync_client->state();
  in.data_dir = data_dir;
  {
    MutexLock lock(&maintenance_mu);
    in.last_purge_error = last_purge_error;
  }
  {
    const UnitSummary u = MakeSummary();
    char line[160];
    std::snprintf(line, sizeof line, "Frames %llu in, %llu read, %llu dropped; queue %llu; store queue %llu",
                  static_cast<unsigned long long>(u.frames_in), static_cast<unsigned long long>(u.frames_processed),
                  static_cast<unsigned long long>(u.frames_dropped),
                  static_cast<unsigned long long>(u.frame_queue_depth),
                  static_cast<unsigned long long>(u.store_queue_depth));
    in.health_lines.push_back(line);
    std::snprintf(line, sizeof line, "Reads %llu, hits %llu/%llu/%llu; read latency p50 %.0f ms, p95 %.0f ms; sync %s",
                  static_cast<unsigned long long>(u.reads), static_cast<unsigned long long>(u.hits_high),
                  static_cast<unsigned long long>(u.hits_medium), static_cast<unsigned long long>(u.hits_low),
                  u.read_latency_p50_ms, u.read_latency_p95_ms,
                  sync_client ? sync::DescribeSyncState(sync_client->state()).c_str() : "off");
    in.health_lines.push_back(line);
    std::snprintf(line, sizeof line,
                  "Alerts %llu; from capture p50 %.0f ms, p95 %.0f ms; from first sight p50 %.0f ms, p95 %.0f ms",
                  static_cast<unsigned long long>(u.alerts), u.capture_to_alert_p50_ms, u.capture_to_alert_p95_ms,
                  u.first_sight_to_alert_p50_ms, u.first_sight_to_alert_p95_ms);
    in.health_lines.push_back(line);
    // Which camera drops: one line each when there are several.
    for (const CameraSummary& c : u.cameras) {
      if (u.cameras.size() < 2) break;
      std::snprintf(line, sizeof line, "Camera %s: %llu in, %llu read, %llu dropped (%.1f%%); %s", c.id.c_str(),
                    static_cast<unsigned long long>(c.frames_in), static_cast<unsigned long long>(c.frames_processed),
                    static_cast<unsigned long long>(c.frames_dropped),
                    c.frames_in ? 100.0 * double(c.frames_dropped) / double(c.frames_in) : 0.0, c.state.c_str());
      in.health_lines.push_back(line);
    }
  }
  return BuildUnitStatus(in, store.get());
}

sync::Heartbeat Unit::Impl::MakeHeartbeat() const {
  sync::Heartbeat hb;
  hb.unit_id = config.unit_id;
  hb.software_version = ANPR_VERSION;
  hb.running = !stop.load();
  for (const auto& run : cameras) {
    const SourceHealth cam = run->capture->stats().source;
    hb.cameras.push_back({run->config.id, cam.state == SourceState::kStreaming
                                              ? "running"
                                              : std::string(SourceStateName(cam.state)) +
                                                    (cam.message.empty() ? "" : ": " + cam.message)});
  }
  if (fixes) {
    const GpsStatus gps_status = fixes->status();
    const auto fix = fixes->LastFix();
    hb.gps_fix = !fix ? "none" : fix->mode == FixMode::k3D ? "3d" : fix->mode == FixMode::k2D ? "2d" : "none";
    if (gps_status.last_fix_age_ms >= 0) hb.gps_fix_age_ms = gps_status.last_fix_age_ms;
    if (gps_status.gps_minus_system_ms) hb.clock_offset_ms = -*gps_status.gps_minus_system_ms;  // system minus GPS
  }
  struct statvfs vfs {};
  if (statvfs(data_dir.c_str(), &vfs) == 0 && vfs.f_blocks > 0) {
    hb.disk_total_bytes = static_cast<int64_t>(vfs.f_blocks * vfs.f_frsize);
    hb.disk_used_bytes = static_cast<int64_t>((vfs.f_blocks - vfs.f_bavail) * vfs.f_frsize);
  }
  if (store) hb.last_fault = store->state().last_error;
  MutexLock lock(&maintenance_mu);
  if (hb.last_fault.empty()) hb.last_fault = last_purge_error;
  return hb;
}

// This process's resident memory (VmRSS), MB; 0 where /proc is not there.
double Unit::Impl::ResidentMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

void Unit::Impl::LogHealth() const {
  const UnitSummary u = MakeSummary();
  // The allocator's view (all arenas): what is in use against what it
  // holds from the system, to tell growth of the unit's own data from
  // fragmentation.
  const struct mallinfo2 heap = mallinfo2();
  constexpr double kMiB = 1024.0 * 1024.0;
  std::string camera_text;
  for (const CameraSummary& c : u.cameras) {
    camera_text += fmt::format("{}{} {} (in {} processed {} dropped {} first sight p95 {:.0f} ms)",
                               camera_text.empty() ? "" : ", ", c.id, c.state, c.frames_in, c.frames_processed,
                               c.frames_dropped, c.first_sight_to_alert_p95_ms);
  }
  std::string sync_text = "off";
  if (sync_client) sync_text = sync::DescribeSyncState(sync_client->state());
  spdlog::info(
      "health: frames in {} processed {} dropped {} queued {}; reads {}; hits high {} medium {} low {}; "
      "store queue {} ({} reads in memory only); read latency p50 {:.0f} ms p95 {:.0f} ms; "
      "capture to alert p50 {:.0f} ms p95 {:.0f} ms; first sight to alert p50 {:.0f} ms p95 {:.0f} ms; "
      "cameras {}; gps {}; sync {}; "
      "memory {:.1f} MB (heap in use {:.1f} MB of {:.1f} MB held; SQLite {:.1f} MB)",
      u.frames_in, u.frames_processed, u.frames_dropped, u.frame_queue_depth, u.reads, u.hits_high, u.hits_medium,
      u.hits_low, u.store_queue_depth, store ? store->state().reads_in_memory : int64_t{0}, u.read_latency_p50_ms,
      u.read_latency_p95_ms, u.capture_to_alert_p50_ms, u.capture_to_alert_p95_ms, u.first_sight_to_alert_p50_ms,
      u.first_sight_to_alert_p95_ms, camera_text,
      GpsStateName(fixes->status().state), sync_text, ResidentMb(), double(heap.uordblks + heap.hblkhd) / kMiB,
      double(heap.arena + heap.hblkhd) / kMiB, double(sqlite3_memory_used()) / kMiB);
}

UnitSummary Unit::Impl::MakeSummary() const {
  UnitSummary s;
  for (size_t i = 0; i < cameras.size(); ++i) {
    const CaptureThread::Stats cs = cameras[i]->capture->stats();
    CameraSummary c;
    c.id = cameras[i]->config.id;
    c.state = SourceStateName(cs.source.state);
    c.frames_in = cs.source.frames_delivered;
    c.frames_processed = pool ? pool->processed(i) : 0;
    c.frames_dropped = cs.dropped_queue_full;
    c.reads = cameras[i]->reads;
    c.alerts = cameras[i]->alerts;
    s.frames_in += c.frames_in;
    s.frames_processed += c.frames_processed;
    s.frames_dropped += c.frames_dropped;
    s.cameras.push_back(std::move(c));
  }
  s.reads = reads;
  s.hits_high = hits_by_priority[static_cast<int>(Priority::kHigh)];
  s.hits_medium = hits_by_priority[static_cast<int>(Priority::kMedium)];
  s.hits_low = hits_by_priority[static_cast<int>(Priority::kLow)];
  s.alerts = alerts;
  s.frame_queue_depth = s.frames_in - std::min(s.frames_in, s.frames_processed + s.frames_dropped);
  s.store_queue_depth = store ? store->state().queued_writes : 0;
  s.headless = headless;
  MutexLock lock(&mu);
  s.capture_to_alert_p50_ms = Percentile(capture_to_alert_ms, 50);
  s.capture_to_alert_p95_ms = Percentile(capture_to_alert_ms, 95);
  s.first_sight_to_alert_p50_ms = Percentile(first_sight_to_alert_ms, 50);
  s.first_sight_to_alert_p95_ms = Percentile(first_sight_to_alert_ms, 95);
  s.late_alerts = late_alerts;
  s.late_capture_to_alert_p50_ms = Percentile(late_capture_to_alert_ms, 50);
  s.late_capture_to_alert_p95_ms = Percentile(late_capture_to_alert_ms, 95);
  s.read_latency_p50_ms = Percentile(read_latency_ms, 50);
  s.read_latency_p95_ms = Percentile(read_latency_ms, 95);
  for (size_t i = 0; i < s.cameras.size(); ++i) {
    auto it = first_sight_to_alert_ms_by_camera.find(i);
    if (it == first_sight_to_alert_ms_by_camera.end()) continue;
    s.cameras[i].first_sight_to_alert_p50_ms = Percentile(it->second, 50);
    s.cameras[i].first_sight_to_alert_p95_ms = Percentile(it->second, 95);
  }
  return s;
}

}  // namespace anpr::unit
