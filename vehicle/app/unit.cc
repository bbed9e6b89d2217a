// The unit's composition root: builds the parts (or takes them from
// UnitParts), starts and stops their threads and runs the main thread's
// loop. Domain steps live in libraries (ReadBuilder, hotlist import,
// ApplyRetention, BuildUnitStatus); the rest of Unit::Impl is in the files
// unit_impl.h names.
#include "vehicle/app/unit.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "capture/camera.h"
#include "capture/capture_thread.h"
#include "capture/frame_source.h"
#include "capture/gps.h"
#include "capture/synth_source.h"
#include "hmi/hmi.h"
#include "hmi/sdl_env.h"
#include "service/journal.h"
#include "service/service_health.h"
#include "sync/client.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/app/subprocess.h"
#include "vehicle/app/unit_impl.h"
#include "vehicle/records/signing_key.h"
#include "vehicle/store/hotlist_import.h"
#include "vehicle/records/store_key.h"
#include "vehicle/store/officers.h"
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

synth::DriveByOptions SyntheticDrive(const CameraConfig& camera) {
  synth::DriveByOptions d;
  d.width_px = camera.width_px;
  d.height_px = camera.height_px;
  d.fps = camera.fps;
  d.random_vehicles = 40;
  return d;
}

uint64_t SyntheticDriveSeed(uint64_t seed, size_t camera_index) { return seed + camera_index; }

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

Unit::Impl::~Impl() { Shutdown(); }

Status Unit::Impl::Build() {
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
  so.spill_bytes = int64_t{config.store_spill_mb} << 20;
  so.reserve_bytes = int64_t{config.store_reserve_mb} << 20;
  if (Status s = ResolveStoreKey(&so); !s.ok()) return s;
  auto st = Store::Open(so);
  if (!st.ok()) return st.status();
  store = std::move(st.value());
  if (Status s = store->LoadMatcher(&matcher); !s.ok()) return s;
  // The export signing key, made at the first start beside the store
  // (vehicle/records/signing_key.h). Without it the unit still records;
  // exports and the depot's enrolment wait until it can be made.
  if (auto key = SigningKey::LoadOrCreate(SigningKeyPathBeside(so.path)); key.ok()) {
    signing_public_key_hex = key->PublicKeyHex();
  } else {
    spdlog::error("no export signing key: {}", key.status().ToString());
  }

  AlertPolicyOptions po;
  po.cooldown_ms = int64_t{config.alert_cooldown_s} * 1000;
  po.realert_after_ms = int64_t{config.alert_realert_s} * 1000;
  po.rematch_window_ms = int64_t{config.rematch_hours} * 3600 * 1000;
  policy = std::make_unique<AlertPolicy>(store.get(), &matcher, po);
  // Only high refuses to be muted.
  if (config.mute_low) policy->SetMuted(Priority::kLow, true).IgnoreError();
  if (config.mute_medium) policy->SetMuted(Priority::kMedium, true).IgnoreError();
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

  // The demo replays a recorded drive: its GPS times are not now.
  ClockWatchOptions cw;
  cw.compare_gps_time = !options.demo;
  clock_watch = std::make_unique<ClockWatch>(cw);
  if (!fixes) {
    if (Status s = StartGps(); !s.ok()) return s;
    fixes = std::make_unique<GpsClientFixSource>(gps.get());
  }
  if (Status s = MakeSync(); !s.ok()) return s;
  if (Status s = MakeCameras(); !s.ok()) return s;
  pipeline = std::make_unique<HitPipeline>(store.get(), policy.get(), this);
  MakeHmi();
  MakePool();
  return Status::Ok();
}

// A list file comes into force as the list's next version; the same file
// as at the last start is not imported again.
Status Unit::Impl::ResolveStoreKey(StoreOptions* so) {
  std::string spec = config.store_key_file;
  if (spec.empty() && options.demo) {
    // The demo's store is encrypted like a car's; its key goes beside (never
    // inside) the demo's data folder, and is left there with it.
    spec = data_dir + ".key";
    auto key = NewStoreKey();
    Status s = key.ok() ? WriteStoreKeyFile(key.value(), spec) : key.status();
    if (!s.ok()) return s;
    spdlog::info("demo: the store {} is encrypted at rest with a new key in {}", so->path, spec);
    std::cerr << "demo: store encrypted at rest; its key is " << spec << " (anpr ... --key-file " << spec
              << ")\n";
  }
  if (spec.empty()) {
    spdlog::warn("store {} is NOT encrypted at rest: set [store] key_file (see README, encryption at rest)",
                 so->path);
    return Status::Ok();
  }
  auto key = LoadStoreKey(spec, so->path);
  if (!key.ok()) return Status(key.status().code(), "[store] key_file: " + key.status().message());
  so->key = std::move(key).value();
  return Status::Ok();
}

Status Unit::Impl::ImportOneList(const std::string& path, const std::string& name) {
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

Status Unit::Impl::ImportHotlists() {
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

Status Unit::Impl::StartGps() {
  GpsOptions go;
  go.host = config.gpsd_host;
  go.port = std::to_string(config.gpsd_port);
  go.stale_after_ms = config.gps_stale_after_ms;
  if (options.demo) {
    const int port = FreeLoopbackPort();
    go.host = "127.0.0.1";
    go.port = std::to_string(port);
    const std::string log = options.demo_dir + "/demo-drive.nmea";
    // gpsfake takes an existing $TMPDIR/gpsfake-<its pid>.sock for its
    // gpsd being ready; in a shared /tmp a stale one (an earlier gpsfake
    // killed hard, its pid reused) has it hand over the log before gpsd
    // listens, and the demo runs with no fixes. So a TMPDIR of its own.
    char tmpl[] = "/tmp/anpr-gpsfake-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) gpsfake_tmp_dir = tmpl;
    std::vector<std::string> argv = {"gpsfake", "-q", "-n", "-P", go.port, "-c", "0.5", log};
    if (!gpsfake_tmp_dir.empty()) argv.insert(argv.begin(), {"env", "TMPDIR=" + gpsfake_tmp_dir});
    // -c 0.5: two sentences per epoch, so fixes arrive at 1 Hz; loops forever.
    Status s = gpsfake.Start(argv, data_dir + "/gpsfake.log");
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
Status Unit::Impl::MakeSync() {
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
  so.signing_public_key_hex = signing_public_key_hex;
  so.heartbeat_source = [this] { return MakeHeartbeat(); };
  sync_client = std::make_unique<sync::SyncClient>(outbox.get(), so);
  return Status::Ok();
}

// The demo drives two synthetic cameras, front and rear, unless its
// configuration lists more; a configuration's own cameras otherwise.
Status Unit::Impl::MakeCameras() {
  std::vector<CameraConfig> list = CamerasOf(config);
  if (options.demo && list.size() == 1) {
    CameraConfig rear = list[0];
    rear.id = list[0].id == "rear" ? "front" : "rear";
    list.push_back(rear);
  }
  for (size_t i = 0; i < list.size(); ++i) {
    auto run = std::make_unique<CameraRun>();
    run->config = list[i];
    std::unique_ptr<FrameSource> source;
    if (auto given = given_frames.find(list[i].id); given != given_frames.end()) {
      source = std::move(given->second);
      given_frames.erase(given);
    } else {
      source = MakeSource(list[i], i, run.get());
    }
    run->capture = std::make_unique<CaptureThread>(std::move(source), static_cast<size_t>(config.frame_queue_frames));
    cameras.push_back(std::move(run));
  }
  if (!given_frames.empty()) {
    return InvalidArgument("a frame source was given for camera '" + given_frames.begin()->first +
                           "', which the configuration does not list");
  }
  return Status::Ok();
}

std::vector<synth::PlateSpec> DemoRearPlates() {
  using synth::PlateSpec;
  using synth::PlateStyle;
  return {
      PlateSpec{"KM65 TXB", PlateStyle::kUkRear, false},  // not listed
      // The high-priority vehicle of the front camera's drive, now behind
      // the car within the cool-down: one alert, seen by both cameras.
      PlateSpec{"WR61 KXT", PlateStyle::kUkRear, false},
      PlateSpec{"HN14 ZRE", PlateStyle::kUkRear, false},  // medium: the rear camera's own hit
      PlateSpec{"PO70 LUV", PlateStyle::kUkRear, false},  // not listed
  };
}

// Camera `index` of the list: synthetic cameras drive their own traffic
// (SyntheticDrive, SyntheticDriveSeed).
std::unique_ptr<FrameSource> Unit::Impl::MakeSource(const CameraConfig& cam, size_t index, CameraRun* run) {
  const std::string kind = options.demo ? "synthetic" : cam.source;
  ReplayOptions ro;
  ro.fps = cam.fps;
  ro.realtime = true;
  if (kind == "video") return MakeVideoFileSource(cam.path, ro);
  if (kind == "folder") return MakeImageFolderSource(cam.path, ro);
  if (kind == "synthetic") {
    synth::DriveByOptions d = SyntheticDrive(cam);
    if (options.demo) {
      d.plates = index == 0 ? DemoPlates() : DemoRearPlates();
      d.pass_duration_s = 2.0;
      d.gap_s = 0.5;  // a hotlisted vehicle every 2.5 s: all three within 15 s
    }
    return MakeSyntheticDriveSource(SyntheticDriveSeed(options.demo_seed, index), d, /*realtime=*/true,
                                    /*loop=*/true);
  }
  CameraOptions co;
  co.device = cam.device;
  co.width_px = cam.width_px;
  co.height_px = cam.height_px;
  co.fps = cam.fps;
  co.format = cam.pixel_format == "yuyv" ? PixelFormat::kYuyv : PixelFormat::kMjpeg;
  if (cam.exposure_us > 0) co.exposure_100us = std::max(1, cam.exposure_us / 100);
  if (cam.gain >= 0) co.gain = cam.gain;
  run->v4l2_device = MakeLibv4l2Device();
  return std::make_unique<V4l2Camera>(*run->v4l2_device, co);
}

void Unit::Impl::MakeHmi() {
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

Status Unit::Impl::Start() {
  started_mono_ms = MonotonicNowMs();
  pipeline->Start();
  // Opens each source: configuration errors surface here. A camera that is
  // absent but may come back is not an error (it reconnects by itself).
  for (auto& cam : cameras) {
    if (Status s = cam->capture->Start(); !s.ok()) {
      return Status(s.code(), "camera " + cam->config.id + ": " + s.message());
    }
  }
  pool->Start();
  maintenance_thread = std::thread([this] { MaintenanceLoop(); });
  if (sync_client) sync_client->Start();
  return Status::Ok();
}

void Unit::Impl::Shutdown() {
  {
    MutexLock lock(&maintenance_mu);
    stop = true;
  }
  maintenance_cv.NotifyAll();
  if (maintenance_thread.joinable()) maintenance_thread.join();
  if (pool) pool->Stop();  // reads the passes still followed
  for (auto& cam : cameras) cam->capture->Stop();
  if (pipeline) pipeline->Stop();  // finishes reads already handed in
  if (sync_client) sync_client->Stop();  // after the pipeline: what it committed may still go next time
  if (gps) gps->Stop();
  gpsfake.Stop();
  if (!gpsfake_tmp_dir.empty()) {
    std::error_code ec;
    fs::remove_all(gpsfake_tmp_dir, ec);
    gpsfake_tmp_dir.clear();
  }
}

Status Unit::Impl::RunLoop() {
  if (Status s = Start(); !s.ok()) {
    Shutdown();
    return s;
  }
  if (options.health) options.health->Ready();
  const int64_t end_mono_ms = options.duration_ms > 0 ? MonotonicNowMs() + options.duration_ms : INT64_MAX;
  int64_t next_status_ms = 0;
  // Health to the log (the journal in a car) once a minute: what a
  // maintainer reads first when an officer reports "it missed one".
  constexpr int64_t kHealthLogIntervalMs = 60'000;
  int64_t next_health_ms = MonotonicNowMs() + kHealthLogIntervalMs;
  while (!stop && MonotonicNowMs() < end_mono_ms) {
    if (options.stop_at_end_of_source && pool->done()) break;
    // The watchdog is fed from here: this loop, and the recognition loop's beats.
    if (options.health) options.health->Tick();
    const int64_t now_mono = MonotonicNowMs();
    if (now_mono >= next_status_ms) {
      WatchCameras(now_mono);
      if (hmi) hmi->PostStatus(BuildStatus());
      next_status_ms = now_mono + 250;
    }
    if (now_mono >= next_health_ms) {
      LogHealth();
      next_health_ms = now_mono + kHealthLogIntervalMs;
    }
    if (hmi) {
      std::vector<ReadTimes> drawing;
      {
        MutexLock lock(&mu);
        drawing.swap(alerts_to_draw);
      }
      if (!hmi->RunFrame(Now())) break;  // window closed
      // The hits posted before this frame are now on screen, sound started.
      const int64_t now = Now();
      {
        MutexLock lock(&mu);
        for (const ReadTimes& t : drawing) AddAlertSamples(t, now);
      }
      // ~60 Hz; SDL's software renderer does not wait for vsync. Without
      // the lock: reads and alerts take it.
      std::this_thread::sleep_for(std::chrono::milliseconds(headless ? 16 : 8));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (options.health) options.health->Stopping();
  Shutdown();
  return Status::Ok();
}

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
  impl->given_frames = std::move(parts.frames_by_camera);
  if (parts.frames) impl->given_frames[CamerasOf(config).front().id] = std::move(parts.frames);
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
