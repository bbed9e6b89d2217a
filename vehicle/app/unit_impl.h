// Unit::Impl, private to vehicle/app: the one object whose threads share
// the unit's state (figures, recent reads, the officer on duty). Its members
// are defined by concern:
//   unit.cc              composition (building the parts), start, stop and
//                        the main thread's loop;
//   unit_reads.cc        the recognition pool's callbacks (frames to reads)
//                        and alerts;
//   unit_maintenance.cc  retention on its own thread, health and figures;
//   unit_hmi_actions.cc  what the officer does on the screen (HmiActions).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "capture/camera.h"
#include "capture/capture_thread.h"
#include "capture/clock_watch.h"
#include "capture/frame_source.h"
#include "capture/gps.h"
#include "capture/tagging.h"
#include "hmi/hmi.h"
#include "sync/client.h"
#include "vehicle/alerts/hit_pipeline.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/app/subprocess.h"
#include "vehicle/app/unit.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/mutex.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/recognition_pool.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr::unit {

// One camera of the car as the unit runs it: its source on its own capture
// thread and queue, and its figures.
struct CameraRun {
  CameraConfig config;
  std::unique_ptr<V4l2Device> v4l2_device;  // owned here when the source is a camera
  std::unique_ptr<CaptureThread> capture;   // owns the frame source and its thread
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> alerts{0};          // live alerts raised by its reads
  std::atomic<double> fps{0};               // delivery rate, measured by the main loop
  // Main loop only: the state last logged, and the last rate sample.
  SourceState logged_state = SourceState::kClosed;
  uint64_t rate_frames = 0;
  int64_t rate_mono_ms = 0;
};

struct Unit::Impl : public AlertSink, public hmi::HmiActions {
  UnitConfig config;
  UnitOptions options;
  std::string data_dir;
  std::string signing_public_key_hex;  // the export key's (empty: none could be made)
  // Whether the clock stamping reads is verified (capture/clock_watch.h):
  // looked at for every read and every status refresh. Made in Build.
  std::unique_ptr<ClockWatch> clock_watch;

  Subprocess gpsfake;
  std::string gpsfake_tmp_dir;  // the demo gpsfake's TMPDIR, removed at stop
  std::unique_ptr<GpsClient> gps;       // gpsd, when no fix source was given
  std::unique_ptr<FixSource> fixes;     // gpsd's fixes or the given ones
  std::unique_ptr<UnitClock> clock;     // the system clock or the given one
  // Sources handed in by the caller (UnitParts), by camera id; taken at Build.
  std::map<std::string, std::unique_ptr<FrameSource>> given_frames;
  AlertSink* extra_alert_sink = nullptr;
  // Every camera, in configuration order (the pool's camera indexes).
  std::vector<std::unique_ptr<CameraRun>> cameras;
  // Reads every camera's frames (recognition.threads workers).
  std::unique_ptr<RecognitionPool> pool;
  std::unique_ptr<Store> store;
  Matcher matcher;
  std::unique_ptr<AlertPolicy> policy;
  std::unique_ptr<HitPipeline> pipeline;
  std::unique_ptr<Officers> officers;
  std::unique_ptr<hmi::Hmi> hmi;
  bool headless = true;
  // Sync to the depot (only when depot.url is set).
  std::unique_ptr<sync::StoreOutbox> outbox;
  std::unique_ptr<sync::SyncClient> sync_client;
  // Retention: purges on its own thread (a purge of a big store takes a
  // while and must not hold the screen). `stop` is set under maintenance_mu
  // so that the loop's wait cannot miss it.
  std::thread maintenance_thread;
  mutable Mutex maintenance_mu;
  CondVar maintenance_cv;
  std::string last_purge_error ANPR_GUARDED_BY(maintenance_mu);

  std::atomic<bool> stop{false};
  int64_t started_mono_ms = 0;

  // Figures. Counters are atomics; latency samples are guarded by mu.
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> hits_by_priority[4] = {0, 0, 0, 0};
  std::atomic<uint64_t> alerts{0};
  mutable Mutex mu;
  // Latency samples (guarded by mu), the newest kMaxLatencySamples at
  // most: the percentiles are of the recent past, and a shift of reads does
  // not grow them without end.
  static constexpr size_t kMaxLatencySamples = 2000;
  static void AddSample(std::vector<double>* samples, double ms) {
    if (samples->size() >= kMaxLatencySamples) {
      samples->erase(samples->begin(), samples->begin() + long(kMaxLatencySamples / 2));
    }
    samples->push_back(ms);
  }
  std::vector<double> capture_to_alert_ms ANPR_GUARDED_BY(mu);
  // The same live alerts timed from the capture of the first frame their
  // plate was seen in: what the officer waited after it came into view.
  std::vector<double> first_sight_to_alert_ms ANPR_GUARDED_BY(mu);
  // Late (re-matched) alerts, apart from live ones.
  std::vector<double> late_capture_to_alert_ms ANPR_GUARDED_BY(mu);
  std::atomic<uint64_t> late_alerts{0};
  std::vector<double> read_latency_ms ANPR_GUARDED_BY(mu);
  // Recent reads by uuid, for the alert screen's images (HitPipeline hands
  // alerts over with the hit only). Bounded: the oldest go first.
  std::map<std::string, Read> recent_reads ANPR_GUARDED_BY(mu);
  std::deque<std::string> recent_order ANPR_GUARDED_BY(mu);
  // When a read's plate was captured: in the first frame it was seen in,
  // and in the frame that completed the read (UTC ms).
  struct ReadTimes {
    int64_t first_sight_utc_ms = 0;
    int64_t trigger_utc_ms = 0;
    size_t camera = 0;  // index in `cameras`
  };
  // uuid -> its times, for the recent reads.
  std::map<std::string, ReadTimes> read_times ANPR_GUARDED_BY(mu);
  // Early reads by (camera index, tracker pass id) -> read uuid, for the
  // revision that may follow (PassRead::revision). Bounded: the oldest go.
  std::map<std::pair<size_t, uint64_t>, std::string> early_reads ANPR_GUARDED_BY(mu);
  // Alerts posted to the HMI and not yet drawn: the times of their read.
  std::vector<ReadTimes> alerts_to_draw ANPR_GUARDED_BY(mu);
  // Adds one live alert's two latency samples, the alert being out at now_utc_ms.
  // The first-sight samples per camera (index in `cameras`).
  std::map<size_t, std::vector<double>> first_sight_to_alert_ms_by_camera ANPR_GUARDED_BY(mu);
  void AddAlertSamples(const ReadTimes& times, int64_t now_utc_ms) ANPR_REQUIRES(mu) {
    AddSample(&capture_to_alert_ms, static_cast<double>(now_utc_ms - times.trigger_utc_ms));
    AddSample(&first_sight_to_alert_ms, static_cast<double>(now_utc_ms - times.first_sight_utc_ms));
    AddSample(&first_sight_to_alert_ms_by_camera[times.camera],
              static_cast<double>(now_utc_ms - times.first_sight_utc_ms));
  }

  // Officer session: used and changed on the HMI thread only.
  std::optional<Session> session;
  // The number of the officer logged in ("" when nobody is), for every read
  // the recognition thread makes. Written on the HMI thread when the session
  // changes.
  mutable Mutex on_duty_mu;
  std::string on_duty_officer ANPR_GUARDED_BY(on_duty_mu);

  std::string OfficerOnDuty() const {
    MutexLock lock(&on_duty_mu);
    return on_duty_officer;
  }
  void SetOfficerOnDuty(std::string officer) {
    MutexLock lock(&on_duty_mu);
    on_duty_officer = std::move(officer);
  }

  ~Impl() override;

  int64_t Now() const { return clock->NowUtcMs(); }

  // Composition and life cycle (unit.cc).
  Status Build();
  // Sets so->key from store.key_file; the demo without one gets a new key
  // file beside its data folder. A key that cannot be loaded stops the unit.
  Status ResolveStoreKey(StoreOptions* so);
  Status ImportOneList(const std::string& path, const std::string& name);
  Status ImportHotlists();
  Status StartGps();
  Status MakeSync();
  // Each camera's source (given or from its configuration) on its capture thread.
  Status MakeCameras();
  std::unique_ptr<FrameSource> MakeSource(const CameraConfig& camera, size_t index, CameraRun* run);
  void MakePool();
  void MakeHmi();
  Status Start();
  void Shutdown();
  Status RunLoop();

  // Frames to reads, and alerts (unit_reads.cc).
  RecognitionPoolCallbacks PoolCallbacks();
  FrameTag TagFromFixes(int64_t captured_at_utc_ms) const;
  void EmitRead(size_t camera, PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_frame_utc_ms);
  void RecordRevision(const std::string& early_uuid, const std::string& early_vrm, const Read& read);
  void OnAlert(const Alert& alert) override;
  void OnSighting(const Sighting& sighting, const Read& read) override;
  // The main loop's look at the cameras: their delivery rate, and each
  // change of state logged with the camera's id.
  void WatchCameras(int64_t now_mono_ms);

  // Retention, health and figures (unit_maintenance.cc).
  void MaintenanceLoop();
  hmi::UnitStatus BuildStatus() const;
  static double ResidentMb();
  void LogHealth() const;
  // What the sync client's heartbeat says of the unit (sync/heartbeat.h).
  sync::Heartbeat MakeHeartbeat() const;
  UnitSummary MakeSummary() const;

  // HmiActions, on the HMI thread (unit_hmi_actions.cc).
  Status Login(const std::string& officer_id, const std::string& pin) override;
  void Logout(const std::string&, bool) override;
  Status RecordOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& note) override;
  Status CorrectHit(const std::string& hit_uuid, const std::string& vrm, std::optional<HitOutcome> outcome,
                    const std::string& note) override;
  Result<std::vector<Hit>> CheckVrm(const std::string& vrm) override;
  Status EnterWanted(const std::string& vrm, Priority priority, const std::string& reason, int valid_days) override;
  void SettingsChanged(const hmi::HmiSettings& s) override;
};

}  // namespace anpr::unit
