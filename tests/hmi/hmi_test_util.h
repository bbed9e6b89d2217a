// Fakes and builders shared by the HMI tests: an officer register and hotlist
// in memory, a sound sink that records requests, reads with real JPEG images
// drawn by OpenCV, logging in, and a logged-in model of a given size. The
// test files take these names with `using namespace testing;` (this
// anpr::hmi::testing, not GoogleTest's).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hmi/actions.h"
#include "hmi/model.h"
#include "hmi/sound.h"
#include "vehicle/records/read.h"

namespace anpr::hmi::testing {

// When the HMI tests' clocks start (UTC ms, in 2026).
inline constexpr int64_t kT0 = 1'790'000'000'000;

class FakeActions : public HmiActions {
 public:
  struct Outcome {
    std::string uuid;
    HitOutcome outcome;
    std::string note;
  };
  std::map<std::string, std::string> pins = {{"1234", "5678"}};
  std::map<std::string, std::vector<Hit>> hotlist;
  bool fail_outcomes = false;
  std::vector<Outcome> outcomes;
  std::vector<std::string> logins, logouts;
  std::vector<HmiSettings> settings_changes;

  Status Login(const std::string& officer, const std::string& pin) override {
    logins.push_back(officer);
    auto it = pins.find(officer);
    if (it == pins.end() || it->second != pin) return Unauthenticated("Wrong officer number or PIN");
    return Status::Ok();
  }
  void Logout(const std::string& officer, bool idle) override {
    logouts.push_back(officer + (idle ? ":idle" : ":manual"));
  }
  Status RecordOutcome(const std::string& uuid, HitOutcome o, const std::string& note) override {
    if (fail_outcomes) return IoError("store unavailable");
    outcomes.push_back({uuid, o, note});
    return Status::Ok();
  }
  struct Correction {
    std::string uuid, vrm;
    std::optional<HitOutcome> outcome;
    std::string note;
  };
  std::vector<Correction> corrections;
  bool fail_corrections = false;
  Status CorrectHit(const std::string& uuid, const std::string& vrm, std::optional<HitOutcome> o,
                    const std::string& note) override {
    if (fail_corrections) return IoError("store unavailable");
    corrections.push_back({uuid, vrm, o, note});
    return Status::Ok();
  }
  Result<std::vector<Hit>> CheckVrm(const std::string& vrm) override {
    auto it = hotlist.find(vrm);
    if (it == hotlist.end()) return std::vector<Hit>{};
    return it->second;
  }
  struct Wanted {
    std::string vrm;
    Priority priority;
    std::string reason;
    int valid_days;
  };
  std::vector<Wanted> wanted;
  bool fail_wanted = false;  // EnterWanted refuses (as a store failure would); nothing recorded
  int wanted_calls = 0;      // every call, refused or not
  Status EnterWanted(const std::string& vrm, Priority p, const std::string& reason, int valid_days) override {
    ++wanted_calls;
    if (fail_wanted) return IoError("store unavailable");
    if (reason.empty()) return InvalidArgument("a reason is required");
    if (valid_days < 1 || valid_days > 100) return InvalidArgument("valid for 1 to 100 days");
    wanted.push_back({vrm, p, reason, valid_days});
    Hit h;
    h.list_name = "officer";
    h.entry_vrm = vrm;
    h.priority = p;
    h.reason = reason;
    hotlist[vrm].push_back(h);
    return Status::Ok();
  }
  void SettingsChanged(const HmiSettings& s) override { settings_changes.push_back(s); }
};

class RecordingSound : public SoundSink {
 public:
  std::vector<std::string> log;  // "play:high", "stop:high", "volume:80"
  void Play(Sound s) override { log.push_back(std::string("play:") + SoundName(s)); }
  void Stop(Sound s) override { log.push_back(std::string("stop:") + SoundName(s)); }
  void SetVolume(int p) override { log.push_back("volume:" + std::to_string(p)); }
  int Count(const std::string& entry) const {
    int n = 0;
    for (const auto& e : log) n += e == entry;
    return n;
  }
};

inline std::vector<uint8_t> Jpeg(const cv::Mat& m) {
  std::vector<uint8_t> out;
  cv::imencode(".jpg", m, out);
  return out;
}

// A plate patch: yellow with the VRM in black.
inline cv::Mat PlateImage(const std::string& vrm) {
  cv::Mat m(60, 260, CV_8UC3, cv::Scalar(0, 210, 255));
  cv::putText(m, vrm, {10, 45}, cv::FONT_HERSHEY_DUPLEX, 1.4, cv::Scalar(0, 0, 0), 3);
  return m;
}

// An overview: a grey road with a car-coloured block and the plate on it.
inline cv::Mat OverviewImage(const std::string& vrm) {
  cv::Mat m(360, 480, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::rectangle(m, {80, 80, 320, 220}, cv::Scalar(160, 60, 20), cv::FILLED);
  cv::Mat plate = PlateImage(vrm);
  plate.copyTo(m(cv::Rect(110, 220, plate.cols, plate.rows)));
  return m;
}

inline Read MakeRead(const std::string& vrm, int64_t at_ms = kT0) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 93;
  r.captured_at_utc_ms = at_ms;
  r.position.mode = FixMode::k3D;
  r.position.lat_deg = 51.50735;
  r.position.lon_deg = -0.12776;
  r.position.speed_mps = 0;
  r.plate_jpeg = Jpeg(PlateImage(vrm));
  r.overview_jpeg = Jpeg(OverviewImage(vrm));
  return r;
}

inline Hit MakeHit(const Read& read, Priority p, MatchKind match = MatchKind::kExact) {
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = read.uuid;
  h.list_name = p == Priority::kHigh ? "PNC" : p == Priority::kMedium ? "Force intel" : "Local";
  h.entry_vrm = read.vrm;
  if (match == MatchKind::kSimilar) h.entry_vrm[2] = h.entry_vrm[2] == '0' ? 'O' : '0';
  h.priority = p;
  h.match = match;
  h.reason = p == Priority::kHigh ? "Stolen vehicle, used in armed robbery"
             : p == Priority::kMedium ? "Wanted for questioning"
                                      : "No insurance";
  h.warning_markers = p == Priority::kHigh ? "FIREARMS, VIOLENT" : "";
  h.information = p == Priority::kHigh ? "Do not stop alone. Follow at a distance and request armed support."
                                       : "Stop and check the driver if safe to do so.";
  h.make = "Ford";
  h.model = "Focus";
  h.colour = "Blue";
  h.raised_at_utc_ms = read.captured_at_utc_ms;
  return h;
}

// Taps the centre of the element carrying `action`, as a finger would.
inline void Tap(HmiModel& m, const std::string& action) {
  const Scene s = m.BuildScene();
  const Element* e = s.FindAction(action);
  ASSERT_NE(e, nullptr) << "no target " << action << " on " << ScreenName(m.screen());
  m.PointerDown(e->rect.cx(), e->rect.cy());
  m.PointerUp(e->rect.cx(), e->rect.cy());
}

inline void TypeDigits(HmiModel& m, const std::string& digits) {
  for (char c : digits) Tap(m, std::string("login.key.") + c);
}

inline void LogIn(HmiModel& m) {
  TypeDigits(m, "1234");
  Tap(m, "login.ok");
  TypeDigits(m, "5678");
  Tap(m, "login.ok");
}

// Logs officer 1234 in by the keypad's actions, without touches (for tests
// whose touches go through SDL's event queue, or none).
inline void LogInByActions(HmiModel& m) {
  for (const char* a : {"login.key.1", "login.key.2", "login.key.3", "login.key.4", "login.ok", "login.key.5",
                        "login.key.6", "login.key.7", "login.key.8", "login.ok"})
    m.Activate(a);
}

// The HMI's settings for a screen of `width_px` x `height_px`.
inline HmiConfig ConfigOfSize(int width_px, int height_px) {
  HmiConfig c;
  c.width_px = width_px;
  c.height_px = height_px;
  return c;
}

// A model of `width_px` x `height_px` with fakes of its own, its clock
// started at kT0 and officer 1234 logged in (LogIn): for the tests that look
// at one screen at several sizes.
struct LoggedInModel {
  LoggedInModel(int width_px, int height_px) : model(ConfigOfSize(width_px, height_px), &actions, &sound) {
    model.Tick(kT0);
    LogIn(model);
  }
  FakeActions actions;
  RecordingSound sound;
  HmiModel model;
};

}  // namespace anpr::hmi::testing
