// What the HMI needs from the rest of the unit, as small plain interfaces the
// program implements with the real store, matcher and officer sessions.
// The HMI calls these on its own (SDL main) thread; a slow implementation
// delays the screen, so keep them quick (the store already has its own writer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "vehicle/records/read.h"

namespace anpr::hmi {

// Settings the officer changes on the Settings screen.
struct HmiSettings {
  int volume_percent = 80;  // 0-100, steps of 10
  bool night = false;
  bool mute_low = false;
  bool mute_medium = false;
  // There is deliberately no mute_high: high priority can never be muted.
};

class HmiActions {
 public:
  virtual ~HmiActions() = default;

  // Checks an officer number and PIN. Ok: the officer is logged in.
  // Otherwise a Status whose message the keypad shows
  // ("wrong PIN", "locked out for 5 minutes").
  virtual Status Login(const std::string& officer_id, const std::string& pin) = 0;
  // The officer locked the screen or it locked itself after idling.
  virtual void Logout(const std::string& officer_id, bool idle) = 0;

  // Records what the officer did with a hit. `note` is the reason picked for
  // kNotActioned and empty otherwise. Not ok: the hit stays on screen and the
  // message is shown; nothing is dropped.
  virtual Status RecordOutcome(const std::string& hit_uuid, HitOutcome outcome,
                               const std::string& note) = 0;

  // A correction, from the shift's hits list, of a hit already answered:
  // the plate as the officer reads it on the image (`vrm`, normalised; empty:
  // not corrected) and / or another outcome (`note` as for RecordOutcome).
  // The read and the answer it corrects stay as recorded; the correction is a
  // new audited record (who, when, old and new values) that syncs to the
  // depot. Not ok: the message is shown and nothing changed.
  virtual Status CorrectHit(const std::string& hit_uuid, const std::string& vrm,
                            std::optional<HitOutcome> outcome, const std::string& note) = 0;

  // Hotlist entries a read of `vrm` (normalised) would hit, highest priority
  // first, described as Hits (list_name, entry_vrm, priority, match, reason,
  // warning_markers, information, make/model/colour; uuids empty).
  // Empty vector: not on any list.
  virtual Result<std::vector<Hit>> CheckVrm(const std::string& vrm) = 0;

  // The officer enters a "new wanted" plate (`vrm` normalised) on their own
  // authority: `reason` required, in force for `valid_days` (1-100, the
  // legal maximum for an officer's entry). Ok: it is in force at once,
  // queued for the depot, and the reads of the last hours are matched again
  // (late hits then arrive as ordinary hits). Not ok: the message says why
  // (no reason, no right, store failure) and nothing changed.
  virtual Status EnterWanted(const std::string& vrm, Priority priority, const std::string& reason,
                             int valid_days) = 0;

  // The officer changed a setting (for the audit log and the config).
  virtual void SettingsChanged(const HmiSettings& settings) = 0;
};

// One status-bar item.
struct StatusItem {
  bool ok = true;
  std::string text;  // short: "CAM OK", "GPS 3D", "SYNC 2m", "DISK 81%"
};

// The unit's health as the status bar shows it. The program fills it in a
// few times a second; the model notices each item turning from ok to fault
// and sounds the failure tone once per such change.
// One camera of the car, as the status bar and Settings screen show it.
struct CameraStatus {
  std::string id;                // "front", "rear", "nearside"
  bool ok = true;                // streaming
  std::string state = "streaming";  // SourceStateName of capture/frame_source.h
  double fps = 0;                // measured delivery rate
  uint64_t frames_in = 0;        // delivered by the camera
  uint64_t frames_processed = 0; // recognised
  uint64_t frames_dropped = 0;   // dropped because recognition was behind
};

struct UnitStatus {
  bool camera_ok = true;
  std::string camera_text = "CAM";  // e.g. "CAM 15fps" or "CAM LOST"
  // Every configured camera, in configuration order (camera_ok is false
  // when any is not streaming).
  std::vector<CameraStatus> cameras;

  FixMode gps_fix = FixMode::kNone;
  bool gps_stale = false;
  double speed_mps = 0;  // NaN or negative = unknown (moving once unknown for kSpeedUnknownMovingMs)

  ClockSource clock_source = ClockSource::kFreeRunning;
  bool clock_ok = true;  // false: free-running too long or offset too large

  bool sync_ok = true;
  int64_t last_sync_utc_ms = 0;  // 0 = never
  int64_t unsynced_reads = 0;
  // Records the depot refused for their content: kept on board, unsynced,
  // held back so the rest can go; someone at the depot must look at them.
  int64_t quarantined_records = 0;

  bool storage_ok = true;
  int storage_used_percent = 0;

  bool hotlist_ok = true;
  int64_t hotlist_updated_utc_ms = 0;  // 0 = no hotlist loaded

  // The unit's figures for a maintainer (frames in / read / dropped, queue
  // depths, read latency, sync progress), one short line each; the Settings
  // screen shows the first two.
  std::vector<std::string> health_lines;
};

}  // namespace anpr::hmi
