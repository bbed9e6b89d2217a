// The touchscreen's logic without SDL: which screen shows what, what a touch
// does, which sound plays. Single-threaded: call everything from the thread
// that renders (hmi/hmi.h posts data in from other threads).
//
// Screens (Shift: the hits answered this shift, hmi/src/model_shift.cc):
// Login (officer number + PIN keypad; also the lock screen), Live
// (camera view with plate boxes and the latest reads), Hit (full-screen alert
// with outcome buttons; modal until answered; waiting hits queue highest
// priority first), Reads (the shift's reads, dragged by finger), Check (type a
// VRM, see hotlist entries; ADD WANTED enters the typed VRM as the officer's
// own "new wanted" plate: priority, reason and 1 / 7 / 30 / 100 days, then
// SAVE), Settings. The status bar is on every screen.
// Driving mode (GPS speed above the threshold, or speed unknown for more than
// kSpeedUnknownMovingMs): hits show only the priority's symbol and colour
// (Regulation 109: no text; the VRM and priority are spoken, SetSpeech), and
// a touch silences the alarm and the phrase; other screens are hidden and typing is disabled
// until the car is stationary; a tap on a control that is disabled while
// moving shows "Stop to answer". With operator_present the full screen stays
// up while moving (a second officer works it).
//
// Touch safety: a press applies to the screen shown when the finger went
// down: if the hit on screen (or the screen) changed while it was held, the
// release does nothing. For kHitSettleMs after a hit comes on screen (from
// another screen, replacing another hit, the next after an answer) touches are
// ignored. An outcome is held for kUndoMs with an UNDO bar before it is
// recorded (HmiActions::RecordOutcome); UNDO brings the hit back.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hmi/actions.h"
#include "hmi/scene.h"
#include "hmi/sound.h"
#include "hmi/speech.h"
#include "vehicle/records/read.h"

namespace anpr::hmi {

enum class Screen { kLogin, kLive, kHit, kReads, kCheck, kSettings, kShift };
// "login", "live", "hit", "reads", "check", "settings", "shift"
const char* ScreenName(Screen s);
bool ParseScreen(std::string_view text, Screen* out);

// Text the officer reads is at least this tall, in design px (800x480): its
// capitals are 18 px there (DejaVu Sans opened at 0.86 pt per px, capitals
// 0.73 em).
inline constexpr int kMinTextDesignPx = 30;
// Touch targets are at least this many design px each way.
inline constexpr int kMinTargetDesignPx = 64;

// A hit on screen is untouchable for this long after it appears.
inline constexpr int64_t kHitSettleMs = 1000;
// An outcome can be undone for this long; it is recorded when it ends.
inline constexpr int64_t kUndoMs = 5000;
// Speed unknown (GPS lost) for longer than this counts as moving.
inline constexpr int64_t kSpeedUnknownMovingMs = 10 * 1000;
// No failure tone for a GPS that has had no fix yet, this long after start.
inline constexpr int64_t kGpsStartGraceMs = 2 * 60 * 1000;

// How a hit's list wants it shown: its colour ("#rrggbb") and sound (a
// SoundName: "high", "medium", "low"). Empty or not understood: the
// priority's. A high hit always sounds the repeating high alarm.
struct HitStyle {
  std::string list_colour;
  std::string list_sound;
};

struct HmiConfig {
  int width_px = 800;
  int height_px = 480;
  // Driving mode starts above this GPS speed (2.2 m/s ~ 5 mph) and ends below
  // half of it, so a car creeping in traffic does not flicker between modes.
  double driving_speed_mps = 2.2;
  int64_t idle_lock_ms = 10 * 60 * 1000;  // lock after this long untouched (never while the alarm sounds)
  // A second officer works the screen: the full screen stays up while moving.
  bool operator_present = false;
  // Choices offered for "Not actioned" (the reason is required).
  std::vector<std::string> not_actioned_reasons = {
      "Attending higher priority call", "Unsafe to stop", "Vehicle lost from view",
      "No resources available", "Already being dealt with"};
  size_t max_reads = 2000;        // the Reads screen keeps the newest this many
  size_t max_read_images = 200;   // ... and the images of the newest this many
  HmiSettings settings;           // initial settings
};

// A plate box on the live camera view, in frame pixels.
struct LiveBox {
  Rect box;
  std::string vrm;  // empty while not yet read
};

class HmiModel {
 public:
  // `actions` and `sound` must outlive the model; `sound` may be null (silent).
  HmiModel(HmiConfig config, HmiActions* actions, SoundSink* sound);

  // ---- data in ----
  // The latest frame (BGR) of camera `camera_id` and the plates boxed on it;
  // only the newest frame of each camera is kept. The id is a
  // CameraStatus::id; "" is the unit's only camera, or its first.
  void SetCameraFrame(const std::string& camera_id, std::shared_ptr<const cv::Mat> frame_bgr,
                      std::vector<LiveBox> boxes);
  // SetCameraFrame("", ...): the single-camera unit's frame.
  void SetLiveFrame(std::shared_ptr<const cv::Mat> frame_bgr, std::vector<LiveBox> boxes);
  // A read of this shift (newest last). Images are kept for the newest
  // max_read_images reads.
  void AddRead(const Read& read);
  // A hit to alert, with the read that raised it (for its images, time and
  // place) and its list's colour and sound. Covert hits are refused (never
  // alerted in the car; returns false). A hit whose uuid is already waiting
  // updates it without a new sound. A new hit restarts the idle timer.
  bool AddHit(const Hit& hit, const Read& read, const HitStyle& style = {});
  // The same hotlisted vehicle seen again (`read`: by another camera or the
  // same one) within the alert cool-down of hit `hit_uuid`: no new alert and
  // no sound; the hit (waiting, held for UNDO or answered this shift) lists
  // the cameras that saw it. False: no such hit here (nothing changes).
  bool AddSighting(const std::string& hit_uuid, const Read& read);
  // Later frames of the pass read `early_read_uuid` differently: `revised`
  // (stored as a new read). Every hit raised on the early read says so
  // ("LATER FRAMES READ <VRM>: CHECK THE PLATE") and stays until answered;
  // a hit on screen is untouchable for kHitSettleMs again, so a tap already
  // on its way does not answer what the officer has not read. No sound.
  // False: no hit of that read here.
  bool ReviseRead(const std::string& early_read_uuid, const Read& revised);
  // The unit's health; a status item going from ok to fault sounds the failure
  // tone once, and so does each camera of UnitStatus::cameras going from ok to
  // not ok, even while another has already failed (a GPS without a first
  // fix is quiet for kGpsStartGraceMs after the first Tick). Also drives
  // driving mode from speed_mps.
  void SetStatus(const UnitStatus& status);
  // The clock (UTC ms): shown in the status bar; drives the idle lock, the
  // undo window and unknown speed. The first call is the start.
  void Tick(int64_t now_utc_ms);
  // Records an outcome still held for UNDO now (at shutdown).
  void FlushOutcome();
  void Resize(int width_px, int height_px);
  // False when the audio device could not be opened: the status bar says so.
  void SetAudioAvailable(bool ok) { audio_ok_ = ok; dirty_ = true; }
  // Where hits are spoken in driving mode (null: not spoken). A hit raised
  // while driving (and not muted) has its priority and VRM, as read, spoken
  // after its tone (SpokenHitText); a stationary screen shows the hit instead
  // and does not speak. `speech` must outlive the model.
  void SetSpeech(SpeechSink* speech) { speech_ = speech; }
  // False when speech synthesis failed: the status bar shows NO SPEECH.
  void SetSpeechAvailable(bool ok) {
    if (ok != speech_ok_) dirty_ = true;
    speech_ok_ = ok;
  }
  bool speech_available() const { return speech_ok_; }

  // ---- touch and mouse, in window pixels ----
  void PointerDown(int x, int y);
  void PointerMove(int x, int y);
  void PointerUp(int x, int y);
  // What a tap on the element carrying `action` does. Public so tests and the
  // screenshot command can drive the model by name.
  void Activate(const std::string& action);

  // ---- out ----
  Scene BuildScene() const;
  // True when something changed since the last BuildScene (render then).
  bool dirty() const { return dirty_; }

  Screen screen() const { return screen_; }
  bool driving() const { return driving_; }
  bool logged_in() const { return !officer_.empty(); }
  const std::string& officer() const { return officer_; }
  const HmiSettings& settings() const { return settings_; }
  size_t pending_hits() const { return hits_.size(); }
  const Hit* current_hit() const { return hits_.empty() ? nullptr : &hits_.front().hit; }
  bool choosing_reason() const { return choosing_reason_; }
  // The hit's overview is open full screen (tapped on the Hit screen).
  bool overview_open() const { return overview_open_; }
  // The hit's details (information too long for its place) are open.
  bool details_open() const { return details_open_; }
  // The status window (a tap on the status bar) is open.
  bool status_open() const { return status_open_; }
  const std::string& message() const { return message_; }
  // The camera the Live screen shows (a CameraStatus::id; "" for the unit's
  // only camera, or before any is known).
  std::string live_camera() const;
  // The Settings screen shows the cameras' figures (settings.cameras).
  bool settings_cameras_open() const { return settings_cameras_; }
  // An outcome given less than kUndoMs ago, not yet recorded.
  bool undo_pending() const { return undo_.active; }
  // "Stop to answer" after a tap on a control disabled while moving; else empty.
  const std::string& stop_note() const { return stop_note_; }
  const std::string& check_text() const { return check_text_; }
  const std::vector<Hit>& check_results() const { return check_results_; }
  int reads_scroll_px() const { return reads_scroll_px_; }
  // The "new wanted" entry step of the Check screen (opened by check.wanted).
  bool entering_wanted() const { return wanted_.open; }
  // The wanted entry shows its keyboard (else its priority and days).
  bool wanted_typing() const { return wanted_.typing; }
  const std::string& wanted_vrm() const { return wanted_.vrm; }
  const std::optional<Priority>& wanted_priority() const { return wanted_.priority; }
  const std::string& wanted_reason() const { return wanted_.reason; }
  int wanted_days() const { return wanted_.days; }
  // "Wanted entered: AB12CDE, high, 7 days" after a saved entry; else empty.
  const std::string& check_notice() const { return check_notice_; }
  size_t read_count() const { return reads_.size(); }
  // The Shift screen: hits answered this shift (recorded, past UNDO), oldest
  // first; the one opened for review (-1: the list); whether its VRM is
  // being corrected on the keyboard, and what is typed.
  size_t shift_hit_count() const { return answered_.size(); }
  int shift_open() const { return shift_.open; }
  bool shift_typing() const { return shift_.typing; }
  const std::string& shift_vrm() const { return shift_.vrm; }

  // Shows a screen directly (screenshots, tests); ignored while logged out
  // except for kLogin. kHit needs a waiting hit.
  void ShowScreen(Screen s);

 private:
  // One camera's sight of a hit's vehicle: the read that raised it, then
  // each sighting posted within the cool-down.
  struct Sighting {
    std::string camera_id;
    int64_t captured_at_utc_ms = 0;
  };
  struct PendingHit {
    Hit hit;
    std::string read_vrm;
    double read_confidence = 0;
    int64_t captured_at_utc_ms = 0;
    std::vector<Sighting> sightings;  // the raising read's first
    std::string revised_vrm;  // later frames of the pass read this; empty: no revision
    GeoTag position;
    std::shared_ptr<const cv::Mat> plate, overview;
    bool acknowledged = false;
    Sound sound = Sound::kLowAlert;  // the priority's or the list's
    std::optional<Colour> list_colour;  // the list's, when set
  };
  // An answered hit held for UNDO.
  struct HeldOutcome {
    bool active = false;
    PendingHit hit;
    HitOutcome outcome = HitOutcome::kPending;
    std::string note;
    int64_t until_utc_ms = 0;
  };
  // A hit answered this shift, for review and correction (Shift screen).
  struct AnsweredHit {
    PendingHit hit;  // as it was shown (images dropped past kMaxShiftHitImages)
    HitOutcome outcome = HitOutcome::kPending;  // the latest: corrected, if it was
    std::string note;
    int64_t answered_at_utc_ms = 0;
    std::string corrected_vrm;  // the latest VRM correction; empty: none
    bool corrected = false;
  };
  // The Shift screen's state.
  struct ShiftView {
    int open = -1;   // index into answered_ under review; -1: the list
    int page = 0;    // the list's page, newest first
    bool typing = false;  // the VRM keyboard is up
    std::string vrm;      // ... and what is typed
    bool choosing_reason = false;  // "not actioned" picks its reason
    std::string notice;   // "Corrected: ..." after a saved correction
  };
  struct ReadRow {
    std::string uuid, vrm;
    double confidence = 0;
    int64_t captured_at_utc_ms = 0;
    GeoTag position;
    std::vector<uint8_t> plate_jpeg, overview_jpeg;  // dropped past max_read_images
    mutable std::shared_ptr<const cv::Mat> plate, overview;  // decoded when first shown
  };

  const Theme& theme() const;
  int Px(double design_px) const;  // design units (800x480) to window pixels
  int TextPx() const { return Px(kMinTextDesignPx); }  // the smallest text
  // The status bar is one touch target (it opens the status window), as
  // tall as every other target.
  int StatusBarHeight() const { return Px(kMinTargetDesignPx); }
  int NavBarHeight() const { return Px(72); }  // 64 px buttons, 4 px about them
  Rect ContentRect() const;        // between the status bar and the nav bar
  Rect WantedRect() const;         // below the status bar: the wanted entry hides the nav bar
  bool TypingAllowed() const { return !driving_; }
  // The hit's background and text colours: its list's when set.
  Colour HitColour(const PendingHit& h) const;
  Colour HitTextColour(const PendingHit& h) const;
  // The Hit screen's background, and at night the band and frame in the
  // hit's colour that stand in for a screen full of it.
  void AddHitBackdrop(Scene* s, const PendingHit& h) const;
  // The uuid of the hit on screen; empty when none is shown.
  std::string ShownHitUuid() const;
  bool AlarmSounding() const;

  // One status item: its id, whether it is ok, its full and short text for
  // the bar, and what it means in words for the status window.
  struct StatusLine {
    std::string id;
    bool ok = true;
    std::string full, brief, says;
  };
  std::vector<StatusLine> StatusLines() const;
  // The camera item: the unit's text for one camera, "CAM n/m" for several.
  StatusLine CameraStatusLine() const;
  // The cameras the Live screen can show, in configuration order (then any
  // that sent frames without being configured); "" alone for a one-camera unit.
  std::vector<std::string> LiveCameraIds() const;
  // The camera's status; null when the unit did not report it.
  const CameraStatus* FindCamera(const std::string& id) const;
  // The hit's sightings as "Seen by FRONT 14:02:11, REAR 14:02:13"; empty
  // when one camera saw it once on a one-camera unit (nothing to tell).
  // At most `max_sightings` listed, then "+N more".
  std::string SeenByText(const PendingHit& h, size_t max_sightings = SIZE_MAX) const;
  // "LATER FRAMES READ AB12 CDF: CHECK THE PLATE"; empty: no revision.
  static std::string RevisionText(const PendingHit& h);
  // Every hit of this shift: waiting, held for UNDO, answered.
  std::vector<PendingHit*> AllHits();
  void AddCameraSwitch(Scene* s, const Rect& area) const;
  void BuildSettingsCameras(Scene* s) const;
  void AddHitNotes(Scene* s, const Rect& r, const PendingHit& h) const;
  void BuildStatusBar(Scene* s) const;
  void BuildStatusWindow(Scene* s) const;
  void BuildNavBar(Scene* s) const;
  void BuildLogin(Scene* s) const;
  void BuildLive(Scene* s) const;
  void BuildHit(Scene* s) const;
  void BuildHitEvidence(Scene* s, const Rect& card) const;
  // Adds the READ over LIST rows at r's top left, r.w wide; returns their height.
  int AddVrmComparison(Scene* s, Rect r, const PendingHit& ph) const;
  void BuildOverviewFull(Scene* s) const;
  void BuildHitDetails(Scene* s, const Rect& card) const;
  void BuildHitDriving(Scene* s) const;
  void BuildDriving(Scene* s) const;
  void BuildReads(Scene* s) const;
  void BuildCheck(Scene* s) const;
  void BuildWantedEntry(Scene* s) const;
  void BuildCheckKeyboard(Scene* s) const;
  void BuildSettings(Scene* s) const;
  void BuildShift(Scene* s) const;
  void BuildShiftList(Scene* s) const;
  void BuildShiftHit(Scene* s) const;
  // The VRM / reason keyboard in `area`'s bottom; keys send prefix + "key.X".
  // The last row ends in DEL and CLEAR, or SPACE and DEL when `space`.
  void AddKeyboard(Scene* s, const Rect& area, const std::string& prefix, bool space) const;
  int ShiftRowsPerPage() const;
  void BuildUndoBar(Scene* s) const;
  // The "not actioned" reasons as buttons from r's top left, r.w wide;
  // actions prefix + index.
  void AddReasonButtons(Scene* s, Rect r, const std::string& prefix) const;
  void AddWaitingHits(Scene* s, int right_px, int y_px) const;
  void AddPlateText(Scene* s, Rect r, const std::string& vrm, int font_px, const std::string& id) const;
  // Buttons for `labels` side by side across r, `gap_px` apart, each as
  // wide as its label needs (bold, the smallest text), the rest shared out
  // evenly, all shrunk alike when they would not fit; their rectangles.
  std::vector<Rect> RowOfButtons(const std::vector<std::string>& labels, Rect r, int gap_px) const;
  void AddButton(Scene* s, Rect r, const std::string& label, const std::string& action,
                 bool enabled = true, int font_px = 0) const;
  int ReadsContentHeight() const;

  void Acknowledge();
  void UpdateAlarm();
  void RecordOutcome(HitOutcome outcome, const std::string& note);
  void CommitOutcome();
  void Undo();
  void RequeueFront(PendingHit h);
  void NoteShownHit();
  void UpdateDriving();
  void Lock(bool idle);
  void TryLogin();
  void SettingsChanged();
  void Navigate(Screen s);
  void RunCheck(const std::string& vrm);
  void ActivateWanted(const std::string& action);
  void SaveWanted();
  void ActivateShift(const std::string& action);
  void AddAnswered(PendingHit h, HitOutcome outcome, const std::string& note);
  void SaveCorrection(const std::string& vrm, std::optional<HitOutcome> outcome, const std::string& note);

  HmiConfig config_;
  HmiActions* actions_;
  SoundSink* sound_;
  SpeechSink* speech_ = nullptr;
  HmiSettings settings_;
  int width_px_, height_px_;
  int64_t now_utc_ms_ = 0;
  int64_t last_input_utc_ms_ = 0;
  int64_t start_utc_ms_ = 0;  // the first Tick
  mutable bool dirty_ = true;

  Screen screen_ = Screen::kLogin;
  Screen back_screen_ = Screen::kLive;  // where answering the last hit returns
  std::string officer_;

  // Login keypad.
  std::string login_officer_, login_pin_;
  bool login_pin_field_ = false;  // typing into the PIN (else the officer number)
  std::string message_;           // last error / notice, shown on the screen

  std::deque<PendingHit> hits_;  // highest priority first, then oldest first
  bool choosing_reason_ = false;
  bool overview_open_ = false;  // the hit's overview full screen
  bool details_open_ = false;   // the hit's details across the card
  bool status_open_ = false;    // the status window
  bool status_figures_ = false;  // ... showing the unit's figures
  HeldOutcome undo_;
  std::string shown_hit_uuid_;   // what NoteShownHit last saw on screen
  int64_t hit_shown_at_utc_ms_ = 0;
  std::string stop_note_;

  struct CameraFrame {
    std::shared_ptr<const cv::Mat> frame;
    std::vector<LiveBox> boxes;
  };
  std::map<std::string, CameraFrame> live_frames_;  // by camera id ("": the only / first)
  std::string live_camera_;  // picked on the Live screen; empty: the first
  bool settings_cameras_ = false;  // the Settings screen shows the camera figures
  std::deque<ReadRow> reads_;  // oldest first
  std::deque<AnsweredHit> answered_;  // oldest first
  ShiftView shift_;

  std::string check_text_;
  std::vector<Hit> check_results_;
  bool check_done_ = false;
  std::string check_notice_;  // confirmation of a saved wanted entry

  // The "new wanted" entry step; kept while the officer answers a hit,
  // visits another screen or drives, dropped on CANCEL, SAVE ok and lock.
  struct WantedEntry {
    bool open = false;
    std::string vrm;  // normalised, fixed when the step opens
    std::optional<Priority> priority;  // none until picked (required)
    std::string reason;  // typed: A-Z, 0-9, single spaces (required)
    int days = 7;        // 1, 7, 30 or 100
    // The keyboard is up for the reason; else the priority and validity
    // choices are (800x480 holds one or the other at a legible size).
    bool typing = true;
  };
  WantedEntry wanted_;

  UnitStatus status_;
  bool have_status_ = false;
  std::vector<bool> faults_;      // status items announced as failed
  std::map<std::string, bool> camera_faults_;  // cameras announced as failed, by id
  bool gps_ever_fixed_ = false;
  int64_t speed_unknown_since_utc_ms_ = -1;  // -1: speed known
  bool driving_ = false;
  bool audio_ok_ = true;
  bool speech_ok_ = true;

  // Pointer tracking: the target pressed and whether the gesture became a drag.
  std::string pressed_action_;
  int down_x_ = 0, down_y_ = 0, down_scroll_px_ = 0;
  bool pointer_down_ = false, dragging_ = false;
  // What was on screen when the finger went down.
  Screen down_screen_ = Screen::kLogin;
  std::string down_hit_uuid_;
  bool down_driving_ = false;
  int reads_scroll_px_ = 0;
};

}  // namespace anpr::hmi
