// What a touch does: pointer down / move / up (taps, drags, sliding off),
// Activate by action name, and the state changes behind it (log in, lock,
// outcomes, the alarm, the check and the "new wanted" entry).
#include "hmi/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "hmi/src/model_internal.h"
#include "vehicle/records/vrm.h"

namespace anpr::hmi {

using internal::DaysText;
using internal::Upper;
using internal::kWantedDays;

namespace {

constexpr int kDragSlopDesignPx = 12;  // finger jitter below this is still a tap
constexpr size_t kMaxOfficerDigits = 10, kMaxPinDigits = 8, kMaxVrmChars = 10;
constexpr size_t kMaxWantedReasonChars = 60;

}  // namespace

void HmiModel::PointerDown(int x, int y) {
  last_input_utc_ms_ = now_utc_ms_;
  pointer_down_ = false;
  pressed_action_.clear();
  // A hit just come on screen cannot be touched yet: a tap aimed at what was
  // there before must not answer (or silence) a hit the officer has not seen.
  const std::string shown = ShownHitUuid();
  if (!shown.empty() && now_utc_ms_ - hit_shown_at_utc_ms_ < kHitSettleMs) return;
  pointer_down_ = true;
  dragging_ = false;
  down_x_ = x;
  down_y_ = y;
  down_scroll_px_ = reads_scroll_px_;
  down_screen_ = screen_;
  down_hit_uuid_ = shown;
  down_driving_ = driving_;
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
    const int list_h = c.h - Px(40);
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
  // The press belongs to the screen it began on: if another screen or hit
  // came up while the finger was down, the release does nothing.
  if (screen_ != down_screen_ || ShownHitUuid() != down_hit_uuid_)
    return;
  if (driving_ != down_driving_) {
    // The car moved off under the finger: say why nothing happened.
    if (driving_ && pressed != "hit.ack" && pressed != "login.silence" && pressed != "undo")
      stop_note_ = "Stop to answer";
    return;
  }
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

  if (starts("status.")) {
    // Not while moving: the window is all words.
    if (action == "status.open" && !driving_) {
      status_open_ = true;
      status_figures_ = false;
    }
    if (action == "status.figures") status_figures_ = !status_figures_;
    if (action == "status.close") status_open_ = false;
    return;
  }
  if (status_open_) return;  // the window covers the screen until closed
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
  if (action == "undo") return Undo();

  if (starts("hit.")) {
    if (hits_.empty() || screen_ != Screen::kHit) return;
    if (driving_) {
      // Outcomes are given when stationary; a tap says so instead of vanishing.
      stop_note_ = "Stop to answer";
      if (action == "hit.ack") Acknowledge();
      return;
    }
    if (action == "hit.ack") return Acknowledge();
    if (action == "hit.confirmed") return RecordOutcome(HitOutcome::kConfirmed, "");
    if (action == "hit.misread") return RecordOutcome(HitOutcome::kMisread, "");
    if (action == "hit.notseen") return RecordOutcome(HitOutcome::kNotSeen, "");
    if (action == "hit.overview") {
      overview_open_ = hits_.front().overview != nullptr;
      return;
    }
    if (action == "hit.overview.close") {
      overview_open_ = false;
      return;
    }
    if (action == "hit.details" || action == "hit.details.close") {
      details_open_ = action == "hit.details";
      return;
    }
    if (overview_open_) return;  // only the overview is on screen
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

  if (starts("live.camera.")) {
    if (screen_ == Screen::kLive && !driving_) live_camera_ = action.substr(12);
    return;
  }

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
    } else if (action == "check.edit") {
      check_done_ = false;  // the keyboard back, the VRM as typed
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
  if (starts("shift.")) return ActivateShift(action);
  if (starts("settings.")) {
    if (screen_ != Screen::kSettings || driving_) return;
    if (action == "settings.vol.down") settings_.volume_percent = std::max(0, settings_.volume_percent - 10);
    else if (action == "settings.vol.up") settings_.volume_percent = std::min(100, settings_.volume_percent + 10);
    else if (action == "settings.night") settings_.night = !settings_.night;
    else if (action == "settings.mute_low") settings_.mute_low = !settings_.mute_low;
    else if (action == "settings.mute_medium") settings_.mute_medium = !settings_.mute_medium;
    else if (action == "settings.cameras") return void(settings_cameras_ = !settings_cameras_);
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
  } else if (action == "wanted.reason") {
    wanted_.typing = true;
    return;
  } else if (action == "wanted.done") {
    wanted_.typing = false;
    return;
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
    wanted_.typing = reason.empty();  // show what is missing
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
  NoteShownHit();
  dirty_ = true;
}

void HmiModel::Navigate(Screen s) {
  if (s == Screen::kShift && screen_ != Screen::kShift) shift_ = ShiftView{};  // the list, newest first
  if (s == Screen::kSettings && screen_ != Screen::kSettings) settings_cameras_ = false;  // the settings first
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
  NoteShownHit();
}

void HmiModel::Lock(bool idle) {
  if (!logged_in()) return;
  FlushOutcome();  // recorded under the officer who gave it
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
  shift_ = ShiftView{};
  message_ = idle ? "Locked after inactivity" : "";
  screen_ = Screen::kLogin;
  NoteShownHit();
  dirty_ = true;
}

void HmiModel::SettingsChanged() {
  if (sound_) sound_->SetVolume(settings_.volume_percent);
  actions_->SettingsChanged(settings_);
}

void HmiModel::Acknowledge() {
  const bool alarm = AlarmSounding();
  for (auto& h : hits_) h.acknowledged = true;
  UpdateAlarm();
  // The touch that silences the alarm silences its phrase too: the driver
  // has the hit in hand and is not talked over.
  if (alarm && speech_) speech_->Silence(Sound::kHighAlert);
  dirty_ = true;
}

bool HmiModel::AlarmSounding() const {
  return std::any_of(hits_.begin(), hits_.end(), [](const PendingHit& h) {
    return h.sound == Sound::kHighAlert && !h.acknowledged;
  });
}

void HmiModel::UpdateAlarm() {
  if (!sound_) return;
  if (AlarmSounding()) sound_->Play(Sound::kHighAlert);
  else sound_->Stop(Sound::kHighAlert);
}

// The outcome is held for kUndoMs (the UNDO bar) and recorded when that ends,
// when another outcome is given, at lock or at shutdown.
void HmiModel::RecordOutcome(HitOutcome outcome, const std::string& note) {
  if (hits_.empty()) return;
  const std::string uuid = hits_.front().hit.uuid;
  FlushOutcome();
  // The held outcome failed and its hit is back on screen: that one first.
  if (hits_.front().hit.uuid != uuid) return;
  message_.clear();
  choosing_reason_ = false;
  undo_.active = true;
  undo_.hit = std::move(hits_.front());
  undo_.outcome = outcome;
  undo_.note = note;
  undo_.until_utc_ms = now_utc_ms_ + kUndoMs;
  hits_.pop_front();
  UpdateAlarm();
  if (hits_.empty()) screen_ = back_screen_;
  NoteShownHit();
  dirty_ = true;
}

void HmiModel::CommitOutcome() {
  if (!undo_.active) return;
  undo_.active = false;
  const Status st = actions_->RecordOutcome(undo_.hit.hit.uuid, undo_.outcome, undo_.note);
  dirty_ = true;
  if (st.ok()) return AddAnswered(std::move(undo_.hit), undo_.outcome, undo_.note);
  // Not saved: the hit comes back on screen, the officer tries again;
  // nothing is lost.
  RequeueFront(std::move(undo_.hit));
  message_ = "Not saved: " + st.message();
}

void HmiModel::Undo() {
  if (!undo_.active) return;
  undo_.active = false;
  RequeueFront(std::move(undo_.hit));
}

// Puts an answered hit back: ahead of the others of its priority (a more
// urgent one that came meanwhile stays ahead), on screen when logged in.
void HmiModel::RequeueFront(PendingHit h) {
  h.acknowledged = true;  // it was answered once: no alarm again
  auto pos = std::find_if(hits_.begin(), hits_.end(), [&](const PendingHit& o) {
    return static_cast<int>(o.hit.priority) <= static_cast<int>(h.hit.priority);
  });
  hits_.insert(pos, std::move(h));
  if (logged_in() && screen_ != Screen::kHit) {
    back_screen_ = screen_;
    screen_ = Screen::kHit;
  }
  NoteShownHit();
  dirty_ = true;
}

}  // namespace anpr::hmi
