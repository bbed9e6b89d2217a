// Unit::Impl, private to vehicle/app: the one object whose threads share
// the unit's state (figures, recent reads, the officer on duty). Its members
// are defined by concern:
//   unit.cc              composition (building the parts), start, stop and
//                        the main thread's loop;
//   unit_reads.cc        the recognition thread (frames to reads) and alerts;
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
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr::unit {

struct Unit::Impl : public AlertSink, public hmi::HmiActions {
  UnitConfig config;
  UnitOptions options;
  std::string data_dir;
  std::string signing_public_key_hex;  // the export key's (empty: none could be made)
  // Whether the clock stamping reads is verified (capture/clock_watch.h):
  // looked at for every read and every status refresh. Made in Build.
  std::unique_ptr<ClockWatch> clock_watch;

  Subprocess gpsfake;
  std::unique_ptr<GpsClient> gps;       // gpsd, when no fix source was given
  std::unique_ptr<FixSource> fixes;     // gpsd's fixes or the given ones
  std::unique_ptr<UnitClock> clock;     // the system clock or the given one
  std::unique_ptr<FrameSource> given_frames;  // handed to the capture thread at Build
  AlertSink* extra_alert_sink = nullptr;
  std::atomic<bool> recognition_done{false};
  std::unique_ptr<V4l2Device> v4l2_device;  // owned here when the source is a camera
  std::unique_ptr<CaptureThread> capture;  // owns the frame source and its thread
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

  std::thread recognition_thread;
  std::atomic<bool> stop{false};
  int64_t started_mono_ms = 0;

  // Figures. Counters are atomics; latency samples are guarded by mu.
  std::atomic<uint64_t> frames_processed{0};
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
  // Late (re-matched) alerts, apart from live ones.
  std::vector<double> late_capture_to_alert_ms ANPR_GUARDED_BY(mu);
  std::atomic<uint64_t> late_alerts{0};
  std::vector<double> read_latency_ms ANPR_GUARDED_BY(mu);
  // Recent reads by uuid, for the alert screen's images (HitPipeline hands
  // alerts over with the hit only). Bounded: the oldest go first.
  std::map<std::string, Read> recent_reads ANPR_GUARDED_BY(mu);
  std::deque<std::string> recent_order ANPR_GUARDED_BY(mu);
  // uuid -> capture time of the frame that completed it.
  std::map<std::string, int64_t> read_trigger_utc_ms ANPR_GUARDED_BY(mu);
  // Alerts posted to the HMI and not yet drawn: capture time of their read.
  std::vector<int64_t> alerts_to_draw ANPR_GUARDED_BY(mu);

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
  Status MakeSource();
  void MakeHmi();
  Status Start();
  void Shutdown();
  Status RunLoop();

  // Frames to reads, and alerts (unit_reads.cc).
  void RecognitionLoop();
  FrameTag TagFromFixes(int64_t captured_at_utc_ms) const;
  void EmitRead(PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_frame_utc_ms);
  void OnAlert(const Alert& alert) override;

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
