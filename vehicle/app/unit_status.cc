#include "vehicle/app/unit_status.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capture/tagging.h"
#include "vehicle/recognition/read_builder.h"

namespace anpr::unit {
namespace {

std::string StorageFullLine(const StoreState& st) {
  return "STORAGE FULL: " + std::to_string(st.reads_in_memory) +
         " reads in memory only (lost if the unit loses power), " + std::to_string(st.spilled_reads) +
         " in the spill file";
}

}  // namespace

hmi::UnitStatus BuildUnitStatus(const UnitStatusInputs& in, Store* store) {
  hmi::UnitStatus s;
  size_t streaming = 0;
  for (const CameraInputs& c : in.cameras) {
    hmi::CameraStatus cs;
    cs.id = c.id;
    cs.ok = c.health.state == SourceState::kStreaming;
    cs.state = SourceStateName(c.health.state);
    cs.fps = c.fps;
    cs.frames_in = c.health.frames_delivered;
    cs.frames_processed = c.frames_processed;
    cs.frames_dropped = c.frames_dropped;
    if (cs.ok) ++streaming;
    s.cameras.push_back(std::move(cs));
  }
  s.camera_ok = streaming == in.cameras.size();
  if (in.cameras.size() > 1) {
    s.camera_text = "CAM " + std::to_string(streaming) + "/" + std::to_string(in.cameras.size());
  } else if (!in.cameras.empty() && !s.camera_ok) {
    s.camera_text = std::string("CAM ") + SourceStateName(in.cameras[0].health.state);
  } else {
    s.camera_text = "CAM";
  }
  const GpsStatus& g = in.gps;
  const auto& fix = in.last_fix;
  s.gps_fix = fix ? fix->mode : FixMode::kNone;
  if (g.state == GpsState::kNoGpsd || g.state == GpsState::kNoFix) s.gps_fix = FixMode::kNone;
  s.gps_stale = g.state == GpsState::kStaleFix;
  s.speed_mps = (fix && g.state == GpsState::kOk) ? fix->speed_mps : std::nan("");
  const ClockStatus clock = AssessClock(g, in.kernel_clock_synchronised);
  s.clock_source = clock.source;
  // Trusted when GPS time agrees with the system clock or the kernel says
  // NTP/chrony keeps it in step; a free-running clock stamps evidence that
  // a court may not accept, and the officer should know.
  // A verified source is not enough: off GPS time by more than 1 s, or not
  // synchronised for 10 minutes with a fix, and reads are flagged
  // clock_unverified (capture/clock_watch.h).
  s.clock_ok = clock.source != ClockSource::kFreeRunning && in.clock_verdict.verified;
  if (in.sync) {
    const sync::SyncState& ss = *in.sync;
    s.sync_ok = !ss.auth_fault && ss.phase != sync::SyncPhase::kError;
    s.last_sync_utc_ms = ss.last_success_utc_ms.value_or(0);
  } else {
    s.sync_ok = true;  // no depot configured: reads stay on board, nothing is failing
    s.last_sync_utc_ms = 0;
  }
  const StoreState st = store->state();
  // Unknown when the count fails: shown as none rather than a made-up figure.
  if (auto backlog = store->CountUnsynced(); backlog.ok()) {
    s.unsynced_reads = backlog->reads;
    s.quarantined_records = backlog->quarantined;
  }
  struct statvfs vfs {};
  if (statvfs(in.data_dir.c_str(), &vfs) == 0 && vfs.f_blocks > 0) {
    s.storage_used_percent =
        static_cast<int>(100 - (100 * static_cast<uint64_t>(vfs.f_bavail)) / static_cast<uint64_t>(vfs.f_blocks));
  }
  s.storage_ok = !st.disk_full && st.last_error.empty();
  if (!in.last_purge_error.empty()) s.storage_ok = false;
  // On a full disk, first what it puts at risk, where the officer looks first.
  if (st.disk_full) s.health_lines.push_back(StorageFullLine(st));
  s.health_lines.insert(s.health_lines.end(), in.health_lines.begin(), in.health_lines.end());
  auto lists = store->Hotlists();
  s.hotlist_ok = lists.ok() && !lists->empty();
  // The age shown is that of the freshest list (a depot update or an import).
  s.hotlist_updated_utc_ms = 0;
  if (lists.ok()) {
    for (const HotlistMeta& m : *lists) s.hotlist_updated_utc_ms = std::max(s.hotlist_updated_utc_ms, m.updated_at_utc_ms);
  }
  return s;
}

}  // namespace anpr::unit
