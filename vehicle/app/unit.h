// The in-car unit: capture, recognition, GPS tagging, the store, matching,
// alerts, the touchscreen and sync, joined by bounded queues.
//
//   one capture thread per camera --frames (bounded per camera, drop its
//   own oldest, counted)--> recognition pool (recognition.threads workers,
//   a PlateTracker per camera fed in capture order) --Read--> HitPipeline
//   (store commits the read, then matches it, records hits) --Alert--> HMI
//   inbox / console.
//
// Capture never waits on recognition; frames may be dropped under load and
// are counted per camera; reads and hits are never dropped (the store
// queues them). One vehicle seen by several cameras within the alert
// cool-down alerts once; its other sightings are listed with the hit.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/frame_source.h"
#include "capture/gps.h"
#include "capture/synth.h"
#include "vehicle/alerts/hit_pipeline.h"
#include "vehicle/records/status.h"
#include "vehicle/app/unit_config.h"

namespace anpr::service {
class ServiceHealth;
}

namespace anpr::unit {

// The vehicles of the demo drive: the three hotlisted ones (high, medium,
// low in hw/demo/demo-hotlist.csv) inside the first 15 seconds, with
// vehicles of no interest between them.
std::vector<synth::PlateSpec> DemoPlates();

// The drive a camera with source "synthetic" shows outside the demo: 40
// random vehicles at the camera's size and rate, looping every 100 s, longer
// than the tracker's same-place window, so each pass is a new read. Camera
// `index` of the list draws its own traffic, from seed + index.
synth::DriveByOptions SyntheticDrive(const CameraConfig& camera);
uint64_t SyntheticDriveSeed(uint64_t seed, size_t camera_index);

struct UnitOptions {
  bool demo = false;          // synthetic drive, gpsfake with the demo log, demo hotlist
  bool headless = false;      // no window even if a display is there
  int64_t duration_ms = 0;    // 0 = until stopped (window closed, SIGINT/SIGTERM)
  std::string demo_dir;       // demo-hotlist.csv and demo-drive.nmea (hw/demo in the checkout)
  uint64_t demo_seed = 1;
  // Run() returns once the frame source has ended and every frame was
  // recognised (a replay); otherwise an ended source leaves the unit running.
  bool stop_at_end_of_source = false;
  // Told when the unit is ready and stopping, and fed by its main and
  // recognition loops (the systemd watchdog); must outlive the unit.
  // Null: none.
  service::ServiceHealth* health = nullptr;
};

// Where the unit's GPS fixes come from: gpsd (GpsClient) in a car, a parsed
// log in a replay test. Thread-safe: called from the recognition thread and
// the main thread.
class FixSource {
 public:
  virtual ~FixSource() = default;
  virtual GpsStatus status() const = 0;
  // The newest fix with a position, if any.
  virtual std::optional<GpsFix> LastFix() const = 0;
  // Fixes with a time, oldest first, for tagging frames.
  virtual std::vector<GpsFix> History() const = 0;
};

// The unit's wall clock and what the kernel says of its discipline.
// Thread-safe.
class UnitClock {
 public:
  virtual ~UnitClock() = default;
  virtual int64_t NowUtcMs() const = 0;
  virtual bool KernelSynchronised() const = 0;
};

// Parts a caller (a test, a replay) hands the unit instead of the ones the
// configuration would make. Empty members are made from the configuration.
struct UnitParts {
  std::unique_ptr<FrameSource> frames;  // instead of the first camera's configured source
  // By camera id, instead of that camera's configured source (an id the
  // configuration does not list is an error).
  std::map<std::string, std::unique_ptr<FrameSource>> frames_by_camera;
  std::unique_ptr<FixSource> fixes;     // instead of gpsd
  std::unique_ptr<UnitClock> clock;     // instead of the system clock
  // Told of every alert after the unit handled it (on the hit pipeline's
  // thread); must outlive the unit. Optional.
  AlertSink* alert_sink = nullptr;
};

// One camera's figures: what it delivered, what the recognition pool read
// and dropped, and how long its alerts took from first sight.
struct CameraSummary {
  std::string id;                 // the camera id stamped on its reads
  std::string state;              // SourceStateName: "streaming", "lost", ...
  uint64_t frames_in = 0;         // delivered by the camera
  uint64_t frames_processed = 0;  // recognised
  uint64_t frames_dropped = 0;    // dropped (its own oldest) because the pool was behind
  uint64_t reads = 0;
  uint64_t alerts = 0;            // live alerts raised by its reads
  double first_sight_to_alert_p50_ms = 0;
  double first_sight_to_alert_p95_ms = 0;
};

// Figures for the one-line JSON summary and the status screen.
struct UnitSummary {
  uint64_t frames_in = 0;         // delivered by the source
  uint64_t frames_processed = 0;  // recognised
  uint64_t frames_dropped = 0;    // discarded because recognition was behind
  uint64_t reads = 0;
  uint64_t hits_high = 0, hits_medium = 0, hits_low = 0;
  uint64_t alerts = 0;            // hits shown and sounded (not covert, not repeats)
  double capture_to_alert_p50_ms = 0;
  double capture_to_alert_p95_ms = 0;  // live alerts only, from the frame that completed the read
  // The same live alerts timed from the capture of the first frame in which
  // their plate was seen: how long the officer waited after it came into view.
  double first_sight_to_alert_p50_ms = 0;
  double first_sight_to_alert_p95_ms = 0;
  // Alerts raised late, by re-matching older reads after a hotlist change,
  // and their capture-to-alert time, kept apart from the live figure above.
  uint64_t late_alerts = 0;
  double late_capture_to_alert_p50_ms = 0;
  double late_capture_to_alert_p95_ms = 0;
  double read_latency_p50_ms = 0;  // frame capture to read committed
  double read_latency_p95_ms = 0;
  size_t frame_queue_depth = 0;
  size_t store_queue_depth = 0;
  bool headless = true;
  // Per camera, in configuration order (the totals above are their sums).
  std::vector<CameraSummary> cameras;
  std::string ToJson() const;
};

class Unit {
 public:
  // Builds every part from the configuration (demo: also starts gpsfake and
  // imports the demo hotlist). Errors name what could not start.
  static Result<std::unique_ptr<Unit>> Create(const UnitConfig& config, const UnitOptions& options);
  // As Create, with the given parts in place of those the configuration
  // names (options.demo is ignored for the parts given).
  static Result<std::unique_ptr<Unit>> CreateFromParts(const UnitConfig& config, const UnitOptions& options,
                                                       UnitParts parts);
  ~Unit();
  Unit(const Unit&) = delete;
  Unit& operator=(const Unit&) = delete;

  // Runs on the calling (main) thread: the screen and its event loop, until
  // the duration passed, the window closed or RequestStop() was called.
  Status Run();
  // Safe from any thread and from a signal handler.
  void RequestStop();
  UnitSummary Summary() const;

  struct Impl;

 private:
  explicit Unit(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace anpr::unit
