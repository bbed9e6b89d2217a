#include "vehicle/store/src/schema.h"

#include <iterator>

#include "vehicle/records/sqlite_stmt.h"

namespace anpr::store_internal {
namespace {

// ---------------------------------------------------------------------------
// Schema. Migration i (1-based) takes the store from user_version i-1 to i.
// Never edit a released migration; append a new one.
// ---------------------------------------------------------------------------

const char* const kMigrations[] = {
    // 1: the first schema.
    R"sql(
CREATE TABLE reads (
  uuid TEXT PRIMARY KEY,
  vrm TEXT NOT NULL,
  confidence REAL NOT NULL,
  char_confidence BLOB,
  candidates TEXT NOT NULL DEFAULT '',
  syntax TEXT NOT NULL DEFAULT '',
  captured_at_utc_ms INTEGER NOT NULL,
  clock_source INTEGER NOT NULL,
  clock_offset_ms INTEGER NOT NULL,
  camera_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  officer_id TEXT NOT NULL,
  fix_mode INTEGER NOT NULL,
  lat_deg REAL, lon_deg REAL, speed_mps REAL, heading_deg REAL,
  fix_age_ms INTEGER NOT NULL,
  stored_at_utc_ms INTEGER NOT NULL,
  synced_at_utc_ms INTEGER,
  images_removed_at_utc_ms INTEGER
);
CREATE INDEX reads_by_time ON reads(captured_at_utc_ms);
CREATE INDEX reads_by_vrm ON reads(vrm, captured_at_utc_ms);
CREATE INDEX reads_unsynced ON reads(captured_at_utc_ms) WHERE synced_at_utc_ms IS NULL;
CREATE TABLE read_images (
  read_uuid TEXT PRIMARY KEY,
  plate_jpeg BLOB NOT NULL,
  overview_jpeg BLOB NOT NULL
);
CREATE TABLE hits (
  uuid TEXT PRIMARY KEY,
  read_uuid TEXT NOT NULL,
  list_name TEXT NOT NULL,
  entry_vrm TEXT NOT NULL,
  priority INTEGER NOT NULL,
  match_kind INTEGER NOT NULL,
  covert INTEGER NOT NULL,
  late INTEGER NOT NULL,
  reason TEXT NOT NULL, warning_markers TEXT NOT NULL, information TEXT NOT NULL,
  make TEXT NOT NULL, model TEXT NOT NULL, colour TEXT NOT NULL,
  raised_at_utc_ms INTEGER NOT NULL,
  repeat_count INTEGER NOT NULL DEFAULT 0,
  last_repeat_read_uuid TEXT,
  last_repeat_at_utc_ms INTEGER,
  outcome INTEGER NOT NULL DEFAULT 0,
  outcome_by TEXT NOT NULL DEFAULT '',
  outcome_at_utc_ms INTEGER NOT NULL DEFAULT 0,
  outcome_note TEXT NOT NULL DEFAULT '',
  synced_at_utc_ms INTEGER
);
CREATE INDEX hits_by_read ON hits(read_uuid);
CREATE INDEX hits_by_time ON hits(raised_at_utc_ms);
CREATE INDEX hits_unsynced ON hits(raised_at_utc_ms) WHERE synced_at_utc_ms IS NULL;
CREATE TABLE hotlists (
  list_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  source INTEGER NOT NULL,
  colour TEXT NOT NULL,
  sound TEXT NOT NULL,
  covert INTEGER NOT NULL,
  max_substitutions INTEGER NOT NULL,
  version INTEGER NOT NULL,
  updated_at_utc_ms INTEGER NOT NULL,
  entry_count INTEGER NOT NULL
);
CREATE TABLE hotlist_entries (
  list_id INTEGER NOT NULL,
  vrm TEXT NOT NULL,
  priority INTEGER NOT NULL,
  reason TEXT NOT NULL, warning_markers TEXT NOT NULL, information TEXT NOT NULL,
  make TEXT NOT NULL, model TEXT NOT NULL, colour TEXT NOT NULL,
  valid_until_utc_s INTEGER NOT NULL,
  PRIMARY KEY (list_id, vrm)
) WITHOUT ROWID;
CREATE TABLE officer_entries (
  uuid TEXT PRIMARY KEY,
  list_name TEXT NOT NULL,
  vrm TEXT NOT NULL,
  priority INTEGER NOT NULL,
  reason TEXT NOT NULL, warning_markers TEXT NOT NULL, information TEXT NOT NULL,
  valid_until_utc_s INTEGER NOT NULL,
  entered_by TEXT NOT NULL,
  entered_at_utc_ms INTEGER NOT NULL,
  synced_at_utc_ms INTEGER
);
CREATE TABLE officers (
  number TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  pin_salt TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  pin_iterations INTEGER NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until_utc_ms INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE officer_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  officer TEXT NOT NULL,
  started_at_utc_ms INTEGER NOT NULL,
  ended_at_utc_ms INTEGER,
  end_reason TEXT
);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at_utc_ms INTEGER NOT NULL,
  officer TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  synced_at_utc_ms INTEGER
);
CREATE TRIGGER audit_no_update BEFORE UPDATE OF seq, at_utc_ms, officer, action, detail, prev_hash, hash
  ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql",
    // 2: unit-wide counters kept across restarts (the depot hotlist version).
    R"sql(
CREATE TABLE unit_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: records the depot refused for their content, set aside so they no
    // longer block the sync of what comes after them (Store::QuarantineForSync).
    // `key` is the record's uuid, or the audit entry's seq in decimal.
    R"sql(
CREATE TABLE sync_quarantine (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  reason TEXT NOT NULL,
  at_utc_ms INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
)sql",
    // 4: the audit chain's ends. An entry may only follow the newest one
    // (INSERT OR REPLACE deleted rows without firing audit_no_delete), and
    // the chain's head (seq, hash) is anchored outside the audit table, kept
    // by trigger and only ever moved forward, so that deleting the newest
    // entries or recomputing the chain shows in VerifyAudit.
    R"sql(
CREATE TRIGGER audit_append_only BEFORE INSERT ON audit
  WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)
    OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1),
                                     '0000000000000000000000000000000000000000000000000000000000000000')
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry must follow the newest one'); END;
CREATE TABLE audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_anchor (id, seq, hash) SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
CREATE TRIGGER audit_anchor_follows AFTER INSERT ON audit
  BEGIN INSERT OR REPLACE INTO audit_anchor (id, seq, hash) VALUES (1, NEW.seq, NEW.hash); END;
CREATE TRIGGER audit_anchor_forward BEFORE INSERT ON audit_anchor
  WHEN EXISTS (SELECT 1 FROM audit_anchor WHERE seq >= NEW.seq)
  BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END;
CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_anchor
  BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END;
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
  BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END;
)sql",
    // 5: investigation holds (Store::AddHold): reads of `vrm` are kept past
    // retention until until_utc_ms; synced to the depot, which keeps them too.
    R"sql(
CREATE TABLE read_holds (
  uuid TEXT PRIMARY KEY,
  vrm TEXT NOT NULL,
  reason TEXT NOT NULL,
  placed_by TEXT NOT NULL,
  placed_at_utc_ms INTEGER NOT NULL,
  until_utc_ms INTEGER NOT NULL,
  synced_at_utc_ms INTEGER
);
CREATE INDEX read_holds_by_vrm ON read_holds(vrm, until_utc_ms);
)sql",
    // 6: a read stamped while the unit's clock was not verified
    // (capture/clock_watch.h): off GPS time by more than 1 s, or not
    // synchronised for 10 minutes with a GPS fix.
    R"sql(
ALTER TABLE reads ADD COLUMN clock_unverified INTEGER NOT NULL DEFAULT 0;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

int StoreSchemaVersion() { return kSchemaVersion; }

Status MigrateSchema(sqlite3* db, const std::string& path) {
  // Schema: migrate forward; refuse a store written by a newer build.
  int version = 0;
  {
    Stmt v(db, "PRAGMA user_version");
    if (v.Step()) version = static_cast<int>(v.Int(0));
    if (!v.status().ok()) return Status(v.status().code(), path + ": " + v.status().message());
  }
  if (version > kSchemaVersion) {
    return InvalidArgument(path + ": schema version " + std::to_string(version) +
                           " is newer than this build's " + std::to_string(kSchemaVersion));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    Status s = SqliteExec(db, "BEGIN IMMEDIATE");
    if (s.ok()) s = SqliteExec(db, kMigrations[v]);
    const std::string set = "PRAGMA user_version=" + std::to_string(v + 1);
    if (s.ok()) s = SqliteExec(db, set.c_str());
    if (s.ok()) s = SqliteExec(db, "COMMIT");
    if (!s.ok()) {
      if (!sqlite3_get_autocommit(db)) SqliteExec(db, "ROLLBACK").IgnoreError();
      return Status(s.code(), path + ": migration to schema " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  return Status::Ok();
}

}  // namespace anpr::store_internal
