// The depot's records for people, beside the depot store (sync/depot_store.h)
// in the same database: cars' heartbeats, the web console's users and
// sessions, and the read-only views the console's pages show of what the
// depot store holds (hits, searches, security events, cars' audit entries).
// SQLite or PostgreSQL, chosen by the same URL as the depot store; its
// tables carry their own schema version (console_schema_migrations), so the
// two schemas move independently.
//
// Thread-safe; each call is one transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sync/heartbeat.h"
#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/read.h"
#include "vehicle/records/status.h"

namespace anpr::sync {

namespace sql {
class Db;
}

// The console's roles. An admin publishes hotlists and sees the fleet; an
// investigator searches reads and sees hits and the fleet; an auditor sees
// the audit page only.
enum class ConsoleRole { kAdmin, kInvestigator, kAuditor };
const char* ConsoleRoleName(ConsoleRole r);  // "admin", "investigator", "auditor"
bool ParseConsoleRole(std::string_view text, ConsoleRole* out);

struct HeartbeatRecord {
  Heartbeat heartbeat;
  int64_t received_at_utc_ms = 0;
};

// A person's login record.
struct ConsoleUser {
  std::string name;
  ConsoleRole role = ConsoleRole::kInvestigator;
  std::string salt_hex;
  int iterations = 0;
  std::string hash_hex;
  int failed_attempts = 0;
  int64_t locked_until_utc_ms = 0;
};

// A login attempt admitted before the password is checked (so two attempts
// at once cannot both slip under the limit): counted, and the lock set when
// it is the last allowed. `user` is empty for an unknown name.
struct LoginAttempt {
  std::optional<ConsoleUser> user;
  bool locked = false;     // already locked: not admitted, not counted
  bool locks_now = false;  // this attempt set the lock
};

struct ConsoleSession {
  std::string user;
  ConsoleRole role = ConsoleRole::kInvestigator;
  std::string csrf_token;
  int64_t last_seen_utc_ms = 0;
};

// Rows of the console's views. Times are UTC ms.
struct HitRow {
  std::string uuid, unit_id, read_uuid, list_name, entry_vrm, priority, outcome;
  int64_t raised_at_utc_ms = 0, outcome_at_utc_ms = 0;
};
struct ListAccuracy {
  std::string list_name;
  int64_t answered = 0;  // hits with an outcome other than pending
  int64_t misread = 0;
};
struct AuditRow {
  std::string kind;  // "search", "security", "car"
  int64_t at_utc_ms = 0;
  std::string who;   // investigator, principal or officer
  std::string what;  // "search AB12CDE (3 results)", the event, the car's action
  std::string why;   // the search's reason, the remote address, the car's detail
  std::string unit_id;  // car entries only
};
struct HotlistVersionRow {
  std::string list_name;
  int64_t version = 0, published_at_utc_ms = 0, entries = 0;
  std::string publisher;
};
struct AuditFilter {
  std::string who;  // exact; empty: everyone
  int64_t from_utc_ms = 0;
  int64_t to_utc_ms = INT64_MAX;
  std::size_t limit = 500;
};

class ConsoleStore {
 public:
  static constexpr int kHeartbeatHistory = 1440;  // a day at one a minute

  // Opens the database at `url` (the depot store's forms). Does not migrate.
  // `heartbeat_history`: heartbeats kept per vehicle.
  // `key`: an SQLite depot's key when it is encrypted at rest (as for
  // OpenDepotStore; the console's tables live in the same file).
  static Result<std::unique_ptr<ConsoleStore>> Open(const std::string& url, int heartbeat_history = kHeartbeatHistory,
                                                     const StoreKey* key = nullptr);
  ~ConsoleStore();
  ConsoleStore(const ConsoleStore&) = delete;
  ConsoleStore& operator=(const ConsoleStore&) = delete;

  // Creates or upgrades the console's tables; idempotent.
  Status Migrate();

  // Heartbeats. The newest per vehicle replaces the older; the history keeps
  // the newest `heartbeat_history` per vehicle and drops older ones.
  Status RecordHeartbeat(const Heartbeat& hb, int64_t received_at_utc_ms);
  Result<std::vector<HeartbeatRecord>> LatestHeartbeats();  // by vehicle
  Result<std::vector<HeartbeatRecord>> HeartbeatHistory(const std::string& vehicle, std::size_t limit);

  // Users. AddUser refuses a taken name (kAlreadyExists) and a password
  // shorter than 10 characters (kInvalidArgument).
  Status AddUser(const std::string& name, ConsoleRole role, const std::string& password);
  // Admits one attempt for `name` (see LoginAttempt).
  Result<LoginAttempt> AdmitLogin(const std::string& name, int max_failed_attempts, int64_t lockout_ms,
                                  int64_t now_utc_ms);
  // After a right password: the count starts again.
  Status ClearLoginFailures(const std::string& name);
  // Whether `password` is the user's (constant-time comparison).
  static bool PasswordMatches(const ConsoleUser& user, const std::string& password);

  // Sessions: the depot keeps the SHA-256 of the session token only.
  Status CreateSession(const std::string& token_hash, const ConsoleSession& s);
  // The session of `token_hash` if it was used within `idle_ms` (and then
  // marks it used now); an idle one is ended and nullopt returned.
  Result<std::optional<ConsoleSession>> TouchSession(const std::string& token_hash, int64_t now_utc_ms,
                                                     int64_t idle_ms);
  Status EndSession(const std::string& token_hash);

  // Views of the depot store's tables for the console's pages.
  Result<std::vector<HitRow>> RecentHits(std::size_t limit);
  Result<std::vector<ListAccuracy>> AccuracyByList();
  Result<std::vector<AuditRow>> Audit(const AuditFilter& f);
  // Every published version, newest first (at most `limit`).
  Result<std::vector<HotlistVersionRow>> HotlistVersions(std::size_t limit);

 private:
  ConsoleStore(std::unique_ptr<sql::Db> db, int heartbeat_history);
  std::unique_ptr<sql::Db> db_;
  const int heartbeat_history_;
};

}  // namespace anpr::sync
