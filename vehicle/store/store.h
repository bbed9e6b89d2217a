// The on-board store: one SQLite file (WAL) holding reads with both images,
// hits and their outcomes, hotlists, officers and their sessions, officer-
// entered wanted plates and the hash-chained audit log.
//
// Threads: every write goes through the store's own writer thread (started by
// Open, drained and stopped by the destructor). Submit* calls only enqueue, so
// recognition never waits on disk; the Commit* calls wait until their write is
// durable (synchronous=FULL: survives a power cut). Queries run on a separate
// reader connection. All public methods are thread-safe.
//
// Full disk (SQLITE_FULL, or the configured page quota): the writer first
// makes room (checkpoints the WAL, deleting the reserve file `<path>-reserve`
// if the checkpoint needs it, and frees images of reads the depot already
// acknowledged, oldest first), then retries. If still full, reads and hits
// go to the spill file `<path>-spill` (allocated at Open, so writing to it
// needs no new disk space), synced; other writes stay queued in memory. The
// writer retries every full_retry_ms; once the database takes writes again
// it imports the spilled reads (also done at the next Open, after a kill)
// and allocates the reserve again when the disk has room for it twice over.
// state() reports disk_full (the officer's status bar shows storage red)
// until then; the change is logged once each way. An unsynced read is never
// deleted to make room.
//
// When a read is accepted: a read handed to SubmitRead is accepted, and
// survives a kill or power cut, once its `on_committed` ran with Ok: it is
// then in the database, or in the spill file. Before that it is only in
// memory (normally for milliseconds; on a full disk with a full spill file
// until there is room). The destructor never waits for room: it writes what
// it can, spills what it may, and fails the rest with kResourceExhausted
// (their callbacks run with that error, and the reads are named in the log).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "vehicle/records/audit.h"
#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/hotlist.h"
#include "vehicle/records/read.h"

namespace anpr {

class Matcher;

struct StoreOptions {
  std::string path;  // the SQLite file; created (with its folder) when missing
  // The key the store is encrypted with (vehicle/records/encrypted_vfs.h,
  // store_key.h). nullopt: a plain store (tests, tools, a unit configured
  // without a key). Open refuses, touching nothing, an encrypted store
  // without its key or with another key, and a plain store when a key is
  // given (RekeyStore encrypts it).
  std::optional<StoreKey> key;
  // Largest database size in pages (4 KiB each); 0 = no limit. A quota for
  // the evidence partition, and how tests simulate a full disk.
  int64_t max_page_count = 0;
  int full_retry_ms = 500;  // how often a full store retries queued writes
  // The spill file: room for reads and hits while the database cannot grow
  // (about 45 KB per read with its images). 0: none, they stay in memory.
  int64_t spill_bytes = 8 << 20;
  // The reserve file: space deleted to let clean-up (and opening) run on a
  // full disk. The writer checkpoints the WAL before it holds more than
  // this, so a checkpoint never needs more room than the reserve gives.
  // 0: none.
  int64_t reserve_bytes = 4 << 20;
  // How long a waiting write (Commit*, Mark*, Purge, SetHitOutcome ...)
  // waits on a full disk before it fails with kResourceExhausted; it is then
  // not applied, ever. Reads and hits normally go to the spill file first.
  int full_wait_ms = 10000;
  int max_batch = 256;      // writes grouped into one transaction
};

// What the HMI shows about the store.
struct StoreState {
  // The database cannot take writes, or reads or hits written to the spill
  // file are not back in it yet: the storage indicator is red.
  bool disk_full = false;
  size_t queued_writes = 0;     // waiting for the writer (in memory only)
  // Reads handed in (SubmitRead, CommitRead) that are neither in the
  // database nor in the spill file yet: a kill loses them. Normally 0 within
  // milliseconds; stays up on a full disk whose spill file is full too.
  int64_t reads_in_memory = 0;
  int64_t spilled_reads = 0;    // durable in the spill file, not yet in the database
  int64_t images_freed = 0;     // images of synced reads removed to make room (since open)
  std::string last_error;       // the last write failure, empty when none
};

// An officer's stored credentials (see vehicle/officers.h for the logic).
struct OfficerRecord {
  std::string number;
  std::string role;  // "officer", "supervisor", "administrator"
  std::string pin_salt_hex;
  std::string pin_hash_hex;
  int pin_iterations = 0;
  int failed_attempts = 0;
  int64_t locked_until_utc_ms = 0;
  bool active = true;
};

// One PIN attempt as admitted by Store::AdmitPinAttempt.
struct PinAttempt {
  std::optional<OfficerRecord> officer;  // after the update; nullopt: unknown number
  bool admitted = false;                 // false: locked out, the PIN must not be checked
  bool locks_now = false;                // this attempt used the last one allowed
};

// A wanted plate an officer entered in the car; synced to the depot.
struct OfficerEntry {
  std::string uuid;
  std::string list_name;
  HotlistEntry entry;
  std::string entered_by;
  int64_t entered_at_utc_ms = 0;
  std::optional<int64_t> synced_at_utc_ms;
};

// An investigation hold: while it lasts (until_utc_ms), reads of `vrm` are
// kept past retention, images included (vehicle/store/retention.h). Placed
// by a supervisor (Officers::PlaceHold), audited, synced to the depot,
// which keeps those reads the same way.
struct ReadHold {
  std::string uuid;
  std::string vrm;  // normalised
  std::string reason;
  std::string placed_by;  // officer number
  int64_t placed_at_utc_ms = 0;
  int64_t until_utc_ms = 0;
  std::optional<int64_t> synced_at_utc_ms;
};

// What a purge removed.
struct PurgeCounts {
  int64_t reads_deleted = 0;
  int64_t unsynced_reads_deleted = 0;  // past the legal cap: deleted even though never synced
  int64_t hits_deleted = 0;
  int64_t images_deleted = 0;  // image pairs of synced reads removed early
  int64_t future_dated_deleted = 0;  // of reads_deleted: stamped too far ahead of now (retention.h)
  int64_t held_reads_kept = 0;  // past the cap (or future-dated) but kept under a hold
};

// Records waiting for the depot.
// Unsynced records waiting to go, per kind; records set aside by
// Store::QuarantineForSync are counted apart in `quarantined`, not per kind.
struct SyncBacklog {
  int64_t reads = 0, hits = 0, audit = 0, officer_entries = 0;
  int64_t quarantined = 0;
};

// The kinds of record the sync client sends.
enum class SyncRecord { kRead, kHit, kAudit, kOfficerEntry, kHold };
const char* SyncRecordName(SyncRecord kind);  // "read", "hit", "audit", "officer_entry", "hold"

// One list's change as the depot sends it (sync/ converts its wire form).
struct DepotListChange {
  std::string name;
  bool full = false;         // `adds` is the whole list; base_version is ignored
  int64_t base_version = 0;  // otherwise: the version in force it applies to
  int64_t new_version = 0;
  std::vector<HotlistEntry> adds;    // an add of a present VRM replaces it
  std::vector<std::string> removes;  // normalised VRMs
};

// A search of stored reads (access checks are the caller's: vehicle/officers.h).
struct ReadQuery {
  std::string vrm;  // exact normalised VRM; empty = any
  int64_t from_utc_ms = 0;
  int64_t to_utc_ms = INT64_MAX;
  size_t limit = 1000;
  bool with_images = false;
};

class Store {
 public:
  // Opens (creating or migrating) the store and starts its writer thread.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  // Drains queued writes, then stops the writer. On a full disk it does not
  // wait for room: reads and hits go to the spill file, the rest fail.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version this build writes (PRAGMA user_version).
  static int SchemaVersion();

  using Done = std::function<void(const Status&)>;

  // --- reads and hits ----------------------------------------------------
  // Enqueues a read (and hits raised by it, in the same transaction); returns
  // at once. `on_committed` runs on the writer thread once the read is
  // durable (in the database or the spill file: the read is then accepted,
  // see above), or with the error; keep it short. It may run after a long
  // wait on a full disk, at the latest when the store is destroyed. A read whose uuid is already
  // stored is kept as first written (a resend is the same read).
  void SubmitRead(Read read, std::vector<Hit> hits, Done on_committed);
  // As SubmitRead, waiting until durable. Bounded: on a full disk with the
  // spill file full too, it gives up waiting after full_wait_ms and returns
  // kResourceExhausted, but the read is not taken back: it stays queued in
  // memory (StoreState::reads_in_memory) and is written as soon as there is
  // room, as any submitted read. Only a stop before then loses it (named in
  // the log, see ~Store).
  Status CommitRead(const Read& read, const std::vector<Hit>& hits = {});
  // Stores hits, waiting until durable (on a full disk: in the spill file).
  Status CommitHits(const std::vector<Hit>& hits);
  // A repeat hit within the cool-down: the first hit records the repeat (and
  // is synced again; released from sync quarantine as by SetHitOutcome).
  Status RecordRepeatHit(const std::string& hit_uuid, const std::string& read_uuid, int64_t at_utc_ms);
  // Records what the officer did with a hit (audited in the same transaction).
  // kNotActioned requires a note; a note over limits::kMaxReasonBytes or not
  // valid UTF-8 is InvalidArgument. The hit is synced again afterwards; a
  // hit in sync quarantine (QuarantineForSync) is released from it, audited,
  // so that its new outcome is offered to the depot (quarantined again if the
  // depot refuses it again).
  Status SetHitOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& officer,
                       const std::string& note, int64_t at_utc_ms);
  // An officer's later correction of an answered hit (the shift's hits list):
  // the plate as they read it on the image, and / or another outcome.
  struct HitCorrection {
    std::string hit_uuid;
    std::string officer;  // required
    int64_t at_utc_ms = 0;
    std::string vrm;  // normalised (NormaliseVrm); empty: not corrected
    std::optional<HitOutcome> outcome;  // nullopt: not changed (never back to kPending)
    std::string note;  // for outcome, as SetHitOutcome's
  };
  // Records `c` as one audit entry "hit.correction" (who, when, each old and
  // new value), which syncs to the depot like every audit entry. The read is
  // never changed: a corrected VRM lives only in that entry, against the VRM
  // as read. A changed outcome becomes the hit's outcome (so the alert policy
  // and the depot use it; the hit is synced again); the outcome it replaces
  // stays in the audit log. Not ok: nothing recorded (NotFound for an
  // unknown hit, InvalidArgument for an empty or malformed correction).
  Status CorrectHit(const HitCorrection& c);

  Result<std::optional<Read>> GetRead(const std::string& uuid, bool with_images = true);
  Result<std::vector<Read>> FindReads(const ReadQuery& query);
  Result<std::optional<Hit>> GetHit(const std::string& uuid);
  // Newest first.
  Result<std::vector<Hit>> RecentHits(size_t limit);
  Result<std::vector<Hit>> HitsForRead(const std::string& read_uuid);
  // Reads captured at or after since_utc_ms (no images), oldest first: the
  // input of late matching.
  Result<std::vector<Read>> ReadsSince(int64_t since_utc_ms);
  Result<int64_t> CountReads();

  // --- sync (used by the sync client) -------------------------------------
  // Oldest first (by capture / raise time / seq), at most `limit`.
  Result<std::vector<Read>> UnsyncedReads(size_t limit);
  Result<std::vector<Hit>> UnsyncedHits(size_t limit);
  Result<std::vector<AuditEntry>> UnsyncedAudit(size_t limit);
  Result<std::vector<OfficerEntry>> UnsyncedOfficerEntries(size_t limit);
  // Marks records the depot acknowledged. Unknown uuids are ignored.
  Status MarkReadsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms);
  Status MarkHitsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms);
  // As above, but a hit is marked only if its outcome is still the one that
  // was sent (outcome_at_utc_ms unchanged): an officer's outcome recorded
  // while the batch was in flight must still reach the depot.
  struct SentHit {
    std::string uuid;
    int64_t outcome_at_utc_ms = 0;
  };
  Status MarkHitsSyncedIfUnchanged(const std::vector<SentHit>& sent, int64_t at_utc_ms);
  Status MarkAuditSynced(const std::vector<int64_t>& seqs, int64_t at_utc_ms);
  Status MarkOfficerEntriesSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms);

  Result<SyncBacklog> CountUnsynced();

  // Sets aside a record the depot refused for its content: the Unsynced*
  // calls skip it from now on and CountUnsynced counts it as quarantined.
  // The record itself is untouched (kept, unsynced; retention treats it as
  // any unsynced record) and the quarantine is audited. `key` is the uuid,
  // or for an audit entry its seq in decimal. Idempotent; an unknown key is
  // recorded harmlessly.
  Status QuarantineForSync(SyncRecord kind, const std::string& key, const std::string& reason);

  // --- hotlists -------------------------------------------------------------
  // Replaces a list (created if new) by a whole new version, atomically; the
  // list's settings come from `meta`. meta.version 0 means "current + 1";
  // otherwise it must be newer than the version in force. Audited as `actor`.
  // On success `matcher` (if given) is switched to the new version.
  Status ApplyHotlistVersion(const HotlistMeta& meta, std::vector<HotlistEntry> entries,
                             const std::string& actor, Matcher* matcher);
  // Applies adds/removes to list `name`; delta.base_version must be the
  // version in force (otherwise kInvalidArgument and nothing changes).
  Status ApplyHotlistDelta(const std::string& name, const HotlistDelta& delta,
                           const std::string& actor, Matcher* matcher);
  // A small named number the unit keeps across restarts (e.g. a hotlist
  // file's fingerprint); nullopt when never set.
  Result<std::optional<int64_t>> UnitValue(const std::string& key);
  Status SetUnitValue(const std::string& key, int64_t value);

  // The depot hotlist version this unit holds (0: never synced).
  Result<int64_t> DepotHotlistVersion();
  // Applies every change and records `depot_version`, in one transaction:
  // on any failure (a delta whose base is not in force, a bad VRM) nothing
  // changes and the lists in force stay. Lists new to the unit are created
  // with default settings; existing lists keep theirs (covert, colour ...).
  // Audited as `actor`. On success `matcher` (if given) is rebuilt.
  Status ApplyDepotHotlists(const std::vector<DepotListChange>& changes, int64_t depot_version,
                            const std::string& actor, Matcher* matcher);
  // Adds an officer-entered wanted plate to list `list_name` (source officer,
  // created when missing) and queues it for the depot, atomically.
  Status AddOfficerEntry(const OfficerEntry& entry, Matcher* matcher);
  Result<std::vector<HotlistMeta>> Hotlists();
  Result<std::optional<HotlistEntry>> GetHotlistEntry(const std::string& list_name,
                                                      const std::string& vrm);
  // Builds every stored list into `matcher` (at start-up).
  Status LoadMatcher(Matcher* matcher);

  // --- officers and sessions ------------------------------------------------
  Status PutOfficer(const OfficerRecord& officer);
  Result<std::optional<OfficerRecord>> GetOfficer(const std::string& number);
  // Admits one PIN attempt for `number` before the PIN is compared, in one
  // write transaction (BEGIN IMMEDIATE, so atomic across every connection to
  // the file): an expired lock is cleared; while locked the attempt is
  // refused (admitted = false); otherwise failed_attempts is incremented and,
  // when it reaches max_failed_attempts, the officer is locked until
  // now + lockout_ms at once, so no later attempt is admitted whatever the
  // admitted ones turn out to be. Returns the record after the update
  // (nullopt for an unknown number). A right PIN then calls ClearPinFailures.
  Result<PinAttempt> AdmitPinAttempt(const std::string& number, int max_failed_attempts, int64_t lockout_ms,
                                     int64_t now_utc_ms);
  // After a right PIN: failed_attempts = 0 and no lock.
  Status ClearPinFailures(const std::string& number);
  Result<int64_t> CountOfficers();
  Result<int64_t> OpenSession(const std::string& officer, int64_t at_utc_ms);
  Status CloseSession(int64_t session_id, const std::string& reason, int64_t at_utc_ms);

  // --- audit ----------------------------------------------------------------
  Status Audit(const std::string& officer, const std::string& action, const std::string& detail);
  Result<std::vector<AuditEntry>> AuditEntries(int64_t from_seq, size_t limit);
  // The entry with the highest seq (the chain's head); nullopt when empty.
  Result<std::optional<AuditEntry>> NewestAuditEntry();
  // Re-computes the whole chain; also checks the append-only triggers exist.
  Result<AuditVerdict> VerifyAudit();

  // --- retention ------------------------------------------------------------
  // Deletes reads (with images and hits) captured before cap_before_utc_ms,
  // synced or not, and images of synced reads captured before
  // images_before_utc_ms; reads under a hold in force at now_utc_ms are
  // kept whole. Audited with the counts.
  Result<PurgeCounts> Purge(int64_t cap_before_utc_ms, int64_t images_before_utc_ms, int64_t now_utc_ms);
  // Deletes reads (with images and hits) captured after
  // captured_after_utc_ms, synced or not, except those under a hold in
  // force at now_utc_ms; audited with the counts. See retention.h for why
  // and when (ApplyRetention calls it).
  Result<PurgeCounts> PurgeFutureDated(int64_t captured_after_utc_ms, int64_t now_utc_ms);

  // --- investigation holds (vehicle/store/src/holds.cc) ----------------------
  // Stores a hold and audits it ("reads.hold", as hold.placed_by) in one
  // transaction. The checks (role, reason, dates) are Officers::PlaceHold's.
  Status AddHold(const ReadHold& hold);
  // Holds in force at now_utc_ms (until_utc_ms > now), by VRM.
  Result<std::vector<ReadHold>> ActiveHolds(int64_t now_utc_ms);
  // Holds not yet acknowledged by the depot, oldest first (quarantined left out).
  Result<std::vector<ReadHold>> UnsyncedHolds(size_t limit);
  Status MarkHoldsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms);

  StoreState state() const;
  // Runs PRAGMA integrity_check; "ok" when healthy.
  Result<std::string> IntegrityCheck();
  const std::string& path() const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace anpr
