#include "hmi/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vehicle/records/vrm.h"

namespace anpr::hmi {
namespace {

constexpr double kDesignW = 800, kDesignH = 480;
constexpr int kDragSlopDesignPx = 12;  // finger jitter below this is still a tap
constexpr size_t kMaxOfficerDigits = 10, kMaxPinDigits = 8, kMaxVrmChars = 10;
constexpr size_t kMaxWantedReasonChars = 60;
constexpr int kWantedDays[] = {1, 7, 30, 100};  // an officer's entry: at most 100 days

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string DaysText(int days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

std::shared_ptr<const cv::Mat> Decode(const std::vector<uint8_t>& jpeg, int max_width_px) {
  if (jpeg.empty()) return nullptr;
  cv::Mat m = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  if (m.empty()) return nullptr;  // a corrupt image is shown as "no image"
  if (max_width_px > 0 && m.cols > max_width_px) {
    cv::Mat small;
    cv::resize(m, small, cv::Size(max_width_px, m.rows * max_width_px / m.cols), 0, 0,
               cv::INTER_AREA);
    m = small;
  }
  return std::make_shared<const cv::Mat>(std::move(m));
}

std::string LocalTime(int64_t utc_ms, bool seconds) {
  if (utc_ms <= 0) return "--:--";
  std::time_t t = static_cast<std::time_t>(utc_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, seconds ? "%H:%M:%S" : "%H:%M", &tm);
  return buf;
}

std::string Age(int64_t now_ms, int64_t then_ms) {
  if (then_ms <= 0) return "never";
  const int64_t s = std::max<int64_t>(0, (now_ms - then_ms) / 1000);
  if (s < 60) return "<1m";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400 * 2) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string Place(const GeoTag& g) {
  if (g.mode == FixMode::kNone || !std::isfinite(g.lat_deg) || !std::isfinite(g.lon_deg))
    return "no GPS fix";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.5f, %.5f", g.lat_deg, g.lon_deg);
  return buf;
}

// Text for a plate: "AB12CDE" -> "AB12 CDE" for current GB marks, so the
// officer reads it the way it is printed. Other formats stay unspaced.
std::string Spaced(const std::string& vrm) {
  if (vrm.size() == 7 && std::isalpha(static_cast<unsigned char>(vrm[0])) &&
      std::isalpha(static_cast<unsigned char>(vrm[1])) &&
      std::isdigit(static_cast<unsigned char>(vrm[2])) &&
      std::isdigit(static_cast<unsigned char>(vrm[3])))
    return vrm.substr(0, 4) + " " + vrm.substr(4);
  return vrm;
}

Colour Dim(Colour c) { return {uint8_t(c.r / 2 + 40), uint8_t(c.g / 2 + 40), uint8_t(c.b / 2 + 40), c.a}; }

}  // namespace

const char* ScreenName(Screen s) {
  switch (s) {
    case Screen::kLogin: return "login";
    case Screen::kLive: return "live";
    case Screen::kHit: return "hit";
    case Screen::kReads: return "reads";
    case Screen::kCheck: return "check";
    case Screen::kSettings: return "settings";
  }
  return "?";
}

bool ParseScreen(std::string_view text, Screen* out) {
  for (Screen s : {Screen::kLogin, Screen::kLive, Screen::kHit, Screen::kReads, Screen::kCheck,
                   Screen::kSettings}) {
    if (text == ScreenName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

HmiModel::HmiModel(HmiConfig config, HmiActions* actions, SoundSink* sound)
    : config_(std::move(config)),
      actions_(actions),
      sound_(sound),
      settings_(config_.settings),
      width_px_(config_.width_px),
      height_px_(config_.height_px) {
  if (sound_) sound_->SetVolume(settings_.volume_percent);
}

const Theme& HmiModel::theme() const { return settings_.night ? NightTheme() : DayTheme(); }

int HmiModel::Px(double design_px) const {
  const double scale = std::min(width_px_ / kDesignW, height_px_ / kDesignH);
  return static_cast<int>(std::lround(design_px * scale));
}

Rect HmiModel::ContentRect() const {
  const int top = Px(40);
  const int bottom = height_px_ - Px(64);
  return {0, top, width_px_, bottom - top};
}

// ---------------------------------------------------------------- data in

void HmiModel::SetLiveFrame(std::shared_ptr<const cv::Mat> frame_bgr, std::vector<LiveBox> boxes) {
  live_frame_ = std::move(frame_bgr);
  live_boxes_ = std::move(boxes);
  if (screen_ == Screen::kLive) dirty_ = true;
}

void HmiModel::AddRead(const Read& read) {
  ReadRow row;
  row.uuid = read.uuid;
  row.vrm = read.vrm;
  row.confidence = read.confidence;
  row.captured_at_utc_ms = read.captured_at_utc_ms;
  row.position = read.position;
  row.plate_jpeg = read.plate_jpeg;
  row.overview_jpeg = read.overview_jpeg;
  reads_.push_back(std::move(row));
  while (reads_.size() > config_.max_reads) reads_.pop_front();
  if (reads_.size() > config_.max_read_images) {
    ReadRow& old = reads_[reads_.size() - config_.max_read_images - 1];
    old.plate_jpeg.clear();
    old.plate_jpeg.shrink_to_fit();
    old.overview_jpeg.clear();
    old.overview_jpeg.shrink_to_fit();
    old.plate.reset();
    old.overview.reset();
  }
  // Keep the rows under the officer's finger still while new reads arrive at the top.
  if (screen_ == Screen::kReads && reads_scroll_px_ > 0) reads_scroll_px_ += Px(88);
  dirty_ = true;
}

bool HmiModel::AddHit(const Hit& hit, const Read& read) {
  if (hit.covert) return false;
  for (auto& p : hits_) {
    if (p.hit.uuid == hit.uuid) {  // a repeat within the cool-down: update, no new alert
      p.hit = hit;
      dirty_ = true;
      return true;
    }
  }
  PendingHit p;
  p.hit = hit;
  p.read_vrm = read.vrm;
  p.read_confidence = read.confidence;
  p.captured_at_utc_ms = read.captured_at_utc_ms;
  p.position = read.position;
  p.plate = Decode(read.plate_jpeg, 0);
  p.overview = Decode(read.overview_jpeg, 960);
  // Highest priority first, then in order of arrival. The hit on screen stays
  // on screen unless a more urgent one arrives.
  auto pos = std::find_if(hits_.begin(), hits_.end(), [&](const PendingHit& h) {
    return static_cast<int>(h.hit.priority) < static_cast<int>(hit.priority);
  });
  if (pos == hits_.begin() && !hits_.empty()) choosing_reason_ = false;
  hits_.insert(pos, std::move(p));

  if (sound_) {
    switch (hit.priority) {
      case Priority::kHigh: break;  // UpdateAlarm starts the repeating alarm
      case Priority::kMedium:
        if (!settings_.mute_medium) sound_->Play(Sound::kMediumAlert);
        break;
      case Priority::kLow:
        if (!settings_.mute_low) sound_->Play(Sound::kLowAlert);
        break;
    }
  }
  UpdateAlarm();
  if (logged_in() && screen_ != Screen::kHit) {
    back_screen_ = screen_;
    screen_ = Screen::kHit;
  }
  dirty_ = true;
  return true;
}

void HmiModel::SetStatus(const UnitStatus& status) {
  auto faults = [](const UnitStatus& s) {
    return std::vector<bool>{!s.camera_ok, s.gps_fix == FixMode::kNone || s.gps_stale, !s.clock_ok,
                             !s.sync_ok,   !s.storage_ok, !s.hotlist_ok};
  };
  const std::vector<bool> before = have_status_ ? faults(status_) : std::vector<bool>(6, false);
  const std::vector<bool> after = faults(status);
  bool newly_failed = false;
  for (size_t i = 0; i < after.size(); ++i) newly_failed |= after[i] && !before[i];
  if (newly_failed && sound_) sound_->Play(Sound::kStatusFailure);

  status_ = status;
  have_status_ = true;
  const double v = status.speed_mps;
  if (std::isfinite(v)) {
    const bool was = driving_;
    if (!driving_ && v > config_.driving_speed_mps) driving_ = true;
    if (driving_ && v < config_.driving_speed_mps / 2) driving_ = false;
    if (was != driving_) pointer_down_ = false, pressed_action_.clear();
  }
  dirty_ = true;
}

void HmiModel::Tick(int64_t now_utc_ms) {
  if (now_utc_ms / 1000 != now_utc_ms_ / 1000) dirty_ = true;  // the clock shows seconds
  now_utc_ms_ = now_utc_ms;
  if (last_input_utc_ms_ == 0) last_input_utc_ms_ = now_utc_ms;
  // Never lock while driving: the officer is in the car and could not log in
  // again until stopped, which would hide hits from them.
  if (logged_in() && !driving_ && now_utc_ms - last_input_utc_ms_ > config_.idle_lock_ms)
    Lock(/*idle=*/true);
}

void HmiModel::Resize(int width_px, int height_px) {
  width_px_ = width_px;
  height_px_ = height_px;
  dirty_ = true;
}

// ---------------------------------------------------------------- touches

void HmiModel::PointerDown(int x, int y) {
  last_input_utc_ms_ = now_utc_ms_;
  pointer_down_ = true;
  dragging_ = false;
  down_x_ = x;
  down_y_ = y;
  down_scroll_px_ = reads_scroll_px_;
  // Any touch on a hit acknowledges it: the repeating alarm stops at once.
  if (screen_ == Screen::kHit) Acknowledge();
  const Scene scene = BuildScene();
  const Element* target = scene.TargetAt(x, y);
  pressed_action_ = target ? target->action : "";
  dirty_ = true;
}

void HmiModel::PointerMove(int x, int y) {
  if (!pointer_down_) return;
  if (std::abs(y - down_y_) > Px(kDragSlopDesignPx) || std::abs(x - down_x_) > Px(kDragSlopDesignPx))
    dragging_ = true;
  if (dragging_ && screen_ == Screen::kReads && !driving_) {
    const Rect c = ContentRect();
    const int list_h = c.h - Px(36);
    const int max_scroll = std::max(0, ReadsContentHeight() - list_h);
    reads_scroll_px_ = std::clamp(down_scroll_px_ - (y - down_y_), 0, max_scroll);
    pressed_action_.clear();
    dirty_ = true;
  }
}

void HmiModel::PointerUp(int x, int y) {
  if (!pointer_down_) return;
  pointer_down_ = false;
  last_input_utc_ms_ = now_utc_ms_;
  const std::string pressed = pressed_action_;
  pressed_action_.clear();
  dirty_ = true;
  if (pressed.empty()) return;
  // Fire on release over the same target (a finger slid off cancels), and not
  // at the end of a scroll.
  if (dragging_ && pressed == "reads.area") return;
  const Scene scene = BuildScene();
  const Element* target = scene.TargetAt(x, y);
  if (target && target->action == pressed) Activate(pressed);
}

void HmiModel::Activate(const std::string& action) {
  dirty_ = true;
  auto starts = [&](const char* prefix) { return action.rfind(prefix, 0) == 0; };

  if (starts("login.")) {
    if (action == "login.silence") return Acknowledge();
    if (logged_in() || !TypingAllowed()) return;
    std::string& field = login_pin_field_ ? login_pin_ : login_officer_;
    const size_t max = login_pin_field_ ? kMaxPinDigits : kMaxOfficerDigits;
    if (starts("login.key.")) {
      if (field.size() < max) field += action.substr(10);
      message_.clear();
    } else if (action == "login.del") {
      if (!field.empty()) field.pop_back();
      else if (login_pin_field_) login_pin_field_ = false;
    } else if (action == "login.field.officer") {
      login_pin_field_ = false;
    } else if (action == "login.field.pin") {
      login_pin_field_ = true;
    } else if (action == "login.ok") {
      if (!login_pin_field_) {
        if (!login_officer_.empty()) login_pin_field_ = true;
      } else {
        TryLogin();
      }
    }
    return;
  }
  if (!logged_in()) return;

  if (starts("hit.")) {
    if (hits_.empty() || screen_ != Screen::kHit) return;
    if (action == "hit.ack") return Acknowledge();
    if (driving_) return;  // outcomes are given when stationary
    if (action == "hit.confirmed") return RecordOutcome(HitOutcome::kConfirmed, "");
    if (action == "hit.misread") return RecordOutcome(HitOutcome::kMisread, "");
    if (action == "hit.notseen") return RecordOutcome(HitOutcome::kNotSeen, "");
    if (action == "hit.notactioned") {
      choosing_reason_ = true;
      return;
    }
    if (action == "hit.reason.cancel") {
      choosing_reason_ = false;
      return;
    }
    if (starts("hit.reason.") && choosing_reason_) {
      const size_t i = std::stoul(action.substr(11));
      if (i < config_.not_actioned_reasons.size())
        RecordOutcome(HitOutcome::kNotActioned, config_.not_actioned_reasons[i]);
    }
    return;
  }
  if (screen_ == Screen::kHit) return;  // modal: answer the hit first

  if (starts("nav.")) {
    if (action == "nav.lock") return Lock(/*idle=*/false);
    Screen s;
    if (ParseScreen(action.substr(4), &s) && s != Screen::kHit && s != Screen::kLogin) Navigate(s);
    return;
  }
  if (starts("wanted.")) return ActivateWanted(action);
  if (starts("check.")) {
    // While the wanted entry step is open the keyboard types its reason.
    if (screen_ != Screen::kCheck || !TypingAllowed() || wanted_.open) return;
    if (starts("check.key.")) {
      if (check_text_.size() < kMaxVrmChars) check_text_ += action.substr(10);
      check_done_ = false;
      check_notice_.clear();
    } else if (action == "check.del") {
      if (!check_text_.empty()) check_text_.pop_back();
      check_done_ = false;
      check_notice_.clear();
    } else if (action == "check.clear") {
      check_text_.clear();
      check_done_ = false;
      check_results_.clear();
      check_notice_.clear();
      message_.clear();
    } else if (action == "check.go") {
      check_notice_.clear();
      RunCheck(NormaliseVrm(check_text_));
    } else if (action == "check.wanted") {
      const std::string vrm = NormaliseVrm(check_text_);
      if (vrm.empty()) return;
      wanted_ = WantedEntry{};
      wanted_.open = true;
      wanted_.vrm = vrm;
      message_.clear();
      check_notice_.clear();
    }
    return;
  }
  if (starts("settings.")) {
    if (screen_ != Screen::kSettings || driving_) return;
    if (action == "settings.vol.down") settings_.volume_percent = std::max(0, settings_.volume_percent - 10);
    else if (action == "settings.vol.up") settings_.volume_percent = std::min(100, settings_.volume_percent + 10);
    else if (action == "settings.night") settings_.night = !settings_.night;
    else if (action == "settings.mute_low") settings_.mute_low = !settings_.mute_low;
    else if (action == "settings.mute_medium") settings_.mute_medium = !settings_.mute_medium;
    else return;
    SettingsChanged();
    return;
  }
}

void HmiModel::RunCheck(const std::string& vrm) {
  check_results_.clear();
  check_done_ = false;
  message_.clear();
  if (vrm.empty()) return;
  Result<std::vector<Hit>> r = actions_->CheckVrm(vrm);
  if (r.ok()) {
    check_results_ = std::move(r.value());
    std::stable_sort(check_results_.begin(), check_results_.end(), [](const Hit& a, const Hit& b) {
      return static_cast<int>(a.priority) > static_cast<int>(b.priority);
    });
    check_done_ = true;
  } else {
    message_ = "Check failed: " + r.status().message();
  }
}

// The "new wanted" entry step of the Check screen. Only stationary (the
// keyboard is typing) and only while the step is open on the Check screen.
void HmiModel::ActivateWanted(const std::string& action) {
  if (screen_ != Screen::kCheck || !TypingAllowed() || !wanted_.open) return;
  auto starts = [&](const char* prefix) { return action.rfind(prefix, 0) == 0; };
  std::string& reason = wanted_.reason;
  if (starts("wanted.key.")) {
    const std::string key = action.substr(11);
    if (key.size() != 1 || !std::isalnum(static_cast<unsigned char>(key[0]))) return;
    if (reason.size() < kMaxWantedReasonChars) reason += Upper(key);
  } else if (action == "wanted.space") {
    // No leading or double spaces: what is shown is what is stored.
    if (!reason.empty() && reason.back() != ' ' && reason.size() < kMaxWantedReasonChars) reason += ' ';
  } else if (action == "wanted.del") {
    if (!reason.empty()) reason.pop_back();
  } else if (action == "wanted.priority.high") {
    wanted_.priority = Priority::kHigh;
  } else if (action == "wanted.priority.medium") {
    wanted_.priority = Priority::kMedium;
  } else if (action == "wanted.priority.low") {
    wanted_.priority = Priority::kLow;
  } else if (starts("wanted.days.")) {
    const std::string d = action.substr(12);
    for (int days : kWantedDays)
      if (d == std::to_string(days)) wanted_.days = days;
  } else if (action == "wanted.save") {
    return SaveWanted();
  } else if (action == "wanted.cancel") {
    wanted_ = WantedEntry{};
  } else {
    return;
  }
  message_.clear();
}

void HmiModel::SaveWanted() {
  std::string reason = wanted_.reason;
  while (!reason.empty() && reason.back() == ' ') reason.pop_back();
  if (!wanted_.priority || reason.empty()) {
    message_ = !wanted_.priority && reason.empty() ? "Pick a priority and type a reason"
               : !wanted_.priority                ? "Pick a priority"
                                                  : "Type a reason";
    return;
  }
  const Status st = actions_->EnterWanted(wanted_.vrm, *wanted_.priority, reason, wanted_.days);
  if (!st.ok()) {
    // The entry stays as typed: the officer corrects it or tries again.
    message_ = "Not entered: " + (st.message().empty() ? std::string("refused") : st.message());
    return;
  }
  const std::string vrm = wanted_.vrm;
  const Priority priority = *wanted_.priority;
  const int days = wanted_.days;
  wanted_ = WantedEntry{};
  // Back to the plate's check result: it now hits, from the officer's entry.
  check_text_ = vrm;
  RunCheck(vrm);
  check_notice_ = "Wanted entered: " + vrm + ", " + PriorityName(priority) + ", " + DaysText(days);
}

void HmiModel::ShowScreen(Screen s) {
  if (s == Screen::kLogin) {
    if (logged_in()) Lock(false);
    return;
  }
  if (!logged_in()) return;
  if (s == Screen::kHit) {
    if (!hits_.empty()) screen_ = Screen::kHit;
  } else if (screen_ != Screen::kHit) {
    Navigate(s);
  }
  dirty_ = true;
}

void HmiModel::Navigate(Screen s) {
  screen_ = s;
  message_.clear();
  check_notice_.clear();
  dirty_ = true;
}

void HmiModel::TryLogin() {
  const Status st = actions_->Login(login_officer_, login_pin_);
  login_pin_.clear();
  if (!st.ok()) {
    message_ = st.message().empty() ? "Login refused" : st.message();
    return;
  }
  officer_ = login_officer_;
  login_officer_.clear();
  login_pin_field_ = false;
  message_.clear();
  last_input_utc_ms_ = now_utc_ms_;
  screen_ = hits_.empty() ? Screen::kLive : Screen::kHit;
  back_screen_ = Screen::kLive;
}

void HmiModel::Lock(bool idle) {
  if (!logged_in()) return;
  actions_->Logout(officer_, idle);
  officer_.clear();
  login_officer_.clear();
  login_pin_.clear();
  login_pin_field_ = false;
  choosing_reason_ = false;
  check_text_.clear();
  check_results_.clear();
  check_done_ = false;
  check_notice_.clear();
  wanted_ = WantedEntry{};  // the next officer starts afresh
  message_ = idle ? "Locked after inactivity" : "";
  screen_ = Screen::kLogin;
  dirty_ = true;
}

void HmiModel::SettingsChanged() {
  if (sound_) sound_->SetVolume(settings_.volume_percent);
  actions_->SettingsChanged(settings_);
}

void HmiModel::Acknowledge() {
  for (auto& h : hits_) h.acknowledged = true;
  UpdateAlarm();
  dirty_ = true;
}

void HmiModel::UpdateAlarm() {
  if (!sound_) return;
  const bool unacked_high = std::any_of(hits_.begin(), hits_.end(), [](const PendingHit& h) {
    return h.hit.priority == Priority::kHigh && !h.acknowledged;
  });
  if (unacked_high) sound_->Play(Sound::kHighAlert);
  else sound_->Stop(Sound::kHighAlert);
}

void HmiModel::RecordOutcome(HitOutcome outcome, const std::string& note) {
  const Status st = actions_->RecordOutcome(hits_.front().hit.uuid, outcome, note);
  if (!st.ok()) {
    // The hit stays on screen: the officer tries again; nothing is lost.
    message_ = "Not saved: " + st.message();
    return;
  }
  message_.clear();
  choosing_reason_ = false;
  hits_.pop_front();
  UpdateAlarm();
  if (hits_.empty()) screen_ = back_screen_;
}

// ---------------------------------------------------------------- scene

void HmiModel::AddButton(Scene* s, Rect r, const std::string& label, const std::string& action,
                         bool enabled, int font_px) const {
  const Theme& t = theme();
  Element e;
  e.rect = r;
  e.fill = enabled ? t.button : Dim(t.button);
  e.text = label;
  e.text_colour = enabled ? t.button_text : t.muted_text;
  e.font_px = font_px > 0 ? font_px : Px(22);
  e.bold = true;
  e.action = action;
  e.enabled = enabled;
  e.pressed = pointer_down_ && action == pressed_action_;
  if (e.pressed) e.fill = t.accent;
  e.id = action;
  s->elements.push_back(std::move(e));
}

void HmiModel::AddPlateText(Scene* s, Rect r, const std::string& vrm, int font_px,
                            const std::string& id) const {
  const Theme& t = theme();
  Element e;
  e.rect = r;
  e.fill = t.plate_front;
  e.border = {0, 0, 0, 255};
  e.border_px = std::max(2, Px(2));
  e.text = Spaced(vrm);
  e.text_colour = t.plate_text;
  e.font_px = font_px;
  e.bold = true;
  e.mono = true;
  e.id = id;
  s->elements.push_back(std::move(e));
}

Scene HmiModel::BuildScene() const {
  Scene s;
  s.width = width_px_;
  s.height = height_px_;
  s.background = theme().background;
  if (!logged_in()) {
    BuildLogin(&s);
  } else if (screen_ == Screen::kHit && !hits_.empty()) {
    if (driving_) BuildHitDriving(&s);
    else BuildHit(&s);
  } else if (driving_) {
    BuildDriving(&s);
  } else {
    switch (screen_) {
      case Screen::kLive: BuildLive(&s); break;
      case Screen::kReads: BuildReads(&s); break;
      case Screen::kCheck: BuildCheck(&s); break;
      case Screen::kSettings: BuildSettings(&s); break;
      case Screen::kLogin:
      case Screen::kHit: BuildLive(&s); break;
    }
    BuildNavBar(&s);
  }
  BuildStatusBar(&s);
  dirty_ = false;
  return s;
}

void HmiModel::BuildStatusBar(Scene* s) const {
  const Theme& t = theme();
  const int h = Px(40);
  Element bar;
  bar.rect = {0, 0, width_px_, h};
  bar.fill = t.panel;
  bar.id = "status.bar";
  s->elements.push_back(bar);

  struct Item { const char* id; bool ok; std::string text; };
  std::vector<Item> items;
  const UnitStatus& u = status_;
  if (!have_status_) {
    items = {{"status.camera", true, "CAM ..."}, {"status.gps", true, "GPS ..."},
             {"status.clock", true, LocalTime(now_utc_ms_, true)}, {"status.sync", true, "SYNC ..."},
             {"status.storage", true, "DISK ..."}, {"status.hotlist", true, "LIST ..."}};
  } else {
    std::string gps = u.gps_fix == FixMode::kNone ? "NO GPS FIX"
                      : u.gps_stale               ? "GPS STALE"
                      : u.gps_fix == FixMode::k3D ? "GPS 3D"
                                                  : "GPS 2D";
    std::string clock = LocalTime(now_utc_ms_, true);
    if (u.clock_source != ClockSource::kGps) clock += u.clock_source == ClockSource::kNtp ? " N" : " ?";
    items = {
        {"status.camera", u.camera_ok, u.camera_text},
        {"status.gps", u.gps_fix != FixMode::kNone && !u.gps_stale, gps},
        {"status.clock", u.clock_ok, clock},
        {"status.sync", u.sync_ok, u.sync_ok ? "SYNC " + Age(now_utc_ms_, u.last_sync_utc_ms) : "SYNC FAIL"},
        {"status.storage", u.storage_ok, "DISK " + std::to_string(u.storage_used_percent) + "%"},
        {"status.hotlist", u.hotlist_ok && u.hotlist_updated_utc_ms > 0,
         u.hotlist_updated_utc_ms > 0 ? "LIST " + Age(now_utc_ms_, u.hotlist_updated_utc_ms) : "NO LIST"},
    };
  }
  const int officer_w = Px(110);
  const int gap = Px(3);
  const int item_w = (width_px_ - officer_w - gap * 8) / static_cast<int>(items.size());
  int x = gap;
  for (const Item& it : items) {
    Element e;
    e.rect = {x, gap, item_w, h - 2 * gap};
    e.fill = it.ok ? t.background : t.fault;
    e.text = it.ok ? it.text : "\u2716 " + it.text;  // a cross, not only red
    e.text_colour = it.ok ? t.text : Colour{255, 255, 255, 255};
    e.font_px = Px(16);
    e.bold = !it.ok;
    e.id = it.id;
    s->elements.push_back(std::move(e));
    x += item_w + gap;
  }
  Element who;
  who.rect = {width_px_ - officer_w - gap, gap, officer_w, h - 2 * gap};
  who.text = logged_in() ? "\u25CF " + officer_ : "LOCKED";
  who.text_colour = t.text;
  if (!audio_ok_) {  // a silent unit must say so: alerts would go unheard
    who.fill = t.fault;
    who.text = "\u2716 NO SOUND";
    who.text_colour = {255, 255, 255, 255};
  }
  who.font_px = Px(16);
  who.bold = true;
  who.id = "status.officer";
  s->elements.push_back(std::move(who));
}

void HmiModel::BuildNavBar(Scene* s) const {
  const Theme& t = theme();
  const int h = Px(64), y = height_px_ - h;
  Element bar;
  bar.rect = {0, y, width_px_, h};
  bar.fill = t.panel;
  s->elements.push_back(bar);
  const std::vector<std::pair<std::string, std::string>> items = {
      {"LIVE", "nav.live"}, {"READS", "nav.reads"}, {"CHECK", "nav.check"},
      {"SETTINGS", "nav.settings"}, {"LOCK", "nav.lock"}};
  const int gap = Px(6);
  const int w = (width_px_ - gap * (static_cast<int>(items.size()) + 1)) / static_cast<int>(items.size());
  int x = gap;
  for (const auto& [label, action] : items) {
    AddButton(s, {x, y + gap, w, h - 2 * gap}, label, action);
    Screen cur;
    if (ParseScreen(action.substr(4), &cur) && cur == screen_) {
      s->elements.back().fill = t.accent;
      s->elements.back().border = t.text;
      s->elements.back().border_px = Px(2);
    }
    x += w + gap;
  }
}

void HmiModel::BuildLogin(Scene* s) const {
  const Theme& t = theme();
  const int top = Px(40);
  const int left_w = width_px_ - Px(340);
  Element title;
  title.rect = {Px(20), top + Px(12), left_w - Px(40), Px(44)};
  title.text = officer_.empty() && message_ == "Locked after inactivity" ? "Locked" : "Officer log in";
  title.text_colour = t.text;
  title.font_px = Px(32);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "login.title";
  s->elements.push_back(title);

  auto field = [&](int y, const std::string& label, const std::string& value, bool active,
                   const std::string& action) {
    Element l;
    l.rect = {Px(20), y, left_w - Px(40), Px(24)};
    l.text = label;
    l.text_colour = t.muted_text;
    l.font_px = Px(18);
    l.align = Align::kLeft;
    s->elements.push_back(l);
    Element f;
    f.rect = {Px(20), y + Px(26), std::min(left_w - Px(40), Px(320)), Px(56)};
    f.fill = t.panel;
    f.border = active ? t.accent : t.muted_text;
    f.border_px = active ? Px(4) : Px(2);
    f.text = value.empty() ? " " : value;
    f.text_colour = t.text;
    f.font_px = Px(32);
    f.mono = true;
    f.bold = true;
    f.align = Align::kLeft;
    f.action = action;
    f.id = action;
    s->elements.push_back(f);
  };
  field(top + Px(66), "Officer number", login_officer_, !login_pin_field_, "login.field.officer");
  field(top + Px(156), "PIN", std::string(login_pin_.size(), '*'), login_pin_field_, "login.field.pin");

  Element msg;
  msg.rect = {Px(20), top + Px(244), left_w - Px(40), Px(30)};
  msg.text = !TypingAllowed() ? "Stop the car to log in" : message_;
  msg.text_colour = t.fault;
  msg.font_px = Px(20);
  msg.bold = true;
  msg.align = Align::kLeft;
  msg.id = "login.message";
  if (!msg.text.empty()) s->elements.push_back(msg);

  // Waiting hits: shown (priority and count only, no personal data) so the
  // officer knows to log in; the alarm can be silenced without logging in.
  if (!hits_.empty()) {
    const Priority p = hits_.front().hit.priority;
    Element b;
    b.rect = {Px(20), height_px_ - Px(130), left_w - Px(40), Px(110)};
    b.fill = PriorityColour(t, p);
    s->elements.push_back(b);
    Element sym;
    sym.rect = {b.rect.x + Px(10), b.rect.y + Px(10), Px(56), Px(56)};
    sym.fill = b.fill;  // the mark inside the symbol takes the banner's colour
    sym.symbol = PrioritySymbol(p);
    sym.symbol_colour = PriorityTextColour(t, p);
    s->elements.push_back(sym);
    Element txt;
    txt.rect = {b.rect.x + Px(76), b.rect.y + Px(8), b.rect.w - Px(86), Px(60)};
    txt.text = std::to_string(hits_.size()) + (hits_.size() == 1 ? " HIT WAITING" : " HITS WAITING");
    txt.text_colour = PriorityTextColour(t, p);
    txt.font_px = Px(26);
    txt.bold = true;
    txt.align = Align::kLeft;
    txt.id = "login.hits";
    s->elements.push_back(txt);
    const bool alarm = std::any_of(hits_.begin(), hits_.end(), [](const PendingHit& h) {
      return h.hit.priority == Priority::kHigh && !h.acknowledged;
    });
    if (alarm) AddButton(s, {b.rect.x + b.rect.w - Px(150), b.rect.y + Px(50), Px(140), Px(52)}, "SILENCE", "login.silence");
  }

  // Keypad.
  const int key_w = Px(96), key_h = Px(76), gap = Px(8);
  const int kx = width_px_ - Px(20) - 3 * key_w - 2 * gap;
  const int ky = top + Px(20);
  const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "DEL", "0", "OK"};
  for (int i = 0; i < 12; ++i) {
    const Rect r{kx + (i % 3) * (key_w + gap), ky + (i / 3) * (key_h + gap), key_w, key_h};
    std::string k = keys[i];
    std::string action = k == "DEL" ? "login.del" : k == "OK" ? "login.ok" : "login.key." + k;
    std::string label = k == "OK" ? (login_pin_field_ ? "LOG IN" : "NEXT") : k;
    AddButton(s, r, label, action, TypingAllowed(), k.size() == 1 ? Px(34) : Px(22));
  }
}

void HmiModel::BuildLive(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8);
  const Rect cam{gap, c.y + gap, (c.w * 2) / 3, c.h - 2 * gap};
  Element panel;
  panel.rect = cam;
  panel.fill = {0, 0, 0, 255};
  panel.id = "live.camera";
  if (!live_frame_ || live_frame_->empty()) {
    panel.text = "No camera picture";
    panel.text_colour = {255, 255, 255, 255};
    panel.font_px = Px(26);
    s->elements.push_back(panel);
  } else {
    s->elements.push_back(panel);
    // Fit the frame, keeping its aspect, so the boxes can be placed on it.
    const double scale = std::min(double(cam.w) / live_frame_->cols, double(cam.h) / live_frame_->rows);
    const int iw = int(live_frame_->cols * scale), ih = int(live_frame_->rows * scale);
    const Rect img{cam.x + (cam.w - iw) / 2, cam.y + (cam.h - ih) / 2, iw, ih};
    Element im;
    im.rect = img;
    im.image = live_frame_;
    im.id = "live.frame";
    s->elements.push_back(im);
    for (const LiveBox& b : live_boxes_) {
      Element box;
      box.rect = {img.x + int(b.box.x * scale), img.y + int(b.box.y * scale), std::max(2, int(b.box.w * scale)),
                  std::max(2, int(b.box.h * scale))};
      box.border = {0, 230, 0, 255};
      box.border_px = Px(3);
      box.clip = img;
      box.id = "live.box";
      s->elements.push_back(box);
      if (!b.vrm.empty()) {
        Element label;
        label.rect = {box.rect.x, box.rect.y - Px(26), std::max(box.rect.w, Px(130)), Px(24)};
        label.fill = {0, 0, 0, 200};
        label.text = Spaced(b.vrm);
        label.text_colour = {0, 255, 0, 255};
        label.font_px = Px(20);
        label.bold = true;
        label.mono = true;
        label.clip = img;
        s->elements.push_back(label);
      }
    }
  }
  if (have_status_ && !status_.camera_ok) {
    Element lost;  // an old picture must not pass for a live one
    lost.rect = {cam.x, cam.y + cam.h / 2 - Px(40), cam.w, Px(80)};
    lost.fill = {t.fault.r, t.fault.g, t.fault.b, 230};
    lost.text = "\u2716 " + status_.camera_text;
    lost.text_colour = {255, 255, 255, 255};
    lost.font_px = Px(34);
    lost.bold = true;
    lost.id = "live.camera_lost";
    s->elements.push_back(lost);
  }
  // Latest reads, newest first.
  const int rx = cam.x + cam.w + gap, rw = c.w - rx - gap;
  Element head;
  head.rect = {rx, c.y + gap, rw, Px(30)};
  head.text = "LATEST READS";
  head.text_colour = t.muted_text;
  head.font_px = Px(18);
  head.bold = true;
  s->elements.push_back(head);
  int y = c.y + gap + Px(34);
  const int row_h = Px(62);
  for (auto it = reads_.rbegin(); it != reads_.rend() && y + row_h <= c.y + c.h; ++it) {
    AddPlateText(s, {rx, y, rw, Px(40)}, it->vrm, Px(28), "live.read");
    Element when;
    when.rect = {rx, y + Px(40), rw, Px(20)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "  %.0f%%", it->confidence);
    when.text = LocalTime(it->captured_at_utc_ms, true) + conf;
    when.text_colour = t.muted_text;
    when.font_px = Px(15);
    s->elements.push_back(when);
    y += row_h;
  }
  if (reads_.empty()) {
    Element none;
    none.rect = {rx, y, rw, Px(30)};
    none.text = "No reads yet";
    none.text_colour = t.muted_text;
    none.font_px = Px(18);
    s->elements.push_back(none);
  }
}

void HmiModel::BuildHit(Scene* s) const {
  const Theme& t = theme();
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  const Colour pc = PriorityColour(t, h.priority), ptc = PriorityTextColour(t, h.priority);
  s->background = pc;
  const int top = Px(40), gap = Px(10);

  // Header: symbol, priority in words, queue count.
  Element sym;
  sym.rect = {gap, top + Px(6), Px(58), Px(58)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element title;
  title.rect = {Px(80), top + Px(6), width_px_ / 2, Px(58)};
  std::string pname = PriorityName(h.priority);
  for (char& ch : pname) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  title.text = pname + " PRIORITY" + (h.late ? "  (LATE)" : "");
  title.text_colour = ptc;
  title.font_px = Px(36);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "hit.title";
  s->elements.push_back(title);
  if (hits_.size() > 1) {
    Element count;
    count.rect = {width_px_ - Px(250), top + Px(12), Px(240), Px(46)};
    count.fill = {0, 0, 0, 255};
    count.text = "1 of " + std::to_string(hits_.size()) + " waiting";
    count.text_colour = {255, 255, 255, 255};
    count.font_px = Px(22);
    count.bold = true;
    count.id = "hit.count";
    s->elements.push_back(count);
  }

  const int buttons_h = Px(72);
  const Rect card{gap, top + Px(70), width_px_ - 2 * gap, height_px_ - top - Px(70) - buttons_h - 2 * gap};
  Element cardel;
  cardel.rect = card;
  cardel.fill = t.panel;
  s->elements.push_back(cardel);

  if (choosing_reason_) {
    Element q;
    q.rect = {card.x + gap, card.y + gap, card.w - 2 * gap, Px(36)};
    q.text = "Not actioned: why? (" + Spaced(ph.read_vrm) + ")";
    q.text_colour = t.text;
    q.font_px = Px(26);
    q.bold = true;
    q.align = Align::kLeft;
    q.id = "hit.reason.title";
    s->elements.push_back(q);
    const int cols = 2, bw = (card.w - 3 * gap) / cols, bh = Px(54);
    for (size_t i = 0; i < config_.not_actioned_reasons.size(); ++i) {
      const int col = int(i) % cols, row = int(i) / cols;
      AddButton(s, {card.x + gap + col * (bw + gap), card.y + Px(52) + row * (bh + gap), bw, bh},
                config_.not_actioned_reasons[i], "hit.reason." + std::to_string(i), true, Px(20));
    }
    AddButton(s, {gap, height_px_ - buttons_h - gap, width_px_ - 2 * gap, buttons_h}, "CANCEL",
              "hit.reason.cancel");
  } else {
    const int lx = card.x + gap, lw = (card.w * 60) / 100;
    int y = card.y + gap;
    AddPlateText(s, {lx, y, std::min(lw, Px(400)), Px(74)}, ph.read_vrm, Px(60), "hit.vrm");
    y += Px(74) + Px(6);
    // The plate patch beside the hotlist VRM it matched, so the officer
    // compares the picture with the entry (a similar match differs).
    Element patch;
    patch.rect = {lx, y, Px(170), Px(44)};
    patch.fill = {0, 0, 0, 255};
    patch.image = ph.plate;
    patch.id = "hit.patch";
    if (!ph.plate) {
      patch.text = "no image";
      patch.text_colour = {255, 255, 255, 255};
      patch.font_px = Px(16);
    }
    s->elements.push_back(patch);
    Element listed;
    listed.rect = {lx + Px(180), y, Px(200), Px(44)};
    listed.text = "list: " + Spaced(h.entry_vrm);
    listed.text_colour = t.text;
    listed.font_px = Px(24);
    listed.bold = true;
    listed.mono = true;
    listed.align = Align::kLeft;
    listed.id = "hit.entry_vrm";
    s->elements.push_back(listed);
    Element match;
    match.rect = {lx + Px(384), y + Px(4), std::max(Px(48), lw - Px(384)), Px(36)};
    const bool exact = h.match == MatchKind::kExact;
    match.fill = exact ? t.ok : Colour{255, 176, 0, 255};
    match.text = exact ? "EXACT" : "SIMILAR";
    match.text_colour = exact ? Colour{255, 255, 255, 255} : Colour{0, 0, 0, 255};
    match.font_px = Px(18);
    match.bold = true;
    match.id = "hit.match";
    s->elements.push_back(match);
    y += Px(48);
    auto line = [&](const std::string& text, int font, bool bold, Colour c, const std::string& id, int h_px) {
      Element e;
      e.rect = {lx, y, lw, h_px};
      e.text = text;
      e.text_colour = c;
      e.font_px = font;
      e.bold = bold;
      e.align = Align::kLeft;
      e.wrap = h_px > font * 3 / 2;
      e.id = id;
      s->elements.push_back(e);
      y += h_px;
    };
    std::string mmc = h.colour + " " + h.make + " " + h.model;
    if (h.make.empty() && h.model.empty() && h.colour.empty()) mmc = "make / model not listed";
    line(mmc, Px(24), true, t.text, "hit.vehicle", Px(30));
    line(h.list_name + ": " + h.reason, Px(20), false, t.text, "hit.reason", Px(27));
    if (!h.warning_markers.empty()) {
      Element w;
      w.rect = {lx, y, lw, Px(30)};
      w.fill = t.fault;
      w.text = "\u26A0 " + h.warning_markers;
      w.text_colour = {255, 255, 255, 255};
      w.font_px = Px(20);
      w.bold = true;
      w.align = Align::kLeft;
      w.id = "hit.warnings";
      s->elements.push_back(w);
      y += Px(33);
    }
    const int info_h = card.y + card.h - gap - y;
    if (info_h > Px(20)) line(h.information, Px(17), false, t.text, "hit.information", info_h);

    // Right column: overview, time and place.
    const int rx = lx + lw + gap, rw = card.x + card.w - gap - rx;
    Element ov;
    ov.rect = {rx, card.y + gap, rw, card.h - 2 * gap - Px(52)};
    ov.fill = {0, 0, 0, 255};
    ov.image = ph.overview;
    ov.id = "hit.overview";
    if (!ph.overview) {
      ov.text = "no overview image";
      ov.text_colour = {255, 255, 255, 255};
      ov.font_px = Px(16);
    }
    s->elements.push_back(ov);
    Element when;
    when.rect = {rx, card.y + card.h - gap - Px(48), rw, Px(24)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "  read %.0f%%", ph.read_confidence);
    when.text = LocalTime(ph.captured_at_utc_ms, true) + conf;
    when.text_colour = t.text;
    when.font_px = Px(18);
    when.bold = true;
    when.id = "hit.time";
    s->elements.push_back(when);
    Element where = when;
    where.rect.y += Px(24);
    where.text = Place(ph.position);
    where.bold = false;
    where.id = "hit.place";
    s->elements.push_back(where);

    // Outcome buttons.
    const char* labels[4] = {"CONFIRMED", "MISREAD", "NOT SEEN", "NOT ACTIONED"};
    const char* actions[4] = {"hit.confirmed", "hit.misread", "hit.notseen", "hit.notactioned"};
    const int bw = (width_px_ - 5 * gap) / 4;
    for (int i = 0; i < 4; ++i)
      AddButton(s, {gap + i * (bw + gap), height_px_ - buttons_h - gap, bw, buttons_h}, labels[i], actions[i]);
  }
  if (!message_.empty()) {
    Element m;
    m.rect = {card.x, card.y + card.h - Px(40), card.w, Px(40)};
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
    m.font_px = Px(20);
    m.bold = true;
    m.id = "hit.message";
    s->elements.push_back(m);
  }
}

void HmiModel::BuildHitDriving(Scene* s) const {
  const Theme& t = theme();
  const PendingHit& ph = hits_.front();
  const Hit& h = ph.hit;
  const Colour ptc = PriorityTextColour(t, h.priority);
  s->background = PriorityColour(t, h.priority);
  const int top = Px(40);
  // The whole screen is one target: a touch silences the alarm.
  Element all;
  all.rect = {0, top, width_px_, height_px_ - top};
  all.action = "hit.ack";
  all.id = "hit.ack";
  s->elements.push_back(all);

  Element sym;
  sym.rect = {Px(30), top + Px(60), Px(190), Px(190)};
  sym.symbol = PrioritySymbol(h.priority);
  sym.symbol_colour = ptc;
  sym.id = "hit.symbol";
  s->elements.push_back(sym);
  Element pname;
  pname.rect = {Px(30), top + Px(260), Px(190), Px(50)};
  std::string name = PriorityName(h.priority);
  for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  pname.text = name;
  pname.text_colour = ptc;
  pname.font_px = Px(40);
  pname.bold = true;
  pname.id = "hit.title";
  s->elements.push_back(pname);

  const int rx = Px(250), rw = width_px_ - rx - Px(30);
  AddPlateText(s, {rx, top + Px(70), rw, Px(140)}, ph.read_vrm, Px(100), "hit.vrm");
  Element v;
  v.rect = {rx, top + Px(225), rw, Px(100)};
  std::string mmc = h.colour + " " + h.make + " " + h.model;
  v.text = (h.make.empty() && h.model.empty() && h.colour.empty()) ? "make / model not listed" : mmc;
  v.text_colour = ptc;
  v.font_px = Px(40);
  v.bold = true;
  v.wrap = true;
  v.id = "hit.vehicle";
  s->elements.push_back(v);
  if (hits_.size() > 1) {
    Element count;
    count.rect = {width_px_ - Px(250), top + Px(10), Px(240), Px(46)};
    count.fill = {0, 0, 0, 255};
    count.text = "+" + std::to_string(hits_.size() - 1) + " waiting";
    count.text_colour = {255, 255, 255, 255};
    count.font_px = Px(24);
    count.bold = true;
    count.id = "hit.count";
    s->elements.push_back(count);
  }
}

void HmiModel::BuildDriving(Scene* s) const {
  const Theme& t = theme();
  const Rect c{0, Px(40), width_px_, height_px_ - Px(40)};
  auto text = [&](int y, int h, const std::string& str, int font, bool bold, Colour col, const std::string& id) {
    Element e;
    e.rect = {c.x, c.y + y, c.w, h};
    e.text = str;
    e.text_colour = col;
    e.font_px = font;
    e.bold = bold;
    e.id = id;
    s->elements.push_back(e);
  };
  text(Px(70), Px(70), "DRIVING", Px(56), true, t.text, "driving.title");
  text(Px(150), Px(40), "Details hidden while moving", Px(28), false, t.muted_text, "driving.note");
  char speed[48];
  std::snprintf(speed, sizeof speed, "%.0f mph", status_.speed_mps * 2.23694);
  text(Px(210), Px(50), speed, Px(40), true, t.text, "driving.speed");
  text(Px(280), Px(40), std::to_string(reads_.size()) + " reads this shift", Px(26), false, t.muted_text,
       "driving.reads");
}

int HmiModel::ReadsContentHeight() const { return static_cast<int>(reads_.size()) * Px(88); }

void HmiModel::BuildReads(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8);
  Element head;
  head.rect = {gap, c.y, c.w - 2 * gap, Px(36)};
  head.text = std::to_string(reads_.size()) + " reads this shift - drag to scroll";
  head.text_colour = t.muted_text;
  head.font_px = Px(18);
  head.bold = true;
  head.align = Align::kLeft;
  head.id = "reads.title";
  s->elements.push_back(head);

  const Rect list{0, c.y + Px(36), c.w, c.h - Px(36)};
  Element area;
  area.rect = list;
  area.action = "reads.area";
  area.id = "reads.area";
  s->elements.push_back(area);

  const int row_h = Px(88);
  const int first = reads_scroll_px_ / row_h;
  const int n = static_cast<int>(reads_.size());
  for (int i = first; i < n; ++i) {
    const int y = list.y + i * row_h - reads_scroll_px_;
    if (y >= list.y + list.h) break;
    const ReadRow& r = reads_[n - 1 - i];  // newest first
    if (!r.plate && !r.plate_jpeg.empty()) r.plate = Decode(r.plate_jpeg, Px(160));
    if (!r.overview && !r.overview_jpeg.empty()) r.overview = Decode(r.overview_jpeg, Px(120));
    Element bg;
    bg.rect = {gap, y + Px(4), c.w - 2 * gap, row_h - Px(8)};
    bg.fill = t.panel;
    bg.clip = list;
    bg.id = "reads.row";
    s->elements.push_back(bg);
    Element ov;
    ov.rect = {gap + Px(6), y + Px(8), Px(106), row_h - Px(16)};
    ov.fill = {0, 0, 0, 255};
    ov.image = r.overview;
    ov.clip = list;
    if (!r.overview) ov.text = "-", ov.text_colour = {255, 255, 255, 255}, ov.font_px = Px(16);
    s->elements.push_back(ov);
    Element pl;
    pl.rect = {gap + Px(120), y + Px(18), Px(160), Px(50)};
    pl.fill = {0, 0, 0, 255};
    pl.image = r.plate;
    pl.clip = list;
    if (!r.plate) pl.text = "-", pl.text_colour = {255, 255, 255, 255}, pl.font_px = Px(16);
    s->elements.push_back(pl);
    AddPlateText(s, {gap + Px(292), y + Px(18), Px(200), Px(50)}, r.vrm, Px(34), "reads.vrm");
    s->elements.back().clip = list;
    Element info;
    info.rect = {gap + Px(504), y + Px(10), c.w - Px(520), row_h - Px(20)};
    char conf[32];
    std::snprintf(conf, sizeof conf, "   %.0f%%", r.confidence);
    info.text = LocalTime(r.captured_at_utc_ms, true) + conf + "\n" + Place(r.position);
    info.text_colour = t.text;
    info.font_px = Px(17);
    info.align = Align::kLeft;
    info.wrap = true;
    info.clip = list;
    s->elements.push_back(info);
  }
  if (reads_.empty()) {
    Element none;
    none.rect = list;
    none.text = "No reads yet this shift";
    none.text_colour = t.muted_text;
    none.font_px = Px(24);
    s->elements.push_back(none);
  }
}

void HmiModel::BuildCheck(Scene* s) const {
  if (wanted_.open) {
    BuildWantedEntry(s);
    BuildCheckKeyboard(s);
    return;
  }
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(6);
  int y = c.y + gap;
  const int field_w = Px(290), go_w = Px(130), wanted_w = Px(160);
  AddPlateText(s, {gap, y, field_w, Px(60)}, check_text_.empty() ? " " : check_text_ + "_", Px(40), "check.field");
  int x = gap * 2 + field_w;
  AddButton(s, {x, y, go_w, Px(60)}, "CHECK", "check.go", TypingAllowed() && !check_text_.empty());
  x += go_w + gap;
  // The typed VRM as the officer's own "new wanted" plate, hits or not.
  AddButton(s, {x, y, wanted_w, Px(60)}, "ADD WANTED", "check.wanted",
            TypingAllowed() && !NormaliseVrm(check_text_).empty(), Px(20));
  x += wanted_w + gap;
  // Result summary to the right of the buttons.
  Element res;
  res.rect = {x, y, c.w - x - gap, Px(60)};
  res.font_px = Px(22);
  res.bold = true;
  res.id = "check.summary";
  if (!message_.empty()) {
    res.text = message_;
    res.fill = t.fault;
    res.text_colour = {255, 255, 255, 255};
  } else if (check_done_ && check_results_.empty()) {
    res.text = "\u2714 Not on any list";
    res.fill = t.ok;
    res.text_colour = {255, 255, 255, 255};
  } else if (check_done_) {
    res.text = std::to_string(check_results_.size()) + (check_results_.size() == 1 ? " entry" : " entries");
    res.fill = PriorityColour(t, check_results_.front().priority);
    res.text_colour = PriorityTextColour(t, check_results_.front().priority);
  }
  s->elements.push_back(res);
  y += Px(60) + gap;

  const int key_h = Px(50);
  const int kb_h = 4 * key_h + 3 * gap;
  const int res_bottom = c.y + c.h - gap - kb_h - gap;
  if (!check_notice_.empty()) {
    Element n;  // the confirmation of a saved wanted entry, above its result
    n.rect = {gap, y, c.w - 2 * gap, Px(30)};
    n.fill = t.ok;
    n.text = "\u2714 " + check_notice_;
    n.text_colour = {255, 255, 255, 255};
    n.font_px = Px(19);
    n.bold = true;
    n.align = Align::kLeft;
    n.id = "check.notice";
    s->elements.push_back(n);
    y += Px(32);
  }
  // Entries found, one line each, as many as fit.
  const int line_h = Px(38);
  int ry = y;
  for (size_t i = 0; i < check_results_.size() && ry + line_h <= res_bottom; ++i, ry += line_h + Px(2)) {
    const Hit& h = check_results_[i];
    Element e;
    e.rect = {gap, ry, c.w - 2 * gap, line_h};
    e.fill = PriorityColour(t, h.priority);
    e.id = "check.result.box";
    s->elements.push_back(e);
    Element sym;  // symbol first, so it reads before the colour does
    sym.rect = {gap + Px(4), ry + Px(3), line_h - Px(6), line_h - Px(6)};
    sym.symbol = PrioritySymbol(h.priority);
    sym.symbol_colour = PriorityTextColour(t, h.priority);
    sym.fill = e.fill;
    s->elements.push_back(sym);
    Element txt;
    txt.rect = {gap + line_h + Px(4), ry, c.w - 2 * gap - line_h - Px(4), line_h};
    txt.text = Upper(PriorityName(h.priority)) + " | " + Spaced(h.entry_vrm) + " " + MatchKindName(h.match) +
               " | " + h.list_name + ": " + h.reason +
               (h.warning_markers.empty() ? "" : " | \u26A0 " + h.warning_markers);
    txt.text_colour = PriorityTextColour(t, h.priority);
    txt.font_px = Px(19);
    txt.bold = true;
    txt.align = Align::kLeft;
    txt.id = "check.result";
    s->elements.push_back(txt);
  }
  BuildCheckKeyboard(s);
}

// The entry step of a "new wanted" plate, above the same keyboard: the VRM,
// the reason as typed, SAVE / CANCEL; then priority (none preselected) and
// validity; then what is missing or what went wrong.
void HmiModel::BuildWantedEntry(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(6);
  const bool on = TypingAllowed();
  int y = c.y + gap;

  const int row1_h = Px(56), plate_w = Px(170), button_w = Px(116);
  AddPlateText(s, {gap, y, plate_w, row1_h}, wanted_.vrm, Px(30), "wanted.vrm");
  const int rx = gap * 2 + plate_w;
  const int save_x = c.w - 2 * (button_w + gap);
  Element r;
  r.rect = {rx, y, save_x - gap - rx, row1_h};
  r.fill = t.panel;
  r.border = t.accent;  // the field the keyboard types into
  r.border_px = Px(3);
  r.bold = true;
  r.align = Align::kLeft;
  r.id = "wanted.reason";
  if (wanted_.reason.empty()) {
    r.text = "Reason (required)";
    r.text_colour = t.muted_text;
    r.font_px = Px(20);
  } else {
    r.text = wanted_.reason + "_";
    r.text_colour = t.text;
    // Short reasons on one line; longer ones wrap onto two, all of it shown.
    r.font_px = wanted_.reason.size() < 26 ? Px(20) : Px(16);
    r.wrap = wanted_.reason.size() >= 26;
  }
  s->elements.push_back(r);
  AddButton(s, {save_x, y, button_w, row1_h}, "SAVE", "wanted.save", on);
  AddButton(s, {save_x + button_w + gap, y, button_w, row1_h}, "CANCEL", "wanted.cancel", on);
  y += row1_h + gap;

  // Priority, a space, then validity: seven buttons on one row.
  const int row2_h = Px(50), group_gap = Px(16);
  const int bw = (c.w - 8 * gap - group_gap) / 7;
  int x = gap;
  const std::pair<Priority, const char*> priorities[] = {
      {Priority::kHigh, "wanted.priority.high"}, {Priority::kMedium, "wanted.priority.medium"},
      {Priority::kLow, "wanted.priority.low"}};
  for (const auto& [p, action] : priorities) {
    const bool picked = wanted_.priority == p;
    // Picked: a tick and a frame as well as the priority colour.
    AddButton(s, {x, y, bw, row2_h}, (picked ? "\u2714 " : "") + Upper(PriorityName(p)), action, on, Px(19));
    if (picked) {
      Element& b = s->elements.back();
      b.fill = PriorityColour(t, p);
      b.text_colour = PriorityTextColour(t, p);
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += bw + gap;
  }
  x += group_gap;
  for (int days : kWantedDays) {
    const bool picked = wanted_.days == days;
    AddButton(s, {x, y, bw, row2_h}, (picked ? "\u2714 " : "") + Upper(DaysText(days)),
              "wanted.days." + std::to_string(days), on, Px(19));
    if (picked) {
      Element& b = s->elements.back();
      b.fill = t.accent;
      b.text_colour = {255, 255, 255, 255};
      b.border = t.text;
      b.border_px = Px(3);
    }
    x += bw + gap;
  }
  y += row2_h + gap;

  // The line above the keyboard (rounding at other sizes may leave less room).
  const int kb_top = c.y + c.h - gap - (4 * Px(50) + 3 * gap);
  Element m;
  m.rect = {gap, y, c.w - 2 * gap, std::min(Px(24), kb_top - Px(3) - y)};
  m.font_px = Px(17);
  m.bold = true;
  m.align = Align::kLeft;
  m.id = "wanted.message";
  if (!message_.empty()) {
    m.fill = t.fault;
    m.text = message_;
    m.text_colour = {255, 255, 255, 255};
  } else {
    m.text = "New wanted " + Spaced(wanted_.vrm) + ": priority, reason and days, then SAVE";
    m.text_colour = t.muted_text;
  }
  s->elements.push_back(m);
}

// Digits, then QWERTY rows. The last row ends in DEL and CLEAR for the VRM,
// or SPACE and DEL while the keyboard types a wanted entry's reason.
void HmiModel::BuildCheckKeyboard(Scene* s) const {
  const Rect c = ContentRect();
  const int gap = Px(6);
  const std::string prefix = wanted_.open ? "wanted." : "check.";
  const int key_h = Px(50);
  const int kb_h = 4 * key_h + 3 * gap;
  const std::vector<std::string> rows = {"1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"};
  const int kw = (c.w - 11 * gap) / 10;
  int ky = c.y + c.h - gap - kb_h;
  for (size_t r = 0; r < rows.size(); ++r) {
    int kx = gap + (r == 2 ? kw / 2 : 0);
    for (char ch : rows[r]) {
      AddButton(s, {kx, ky, kw, key_h}, std::string(1, ch), prefix + "key." + ch, TypingAllowed(), Px(26));
      kx += kw + gap;
    }
    if (r == 3) {
      if (wanted_.open) {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "SPACE", "wanted.space", TypingAllowed(), Px(20));
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "DEL", "wanted.del", TypingAllowed());
      } else {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "DEL", "check.del", TypingAllowed());
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "CLEAR", "check.clear", TypingAllowed());
      }
    }
    ky += key_h + gap;
  }
}

void HmiModel::BuildSettings(Scene* s) const {
  const Theme& t = theme();
  const Rect c = ContentRect();
  const int gap = Px(8), row_h = Px(64);
  int y = c.y + gap;
  auto label = [&](const std::string& text, const std::string& id) {
    Element e;
    e.rect = {Px(24), y, Px(380), row_h - gap};
    e.text = text;
    e.text_colour = t.text;
    e.font_px = Px(26);
    e.bold = true;
    e.align = Align::kLeft;
    e.id = id;
    s->elements.push_back(e);
  };
  const int cx = width_px_ - Px(24) - Px(300);
  label("Alert volume", "settings.volume.label");
  AddButton(s, {cx, y, Px(80), row_h - gap}, "-", "settings.vol.down", true, Px(34));
  Element vol;
  vol.rect = {cx + Px(90), y, Px(120), row_h - gap};
  vol.text = std::to_string(settings_.volume_percent) + "%";
  vol.text_colour = t.text;
  vol.font_px = Px(28);
  vol.bold = true;
  vol.id = "settings.volume";
  s->elements.push_back(vol);
  AddButton(s, {cx + Px(220), y, Px(80), row_h - gap}, "+", "settings.vol.up", true, Px(34));
  y += row_h;
  auto toggle = [&](const std::string& text, bool on, const std::string& action, const char* on_text,
                    const char* off_text) {
    label(text, action + ".label");
    AddButton(s, {cx, y, Px(300), row_h - gap}, on ? on_text : off_text, action);
    if (on) s->elements.back().fill = t.accent;
    y += row_h;
  };
  toggle("Night mode", settings_.night, "settings.night", "NIGHT", "DAY");
  toggle("Low priority sound", settings_.mute_low, "settings.mute_low", "MUTED", "ON");
  toggle("Medium priority sound", settings_.mute_medium, "settings.mute_medium", "MUTED", "ON");
  label("High priority sound", "settings.high.label");
  Element high;
  high.rect = {cx, y, Px(300), row_h - gap};
  high.fill = t.high;
  high.text = "ALWAYS ON";
  high.text_colour = t.high_text;
  high.font_px = Px(22);
  high.bold = true;
  high.id = "settings.high";
  s->elements.push_back(high);
  y += row_h;
  // The unit's figures, small, under the settings: what a maintainer asks
  // for first ("frames dropped?", "is it syncing?").
  const int line_h = Px(22);
  for (size_t i = 0; i < status_.health_lines.size() && i < 2; ++i) {
    if (y + line_h > c.y + c.h) break;
    Element e;
    e.rect = {Px(24), y, width_px_ - Px(48), line_h};
    e.text = status_.health_lines[i];
    e.text_colour = t.muted_text;
    e.font_px = Px(15);
    e.align = Align::kLeft;
    e.id = "settings.health." + std::to_string(i);
    s->elements.push_back(e);
    y += line_h;
  }
}

}  // namespace anpr::hmi
