// Unit::Impl as the screen's HmiActions: login and logout (which set the
// officer on duty for reads), outcomes and their corrections, a VRM check, a wanted plate entered
// in the car and settings. All on the HMI thread.
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "vehicle/app/unit_impl.h"

namespace anpr::unit {
namespace {

// An audit write the officer's action does not wait on (a setting, a
// logout): its failure is logged; the store's state shows it too.
void LogIfFailed(const Status& s, const char* what) {
  if (!s.ok()) spdlog::error("{}: {}", what, s.ToString());
}

}  // namespace

Status Unit::Impl::Login(const std::string& officer_id, const std::string& pin) {
  auto s = officers->Login(officer_id, pin, Now());
  if (!s.ok()) return s.status();
  session = std::move(s.value());
  SetOfficerOnDuty(session->officer);
  return Status::Ok();
}

void Unit::Impl::Logout(const std::string&, bool) {
  if (session) LogIfFailed(officers->Logout(&*session, Now()), "logout not audited");
  session.reset();
  SetOfficerOnDuty("");
}

Status Unit::Impl::RecordOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& note) {
  if (!session) return PermissionDenied("log in to record an outcome");
  return officers->RecordOutcome(&*session, hit_uuid, outcome, note, Now());
}

Status Unit::Impl::CorrectHit(const std::string& hit_uuid, const std::string& vrm, std::optional<HitOutcome> outcome,
                              const std::string& note) {
  if (!session) return PermissionDenied("log in to correct a hit");
  Store::HitCorrection c;
  c.hit_uuid = hit_uuid;
  c.vrm = vrm;
  c.outcome = outcome;
  c.note = note;
  return officers->CorrectHit(&*session, std::move(c), Now());
}

Result<std::vector<Hit>> Unit::Impl::CheckVrm(const std::string& vrm) {
  std::vector<Hit> out;
  for (const MatchResult& m : matcher.MatchVrm(vrm, {}, Now())) {
    Hit h;
    h.list_name = m.list_name;
    h.entry_vrm = m.entry_vrm;
    h.priority = m.priority;
    h.match = m.kind;
    h.covert = m.covert;
    if (m.covert) continue;  // covert lists are never shown in the car
    auto entry = store->GetHotlistEntry(m.list_name, m.entry_vrm);
    if (entry.ok() && entry->has_value()) CopyEntryDetails(**entry, &h);
    out.push_back(std::move(h));
  }
  return out;
}

Status Unit::Impl::EnterWanted(const std::string& vrm, Priority priority, const std::string& reason, int valid_days) {
  if (!session) return PermissionDenied("log in to enter a wanted plate");
  const int64_t now = Now();
  if (Status s = officers->Authorize(&*session, Right::kEnterWanted, reason, now); !s.ok()) return s;
  if (valid_days < 1 || valid_days > 100) return InvalidArgument("a wanted plate is valid for 1 to 100 days");
  auto late = policy->EnterWanted(session->officer, vrm, priority, reason,
                                  now + int64_t{valid_days} * 24 * 3600 * 1000, now);
  if (!late.ok()) return late.status();
  // Reads of the last hours that match: raised now, marked late.
  for (const Alert& a : *late) OnAlert(a);
  return Status::Ok();
}

void Unit::Impl::SettingsChanged(const hmi::HmiSettings& s) {
  policy->SetMuted(Priority::kLow, s.mute_low).IgnoreError();  // only high refuses
  policy->SetMuted(Priority::kMedium, s.mute_medium).IgnoreError();
  if (session) {
    const int64_t now = Now();
    const char* what = "setting change not audited";
    LogIfFailed(officers->ChangeSetting(&*session, "volume_percent", std::to_string(s.volume_percent), now), what);
    LogIfFailed(officers->ChangeSetting(&*session, "night", s.night ? "on" : "off", now), what);
    LogIfFailed(officers->ChangeSetting(&*session, "mute_low", s.mute_low ? "on" : "off", now), what);
    LogIfFailed(officers->ChangeSetting(&*session, "mute_medium", s.mute_medium ? "on" : "off", now), what);
  }
}

}  // namespace anpr::unit
