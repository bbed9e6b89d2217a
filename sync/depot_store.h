// The depot's storage, behind one interface with two back ends: SQLite (one
// depot, a single file, nothing to install) and PostgreSQL through libpq (a
// force or region: several depot servers share one database; reads are
// partitioned by month of capture so retention drops whole partitions).
//
// Every method is thread-safe: the depot server calls from many request
// threads. Each call is one transaction: all of it or none of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "sync/protocol.h"
#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/read.h"

namespace anpr::sync {

enum class Role { kVehicle, kAdmin, kInvestigator };
const char* RoleName(Role r);  // "vehicle", "admin", "investigator"
bool ParseRole(std::string_view text, Role* out);

// Who a credential belongs to.
struct Principal {
  std::string name;  // the vehicle id (= Read::unit_id) or the person
  Role role = Role::kVehicle;
};

// A new random credential (64 hex characters) and the SHA-256 hex the depot
// keeps instead of it.
std::string NewToken();
std::string TokenHash(std::string_view token);

struct IngestResult {
  std::vector<std::string> acknowledged;  // every record now held (new or resent)
  std::size_t newly_stored = 0;
  // What the batch showed that a person must look at, though it was stored
  // (evidence is kept): the server records each as a security event.
  std::vector<std::string> security_notes;
};

struct SearchQuery {
  std::string vrm;           // normalised; each '?' stands for any one character
  std::string reason;        // required, audited
  std::string investigator;  // who searched, audited
  int64_t from_utc_ms = 0;
  int64_t to_utc_ms = INT64_MAX;
  std::size_t limit = 1000;
  bool with_images = false;
};

// The SHA-256 (hex) of a read's images as the depot received them; "" for
// an image the read came without.
struct ReceivedImageHashes {
  std::string plate_sha256;
  std::string overview_sha256;
};

struct DepotCounts {
  int64_t reads = 0, hits = 0, audit = 0, searches = 0, security_events = 0, wanted = 0;
  int64_t distinct_read_uuids = 0;
};

class DepotStore {
 public:
  virtual ~DepotStore() = default;

  // "sqlite" or "postgresql".
  virtual std::string Kind() const = 0;
  // Brings the schema to the newest version; idempotent, safe when several
  // depot servers start together (PostgreSQL takes an advisory lock).
  virtual Status Migrate() = 0;
  virtual Result<int> SchemaVersion() = 0;

  // Adds a credential (its hash) for `p`. A principal may hold several.
  virtual Status AddCredential(const Principal& p, const std::string& token_hash) = 0;
  // Revokes every credential of `name`; kNotFound when it has none.
  virtual Status Revoke(const std::string& name) = 0;
  // The principal of an active credential; nullopt for unknown or revoked.
  virtual Result<std::optional<Principal>> Authenticate(const std::string& token_hash) = 0;
  // Keeps a refused request's trace (what, who claimed, from where).
  virtual Status LogSecurityEvent(const std::string& what, const std::string& principal,
                                  const std::string& remote) = 0;

  // Stores records sent by `vehicle`, skipping UUIDs already held. A record
  // is acknowledged when the depot holds it for this vehicle. A UUID held
  // for another vehicle is refused (kPermissionDenied, nothing stored).
  virtual Result<IngestResult> IngestReads(const std::string& vehicle, const std::vector<Read>& reads) = 0;
  // Hits: a resend with a later outcome_at_utc_ms updates the outcome. A hit
  // whose read is held for another vehicle is refused (kPermissionDenied,
  // nothing stored); a hit whose read has not arrived yet is taken.
  virtual Result<IngestResult> IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) = 0;
  // Audit entries. The depot keeps each vehicle's newest chain link
  // (chain_seq, chain_hash); a newly stored entry at or below it, or one
  // that does not follow it, means the car's chain was rewritten under what
  // the depot holds; one that skips entries after it means they were deleted
  // before they were synced; one at the head the car reported with another
  // hash was rewritten. Stored all the same, and named in security_notes.
  virtual Result<IngestResult> IngestAudit(const std::string& vehicle,
                                           const std::vector<WireAuditEntry>& entries) = 0;
  // Compares the car's chain head as it reports it with the newest link the
  // depot holds of `vehicle` and with the newest head the car reported
  // before: a problem text when the car's chain now ends before either
  // (entries deleted, synced or not) or holds another hash there (rewritten
  // and recomputed); nullopt when consistent or when the depot knows nothing
  // of that chain yet. A head newer than any reported before is kept (the car
  // reports at the start of a pass too, so entries it then held are known
  // even when the pass is cut before they are sent).
  virtual Result<std::optional<std::string>> CheckAuditChainHead(const std::string& vehicle,
                                                                 const AuditChainHead& head) = 0;
  // Officer-entered wanted plates from the car (kept until they expire).
  virtual Result<IngestResult> IngestWanted(const std::string& vehicle,
                                            const std::vector<WantedEntry>& entries) = 0;

  // Investigation holds placed in the car: while a hold lasts
  // (until_utc_ms after now), DropReadsBefore keeps the reads of its VRM.
  // A uuid held for another vehicle is refused (kPermissionDenied).
  virtual Result<IngestResult> IngestHolds(const std::string& vehicle, const std::vector<HoldEntry>& holds) = 0;

  // Each read's image hashes as received (computed when it was stored);
  // nullopt when the depot does not hold the read.
  virtual Result<std::optional<ReceivedImageHashes>> ImageHashesAsReceived(const std::string& read_uuid) = 0;
  // Enrols the vehicle's export signing key (Ed25519, hex), presented with
  // its token: the first key a vehicle presents is kept; nullopt when
  // `public_key_hex` is that key (or now is), else the problem (another
  // key: a security event, and the held key stays).
  virtual Result<std::optional<std::string>> EnrolSigningKey(const std::string& vehicle,
                                                             const std::string& public_key_hex) = 0;
  // The enrolled key of `vehicle`; nullopt when none.
  virtual Result<std::optional<std::string>> SigningKeyOf(const std::string& vehicle) = 0;

  // Publishes `entries` as the new whole content of `list`; returns its
  // version (a number above every earlier version of any list).
  // InvalidArgument when `list` breaks limits::ValidateListName
  // (vehicle/records/field_limits.h).
  virtual Result<int64_t> PublishHotlist(const std::string& list, const std::vector<WireHotlistEntry>& entries,
                                         const std::string& publisher) = 0;
  // Every list changed after `since_version`, as deltas from what a car at
  // that version holds.
  virtual Result<HotlistUpdate> HotlistSince(int64_t since_version) = 0;

  // Reads of q.vrm; the search (who, why, what, how many) is audited in the
  // same transaction. kInvalidArgument without a reason.
  virtual Result<std::vector<Read>> SearchReads(const SearchQuery& q) = 0;

  virtual Result<DepotCounts> Counts() = 0;
  // Whether `uuid` is held (any table of `kind`: "read", "hit", "audit", "wanted", "hold").
  virtual Result<bool> Holds(const std::string& kind, const std::string& uuid) = 0;
  // Retention: removes reads captured before `cutoff_utc_ms` whole months at
  // a time (PostgreSQL drops partitions), except reads whose VRM is under a
  // hold in force now (IngestHolds): a month holding such a read keeps
  // those and loses the rest (PostgreSQL keeps that partition). Returns how
  // many partitions/months went (SQLite: reads).
  virtual Result<int> DropReadsBefore(int64_t cutoff_utc_ms) = 0;
};

// Opens (creating if needed) the store at `url`:
//   "sqlite:/path/depot.db" or a plain path       -> SQLite
//   "postgresql://..." or "postgres://..." or "host=... dbname=..." -> PostgreSQL
// Does not migrate; call Migrate().
// `key` encrypts an SQLite depot at rest (vehicle/records/encrypted_vfs.h:
// a missing or wrong key is refused before the file is touched); a
// PostgreSQL depot is encrypted by its server's storage, and a key given
// for one is an error.
Result<std::unique_ptr<DepotStore>> OpenDepotStore(const std::string& url,
                                                   const std::optional<StoreKey>& key = std::nullopt);
// A search VRM with '?' wildcards as an SQL LIKE pattern ('?' -> '_'); empty
// when it has none (then the search is exact, on the index).
std::string VrmLikePattern(const std::string& vrm);
// True for 1-16 characters of A-Z 0-9 and '?', not all '?'.
bool IsVrmPattern(std::string_view vrm);

// Whether `url` names a PostgreSQL database (the forms above); else SQLite.
bool IsPostgresUrl(const std::string& url);

// The depot SQLite file's page size (16 KiB; fixed, since an encrypted file
// is read page by page): every connection to that file uses it.
inline constexpr int kDepotSqlitePageBytes = 16384;
Result<std::unique_ptr<DepotStore>> OpenSqliteDepotStore(const std::string& path,
                                                         const std::optional<StoreKey>& key = std::nullopt);
// `pool_size` connections are shared by request threads.
Result<std::unique_ptr<DepotStore>> OpenPostgresDepotStore(const std::string& conninfo, int pool_size = 8);

}  // namespace anpr::sync
