// The unit's composition root: builds the parts (or takes them from
// UnitParts), runs their threads and reports health. Domain steps live in
// libraries (ReadBuilder, hotlist import, ApplyRetention, BuildUnitStatus).
// Over 600 lines because Unit::Impl is one object whose threads share its
// state (figures, recent reads, the officer on duty); splitting it needs a
// private header for Impl and is left for a later change.
#include "vehicle/records/percentile.h"
#include "vehicle/app/unit.h"

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "capture/camera.h"
#include "capture/capture_thread.h"
#include "capture/frame_source.h"
#include "capture/gps.h"
#include "capture/synth_source.h"
#include "capture/tagging.h"
#include "hmi/hmi.h"
#include "hmi/sdl_env.h"
#include "sync/client.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/alerts/hit_pipeline.h"
#include "vehicle/app/subprocess.h"
#include "vehicle/app/unit_status.h"
#include "vehicle/records/hotlist.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/store/hotlist_import.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/retention.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/read_builder.h"
#include "vehicle/recognition/recognizer.h"
#include "vehicle/store/retention.h"
#include "vehicle/store/store.h"

namespace anpr::unit {
namespace {

namespace fs = std::filesystem;

// The demo's officer: an administrator made on the fresh demo store.
constexpr const char* kDemoOfficer = "1001";
constexpr const char* kDemoPin = "1234";

}  // namespace

std::vector<synth::PlateSpec> DemoPlates() {
  using synth::PlateSpec;
  using synth::PlateStyle;
  // A vehicle of no interest first: recognition is still loading its engine
  // while the first vehicle approaches.
  return {
      PlateSpec{"GF20 MHU", PlateStyle::kUkFront, false},  // not listed
      PlateSpec{"WR61 KXT", PlateStyle::kUkRear, false},   // high
      PlateSpec{"LK19 BPN", PlateStyle::kUkRear, false},   // medium
      PlateSpec{"YD68 FTA", PlateStyle::kUkRear, false},   // low
      PlateSpec{"BT17 RVW", PlateStyle::kUkRear, false},   // not listed
      PlateSpec{"NX22 JCE", PlateStyle::kUkFront, false},  // not listed
  };
}

namespace {

// gpsd through a running GpsClient.
class GpsClientFixSource : public FixSource {
 public:
  explicit GpsClientFixSource(const GpsClient* gps) : gps_(gps) {}
  GpsStatus status() const override { return gps_->status(); }
  std::optional<GpsFix> LastFix() const override { return gps_->LastFix(); }
  std::vector<GpsFix> History() const override { return gps_->History(); }

 private:
  const GpsClient* gps_;
};

class SystemClock : public UnitClock {
 public:
  int64_t NowUtcMs() const override { return anpr::NowUtcMs(); }
  bool KernelSynchronised() const override { return KernelClockSynchronised(); }
};

}  // namespace

std::string UnitSummary::ToJson() const {
  nlohmann::json j;
  j["frames"] = frames_in;
  j["frames_processed"] = frames_processed;
  j["frames_dropped"] = frames_dropped;
  j["reads"] = reads;
  j["hits"] = {{"high", hits_high}, {"medium", hits_medium}, {"low", hits_low}};
  j["alerts"] = alerts;
  j["capture_to_alert_ms"] = {{"p50", capture_to_alert_p50_ms}, {"p95", capture_to_alert_p95_ms}};
  j["late_alerts"] = {{"count", late_alerts},
                      {"capture_to_alert_ms", {{"p50", late_capture_to_alert_p50_ms}, {"p95", late_capture_to_alert_p95_ms}}}};
  j["read_latency_ms"] = {{"p50", read_latency_p50_ms}, {"p95", read_latency_p95_ms}};
  j["queues"] = {{"frames", frame_queue_depth}, {"store", store_queue_depth}};
  j["headless"] = headless;
  return j.dump();
}

struct Unit::Impl : public AlertSink, public hmi::HmiActions {
  UnitConfig config;
  UnitOptions options;
  std::string data_dir;

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
  // while and must not hold the screen). Guarded by maintenance_mu.
  std::thread maintenance_thread;
  mutable std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;
  std::string last_purge_error;  // guarded by maintenance_mu

  std::thread recognition_thread;
  std::atomic<bool> stop{false};
  int64_t started_mono_ms = 0;

  // Figures. Counters are atomics; latency samples are guarded by mu.
  std::atomic<uint64_t> frames_processed{0};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> hits_by_priority[4] = {0, 0, 0, 0};
  std::atomic<uint64_t> alerts{0};
  mutable std::mutex mu;
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
  std::vector<double> capture_to_alert_ms;
  std::vector<double> late_capture_to_alert_ms;  // late (re-matched) alerts, apart from live ones
  std::atomic<uint64_t> late_alerts{0};
  std::vector<double> read_latency_ms;
  // Recent reads by uuid, for the alert screen's images (HitPipeline hands
  // alerts over with the hit only). Bounded: the oldest go first.
  std::map<std::string, Read> recent_reads;
  std::deque<std::string> recent_order;
  std::map<std::string, int64_t> read_trigger_utc_ms;  // uuid -> capture time of the frame that completed it
  // Alerts posted to the HMI and not yet drawn: capture time of their read.
  std::vector<int64_t> alerts_to_draw;

  // Officer session: used and changed on the HMI thread only.
  std::optional<Session> session;
  // The number of the officer logged in ("" when nobody is), for every read
  // the recognition thread makes. Written on the HMI thread when the session
  // changes; guarded by on_duty_mu.
  mutable std::mutex on_duty_mu;
  std::string on_duty_officer;

  std::string OfficerOnDuty() const {
    std::lock_guard<std::mutex> lock(on_duty_mu);
    return on_duty_officer;
  }
  void SetOfficerOnDuty(std::string officer) {
    std::lock_guard<std::mutex> lock(on_duty_mu);
    on_duty_officer = std::move(officer);
  }

  ~Impl() override { Shutdown(); }

  int64_t Now() const { return clock->NowUtcMs(); }

  // ---------------------------------------------------------------------
  Status Build() {
    data_dir = config.data_dir;
    if (options.demo) {
      char tmpl[] = "/tmp/anpr-demo-XXXXXX";
      if (!mkdtemp(tmpl)) return IoError("cannot make a temporary data folder in /tmp");
      data_dir = tmpl;
    }
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec) return IoError(data_dir + ": cannot create the data folder: " + ec.message());

    StoreOptions so;
    so.path = data_dir + "/anpr.db";
    auto st = Store::Open(so);
    if (!st.ok()) return st.status();
    store = std::move(st.value());
    if (Status s = store->LoadMatcher(&matcher); !s.ok()) return s;

    AlertPolicyOptions po;
    po.cooldown_ms = int64_t{config.alert_cooldown_s} * 1000;
    po.realert_after_ms = int64_t{config.alert_realert_s} * 1000;
    po.rematch_window_ms = int64_t{config.rematch_hours} * 3600 * 1000;
    policy = std::make_unique<AlertPolicy>(store.get(), &matcher, po);
    if (config.mute_low) (void)policy->SetMuted(Priority::kLow, true);
    if (config.mute_medium) (void)policy->SetMuted(Priority::kMedium, true);
    officers = std::make_unique<Officers>(store.get());

    if (Status s = ImportHotlists(); !s.ok()) return s;
    if (options.demo) {
      auto count = store->CountOfficers();
      if (count.ok() && *count == 0) {
        if (Status s = officers->AddOfficer(nullptr, kDemoOfficer, Role::kAdministrator, kDemoPin, Now());
            !s.ok()) {
          return s;
        }
      }
    }

    if (!fixes) {
      if (Status s = StartGps(); !s.ok()) return s;
      fixes = std::make_unique<GpsClientFixSource>(gps.get());
    }
    if (Status s = MakeSync(); !s.ok()) return s;
    if (given_frames) {
      capture = std::make_unique<CaptureThread>(std::move(given_frames),
                                                static_cast<size_t>(config.frame_queue_frames));
    } else if (Status s = MakeSource(); !s.ok()) {
      return s;
    }
    pipeline = std::make_unique<HitPipeline>(store.get(), policy.get(), this);
    MakeHmi();
    return Status::Ok();
  }

  // A list file comes into force as the list's next version; the same file
  // as at the last start is not imported again.
  Status ImportOneList(const std::string& path, const std::string& name) {
    HotlistImportOptions io;
    io.actor = "unit-start";
    io.skip_if_unchanged = true;
    auto imported = ImportHotlistFile(store.get(), path, name, io, &matcher);
    if (!imported.ok()) return imported.status();
    if (imported->unchanged) {
      spdlog::info("hotlist {}: {} unchanged since it was imported; version in force kept", name, path);
    }
    return Status::Ok();
  }

  Status ImportHotlists() {
    if (options.demo) {
      return ImportOneList(options.demo_dir + "/demo-hotlist.csv", "demo-local");
    }
    if (config.hotlist_dir.empty()) return Status::Ok();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(config.hotlist_dir, ec)) {
      if (e.path().extension() != ".csv") continue;
      if (Status s = ImportOneList(e.path().string(), e.path().stem().string()); !s.ok()) {
        // A bad file leaves the version in force: say so and go on.
        spdlog::error("hotlist not updated: {}", s.ToString());
      }
    }
    if (ec) spdlog::error("{}: cannot list hotlists: {}", config.hotlist_dir, ec.message());
    return Status::Ok();
  }

  Status StartGps() {
    GpsOptions go;
    go.host = config.gpsd_host;
    go.port = std::to_string(config.gpsd_port);
    go.stale_after_ms = config.gps_stale_after_ms;
    if (options.demo) {
      const int port = FreeLoopbackPort();
      go.host = "127.0.0.1";
      go.port = std::to_string(port);
      const std::string log = options.demo_dir + "/demo-drive.nmea";
      // -c 0.5: two sentences per epoch, so fixes arrive at 1 Hz; loops forever.
      Status s = gpsfake.Start({"gpsfake", "-q", "-n", "-P", go.port, "-c", "0.5", log},
                               data_dir + "/gpsfake.log");
      if (!s.ok()) {
        spdlog::warn("demo GPS not started ({}); the unit runs with no GPS", s.ToString());
      } else if (!WaitForPort(port, 5000)) {
        spdlog::warn("gpsfake did not open port {}; the unit runs with no GPS", port);
      }
    }
    gps = std::make_unique<GpsClient>(go);
    return gps->Start();
  }

  // The sync client over the unit's store. A missing or empty token file is
  // a configuration error: the unit would otherwise never sync and nobody
  // would know.
  Status MakeSync() {
    if (config.depot_url.empty()) return Status::Ok();
    std::ifstream in(config.depot_token_file);
    if (!in) return NotFound(config.depot_token_file + ": cannot read the depot token (depot.token_file)");
    std::string token;
    std::getline(in, token);
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    if (token.empty()) return InvalidArgument(config.depot_token_file + ": the depot token file is empty");
    outbox = std::make_unique<sync::StoreOutbox>(store.get(), &matcher, config.unit_id);
    sync::SyncClientOptions so;
    so.depot_url = config.depot_url;
    so.token = token;
    so.ca_file = config.depot_ca_file;
    so.idle_interval_ms = int64_t{config.sync_interval_s} * 1000;
    sync_client = std::make_unique<sync::SyncClient>(outbox.get(), so);
    return Status::Ok();
  }

  // Retention, at start and then hourly, by the one rule of
  // vehicle/store/retention.h (ApplyRetention): every read past the hard cap
  // goes, synced or not (the law says so); images of synced reads go after
  // synced_image_retention_days (0: kept until the cap). Unsynced reads
  // inside the cap are never touched. Each purge is audited by the store.
  void MaintenanceLoop() {
    RetentionConfig retention;
    retention.max_age_ms = int64_t{config.retention_max_days} * kDayMs;
    retention.synced_images_max_age_ms = int64_t{config.synced_image_retention_days} * kDayMs;
    std::unique_lock<std::mutex> lock(maintenance_mu);
    while (!stop) {
      lock.unlock();
      auto purged = ApplyRetention(store.get(), retention, Now());
      lock.lock();
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
      maintenance_cv.wait_for(lock, std::chrono::hours(1), [this] { return stop.load(); });
    }
  }

  Status MakeSource() {
    std::unique_ptr<FrameSource> source;
    const std::string kind = options.demo ? "synthetic" : config.camera_source;
    ReplayOptions ro;
    ro.fps = config.camera_fps;
    ro.realtime = true;
    if (kind == "video") {
      source = MakeVideoFileSource(config.camera_path, ro);
    } else if (kind == "folder") {
      source = MakeImageFolderSource(config.camera_path, ro);
    } else if (kind == "synthetic") {
      synth::DriveByOptions d;
      d.width_px = config.camera_width_px;
      d.height_px = config.camera_height_px;
      d.fps = config.camera_fps;
      if (options.demo) {
        d.plates = DemoPlates();
        d.pass_duration_s = 2.0;
        d.gap_s = 0.5;  // a hotlisted vehicle every 2.5 s: all three within 15 s
      }
      source = MakeSyntheticDriveSource(options.demo_seed, d, /*realtime=*/true, /*loop=*/true);
    } else {
      CameraOptions co;
      co.device = config.camera_device;
      co.width_px = config.camera_width_px;
      co.height_px = config.camera_height_px;
      co.fps = config.camera_fps;
      co.format = config.camera_pixel_format == "yuyv" ? PixelFormat::kYuyv : PixelFormat::kMjpeg;
      if (config.camera_exposure_us > 0) co.exposure_100us = std::max(1, config.camera_exposure_us / 100);
      if (config.camera_gain >= 0) co.gain = config.camera_gain;
      v4l2_device = MakeLibv4l2Device();
      source = std::make_unique<V4l2Camera>(*v4l2_device, co);
    }
    capture = std::make_unique<CaptureThread>(std::move(source), static_cast<size_t>(config.frame_queue_frames));
    return Status::Ok();
  }

  void MakeHmi() {
    if (!config.hmi_enabled) return;
    std::string error;
    if (options.headless) setenv("SDL_VIDEODRIVER", "dummy", 1);
    const std::string driver = hmi::InitSdlVideo(&error);
    if (driver.empty()) {
      std::cout << "No screen: SDL could not start (" << error << "); running headless, alerts printed here."
                << std::endl;
      return;
    }
    headless = hmi::IsHeadlessDriver(driver);
    if (headless) {
      std::cout << "No display: running headless (SDL '" << driver
                << "' driver, screen drawn off-screen); alerts printed here." << std::endl;
    }
    hmi::HmiOptions ho;
    ho.view.width_px = config.screen_width_px;
    ho.view.height_px = config.screen_height_px;
    ho.view.fullscreen = config.fullscreen && !headless;
    ho.config.driving_speed_mps = config.driving_speed_mps;
    ho.config.idle_lock_ms = int64_t{config.idle_lock_s} * 1000;
    ho.config.operator_present = config.hmi_operator_present;
    ho.config.settings.volume_percent = config.volume_percent;
    ho.config.settings.night = config.night_mode;
    ho.config.settings.mute_low = config.mute_low;
    ho.config.settings.mute_medium = config.mute_medium;
    auto created = hmi::Hmi::Create(ho, this);
    if (!created.ok()) {
      std::cout << "Screen not available (" << created.status().ToString()
                << "); running headless, alerts printed here." << std::endl;
      headless = true;
      return;
    }
    hmi = std::move(created.value());
    if (!hmi->audio_error().empty()) {
      std::cout << "No sound: " << hmi->audio_error() << std::endl;
    }
    if (options.demo) {
      // Log the demo officer in through the real keypad, as a person would.
      auto& model = hmi->model();
      for (const char* c = kDemoOfficer; *c; ++c) model.Activate(std::string("login.key.") + *c);
      model.Activate("login.ok");
      for (const char* c = kDemoPin; *c; ++c) model.Activate(std::string("login.key.") + *c);
      model.Activate("login.ok");
    }
  }

  // ---------------------------------------------------------------------
  Status Start() {
    started_mono_ms = MonotonicNowMs();
    pipeline->Start();
    if (Status s = capture->Start(); !s.ok()) return s;  // opens the source: config errors surface here
    recognition_thread = std::thread([this] { RecognitionLoop(); });
    maintenance_thread = std::thread([this] { MaintenanceLoop(); });
    if (sync_client) sync_client->Start();
    return Status::Ok();
  }

  void Shutdown() {
    {
      std::lock_guard<std::mutex> lock(maintenance_mu);
      stop = true;
    }
    maintenance_cv.notify_all();
    if (maintenance_thread.joinable()) maintenance_thread.join();
    if (recognition_thread.joinable()) recognition_thread.join();
    if (capture) capture->Stop();
    if (pipeline) pipeline->Stop();  // finishes reads already handed in
    if (sync_client) sync_client->Stop();  // after the pipeline: what it committed may still go next time
    if (gps) gps->Stop();
    gpsfake.Stop();
  }

  // Recognition thread: one Recognizer (one Tesseract engine) for its life.
  void RecognitionLoop() {
    RecognizerOptions ro;
    Region region = Region::kGb;
    ParseRegion(config.region, &region);
    ro.region = region;
    auto made = Recognizer::Create(ro);
    if (!made.ok()) {
      spdlog::error("recognition cannot start: {}", made.status().ToString());
      return;
    }
    auto recognizer = std::move(made.value());
    PlateTracker tracker(region);
    int64_t utc_minus_mono_ms = 0;
    while (true) {
      if (stop) break;
      auto frame = capture->Pop(100);
      if (!frame) {
        if (capture->ended()) break;
        continue;
      }
      utc_minus_mono_ms = frame->captured_at_utc_ms - frame->captured_at_mono_ms;
      std::vector<PlateObservation> observations = recognizer->Recognize(frame->image);
      for (auto& o : observations) o.overview = OverviewAround(frame->image, o.box);
      ++frames_processed;
      if (hmi) {
        std::vector<hmi::LiveBox> boxes;
        for (const auto& o : observations) {
          boxes.push_back({hmi::Rect{o.box.x, o.box.y, o.box.width, o.box.height}, o.text});
        }
        hmi->PostFrame(std::make_shared<const cv::Mat>(frame->image), std::move(boxes));
      }
      for (PassRead& pass : tracker.Update(frame->captured_at_mono_ms, observations)) {
        EmitRead(std::move(pass), utc_minus_mono_ms, frame->captured_at_utc_ms);
      }
    }
    for (PassRead& pass : tracker.Flush()) EmitRead(std::move(pass), utc_minus_mono_ms, Now());
    recognition_done = true;
  }

  // The clock assessment and position for one capture time (as TagFrame
  // does for a GpsClient), from whichever fix source the unit has.
  FrameTag TagFromFixes(int64_t captured_at_utc_ms) const {
    FrameTag tag;
    tag.captured_at_utc_ms = captured_at_utc_ms;
    tag.clock = AssessClock(fixes->status(), clock->KernelSynchronised());
    tag.position = TagPosition(fixes->History(), ToGpsClockMs(captured_at_utc_ms, tag.clock));
    return tag;
  }

  void EmitRead(PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_frame_utc_ms) {
    // The evidence time: the last frame the plate was seen in.
    const int64_t captured_at_utc_ms = PassCapturedAtUtcMs(pass, utc_minus_mono_ms);
    Read read = BuildRead(pass, TagFromFixes(captured_at_utc_ms), ReadIdentity{config.camera_id, config.unit_id, OfficerOnDuty()});
    ++reads;
    {
      std::lock_guard<std::mutex> lock(mu);
      AddSample(&read_latency_ms, static_cast<double>(Now() - trigger_frame_utc_ms));
      recent_reads[read.uuid] = read;
      read_trigger_utc_ms[read.uuid] = trigger_frame_utc_ms;
      recent_order.push_back(read.uuid);
      while (recent_order.size() > 64) {
        recent_reads.erase(recent_order.front());
        read_trigger_utc_ms.erase(recent_order.front());
        recent_order.pop_front();
      }
    }
    if (hmi) hmi->PostRead(read);
    if (headless) {
      std::printf("read  %-8s conf %5.1f  %s  officer %s\n", read.vrm.c_str(), read.confidence, read.syntax.c_str(),
                  read.officer_id.empty() ? "-" : read.officer_id.c_str());
      std::fflush(stdout);
    }
    pipeline->OnRead(std::move(read));  // committed before any alert is raised
  }

  // AlertSink: on the HitPipeline's thread, after the read and hit are durable.
  void OnAlert(const Alert& alert) override {
    const Hit& hit = alert.hit;
    ++hits_by_priority[static_cast<int>(hit.priority)];
    if (extra_alert_sink) extra_alert_sink->OnAlert(alert);
    if (hit.covert) return;  // recorded and synced, never alerted in the car
    ++alerts;
    Read read;
    int64_t trigger_utc_ms = Now();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = recent_reads.find(hit.read_uuid); it != recent_reads.end()) read = it->second;
      if (auto it = read_trigger_utc_ms.find(hit.read_uuid); it != read_trigger_utc_ms.end()) {
        trigger_utc_ms = it->second;
      }
      if (hit.late) {
        // Not timed with live alerts (kept apart below, once the read is known).
      } else if (hmi) {
        alerts_to_draw.push_back(trigger_utc_ms);
      } else {
        AddSample(&capture_to_alert_ms, static_cast<double>(Now() - trigger_utc_ms));
      }
    }
    if (read.uuid.empty()) {
      // Late hit on an older read: fetch it (with images) from the store.
      auto stored = store->GetRead(hit.read_uuid, true);
      if (stored.ok() && stored->has_value()) read = **stored;
    }
    if (hit.late) {
      ++late_alerts;
      std::lock_guard<std::mutex> lock(mu);
      if (!read.uuid.empty()) AddSample(&late_capture_to_alert_ms, static_cast<double>(NowUtcMs() - read.captured_at_utc_ms));
    }
    if (hmi) hmi->PostHit(hit, read, {alert.list_colour, alert.list_sound});
    if (headless || !hmi) {
      std::printf("HIT   %-6s %-8s %s (%s, list %s): %s%s\n", PriorityName(hit.priority),
                  hit.entry_vrm.c_str(), MatchKindName(hit.match),
                  read.vrm.empty() ? "?" : ("read " + read.vrm).c_str(), hit.list_name.c_str(),
                  hit.reason.c_str(), hit.late ? " [late]" : "");
      std::fflush(stdout);
    }
  }

  // ---------------------------------------------------------------------
  hmi::UnitStatus BuildStatus() const {
    UnitStatusInputs in;
    in.camera = capture->stats().source;
    in.gps = fixes->status();
    in.last_fix = fixes->LastFix();
    in.kernel_clock_synchronised = clock->KernelSynchronised();
    if (sync_client) in.sync = sync_client->state();
    in.data_dir = data_dir;
    {
      std::lock_guard<std::mutex> lock(maintenance_mu);
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
    }
    return BuildUnitStatus(in, store.get());
  }

  Status RunLoop() {
    if (Status s = Start(); !s.ok()) {
      Shutdown();
      return s;
    }
    const int64_t end_mono_ms = options.duration_ms > 0 ? MonotonicNowMs() + options.duration_ms : INT64_MAX;
    int64_t next_status_ms = 0;
    // Health to the log (the journal in a car) once a minute: what a
    // maintainer reads first when an officer reports "it missed one".
    constexpr int64_t kHealthLogIntervalMs = 60'000;
    int64_t next_health_ms = MonotonicNowMs() + kHealthLogIntervalMs;
    while (!stop && MonotonicNowMs() < end_mono_ms) {
      if (options.stop_at_end_of_source && recognition_done) break;
      const int64_t now_mono = MonotonicNowMs();
      if (now_mono >= next_status_ms) {
        if (hmi) hmi->PostStatus(BuildStatus());
        next_status_ms = now_mono + 250;
      }
      if (now_mono >= next_health_ms) {
        LogHealth();
        next_health_ms = now_mono + kHealthLogIntervalMs;
      }
      if (hmi) {
        std::vector<int64_t> drawing;
        {
          std::lock_guard<std::mutex> lock(mu);
          drawing.swap(alerts_to_draw);
        }
        if (!hmi->RunFrame(Now())) break;  // window closed
        // The hits posted before this frame are now on screen, sound started.
        const int64_t now = Now();
        std::lock_guard<std::mutex> lock(mu);
        for (int64_t t : drawing) AddSample(&capture_to_alert_ms, static_cast<double>(now - t));
        // ~60 Hz; SDL's software renderer does not wait for vsync.
        std::this_thread::sleep_for(std::chrono::milliseconds(headless ? 16 : 8));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    Shutdown();
    return Status::Ok();
  }

  // This process's resident memory (VmRSS), MB; 0 where /proc is not there.
  static double ResidentMb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
    return 0;
  }

  void LogHealth() const {
    const UnitSummary u = MakeSummary();
    // The allocator's view (all arenas): what is in use against what it
    // holds from the system, to tell growth of the unit's own data from
    // fragmentation.
    const struct mallinfo2 heap = mallinfo2();
    constexpr double kMiB = 1024.0 * 1024.0;
    const SourceHealth cam = capture->stats().source;
    std::string sync_text = "off";
    if (sync_client) sync_text = sync::DescribeSyncState(sync_client->state());
    spdlog::info(
        "health: frames in {} processed {} dropped {} queued {}; reads {}; hits high {} medium {} low {}; "
        "store queue {}; read latency p50 {:.0f} ms p95 {:.0f} ms; camera {}; gps {}; sync {}; "
        "memory {:.1f} MB (heap in use {:.1f} MB of {:.1f} MB held; SQLite {:.1f} MB)",
        u.frames_in, u.frames_processed, u.frames_dropped, u.frame_queue_depth, u.reads, u.hits_high, u.hits_medium,
        u.hits_low, u.store_queue_depth, u.read_latency_p50_ms, u.read_latency_p95_ms, SourceStateName(cam.state),
        GpsStateName(fixes->status().state), sync_text, ResidentMb(), double(heap.uordblks + heap.hblkhd) / kMiB,
        double(heap.arena + heap.hblkhd) / kMiB, double(sqlite3_memory_used()) / kMiB);
  }

  UnitSummary MakeSummary() const {
    UnitSummary s;
    const CaptureThread::Stats cs = capture ? capture->stats() : CaptureThread::Stats{};
    s.frames_in = cs.source.frames_delivered;
    s.frames_processed = frames_processed;
    s.frames_dropped = cs.dropped_queue_full;
    s.reads = reads;
    s.hits_high = hits_by_priority[static_cast<int>(Priority::kHigh)];
    s.hits_medium = hits_by_priority[static_cast<int>(Priority::kMedium)];
    s.hits_low = hits_by_priority[static_cast<int>(Priority::kLow)];
    s.alerts = alerts;
    s.frame_queue_depth = s.frames_in - std::min(s.frames_in, s.frames_processed + s.frames_dropped);
    s.store_queue_depth = store ? store->state().queued_writes : 0;
    s.headless = headless;
    std::lock_guard<std::mutex> lock(mu);
    s.capture_to_alert_p50_ms = Percentile(capture_to_alert_ms, 50);
    s.capture_to_alert_p95_ms = Percentile(capture_to_alert_ms, 95);
    s.late_alerts = late_alerts;
    s.late_capture_to_alert_p50_ms = Percentile(late_capture_to_alert_ms, 50);
    s.late_capture_to_alert_p95_ms = Percentile(late_capture_to_alert_ms, 95);
    s.read_latency_p50_ms = Percentile(read_latency_ms, 50);
    s.read_latency_p95_ms = Percentile(read_latency_ms, 95);
    return s;
  }

  // ---- HmiActions (HMI thread) -------------------------------------------
  Status Login(const std::string& officer_id, const std::string& pin) override {
    auto s = officers->Login(officer_id, pin, Now());
    if (!s.ok()) return s.status();
    session = std::move(s.value());
    SetOfficerOnDuty(session->officer);
    return Status::Ok();
  }
  void Logout(const std::string&, bool) override {
    if (session) (void)officers->Logout(&*session, Now());
    session.reset();
    SetOfficerOnDuty("");
  }
  Status RecordOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& note) override {
    if (!session) return PermissionDenied("log in to record an outcome");
    return officers->RecordOutcome(&*session, hit_uuid, outcome, note, Now());
  }
  Result<std::vector<Hit>> CheckVrm(const std::string& vrm) override {
    std::vector<Hit> out;
    for (const MatchResult& m : matcher.MatchVrm(vrm, {}, Now())) {
      Hit h;
      h.list_name = m.list_name;
      h.entry_vrm = m.entry_vrm;
      h.priority = m.priority;
      h.match = m.kind;
      h.covert = m.covert;
      if (m.covert) continue;  // covert lists are never shown in the car
      auto entry = store->GetHotlistEntry(m.list_name, m.entry_vrm);
      if (entry.ok() && entry->has_value()) {
        const HotlistEntry& e = **entry;
        h.reason = e.reason;
        h.warning_markers = e.warning_markers;
        h.information = e.information;
        h.make = e.make;
        h.model = e.model;
        h.colour = e.colour;
      }
      out.push_back(std::move(h));
    }
    return out;
  }
  Status EnterWanted(const std::string& vrm, Priority priority, const std::string& reason, int valid_days) override {
    if (!session) return PermissionDenied("log in to enter a wanted plate");
    const int64_t now = Now();
    if (Status s = officers->Authorize(&*session, Right::kEnterWanted, reason, now); !s.ok()) return s;
    if (valid_days < 1 || valid_days > 100) return InvalidArgument("a wanted plate is valid for 1 to 100 days");
    auto late = policy->EnterWanted(session->officer, vrm, priority, reason,
                                    now + int64_t{valid_days} * 24 * 3600 * 1000, now);
    if (!late.ok()) return late.status();
    // Reads of the last hours that match: raised now, marked late.
    for (const Alert& a : *late) OnAlert(a);
    return Status::Ok();
  }
  void SettingsChanged(const hmi::HmiSettings& s) override {
    (void)policy->SetMuted(Priority::kLow, s.mute_low);
    (void)policy->SetMuted(Priority::kMedium, s.mute_medium);
    if (session) {
      const int64_t now = Now();
      (void)officers->ChangeSetting(&*session, "volume_percent", std::to_string(s.volume_percent), now);
      (void)officers->ChangeSetting(&*session, "night", s.night ? "on" : "off", now);
      (void)officers->ChangeSetting(&*session, "mute_low", s.mute_low ? "on" : "off", now);
      (void)officers->ChangeSetting(&*session, "mute_medium", s.mute_medium ? "on" : "off", now);
    }
  }
};

Unit::Unit(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Unit::~Unit() = default;

Result<std::unique_ptr<Unit>> Unit::Create(const UnitConfig& config, const UnitOptions& options) {
  return CreateFromParts(config, options, UnitParts{});
}

Result<std::unique_ptr<Unit>> Unit::CreateFromParts(const UnitConfig& config, const UnitOptions& options,
                                                    UnitParts parts) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = options;
  impl->given_frames = std::move(parts.frames);
  impl->fixes = std::move(parts.fixes);
  impl->clock = parts.clock ? std::move(parts.clock) : std::make_unique<SystemClock>();
  impl->extra_alert_sink = parts.alert_sink;
  if (Status s = impl->Build(); !s.ok()) return s;
  return std::unique_ptr<Unit>(new Unit(std::move(impl)));
}

Status Unit::Run() { return impl_->RunLoop(); }
void Unit::RequestStop() { impl_->stop = true; }
UnitSummary Unit::Summary() const { return impl_->MakeSummary(); }

}  // namespace anpr::unit
