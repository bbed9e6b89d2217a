// HmiModel's core: screen names, construction, geometry (design units to
// window pixels), the data coming in (frames, reads, hits, status, clock),
// and BuildScene, which picks the screen builders (screens/*.cc) for the
// model's state. Touches are in model_input.cc.
#include "hmi/model.h"

#include <algorithm>
#include <cmath>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::Decode;

namespace {

constexpr double kDesignW = 800, kDesignH = 480;

}  // namespace

const char* ScreenName(Screen s) {
  switch (s) {
    case Screen::kLogin: return "login";
    case Screen::kLive: return "live";
    case Screen::kHit: return "hit";
    case Screen::kReads: return "reads";
    case Screen::kCheck: return "check";
    case Screen::kSettings: return "settings";
    case Screen::kShift: return "shift";
  }
  return "?";
}

bool ParseScreen(std::string_view text, Screen* out) {
  for (Screen s : {Screen::kLogin, Screen::kLive, Screen::kHit, Screen::kReads, Screen::kCheck,
                   Screen::kSettings, Screen::kShift}) {
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
  const int top = StatusBarHeight();
  const int bottom = height_px_ - NavBarHeight();
  return {0, top, width_px_, bottom - top};
}

Rect HmiModel::WantedRect() const {
  return {0, StatusBarHeight(), width_px_, height_px_ - StatusBarHeight()};
}

// ---------------------------------------------------------------- data in

void HmiModel::SetLiveFrame(std::shared_ptr<const cv::Mat> frame_bgr, std::vector<LiveBox> boxes) {
  SetCameraFrame("", std::move(frame_bgr), std::move(boxes));
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

bool HmiModel::AddHit(const Hit& hit, const Read& read, const HitStyle& style) {
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
  p.sightings.push_back({read.camera_id, read.captured_at_utc_ms});
  p.plate = Decode(read.plate_jpeg, 0);
  p.overview = Decode(read.overview_jpeg, 960);
  p.list_colour = internal::ParseHexColour(style.list_colour);
  p.sound = PrioritySound(hit.priority);
  Sound listed;
  if (hit.priority != Priority::kHigh && ParseSound(style.list_sound, &listed) && listed != Sound::kStatusFailure)
    p.sound = listed;
  // Highest priority first, then in order of arrival. The hit on screen stays
  // on screen unless a more urgent one arrives.
  auto pos = std::find_if(hits_.begin(), hits_.end(), [&](const PendingHit& h) {
    return static_cast<int>(h.hit.priority) < static_cast<int>(hit.priority);
  });
  if (pos == hits_.begin() && !hits_.empty()) choosing_reason_ = false;
  const Sound sound = p.sound;
  hits_.insert(pos, std::move(p));

  const bool muted = (hit.priority == Priority::kMedium && settings_.mute_medium) ||
                     (hit.priority == Priority::kLow && settings_.mute_low);
  // The repeating alarm is started by UpdateAlarm; a once-sound that arrives
  // during it is played after it (AlertPlayer queues it).
  if (sound_ && sound != Sound::kHighAlert && !muted) sound_->Play(sound);
  if (muted) {
    for (auto& h : hits_) if (h.hit.uuid == hit.uuid) h.acknowledged = true;  // no alarm for a muted hit
  }
  UpdateAlarm();
  // The driver hears what the passenger would read: the plate as read (the
  // one on the car ahead), after the tone (the player queues it).
  if (speech_ && driving_ && !muted) speech_->Say(sound, SpokenHitText(hit.priority, read.vrm));
  // Something new to look at: the idle lock starts counting again.
  last_input_utc_ms_ = now_utc_ms_;
  if (logged_in() && screen_ != Screen::kHit) {
    back_screen_ = screen_;
    screen_ = Screen::kHit;
  }
  NoteShownHit();
  dirty_ = true;
  return true;
}

void HmiModel::SetStatus(const UnitStatus& status) {
  if (status.gps_fix != FixMode::kNone && !status.gps_stale) gps_ever_fixed_ = true;
  // A GPS still looking for its first fix just after start is not a fault
  // worth a tone (it is still shown in the status bar).
  const bool gps_starting = !gps_ever_fixed_ && (start_utc_ms_ == 0 || now_utc_ms_ - start_utc_ms_ < kGpsStartGraceMs);
  const std::vector<bool> after = {!status.camera_ok,
                                   (status.gps_fix == FixMode::kNone || status.gps_stale) && !gps_starting,
                                   !status.clock_ok,
                                   !status.sync_ok,
                                   !status.storage_ok,
                                   !status.hotlist_ok};
  if (faults_.size() != after.size()) faults_.assign(after.size(), false);
  bool newly_failed = false;
  for (size_t i = 0; i < after.size(); ++i) newly_failed |= after[i] && !faults_[i];
  // Per camera as well: a second camera failing while the first is down
  // leaves the item at fault, but is news the officer must hear.
  std::map<std::string, bool> camera_faults;
  for (const CameraStatus& c : status.cameras) {
    camera_faults[c.id] = !c.ok;
    auto was = camera_faults_.find(c.id);
    newly_failed |= !c.ok && (was == camera_faults_.end() || !was->second);
  }
  camera_faults_ = std::move(camera_faults);
  if (newly_failed && sound_) sound_->Play(Sound::kStatusFailure);
  faults_ = after;

  status_ = status;
  have_status_ = true;
  const double v = status.speed_mps;
  if (std::isfinite(v) && v >= 0) {
    speed_unknown_since_utc_ms_ = -1;
    if (!driving_ && v > config_.driving_speed_mps) driving_ = true;
    if (driving_ && v < config_.driving_speed_mps / 2) driving_ = false;
  } else if (speed_unknown_since_utc_ms_ < 0) {
    speed_unknown_since_utc_ms_ = now_utc_ms_;
  }
  UpdateDriving();
  dirty_ = true;
}

// Speed unknown for long enough counts as moving: a GPS lost while parked
// must not leave the full screen up for the drive. A second officer keeps
// the full screen.
void HmiModel::UpdateDriving() {
  const bool was = driving_;
  if (speed_unknown_since_utc_ms_ >= 0 && now_utc_ms_ - speed_unknown_since_utc_ms_ > kSpeedUnknownMovingMs)
    driving_ = true;
  if (config_.operator_present) driving_ = false;
  if (!driving_) stop_note_.clear();  // stationary: the controls answer again
  if (driving_) status_open_ = false;
  if (was != driving_) dirty_ = true;
}

void HmiModel::Tick(int64_t now_utc_ms) {
  if (now_utc_ms / 1000 != now_utc_ms_ / 1000) dirty_ = true;  // the clock shows seconds
  now_utc_ms_ = now_utc_ms;
  if (start_utc_ms_ == 0) start_utc_ms_ = now_utc_ms;
  if (last_input_utc_ms_ == 0) last_input_utc_ms_ = now_utc_ms;
  UpdateDriving();
  if (undo_.active && now_utc_ms >= undo_.until_utc_ms) CommitOutcome();
  // Never lock while driving: the officer is in the car and could not log in
  // again until stopped, which would hide hits from them. Never while the
  // alarm sounds: the officer must see what it is for.
  if (logged_in() && !driving_ && !AlarmSounding() && now_utc_ms - last_input_utc_ms_ > config_.idle_lock_ms)
    Lock(/*idle=*/true);
}

void HmiModel::FlushOutcome() {
  if (undo_.active) CommitOutcome();
}

std::string HmiModel::ShownHitUuid() const {
  if (!logged_in() || screen_ != Screen::kHit || hits_.empty()) return "";
  return hits_.front().hit.uuid;
}

// Called after anything that may change the hit on screen: a new one starts
// the settle time, and a press begun on what was there no longer counts.
void HmiModel::NoteShownHit() {
  const std::string shown = ShownHitUuid();
  if (shown == shown_hit_uuid_) return;
  shown_hit_uuid_ = shown;
  hit_shown_at_utc_ms_ = now_utc_ms_;
  pressed_action_.clear();
  stop_note_.clear();
  choosing_reason_ = false;
  overview_open_ = false;
  details_open_ = false;
  status_open_ = false;  // a new hit is not hidden behind the status window
  dirty_ = true;
}

Colour HmiModel::HitColour(const PendingHit& h) const {
  if (!h.list_colour) return PriorityColour(theme(), h.hit.priority);
  Colour c = *h.list_colour;
  if (settings_.night) {  // dimmed like the night theme's priority colours
    c.r = static_cast<uint8_t>(c.r * 5 / 6);
    c.g = static_cast<uint8_t>(c.g * 5 / 6);
    c.b = static_cast<uint8_t>(c.b * 5 / 6);
  }
  return c;
}

Colour HmiModel::HitTextColour(const PendingHit& h) const {
  if (!h.list_colour) return PriorityTextColour(theme(), h.hit.priority);
  const Colour c = HitColour(h);
  const int luma = (299 * c.r + 587 * c.g + 114 * c.b) / 1000;
  return luma > 140 ? Colour{0, 0, 0, 255} : Colour{255, 255, 255, 255};
}

// By day the whole screen takes the hit's colour. At night a screen of red or
// amber floods the cab and dazzles the crew: the screen stays dark, with the
// colour as a header band and a frame, so the priority still reads at a glance.
void HmiModel::AddHitBackdrop(Scene* s, const PendingHit& h) const {
  const Colour pc = HitColour(h);
  if (!settings_.night) {
    s->background = pc;
    return;
  }
  s->background = theme().background;
  const int top = StatusBarHeight();
  Element band;
  band.rect = {0, top, width_px_, Px(52)};
  band.fill = pc;
  band.id = "hit.band";
  s->elements.push_back(band);
  Element frame;
  frame.rect = {0, top, width_px_, height_px_ - top};
  frame.border = pc;
  frame.border_px = std::max(2, Px(4));
  frame.id = "hit.frame";
  s->elements.push_back(frame);
}

void HmiModel::Resize(int width_px, int height_px) {
  width_px_ = width_px;
  height_px_ = height_px;
  dirty_ = true;
}

// ---------------------------------------------------------------- scene

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
      case Screen::kShift: BuildShift(&s); break;
      case Screen::kLogin:
      case Screen::kHit: BuildLive(&s); break;
    }
    if (!(screen_ == Screen::kCheck && wanted_.open) && !(screen_ == Screen::kShift && shift_.open >= 0))
      BuildNavBar(&s);
  }
  if (logged_in()) BuildUndoBar(&s);
  if (status_open_ && !driving_) BuildStatusWindow(&s);
  BuildStatusBar(&s);
  dirty_ = false;
  return s;
}

}  // namespace anpr::hmi
