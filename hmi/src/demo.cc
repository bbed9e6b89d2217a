#include "hmi/demo.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hmi/src/demo_cameras.h"
#include "vehicle/records/mutex.h"

namespace anpr::hmi {
namespace {

Hit Entry(const std::string& vrm, Priority p, const std::string& list, const std::string& reason,
          const std::string& warnings, const std::string& info, const std::string& make,
          const std::string& model, const std::string& colour) {
  Hit h;
  h.list_name = list;
  h.entry_vrm = vrm;
  h.priority = p;
  h.reason = reason;
  h.warning_markers = warnings;
  h.information = info;
  h.make = make;
  h.model = model;
  h.colour = colour;
  return h;
}

cv::Mat PlatePatch(const std::string& vrm) {
  cv::Mat m(70, 300, CV_8UC3, cv::Scalar(20, 200, 250));
  std::string spaced = vrm.size() == 7 ? vrm.substr(0, 4) + " " + vrm.substr(4) : vrm;
  cv::putText(m, spaced, {12, 52}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(10, 10, 10), 3, cv::LINE_AA);
  return m;
}

// The plate and overview JPEGs drawn for each VRM: drawing and encoding them
// is the slow part of a demo read, so they are made once. Demo reads are made
// from more than one thread (the facade test posts from a producer).
struct ImageCache {
  Mutex mu;
  std::map<std::string, std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> by_vrm ANPR_GUARDED_BY(mu);
};

ImageCache& Images() {
  static ImageCache cache;
  return cache;
}

std::vector<uint8_t> Jpeg(const cv::Mat& m) {
  std::vector<uint8_t> out;
  cv::imencode(".jpg", m, out, {cv::IMWRITE_JPEG_QUALITY, 85});
  return out;
}

}  // namespace

DemoActions::DemoActions() {
  hotlist["AB12CDE"] = {Entry("AB12CDE", Priority::kHigh, "PNC", "Stolen vehicle - armed robbery",
                              "FIREARMS, VIOLENT",
                              "Do not stop alone. Follow at a distance, report location and request armed support.",
                              "Ford", "Focus", "Blue")};
  hotlist["MX19KLT"] = {Entry("MX19KLT", Priority::kMedium, "Force intel", "Driver wanted for questioning", "",
                              "Stop if safe and check the driver's identity.", "Vauxhall", "Corsa", "Silver")};
  hotlist["YK65RVP"] = {Entry("YK65RVP", Priority::kLow, "MIB", "No insurance", "",
                              "Stop if resources allow; advise and report.", "Toyota", "Yaris", "Red")};
}

Status DemoActions::Login(const std::string& officer_id, const std::string& pin) {
  if (officer_id == "1234" && pin == "5678") return Status::Ok();
  return Unauthenticated("Wrong officer number or PIN");
}

Status DemoActions::RecordOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string&) {
  outcomes.emplace_back(hit_uuid, outcome);
  return Status::Ok();
}

Status DemoActions::CorrectHit(const std::string& hit_uuid, const std::string& vrm,
                               std::optional<HitOutcome> outcome, const std::string&) {
  corrections.push_back(hit_uuid + " " + vrm + " " + (outcome ? HitOutcomeName(*outcome) : ""));
  return Status::Ok();
}

Result<std::vector<Hit>> DemoActions::CheckVrm(const std::string& vrm) {
  auto it = hotlist.find(vrm);
  if (it == hotlist.end()) return std::vector<Hit>{};
  return it->second;
}

Status DemoActions::EnterWanted(const std::string& vrm, Priority priority, const std::string& reason,
                                int valid_days) {
  if (reason.empty()) return InvalidArgument("a reason is required");
  if (valid_days < 1 || valid_days > 100) return InvalidArgument("valid for 1 to 100 days");
  Hit h;
  h.list_name = "officer";
  h.entry_vrm = vrm;
  h.priority = priority;
  h.reason = reason;
  hotlist[vrm].insert(hotlist[vrm].begin(), h);
  return Status::Ok();
}

std::shared_ptr<const cv::Mat> DemoFrame(const std::string& vrm, Rect* plate_box) {
  cv::Mat m(720, 1280, CV_8UC3, cv::Scalar(110, 105, 100));
  cv::rectangle(m, {0, 0, 1280, 250}, cv::Scalar(200, 170, 140), cv::FILLED);   // sky
  cv::rectangle(m, {0, 600, 1280, 8}, cv::Scalar(230, 230, 230), cv::FILLED);   // road line
  cv::rectangle(m, {380, 260, 520, 330}, cv::Scalar(150, 70, 30), cv::FILLED);  // car body
  cv::rectangle(m, {430, 280, 420, 120}, cv::Scalar(60, 50, 40), cv::FILLED);   // rear window
  const cv::Mat plate = PlatePatch(vrm);
  const cv::Rect where(490, 470, plate.cols, plate.rows);
  plate.copyTo(m(where));
  if (plate_box) *plate_box = {where.x, where.y, where.width, where.height};
  return std::make_shared<const cv::Mat>(std::move(m));
}

Read DemoRead(const std::string& vrm, int64_t at_utc_ms) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 94;
  r.syntax = "gb-current";
  r.captured_at_utc_ms = at_utc_ms;
  r.clock_source = ClockSource::kGps;
  r.position.mode = FixMode::k3D;
  r.position.lat_deg = 53.80075;
  r.position.lon_deg = -1.54907;
  r.position.speed_mps = 0;
  r.camera_id = "front";
  r.unit_id = "DEMO-01";
  ImageCache& cache = Images();
  MutexLock lock(&cache.mu);
  auto it = cache.by_vrm.find(vrm);
  if (it == cache.by_vrm.end()) {
    cv::Mat overview;
    cv::resize(*DemoFrame(vrm, nullptr), overview, cv::Size(640, 360), 0, 0, cv::INTER_AREA);
    it = cache.by_vrm.emplace(vrm, std::make_pair(Jpeg(PlatePatch(vrm)), Jpeg(overview))).first;
  }
  r.plate_jpeg = it->second.first;
  r.overview_jpeg = it->second.second;
  return r;
}

Hit DemoHit(const Read& read, Priority p, MatchKind match) {
  static const DemoActions kLists;
  Hit h;
  std::string key = read.vrm;
  auto it = kLists.hotlist.find(key);
  if (it != kLists.hotlist.end()) {
    h = it->second.front();
  } else {
    h = Entry(read.vrm, p, "Local", "Vehicle of interest", "", "Note and report sightings.", "", "", "");
  }
  h.uuid = NewUuid();
  h.read_uuid = read.uuid;
  h.match = match;
  if (match == MatchKind::kSimilar) {
    // The listed mark differs by one OCR-confusable character.
    static const std::map<char, char> kTwin = {{'0', 'O'}, {'O', '0'}, {'1', 'I'}, {'I', '1'}, {'5', 'S'},
                                               {'S', '5'}, {'6', 'G'}, {'G', '6'}, {'8', 'B'}, {'B', '8'},
                                               {'2', 'Z'}, {'Z', '2'}};
    for (char& c : h.entry_vrm) {
      auto t = kTwin.find(c);
      if (t != kTwin.end()) {
        c = t->second;
        break;
      }
    }
  }
  h.raised_at_utc_ms = read.captured_at_utc_ms;
  return h;
}

std::vector<std::string> DemoScreenNames() {
  std::vector<std::string> base = {"login",       "locked-hit", "live",   "hit-high", "hit-medium", "hit-low",
                                   "hit-reason",  "hit-details", "hit-overview", "driving-hit", "driving", "reads",
                                   "check",       "check-result", "wanted",     "wanted-picks", "settings", "status-fault", "status",
                                   "shift", "shift-hit", "shift-vrm", "live-cameras", "settings-cameras",
                                   "hit-seen", "hit-revised"};
  std::vector<std::string> all = base;
  for (const auto& n : base) all.push_back("night-" + n);
  return all;
}

Result<std::unique_ptr<HmiModel>> MakeDemoModel(const std::string& full_name, int width_px, int height_px,
                                                DemoActions* actions, SoundSink* sound, int64_t now_utc_ms) {
  std::string name = full_name;
  HmiConfig cfg;
  cfg.width_px = width_px;
  cfg.height_px = height_px;
  if (name.rfind("night-", 0) == 0) {
    cfg.settings.night = true;
    name = name.substr(6);
  }
  bool known = false;
  for (const auto& n : DemoScreenNames()) known |= n == name;
  if (!known) return InvalidArgument("unknown screen '" + full_name + "'");

  auto m = std::make_unique<HmiModel>(cfg, actions, sound);
  m->Tick(now_utc_ms);
  UnitStatus st;
  st.camera_text = "CAM 15fps";
  st.gps_fix = FixMode::k3D;
  st.clock_source = ClockSource::kGps;
  st.last_sync_utc_ms = now_utc_ms - 4 * 60 * 1000;
  st.health_lines = {"Frames 54,210 in, 53,987 read, 223 dropped; queue 1; store queue 0",
                     "Reads 412, hits 1/2/3; read latency p50 58 ms, p95 91 ms; sync idle"};
  st.storage_used_percent = 37;
  st.hotlist_updated_utc_ms = now_utc_ms - 2 * 3600 * 1000;
  if (name == "status") st.clock_source = ClockSource::kFreeRunning;  // the clock's "?"
  if (name == "status-fault" || name == "status") {
    st.camera_ok = false;
    st.camera_text = "CAM LOST";
    st.gps_fix = FixMode::kNone;
    st.sync_ok = false;
  }
  // A unit with three cameras, the nearside one lost.
  const bool cameras = name == "live-cameras" || name == "settings" || name == "settings-cameras" || name == "hit-seen";
  if (cameras) {
    internal::SetDemoCameras(
        {internal::DemoCamera("front", true, 54'210, 53'987), internal::DemoCamera("rear", true, 54'198, 52'870),
         internal::DemoCamera("nearside", name != "live-cameras" && name != "settings-cameras", 12'400, 12'400)},
        &st);
  }
  m->SetStatus(st);

  const std::vector<std::string> vrms = {"LR68TXP", "KN17WFA", "YK65RVP", "BD51SMR", "MX19KLT", "GU70HZE",
                                         "AB12CDE", "WP14NUV", "FY66OKC", "SA20BCX"};
  const int n_reads = name == "reads" ? 10 : 6;
  for (int i = 0; i < n_reads; ++i)
    m->AddRead(DemoRead(vrms[static_cast<size_t>(i) % vrms.size()], now_utc_ms - (n_reads - i) * 47'000));
  Rect box;
  auto frame = DemoFrame("GU70HZE", &box);
  m->SetLiveFrame(frame, {LiveBox{box, "GU70HZE"}});
  if (cameras) {
    m->SetCameraFrame("front", frame, {LiveBox{box, "GU70HZE"}});
    Rect rear_box;
    auto rear = DemoFrame("KN17WFA", &rear_box);
    m->SetCameraFrame("rear", rear, {LiveBox{rear_box, "KN17WFA"}});
  }

  auto login = [&] {
    for (const char* a : {"login.key.1", "login.key.2", "login.key.3", "login.key.4", "login.ok", "login.key.5",
                          "login.key.6", "login.key.7", "login.key.8", "login.ok"})
      m->Activate(a);
  };
  auto hit = [&](const std::string& vrm, Priority p, MatchKind k) {
    const Read r = DemoRead(vrm, now_utc_ms - 3000);
    m->AddRead(r);
    m->AddHit(DemoHit(r, p, k), r);
  };

  if (name == "login") {
    m->Activate("login.key.1");
    m->Activate("login.key.2");
    return m;
  }
  if (name == "locked-hit") {
    hit("AB12CDE", Priority::kHigh, MatchKind::kExact);
    return m;
  }
  login();
  if (name == "hit-high" || name == "hit-reason" || name == "driving-hit" || name == "hit-details" ||
      name == "hit-overview") {
    hit("AB12CDE", Priority::kHigh, MatchKind::kExact);
    hit("MX19KLT", Priority::kMedium, MatchKind::kExact);
    if (name == "hit-reason") m->Activate("hit.notactioned");
    if (name == "hit-details") m->Activate("hit.details");
    if (name == "hit-overview") m->Activate("hit.overview");
  } else if (name == "hit-medium") {
    hit("MX19KLT", Priority::kMedium, MatchKind::kExact);
  } else if (name == "hit-low") {
    hit("YK65RVP", Priority::kLow, MatchKind::kSimilar);
  } else if (name == "reads") {
    m->ShowScreen(Screen::kReads);
  } else if (name == "check" || name == "check-result") {
    // "check": typing, the keyboard up (`anpr hmi latency` taps its keys);
    // "check-result": what the check found, in the keyboard's place.
    m->ShowScreen(Screen::kCheck);
    for (char c : std::string("AB12CDE")) m->Activate(std::string("check.key.") + c);
    if (name == "check-result") m->Activate("check.go");
  } else if (name == "wanted" || name == "wanted-picks") {
    // The entry step of a "new wanted" plate, filled in but not yet saved.
    m->ShowScreen(Screen::kCheck);
    for (char c : std::string("GU70HZE")) m->Activate(std::string("check.key.") + c);
    m->Activate("check.go");
    m->Activate("check.wanted");
    m->Activate("wanted.priority.high");
    for (char c : std::string("SEEN LEAVING BURGLARY")) {
      m->Activate(c == ' ' ? std::string("wanted.space") : std::string("wanted.key.") + c);
    }
    m->Activate("wanted.days.7");
    if (name == "wanted-picks") m->Activate("wanted.done");
  } else if (name == "shift" || name == "shift-hit" || name == "shift-vrm") {
    // Three hits answered; the medium one's outcome corrected since. "shift":
    // the list; "shift-hit": the high one opened; "shift-vrm": its VRM on
    // the keyboard.
    hit("AB12CDE", Priority::kHigh, MatchKind::kExact);
    m->Activate("hit.confirmed");
    hit("MX19KLT", Priority::kMedium, MatchKind::kExact);
    m->Activate("hit.notseen");
    hit("YK65RVP", Priority::kLow, MatchKind::kSimilar);
    m->Activate("hit.misread");
    m->FlushOutcome();
    m->ShowScreen(Screen::kShift);
    m->Activate("shift.open.1");
    m->Activate("shift.outcome.notactioned");
    m->Activate("shift.reason.0");
    m->Activate("shift.back");
    if (name != "shift") m->Activate("shift.open.0");
    if (name == "shift-vrm") m->Activate("shift.vrm");
  } else if (name == "live-cameras") {
    m->Activate("live.camera.rear");
  } else if (name == "settings-cameras") {
    m->ShowScreen(Screen::kSettings);
    m->Activate("settings.cameras");
  } else if (name == "hit-seen") {
    // Seen by the front camera, then by the rear within the cool-down.
    hit("MX19KLT", Priority::kMedium, MatchKind::kExact);
    Read again = DemoRead("MX19KLT", now_utc_ms - 1000);
    again.camera_id = "rear";
    m->AddRead(again);
    m->AddSighting(m->current_hit()->uuid, again);
  } else if (name == "hit-revised") {
    // Alerted on an early read; later frames of the pass read one character otherwise.
    hit("AB12CDE", Priority::kHigh, MatchKind::kExact);
    Read later = DemoRead("AB12CDF", now_utc_ms - 2500);
    m->AddRead(later);
    m->ReviseRead(m->current_hit()->read_uuid, later);
  } else if (name == "settings") {
    m->ShowScreen(Screen::kSettings);
  } else if (name == "status") {
    m->Activate("status.open");
  }
  if (name == "driving" || name == "driving-hit") {  // after logging in: no typing while moving
    st.speed_mps = 13.4;
    m->SetStatus(st);
  }
  return m;
}

}  // namespace anpr::hmi
