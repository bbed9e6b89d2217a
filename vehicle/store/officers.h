// Officers and access: login by officer number and PIN, lock-out after
// repeated failures, auto-lock when idle, and the roles' rights.
//
// Rights by role (a higher role has every right of the lower ones):
//
//   right                               officer  supervisor  administrator
//   view hits, record hit outcomes         yes       yes          yes
//   enter a "new wanted" plate             yes       yes          yes
//   search stored reads (reason needed)    no        yes          yes
//   export stored reads (reason needed)    no        yes          yes
//   place an investigation hold (reason)   no        yes          yes
//   import / change hotlists               no        yes          yes
//   verify the audit log                   yes       yes          yes
//   add officers, change settings          no        no           yes
//
// PINs are stored only as PBKDF2-HMAC-SHA256 with a random 16-byte salt per
// officer. Every login (good or bad), lock-out, search, export and setting
// change is written to the audit log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "vehicle/store/store.h"

namespace anpr {

enum class Role : int { kOfficer = 1, kSupervisor = 2, kAdministrator = 3 };
const char* RoleName(Role r);  // "officer", "supervisor", "administrator"
bool ParseRole(std::string_view text, Role* out);

enum class Right : int {
  kViewHits,
  kRecordOutcome,
  kEnterWanted,
  kSearchReads,
  kExportReads,
  kHoldReads,
  kManageHotlists,
  kVerifyAudit,
  kManageOfficers,
  kChangeSettings,
};
const char* RightName(Right r);
// The table above.
bool RoleHasRight(Role role, Right right);

struct OfficersOptions {
  int pbkdf2_iterations = 210000;  // OWASP 2023 figure for PBKDF2-HMAC-SHA256
  int max_failed_attempts = 5;     // then locked out
  int64_t lockout_ms = 15 * 60 * 1000;
  int64_t idle_lock_ms = 10 * 60 * 1000;  // a session idle this long locks
  size_t min_pin_length = 4;
};

// A logged-in officer. Owned by the caller (the HMI keeps one).
struct Session {
  int64_t id = 0;
  std::string officer;
  Role role = Role::kOfficer;
  int64_t last_activity_utc_ms = 0;
  bool locked = false;  // idle lock: the PIN unlocks it
};

class Officers {
 public:
  // `store` must outlive this object.
  Officers(Store* store, OfficersOptions options = {});

  // Adds or replaces an officer. `by` must hold kManageOfficers, except for
  // the very first officer of a fresh unit (by == nullptr), who must be an
  // administrator.
  Status AddOfficer(const Session* by, const std::string& number, Role role, const std::string& pin,
                    int64_t now_utc_ms);

  // Checks the PIN. Wrong PIN or unknown officer: kUnauthenticated (the same
  // message, so numbers cannot be probed); after max_failed_attempts the
  // officer is locked out for lockout_ms (kPermissionDenied while locked).
  // Each attempt is counted before its PIN is compared, atomically across
  // every Store on the same file, so parallel guesses (threads, the HMI and
  // the CLI at once) get max_failed_attempts comparisons between lock-outs.
  // Thread-safe when each thread has its own Officers (or serialises).
  Result<Session> Login(const std::string& number, const std::string& pin, int64_t now_utc_ms);
  Status Logout(Session* session, int64_t now_utc_ms);

  // Locks the session if idle for idle_lock_ms; returns whether it is locked.
  bool CheckIdle(Session* session, int64_t now_utc_ms);
  // The PIN unlocks an idle-locked session; wrong PINs count towards the
  // officer's lock-out as Login's do.
  Status Unlock(Session* session, const std::string& pin, int64_t now_utc_ms);

  // Checks an action: the session must be unlocked and not idle, its role
  // must hold `right`, and searches/exports need a non-empty reason. Counts
  // as activity. Does not audit (the action itself does).
  Status Authorize(Session* session, Right right, const std::string& reason, int64_t now_utc_ms);

  // Searches / exports stored reads: authorised and audited with the reason
  // and the query. Export includes the images. A reason over
  // limits::kMaxReasonBytes or not valid UTF-8 is InvalidArgument.
  Result<std::vector<Read>> SearchReads(Session* session, const ReadQuery& query, const std::string& reason,
                                        int64_t now_utc_ms);
  Result<std::vector<Read>> ExportReads(Session* session, ReadQuery query, const std::string& reason,
                                        int64_t now_utc_ms);
  // Places an investigation hold on the reads of `vrm` (normalised here)
  // until until_utc_ms, which must be after now: retention keeps them until
  // then (vehicle/store/retention.h). Needs kHoldReads and a reason
  // (ValidateReason); stored and audited in one transaction; synced.
  Result<ReadHold> PlaceHold(Session* session, const std::string& vrm, const std::string& reason,
                             int64_t until_utc_ms, int64_t now_utc_ms);
  // Records a hit outcome as this officer (audited by the store).
  Status RecordOutcome(Session* session, const std::string& hit_uuid, HitOutcome outcome,
                       const std::string& note, int64_t now_utc_ms);
  // Records an officer's correction of an answered hit as this officer
  // (Store::CorrectHit; the same right as recording an outcome).
  Status CorrectHit(Session* session, Store::HitCorrection correction, int64_t now_utc_ms);
  // Audits a setting change (the caller applies it).
  Status ChangeSetting(Session* session, const std::string& name, const std::string& value,
                       int64_t now_utc_ms);

 private:
  Status CheckPin(const OfficerRecord& record, const std::string& pin) const;
  // Admits the attempt (Store::AdmitPinAttempt), then compares the PIN;
  // audits "<what>.failed" / "<what>.refused". Ok clears the failures.
  Status CheckPinAttempt(const std::string& number, const std::string& pin, int64_t now_utc_ms,
                         const std::string& what);
  Store* store_;
  OfficersOptions options_;
};

// PBKDF2-HMAC-SHA256 of `pin` with `salt_hex`, hex. Exposed for tests.
std::string HashPin(const std::string& pin, const std::string& salt_hex, int iterations);

}  // namespace anpr
