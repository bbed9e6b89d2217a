// `anpr bench-unit`: the whole unit (vehicle/app/unit.h) on synthetic
// cameras for a fixed time, per camera count and recognition thread count
// (issue 16). Prints one row per run: frames in, processed and dropped per
// camera, alerts, first-sight-to-alert p50/p95, and the run's resident
// memory; the header names the machine, its load and the date, so a figure
// can be reproduced.
//
// Each run is a fresh child process (this program re-executed with hidden
// options), so memory figures and state do not carry from one run to the
// next. The hotlist is imported once, by its own child, into a template data
// folder that every run starts from a copy of: the runs' memory is the
// running unit's, and the import's time and peak are printed apart.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "capture/synth.h"
#include "vehicle/app/command.h"
#include "vehicle/app/machine_line.h"
#include "vehicle/recognition/recognition_io.h"
#include "vehicle/app/unit.h"
#include "vehicle/records/vrm.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using anpr::unit::CameraConfig;
using anpr::unit::UnitConfig;

// The ids of the synthetic cameras, in order: a car's usual three.
const char* const kCameraIds[] = {"front", "rear", "nearside"};
constexpr int kMaxCameras = 3;

struct BenchArgs {
  std::string cameras = "1,2,3";
  std::string threads = "1,2";
  int width_px = 1280;
  int height_px = 720;
  int fps = 15;
  int seconds = 20;
  int64_t hotlist_entries = 1000;
  uint64_t seed = 1;
  bool keep = false;
  // Hidden: what a child does ("import" or "run") and where.
  std::string child;
  std::string data_dir;
  std::string hotlist_dir;
  std::string result_file;
  int child_cameras = 1;
  int child_threads = 1;
};

// No GPS: the bench needs no gpsd; reads are stored without a position.
class NoFixes : public anpr::unit::FixSource {
 public:
  anpr::GpsStatus status() const override { return anpr::GpsStatus{}; }
  std::optional<anpr::GpsFix> LastFix() const override { return std::nullopt; }
  std::vector<anpr::GpsFix> History() const override { return {}; }
};

bool ParseCounts(const std::string& text, int max, std::vector<int>* out) {
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long n = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || n < 1 || n > max) return false;
    out->push_back(static_cast<int>(n));
  }
  return !out->empty();
}

// This process's VmHWM (peak) or VmRSS (now), in MB.
double ProcStatusMb(const char* key) {
  return std::strtod(anpr::cli::ProcFileField("/proc/self/status", key).c_str(), nullptr) / 1024.0;
}

// Writes bench.csv in `dir`: every plate the cameras' drives show (all
// hotlisted, so every pass can alert), then `filler` entries no drive plate
// can match. Fillers are eight characters (two letters, two digits, four
// letters): a seven-character UK plate cannot match one, even as "similar"
// (same length, OCR-equivalent substitutions). Written in one pass with a
// large buffer: 5,000,000 entries take about a second.
bool WriteHotlist(const std::string& dir, const std::vector<std::string>& plates, int64_t filler,
                  std::string* error) {
  const std::string path = dir + "/bench.csv";
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    *error = path + ": cannot write";
    return false;
  }
  std::vector<char> buffer(1 << 20);
  std::setvbuf(f, buffer.data(), _IOFBF, buffer.size());
  std::fputs("vrm,priority,reason\n", f);
  const char* const priorities[] = {"high", "medium", "low"};
  for (size_t i = 0; i < plates.size(); ++i) {
    std::fprintf(f, "%s,%s,Bench drive plate\n", plates[i].c_str(), priorities[i % 3]);
  }
  // i -> (i * kStep + kOffset) mod kSpace is one-to-one (kStep is prime and
  // divides no factor of kSpace = 26^6 * 100), so no VRM is listed twice.
  constexpr uint64_t kSpace = 26ull * 26 * 100 * 26 * 26 * 26 * 26;
  constexpr uint64_t kStep = 1'000'003, kOffset = 12'345;
  char line[32];
  for (int64_t i = 0; i < filler; ++i) {
    uint64_t v = (static_cast<uint64_t>(i) * kStep + kOffset) % kSpace;
    char vrm[9];
    for (int k = 7; k >= 4; --k, v /= 26) vrm[k] = char('A' + v % 26);
    for (int k = 3; k >= 2; --k, v /= 10) vrm[k] = char('0' + v % 10);
    for (int k = 1; k >= 0; --k, v /= 26) vrm[k] = char('A' + v % 26);
    vrm[8] = '\0';
    const int n = std::snprintf(line, sizeof line, "%s,%s,Filler\n", vrm, priorities[i % 3]);
    std::fwrite(line, 1, static_cast<size_t>(n), f);
  }
  const bool ok = std::fflush(f) == 0 && !std::ferror(f);
  std::fclose(f);
  if (!ok) *error = path + ": write failed (disk full?)";
  return ok;
}

UnitConfig BenchConfig(const BenchArgs& a) {
  UnitConfig config;
  config.unit_id = "BENCH-01";
  config.data_dir = a.data_dir;
  config.hotlist_dir = a.hotlist_dir;
  config.recognition_threads = a.child_threads;
  config.hmi_enabled = false;
  // Every read of a hotlisted plate alerts and is timed. (The drive loops
  // every 9 s; the tracker reads a plate seen again at the same place within
  // 60 s only once, so a run longer than a minute reads each plate again.)
  config.alert_cooldown_s = 0;
  for (int i = 0; i < a.child_cameras; ++i) {
    CameraConfig c;
    c.id = kCameraIds[i];
    c.source = "synthetic";
    c.width_px = a.width_px;
    c.height_px = a.height_px;
    c.fps = a.fps;
    config.cameras.push_back(c);
  }
  const CameraConfig& first = config.cameras.front();
  config.camera_id = first.id;
  config.camera_source = first.source;
  config.camera_width_px = first.width_px;
  config.camera_height_px = first.height_px;
  config.camera_fps = first.fps;
  return config;
}

// The child: "import" builds the unit once (importing the hotlist) and
// stops; "run" runs it for --seconds. Writes "key value" lines to
// --result-file. The unit prints every read and hit on stdout: not wanted
// in the table, so stdout goes to /dev/null here.
int ChildMain(const BenchArgs& a) {
  if (!std::freopen("/dev/null", "w", stdout)) return 1;
  spdlog::set_level(spdlog::level::err);
  anpr::unit::UnitOptions options;
  options.headless = true;
  options.duration_ms = int64_t{a.seconds} * 1000;
  options.demo_seed = a.seed;
  anpr::unit::UnitParts parts;
  parts.fixes = std::make_unique<NoFixes>();
  const auto t0 = std::chrono::steady_clock::now();
  auto made = anpr::unit::Unit::CreateFromParts(BenchConfig(a), options, std::move(parts));
  const double create_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!made.ok()) {
    std::cerr << "anpr bench-unit: the unit cannot start: " << made.status().ToString() << "\n";
    return 1;
  }
  std::ofstream out(a.result_file);
  out << "create_s " << create_s << "\n";
  out << "start_peak_mb " << ProcStatusMb("VmHWM") << "\n";
  if (a.child == "run") {
    // The start (opening the store, loading the hotlists into the matcher)
    // peaks above what the unit then holds; "5" resets VmHWM to the current
    // RSS (Linux 4.0+), so the run's peak is its own.
    std::ofstream clear_refs("/proc/self/clear_refs");
    clear_refs << "5" << std::flush;
    out << "peak_reset " << (clear_refs.good() ? 1 : 0) << "\n";
    if (anpr::Status s = (*made)->Run(); !s.ok()) {
      std::cerr << "anpr bench-unit: the unit stopped: " << s.ToString() << "\n";
      return 1;
    }
    const anpr::unit::UnitSummary u = (*made)->Summary();
    out << "total " << u.frames_in << " " << u.frames_processed << " " << u.frames_dropped << " " << u.alerts << " "
        << u.first_sight_to_alert_p50_ms << " " << u.first_sight_to_alert_p95_ms << " " << u.reads << "\n";
    for (const anpr::unit::CameraSummary& c : u.cameras) {
      out << "camera " << c.id << " " << c.frames_in << " " << c.frames_processed << " " << c.frames_dropped << " "
          << c.alerts << " " << c.first_sight_to_alert_p50_ms << " " << c.first_sight_to_alert_p95_ms << " " << c.reads
          << "\n";
    }
    out << "rss_end_mb " << ProcStatusMb("VmRSS") << "\n";
  }
  made->reset();
  out << "peak_mb " << ProcStatusMb("VmHWM") << "\n";
  return out.good() ? 0 : 1;
}

struct Figures {
  std::string id;
  uint64_t in = 0, processed = 0, dropped = 0, alerts = 0, reads = 0;
  double p50_ms = 0, p95_ms = 0;
};

struct RunResult {
  double create_s = 0, start_peak_mb = 0, peak_mb = 0, rss_end_mb = 0;
  bool peak_reset = false;  // peak_mb is the run's alone (else it includes the start)
  Figures total;
  std::vector<Figures> cameras;
};

RunResult ReadResult(const std::string& path) {
  RunResult r;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    Figures f;
    if (key == "create_s") fields >> r.create_s;
    if (key == "peak_mb") fields >> r.peak_mb;
    if (key == "start_peak_mb") fields >> r.start_peak_mb;
    if (key == "peak_reset") fields >> r.peak_reset;
    if (key == "rss_end_mb") fields >> r.rss_end_mb;
    if (key == "camera") fields >> f.id;
    if (key == "total" || key == "camera") {
      fields >> f.in >> f.processed >> f.dropped >> f.alerts >> f.p50_ms >> f.p95_ms >> f.reads;
      if (key == "total") {
        r.total = f;
      } else {
        r.cameras.push_back(f);
      }
    }
  }
  return r;
}

// Runs this program again as a child doing `child`; its exit code (-1 when
// it could not start or was killed).
int RunChild(const BenchArgs& a, const std::string& child, int cameras, int threads, const std::string& data_dir,
             const std::string& hotlist_dir, const std::string& result_file) {
  std::vector<std::string> args = {"anpr", "bench-unit", "--child", child,
                                   "--child-cameras", std::to_string(cameras),
                                   "--child-threads", std::to_string(threads),
                                   "--data-dir", data_dir, "--hotlist-dir", hotlist_dir,
                                   "--result-file", result_file,
                                   "--width", std::to_string(a.width_px), "--height", std::to_string(a.height_px),
                                   "--fps", std::to_string(a.fps), "--seconds", std::to_string(a.seconds),
                                   "--seed", std::to_string(a.seed)};
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Ms(double ms, uint64_t alerts) {
  if (alerts == 0) return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(0) << ms;
  return out.str();
}

double DropPercent(const Figures& f) { return f.in ? 100.0 * double(f.dropped) / double(f.in) : 0.0; }

void PrintHeader() {
  std::cout << std::right << std::setw(4) << "cams" << std::setw(8) << "threads" << std::setw(10) << "frames_in"
            << std::setw(10) << "processed" << std::setw(8) << "dropped" << std::setw(7) << "drop%" << std::setw(7)
            << "alerts" << std::setw(10) << "fs_p50_ms" << std::setw(10) << "fs_p95_ms" << std::setw(9)
            << "rss_mb" << std::setw(9) << "peak_mb" << std::setw(10) << "start_mb"
            << "  per camera: in/processed/dropped drop% alerts fs_p95_ms\n";
}

void PrintRow(int cameras, int threads, const RunResult& r) {
  const Figures& t = r.total;
  std::cout << std::right << std::setw(4) << cameras << std::setw(8) << threads << std::setw(10) << t.in
            << std::setw(10) << t.processed << std::setw(8) << t.dropped << std::setw(7) << std::fixed
            << std::setprecision(1) << DropPercent(t) << std::setw(7) << t.alerts << std::setw(10)
            << Ms(t.p50_ms, t.alerts) << std::setw(10) << Ms(t.p95_ms, t.alerts) << std::setw(9)
            << std::setprecision(0) << r.rss_end_mb << std::setw(8) << r.peak_mb << (r.peak_reset ? " " : "*")
            << std::setw(10) << r.start_peak_mb << " ";
  if (r.cameras.empty()) std::cout << " (this unit gives no per-camera figures)";
  for (const Figures& c : r.cameras) {
    std::cout << "  " << c.id << " " << c.in << "/" << c.processed << "/" << c.dropped << " " << std::setprecision(1)
              << DropPercent(c) << "% " << c.alerts << " " << Ms(c.p95_ms, c.alerts);
    // Every plate of the drives is listed: reads and no alert at all mean the
    // drive is not the one this bench listed (the unit's seed rule moved).
    if (c.reads >= 3 && c.alerts == 0) std::cout << " (" << c.reads << " reads, none listed!)";
  }
  std::cout << std::endl;
}

int ParentMain(const BenchArgs& a) {
  // As anpr-vehicle runs: one OCR thread per recognition worker (restarts
  // once with OMP_THREAD_LIMIT=1 unless it is set; the runs inherit it).
  anpr::RestartWithSingleThreadedOcr();
  std::vector<int> camera_counts, thread_counts;
  if (!ParseCounts(a.cameras, kMaxCameras, &camera_counts)) {
    std::cerr << "anpr bench-unit: --cameras must list counts from 1 to 3, such as 1,2,3\n";
    return 2;
  }
  if (!ParseCounts(a.threads, 16, &thread_counts)) {
    std::cerr << "anpr bench-unit: --threads must list counts from 1 to 16, such as 1,2\n";
    return 2;
  }
  if (a.width_px < 64 || a.height_px < 64 || a.fps < 1 || a.seconds < 1 || a.hotlist_entries < 0) {
    std::cerr << "anpr bench-unit: --width/--height at least 64, --fps and --seconds at least 1\n";
    return 2;
  }
  char tmpl[] = "/tmp/anpr-bench-unit-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "anpr bench-unit: cannot make a folder in /tmp\n";
    return 1;
  }
  const std::string root = tmpl;
  const std::string hotlists = root + "/hotlists", tmpl_data = root + "/template";
  fs::create_directories(hotlists);

  // The plates of every camera the runs use, hotlisted.
  std::set<std::string> plate_set;
  for (int i = 0; i < kMaxCameras; ++i) {
    anpr::unit::CameraConfig cam;
    cam.width_px = a.width_px;
    cam.height_px = a.height_px;
    cam.fps = a.fps;
    anpr::synth::DriveBy drive(anpr::unit::SyntheticDriveSeed(a.seed, size_t(i)), anpr::unit::SyntheticDrive(cam));
    for (const std::string& p : drive.pass_plates()) plate_set.insert(anpr::NormaliseVrm(p));
  }
  const std::vector<std::string> plates(plate_set.begin(), plate_set.end());
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  if (!WriteHotlist(hotlists, plates, a.hotlist_entries, &error)) {
    std::cerr << "anpr bench-unit: " << error << "\n";
    return 1;
  }
  const double write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::cout << "anpr bench-unit: synthetic cameras " << a.width_px << "x" << a.height_px << " at " << a.fps
            << " fps, " << a.seconds << " s a run, hotlist " << plates.size() << " drive plates + "
            << a.hotlist_entries << " filler entries, no HMI, no GPS, alert cool-down 0, store not encrypted\n"
            << anpr::cli::MachineLine() << "\n";
  const int imported = RunChild(a, "import", 1, 1, tmpl_data, hotlists, root + "/import.txt");
  if (imported != 0) {
    std::cerr << "anpr bench-unit: the hotlist import failed (exit " << imported << ")\n";
    return 1;
  }
  const RunResult import = ReadResult(root + "/import.txt");
  std::cout << "hotlist: CSV written in " << std::fixed << std::setprecision(1) << write_s
            << " s; imported (unit start with the import) in " << import.create_s << " s, peak " << std::setprecision(0)
            << import.peak_mb << " MB; each run starts from a copy of that store\n";
  PrintHeader();
  int failures = 0;
  for (int cameras : camera_counts) {
    for (int threads : thread_counts) {
      const std::string data = root + "/run-" + std::to_string(cameras) + "-" + std::to_string(threads);
      std::error_code ec;
      fs::copy(tmpl_data, data, fs::copy_options::recursive, ec);
      const std::string result = data + ".txt";
      const int code = ec ? -1 : RunChild(a, "run", cameras, threads, data, hotlists, result);
      if (code != 0) {
        std::cout << std::setw(4) << cameras << std::setw(8) << threads << "  run failed (exit " << code << ")"
                  << (ec ? ": " + ec.message() : "") << std::endl;
        ++failures;
      } else {
        PrintRow(cameras, threads, ReadResult(result));
      }
      if (!a.keep) fs::remove_all(data, ec);
    }
  }
  std::cout << "fs = first sight to alert (capture of the plate's first frame to the alert), all cameras; "
               "rss_mb at the end of the run, peak_mb its peak (VmHWM) after the start (* including the start: "
               "the peak could not be reset), start_mb the peak while the unit started (store, hotlist index)\n";
  std::error_code ec;
  if (a.keep) {
    std::cout << "kept: " << root << "\n";
  } else {
    fs::remove_all(root, ec);
  }
  return failures ? 1 : 0;
}

const anpr::cli::CommandRegistration kBenchUnit{
    "bench-unit", "Run the unit on synthetic cameras and print frames, drops, alert latency and memory",
    [](CLI::App& sub) {
      auto args = std::make_shared<BenchArgs>();
      sub.add_option("--cameras", args->cameras, "Camera counts to run, from 1 to 3 (default 1,2,3)");
      sub.add_option("--threads", args->threads, "Recognition thread counts to run (default 1,2)");
      sub.add_option("--width", args->width_px, "Frame width, px (default 1280)");
      sub.add_option("--height", args->height_px, "Frame height, px (default 720)");
      sub.add_option("--fps", args->fps, "Frames per second of each camera (default 15)");
      sub.add_option("--seconds", args->seconds, "How long each run lasts (default 20)");
      sub.add_option("--hotlist-entries", args->hotlist_entries,
                     "Filler hotlist entries besides the drive plates (default 1000; 5000000 for the memory target)");
      sub.add_option("--seed", args->seed, "Seed of the first camera's drive (default 1)");
      sub.add_flag("--keep", args->keep, "Keep the temporary folder (stores, hotlist) for a look afterwards");
      // What a child run is told by its parent; not for people.
      sub.add_option("--child", args->child)->group("");
      sub.add_option("--data-dir", args->data_dir)->group("");
      sub.add_option("--hotlist-dir", args->hotlist_dir)->group("");
      sub.add_option("--result-file", args->result_file)->group("");
      sub.add_option("--child-cameras", args->child_cameras)->group("");
      sub.add_option("--child-threads", args->child_threads)->group("");
      return [args]() { return args->child.empty() ? ParentMain(*args) : ChildMain(*args); };
    }};

}  // namespace
