#include "vehicle/store/officers.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"
#include "vehicle/records/vrm.h"

namespace anpr {
namespace {

// Refusals and locks are audited; when the audit write itself fails the
// refusal still stands (it is the safe outcome) and the failure goes to the
// log, where the health line's store error also shows it.
void AuditRefusal(Store* store, const std::string& officer, const std::string& action, const std::string& detail) {
  if (Status s = store->Audit(officer, action, detail); !s.ok()) {
    spdlog::error("audit entry not written ({}): {} {} {}", s.ToString(), officer, action, detail);
  }
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

const Status kBadCredentials = Unauthenticated("unknown officer number or wrong PIN");

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kOfficer: return "officer";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdministrator: return "administrator";
  }
  return "officer";
}

bool ParseRole(std::string_view text, Role* out) {
  for (Role r : {Role::kOfficer, Role::kSupervisor, Role::kAdministrator}) {
    if (text == RoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

const char* RightName(Right r) {
  switch (r) {
    case Right::kViewHits: return "view hits";
    case Right::kRecordOutcome: return "record hit outcomes";
    case Right::kEnterWanted: return "enter a wanted plate";
    case Right::kSearchReads: return "search reads";
    case Right::kExportReads: return "export reads";
    case Right::kHoldReads: return "place an investigation hold";
    case Right::kManageHotlists: return "manage hotlists";
    case Right::kVerifyAudit: return "verify the audit log";
    case Right::kManageOfficers: return "manage officers";
    case Right::kChangeSettings: return "change settings";
  }
  return "?";
}

bool RoleHasRight(Role role, Right right) {
  switch (right) {
    case Right::kViewHits:
    case Right::kRecordOutcome:
    case Right::kEnterWanted:
    case Right::kVerifyAudit: return true;  // shows no personal data
    case Right::kSearchReads:
    case Right::kExportReads:
    case Right::kHoldReads:
    case Right::kManageHotlists: return role >= Role::kSupervisor;
    case Right::kManageOfficers:
    case Right::kChangeSettings: return role == Role::kAdministrator;
  }
  return false;
}

std::string HashPin(const std::string& pin, const std::string& salt_hex, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()),
                    reinterpret_cast<const unsigned char*>(salt_hex.data()), static_cast<int>(salt_hex.size()),
                    iterations, EVP_sha256(), sizeof out, out);
  return Hex(out, sizeof out);
}

Officers::Officers(Store* store, OfficersOptions options) : store_(store), options_(options) {}

Status Officers::AddOfficer(const Session* by, const std::string& number, Role role, const std::string& pin,
                            int64_t now_utc_ms) {
  if (Status valid = limits::ValidateOfficerNumber(number); !valid.ok()) return valid;
  if (pin.size() < options_.min_pin_length ||
      !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument("a PIN is at least " + std::to_string(options_.min_pin_length) + " digits");
  }
  std::string actor = "bootstrap";
  if (by == nullptr) {
    auto count = store_->CountOfficers();
    if (!count.ok()) return count.status();
    if (*count > 0) return PermissionDenied("adding an officer needs an administrator's session");
    if (role != Role::kAdministrator) return InvalidArgument("the first officer on a unit must be an administrator");
  } else {
    Session copy = *by;
    Status s = Authorize(&copy, Right::kManageOfficers, "", now_utc_ms);
    if (!s.ok()) return s;
    actor = by->officer;
  }
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) return Internal("no random salt available");
  OfficerRecord r;
  r.number = number;
  r.role = RoleName(role);
  r.pin_salt_hex = Hex(salt, sizeof salt);
  r.pin_iterations = options_.pbkdf2_iterations;
  r.pin_hash_hex = HashPin(pin, r.pin_salt_hex, r.pin_iterations);
  Status s = store_->PutOfficer(r);
  if (!s.ok()) return s;
  return store_->Audit(actor, "officer.add", "officer " + number + " as " + RoleName(role));
}

Status Officers::CheckPin(const OfficerRecord& record, const std::string& pin) const {
  const std::string h = HashPin(pin, record.pin_salt_hex, record.pin_iterations);
  if (h.size() != record.pin_hash_hex.size() ||
      CRYPTO_memcmp(h.data(), record.pin_hash_hex.data(), h.size()) != 0) {
    return kBadCredentials;
  }
  return Status::Ok();
}

// The attempt is admitted (counted, and the lock set when it is the last one
// allowed) before the PIN is compared, in one transaction: parallel guesses
// from any number of connections get max_failed_attempts comparisons in all.
Status Officers::CheckPinAttempt(const std::string& number, const std::string& pin, int64_t now_utc_ms,
                                 const std::string& what) {
  auto attempt = store_->AdmitPinAttempt(number, options_.max_failed_attempts, options_.lockout_ms, now_utc_ms);
  if (!attempt.ok()) return attempt.status();
  if (!attempt->officer) {
    AuditRefusal(store_, number, what + ".failed", "unknown officer number");
    return kBadCredentials;
  }
  const OfficerRecord& rec = *attempt->officer;
  if (!attempt->admitted) {
    AuditRefusal(store_, number, what + ".refused", "locked out");
    return PermissionDenied("officer " + number + " is locked out for another " +
                            std::to_string((rec.locked_until_utc_ms - now_utc_ms + 59999) / 60000) +
                            " min after repeated wrong PINs");
  }
  if (!CheckPin(rec, pin).ok()) {
    std::string detail = "wrong PIN (" + std::to_string(rec.failed_attempts) + " in a row)";
    if (attempt->locks_now) detail += "; locked out for " + std::to_string(options_.lockout_ms / 1000) + " s";
    AuditRefusal(store_, number, what + ".failed", detail);
    return kBadCredentials;
  }
  return store_->ClearPinFailures(number);
}

Result<Session> Officers::Login(const std::string& number, const std::string& pin, int64_t now_utc_ms) {
  auto found = store_->GetOfficer(number);
  if (!found.ok()) return found.status();
  if (!found->has_value() || !(*found)->active) {
    AuditRefusal(store_, number, "login.failed", "unknown or inactive officer number");
    return kBadCredentials;
  }
  Status s = CheckPinAttempt(number, pin, now_utc_ms, "login");
  if (!s.ok()) return s;
  OfficerRecord rec = **found;
  Role role = Role::kOfficer;
  ParseRole(rec.role, &role);
  auto id = store_->OpenSession(number, now_utc_ms);
  if (!id.ok()) return id.status();
  s = store_->Audit(number, "login", std::string("session ") + std::to_string(*id) + " as " + RoleName(role));
  if (!s.ok()) return s;
  Session session;
  session.id = *id;
  session.officer = number;
  session.role = role;
  session.last_activity_utc_ms = now_utc_ms;
  return session;
}

Status Officers::Logout(Session* session, int64_t now_utc_ms) {
  Status s = store_->CloseSession(session->id, "logout", now_utc_ms);
  if (s.ok()) s = store_->Audit(session->officer, "logout", "session " + std::to_string(session->id));
  session->locked = true;
  return s;
}

bool Officers::CheckIdle(Session* session, int64_t now_utc_ms) {
  if (!session->locked && now_utc_ms - session->last_activity_utc_ms >= options_.idle_lock_ms) {
    session->locked = true;
    AuditRefusal(store_, session->officer, "session.idle-lock", "session " + std::to_string(session->id));
  }
  return session->locked;
}

Status Officers::Unlock(Session* session, const std::string& pin, int64_t now_utc_ms) {
  Status s = CheckPinAttempt(session->officer, pin, now_utc_ms, "unlock");
  if (!s.ok()) return s;
  session->locked = false;
  session->last_activity_utc_ms = now_utc_ms;
  return Status::Ok();
}

Status Officers::Authorize(Session* session, Right right, const std::string& reason, int64_t now_utc_ms) {
  if (session == nullptr || session->officer.empty()) return Unauthenticated("no officer logged in");
  if (CheckIdle(session, now_utc_ms)) return Unauthenticated("session locked: enter the PIN to unlock");
  if (!RoleHasRight(session->role, right)) {
    AuditRefusal(store_, session->officer, "access.denied", std::string(RightName(right)) + " as " + RoleName(session->role));
    return PermissionDenied(std::string("role ") + RoleName(session->role) + " may not " + RightName(right));
  }
  if (right == Right::kSearchReads || right == Right::kExportReads || right == Right::kHoldReads) {
    if (Status s = ValidateReason(reason); !s.ok()) {
      return InvalidArgument(std::string("to ") + RightName(right) + ": " + s.message());
    }
  }
  session->last_activity_utc_ms = now_utc_ms;
  return Status::Ok();
}

namespace {
std::string DescribeQuery(const ReadQuery& q) {
  return "vrm=" + (q.vrm.empty() ? std::string("*") : q.vrm) + " from=" + std::to_string(q.from_utc_ms) +
         " to=" + std::to_string(q.to_utc_ms) + " limit=" + std::to_string(q.limit);
}
}  // namespace

Result<std::vector<Read>> Officers::SearchReads(Session* session, const ReadQuery& query, const std::string& reason,
                                                int64_t now_utc_ms) {
  if (Status r = limits::ValidateText("reason", reason, limits::kMaxReasonBytes); !r.ok()) return r;
  Status s = Authorize(session, Right::kSearchReads, reason, now_utc_ms);
  if (!s.ok()) return s;
  // Audited before the data is shown: a failed audit write means no search.
  s = store_->Audit(session->officer, "reads.search", DescribeQuery(query) + "; reason: " + reason);
  if (!s.ok()) return s;
  return store_->FindReads(query);
}

Result<std::vector<Read>> Officers::ExportReads(Session* session, ReadQuery query, const std::string& reason,
                                                int64_t now_utc_ms) {
  if (Status r = limits::ValidateText("reason", reason, limits::kMaxReasonBytes); !r.ok()) return r;
  Status s = Authorize(session, Right::kExportReads, reason, now_utc_ms);
  if (!s.ok()) return s;
  query.with_images = true;
  s = store_->Audit(session->officer, "reads.export", DescribeQuery(query) + "; reason: " + reason);
  if (!s.ok()) return s;
  return store_->FindReads(query);
}

Result<ReadHold> Officers::PlaceHold(Session* session, const std::string& vrm, const std::string& reason,
                                     int64_t until_utc_ms, int64_t now_utc_ms) {
  if (Status r = limits::ValidateText("reason", reason, limits::kMaxReasonBytes); !r.ok()) return r;
  Status s = Authorize(session, Right::kHoldReads, reason, now_utc_ms);
  if (!s.ok()) return s;
  ReadHold hold;
  hold.vrm = NormaliseVrm(vrm);
  if (hold.vrm.empty()) return InvalidArgument("a hold needs a VRM");
  if (until_utc_ms <= now_utc_ms) return InvalidArgument("a hold must last until a time after now");
  hold.uuid = NewUuid();
  hold.reason = reason;
  hold.placed_by = session->officer;
  hold.placed_at_utc_ms = now_utc_ms;
  hold.until_utc_ms = until_utc_ms;
  if (Status st = store_->AddHold(hold); !st.ok()) return st;
  return hold;
}

Status Officers::RecordOutcome(Session* session, const std::string& hit_uuid, HitOutcome outcome,
                               const std::string& note, int64_t now_utc_ms) {
  Status s = Authorize(session, Right::kRecordOutcome, "", now_utc_ms);
  if (!s.ok()) return s;
  return store_->SetHitOutcome(hit_uuid, outcome, session->officer, note, now_utc_ms);
}

Status Officers::CorrectHit(Session* session, Store::HitCorrection correction, int64_t now_utc_ms) {
  Status s = Authorize(session, Right::kRecordOutcome, "", now_utc_ms);
  if (!s.ok()) return s;
  correction.officer = session->officer;
  correction.at_utc_ms = now_utc_ms;
  return store_->CorrectHit(correction);
}

Status Officers::ChangeSetting(Session* session, const std::string& name, const std::string& value,
                               int64_t now_utc_ms) {
  Status s = Authorize(session, Right::kChangeSettings, "", now_utc_ms);
  if (!s.ok()) return s;
  return store_->Audit(session->officer, "setting.change", name + " = " + value);
}

}  // namespace anpr
