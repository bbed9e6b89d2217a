// The status bar and health screen of the unit, from the state of its parts:
// what the officer sees about camera, GPS, clock, sync, storage and hotlists.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capture/clock_watch.h"
#include "capture/frame_source.h"
#include "capture/gps.h"
#include "hmi/actions.h"
#include "sync/client.h"
#include "vehicle/store/store.h"

namespace anpr::unit {

// One camera's part of the snapshot.
struct CameraInputs {
  std::string id;
  SourceHealth health;
  double fps = 0;  // measured delivery rate
  uint64_t frames_processed = 0;
  uint64_t frames_dropped = 0;  // the pool was behind
};

// A snapshot of the parts, taken by the caller.
struct UnitStatusInputs {
  std::vector<CameraInputs> cameras;  // in configuration order
  GpsStatus gps;
  std::optional<GpsFix> last_fix;  // newest fix with a position
  bool kernel_clock_synchronised = false;
  ClockVerdict clock_verdict;  // the unit's ClockWatch (capture/clock_watch.h)
  std::optional<sync::SyncState> sync;  // nullopt: no depot configured
  std::string data_dir;                 // the store's folder, for the disk figure
  std::string last_purge_error;         // empty when the last retention purge worked
  std::vector<std::string> health_lines;
};

// The status the HMI shows. The camera item is ok while every camera
// streams: "CAM" (one camera) or "CAM n/m" (n of m streaming), else the
// failed camera's state. `store` (required) gives its state, the hotlists
// in force and the backlog of reads not yet synced (unsynced_reads). The
// clock is ok when AssessClock (capture/tagging.h) finds it GPS- or
// NTP-disciplined, not when it runs free, and the ClockWatch verdict is
// verified. Reads only.
hmi::UnitStatus BuildUnitStatus(const UnitStatusInputs& in, Store* store);

}  // namespace anpr::unit
