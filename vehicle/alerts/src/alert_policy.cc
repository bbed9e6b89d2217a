#include "vehicle/alerts/alert_policy.h"

#include <algorithm>

#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"
#include "vehicle/records/vrm.h"

namespace anpr {

AlertPolicy::AlertPolicy(Store* store, Matcher* matcher, AlertPolicyOptions options)
    : store_(store), matcher_(matcher), options_(std::move(options)) {}

Status AlertPolicy::SetMuted(Priority priority, bool muted) {
  if (priority == Priority::kHigh && muted) {
    return PermissionDenied("high priority alerts cannot be muted");
  }
  MutexLock lock(&mu_);
  muted_[static_cast<int>(priority)] = muted;
  return Status::Ok();
}

bool AlertPolicy::IsMuted(Priority priority) const {
  MutexLock lock(&mu_);
  return muted_[static_cast<int>(priority)];
}

const std::string& AlertPolicy::ResponseText(Priority priority) const {
  static const std::string kNone;
  auto it = options_.response_text.find(priority);
  return it == options_.response_text.end() ? kNone : it->second;
}

Result<std::vector<Alert>> AlertPolicy::OnCommittedRead(const Read& read, int64_t now_utc_ms,
                                                        std::vector<Sighting>* sightings) {
  return Decide(read, matcher_->Match(read, now_utc_ms), /*rematch=*/0, now_utc_ms, sightings);
}

Result<bool> AlertPolicy::DueAgain(const Vehicle& v, int64_t captured_utc_ms) {
  if (v.priority != Priority::kHigh) return false;
  auto hit = store_->GetHit(v.hit_uuid);
  if (!hit.ok()) return hit.status();
  if (!hit->has_value()) return false;
  const Hit& h = **hit;
  if (h.outcome != HitOutcome::kNotSeen && h.outcome != HitOutcome::kNotActioned) return false;
  return captured_utc_ms - h.outcome_at_utc_ms >= options_.realert_after_ms;
}

Result<std::vector<Alert>> AlertPolicy::Decide(const Read& read, const std::vector<MatchResult>& matches,
                                               uint64_t rematch, int64_t now_utc_ms,
                                               std::vector<Sighting>* sightings) {
  std::vector<Alert> alerts;
  if (matches.empty()) return alerts;
  const bool late = rematch != 0;
  MutexLock lock(&mu_);
  std::vector<Hit> fresh;
  std::vector<std::string> fresh_keys;
  for (const MatchResult& m : matches) {
    const std::string key = m.list_name + "\n" + m.entry_vrm + "\n" + read.vrm;
    auto it = recent_.find(key);
    if (it != recent_.end()) {
      Vehicle& v = it->second;
      // Re-matching leaves alone a vehicle this shift already raised, unless
      // this very re-match raised it (its older reads group as repeats).
      if (late && v.rematch != rematch) continue;
      // Cool-down from the alert, on capture times, so late matching of old
      // reads groups the same way as live ones.
      const int64_t since_alert_ms = read.captured_at_utc_ms - v.alert_captured_utc_ms;
      bool repeat = since_alert_ms >= -options_.cooldown_ms && since_alert_ms <= options_.cooldown_ms;
      if (repeat && !late) {
        auto due = DueAgain(v, read.captured_at_utc_ms);
        if (!due.ok()) return due.status();
        repeat = !*due;
      }
      if (repeat) {
        Status s = store_->RecordRepeatHit(v.hit_uuid, read.uuid, now_utc_ms);
        if (!s.ok()) return s;
        if (sightings && !late && !v.covert) sightings->push_back({v.hit_uuid, v.priority, read.uuid});
        continue;
      }
      if (late) continue;  // older reads past the cool-down: one late alert per vehicle
    }
    Hit h;
    h.uuid = NewUuid();
    h.read_uuid = read.uuid;
    h.list_name = m.list_name;
    h.entry_vrm = m.entry_vrm;
    h.priority = m.priority;
    h.match = m.kind;
    h.covert = m.covert;
    h.late = late;
    h.raised_at_utc_ms = now_utc_ms;
    auto entry = store_->GetHotlistEntry(m.list_name, m.entry_vrm);
    if (!entry.ok()) return entry.status();
    if (entry->has_value()) CopyEntryDetails(**entry, &h);
    fresh.push_back(std::move(h));
    fresh_keys.push_back(key);
  }
  if (fresh.empty()) return alerts;
  Status s = store_->CommitHits(fresh);  // durable before anyone is told
  if (!s.ok()) return s;
  for (size_t i = 0; i < fresh.size(); ++i) {
    recent_[fresh_keys[i]] = {fresh[i].uuid, fresh[i].priority, read.captured_at_utc_ms, rematch, fresh[i].covert};
    if (fresh[i].covert) continue;  // recorded and synced, never shown in the car
    Alert a;
    a.hit = fresh[i];
    auto rt = options_.response_text.find(a.hit.priority);
    if (rt != options_.response_text.end()) a.response_text = rt->second;
    if (auto list = matcher_->List(a.hit.list_name)) {
      a.list_colour = list->meta().colour;
      a.list_sound = list->meta().sound;
    }
    a.sound = !muted_[static_cast<int>(a.hit.priority)];
    alerts.push_back(std::move(a));
  }
  return alerts;
}

Result<std::vector<Alert>> AlertPolicy::RematchRecent(const std::string& list_name, int64_t now_utc_ms) {
  auto reads = store_->ReadsSince(now_utc_ms - options_.rematch_window_ms);
  if (!reads.ok()) return reads.status();
  uint64_t rematch = 0;
  {
    MutexLock lock(&mu_);
    rematch = ++rematch_;
  }
  std::vector<Alert> alerts;
  for (const Read& read : *reads) {
    std::vector<std::string> candidates;
    for (const auto& c : read.candidates) candidates.push_back(c.vrm);
    std::vector<MatchResult> matches = matcher_->MatchVrm(read.vrm, candidates, now_utc_ms, list_name);
    if (matches.empty()) continue;
    // Hits this read already has (from the live match) are not raised again.
    auto existing = store_->HitsForRead(read.uuid);
    if (!existing.ok()) return existing.status();
    matches.erase(std::remove_if(matches.begin(), matches.end(),
                                 [&](const MatchResult& m) {
                                   return std::any_of(existing->begin(), existing->end(), [&](const Hit& h) {
                                     return h.list_name == m.list_name && h.entry_vrm == m.entry_vrm;
                                   });
                                 }),
                  matches.end());
    auto decided = Decide(read, matches, rematch, now_utc_ms);
    if (!decided.ok()) return decided.status();
    for (Alert& a : *decided) alerts.push_back(std::move(a));
  }
  std::stable_sort(alerts.begin(), alerts.end(),
                   [](const Alert& a, const Alert& b) { return a.hit.priority > b.hit.priority; });
  return alerts;
}

Result<std::vector<Alert>> AlertPolicy::EnterWanted(const std::string& officer, const std::string& vrm,
                                                    Priority priority, const std::string& reason,
                                                    int64_t expires_at_utc_ms, int64_t now_utc_ms) {
  if (officer.empty()) return Unauthenticated("entering a wanted plate needs a logged-in officer");
  if (Status r = limits::ValidateText("reason", reason, limits::kMaxReasonBytes); !r.ok()) return r;
  OfficerEntry oe;
  oe.uuid = NewUuid();
  oe.list_name = kOfficerListName;
  oe.entry.vrm = NormaliseVrm(vrm);
  oe.entry.priority = priority;
  oe.entry.reason = reason;
  oe.entered_by = officer;
  oe.entered_at_utc_ms = now_utc_ms;
  if (oe.entry.vrm.empty() || oe.entry.vrm.size() > kMaxHotlistVrmLength) {
    return InvalidArgument("'" + vrm + "' is not a VRM");
  }
  if (Status s = ValidateReason(reason); !s.ok()) return InvalidArgument("a wanted plate: " + s.message());
  if (expires_at_utc_ms <= now_utc_ms) return InvalidArgument("the expiry must be in the future");
  if (expires_at_utc_ms - now_utc_ms > kMaxOfficerEntryMs) {
    return InvalidArgument("an officer-entered plate expires within 100 days at most");
  }
  oe.entry.valid_until_utc_s = expires_at_utc_ms / 1000;
  Status s = store_->AddOfficerEntry(oe, matcher_);
  if (!s.ok()) return s;
  return RematchRecent(kOfficerListName, now_utc_ms);
}

}  // namespace anpr
