// What a match becomes: a recorded hit and, perhaps, an alert in the car.
//
// - Each priority has its response text (what the officer should do).
// - A repeat hit on the same vehicle (read VRM) and entry within the
//   cool-down of its last sighting updates the first hit (repeat count, last
//   read) instead of alerting again.
// - Covert lists: the hit is recorded (and synced) but never alerted.
// - Low and medium alerts can be muted (no sound; still shown); high cannot.
// - A new hotlist version, delta or officer-entered wanted plate re-matches
//   the reads of the last rematch_window_ms against that list; new hits are
//   marked late.
// - Hits are durable before AlertPolicy returns them, and are only ever
//   raised for reads already committed (HitPipeline, hit_pipeline.h, orders this).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/read.h"
#include "vehicle/store/store.h"

namespace anpr {

struct AlertPolicyOptions {
  int64_t cooldown_ms = 5 * 60 * 1000;
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

class AlertPolicy {
 public:
  // `store` and `matcher` must outlive the policy. Thread-safe.
  AlertPolicy(Store* store, Matcher* matcher, AlertPolicyOptions options = {});

  // Matches a committed read, records its hits (or repeats) durably and
  // returns the alerts to raise, highest priority first.
  Result<std::vector<Alert>> OnCommittedRead(const Read& read, int64_t now_utc_ms);

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
  Result<std::vector<Alert>> Decide(const Read& read, const std::vector<MatchResult>& matches, bool late,
                                    int64_t now_utc_ms);
  Store* store_;
  Matcher* matcher_;
  AlertPolicyOptions options_;

  mutable std::mutex mu_;  // guards the members below and serialises Decide
  struct Recent {
    std::string hit_uuid;
    int64_t last_seen_utc_ms = 0;
  };
  std::map<std::string, Recent> recent_;  // key: list \n entry \n read vrm
  bool muted_[4] = {false, false, false, false};
};

}  // namespace anpr
