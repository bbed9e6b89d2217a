// What a match becomes: a recorded hit and, perhaps, an alert in the car.
//
// - Each priority has its response text (what the officer should do).
// - A repeat hit on the same vehicle (read VRM) and entry within the
//   cool-down of its alert (the capture time of the read that raised it, not
//   the last sighting: following a vehicle does not silence it for good)
//   updates that hit (repeat count, last read) instead of alerting again.
// - A high hit the officer answered NOT SEEN or NOT ACTIONED alerts again at
//   the first sighting captured realert_after_ms or more after the answer,
//   cool-down or not.
// - Covert lists: the hit is recorded (and synced) but never alerted.
// - Low and medium alerts can be muted (no sound; still shown); high cannot.
// - A new hotlist version, delta or officer-entered wanted plate re-matches
//   the reads of the last rematch_window_ms against that list; new hits are
//   marked late. Re-matching never raises a vehicle (read VRM and entry) that
//   already has a hit in this shift: one answered CONFIRMED or MISREAD stays
//   answered, one still waiting is not doubled, and a re-match raises one
//   late alert per vehicle (its older reads within the cool-down are repeats).
// - The shift is the policy's lifetime: the unit's run, from start to stop
//   (one AlertPolicy per run). What it remembers of earlier hits is kept in
//   memory; the answers are read back from the store.
// - Hits are durable before AlertPolicy returns them, and are only ever
//   raised for reads already committed (HitPipeline, hit_pipeline.h, orders this).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vehicle/records/mutex.h"
#include "vehicle/records/status.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/read.h"
#include "vehicle/store/store.h"

namespace anpr {

struct AlertPolicyOptions {
  int64_t cooldown_ms = 5 * 60 * 1000;  // from the alert, on capture times
  // A high hit answered NOT SEEN / NOT ACTIONED alerts again at a sighting
  // captured this long after the answer.
  int64_t realert_after_ms = 60 * 1000;
  int64_t rematch_window_ms = 4 * 60 * 60 * 1000;  // late matching looks back this far
  std::map<Priority, std::string> response_text = {
      {Priority::kHigh, "HIGH: life at risk. Stop only when safe, call for support at once, follow the action text."},
      {Priority::kMedium, "MEDIUM: intercept if practicable and safe; report the sighting."},
      {Priority::kLow, "LOW: note the sighting; act only if convenient."},
  };
};

// The longest expiry of an officer-entered plate.
inline constexpr int64_t kMaxOfficerEntryMs = 100LL * 24 * 60 * 60 * 1000;
inline constexpr const char* kOfficerListName = "officer-entered";

// One alert for the HMI.
struct Alert {
  Hit hit;
  std::string response_text;
  std::string list_colour;
  std::string list_sound;
  bool sound = true;  // false when the priority is muted (never for high)
};

// A repeat of a hit already alerted: the same vehicle (read VRM) on the
// same entry seen again, by any of the car's cameras, within the cool-down.
// Recorded on that hit (Store::RecordRepeatHit) and not alerted again; the
// screen lists it with the hit (which cameras saw the vehicle, when).
struct Sighting {
  std::string hit_uuid;  // the hit alerted
  Priority priority = Priority::kLow;
  std::string read_uuid;  // the read that saw it again
};

class AlertPolicy {
 public:
  // `store` and `matcher` must outlive the policy. Thread-safe.
  AlertPolicy(Store* store, Matcher* matcher, AlertPolicyOptions options = {});

  // Matches a committed read, records its hits (or repeats) durably and
  // returns the alerts to raise, highest priority first. The repeats of
  // hits alerted in the car (not covert) are added to *sightings when given.
  Result<std::vector<Alert>> OnCommittedRead(const Read& read, int64_t now_utc_ms,
                                             std::vector<Sighting>* sightings = nullptr);

  // Re-matches the reads of the last rematch window against `list_name`
  // (after a new version or delta of it); new hits are late.
  Result<std::vector<Alert>> RematchRecent(const std::string& list_name, int64_t now_utc_ms);

  // An officer-entered "new wanted" plate: expiry at most 100 days ahead,
  // a reason is required (at most limits::kMaxReasonBytes of UTF-8). Stored,
  // queued for the depot, then recent reads are re-matched; returns the
  // late alerts.
  Result<std::vector<Alert>> EnterWanted(const std::string& officer, const std::string& vrm, Priority priority,
                                         const std::string& reason, int64_t expires_at_utc_ms,
                                         int64_t now_utc_ms);

  // Mutes (or unmutes) the sound of a priority. High cannot be muted.
  Status SetMuted(Priority priority, bool muted);
  bool IsMuted(Priority priority) const;
  const std::string& ResponseText(Priority priority) const;

 private:
  // `rematch`: 0 for a live read, else the re-match (1, 2 ...) it is part of.
  Result<std::vector<Alert>> Decide(const Read& read, const std::vector<MatchResult>& matches,
                                    uint64_t rematch, int64_t now_utc_ms, std::vector<Sighting>* sightings = nullptr);
  Store* store_;
  Matcher* matcher_;
  AlertPolicyOptions options_;

  // What this shift knows of one vehicle on one entry.
  struct Vehicle {
    std::string hit_uuid;               // the hit of the latest alert
    Priority priority = Priority::kLow;
    int64_t alert_captured_utc_ms = 0;  // capture time of the read that raised it
    uint64_t rematch = 0;  // the re-match that first raised it; 0: a live read
    bool covert = false;   // never shown in the car: its repeats are not either
  };
  // Whether `v`'s latest hit, answered NOT SEEN / NOT ACTIONED, is due to
  // alert again for a read captured at `captured_utc_ms`.
  Result<bool> DueAgain(const Vehicle& v, int64_t captured_utc_ms) ANPR_REQUIRES(mu_);

  mutable Mutex mu_;  // guards the members below and serialises Decide
  std::map<std::string, Vehicle> recent_ ANPR_GUARDED_BY(mu_);  // key: list \n entry \n read vrm
  uint64_t rematch_ ANPR_GUARDED_BY(mu_) = 0;                   // re-matches so far (RematchRecent)
  bool muted_[4] ANPR_GUARDED_BY(mu_) = {false, false, false, false};
};

}  // namespace anpr
