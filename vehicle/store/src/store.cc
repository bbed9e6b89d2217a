// The on-board store. All SQL of the unit lives here; see vehicle/store.h for
// the contracts. Layout: SQLite helpers, the schema and its migrations, the
// writer thread, then the public operations grouped as in the header.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/vrm.h"

namespace anpr {
namespace {

// ---------------------------------------------------------------------------
// SQLite helpers
// ---------------------------------------------------------------------------

Status SqlError(sqlite3* db, int rc, const std::string& what) {
  const std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_FULL: return {StatusCode::kResourceExhausted, "store full: " + msg};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Corruption(msg);
    case SQLITE_CONSTRAINT: return InvalidArgument(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(msg);
    default: return IoError(msg);
  }
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status s = SqlError(nullptr, rc, std::string(sql).substr(0, 60));
  return {s.code(), std::string(sql).substr(0, 60) + ": " + msg};
}

// A prepared statement; binds by 1-based index, steps, reads columns.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
    if (rc_ != SQLITE_OK) error_ = SqlError(db, rc_, std::string("prepare ") + std::string(sql).substr(0, 60));
  }
  // Reuses the statement kept in *slot (prepared on first use, finalized by
  // the slot's owner); reset and unbound again when this Stmt goes. A null
  // slot prepares a statement of its own, as above.
  Stmt(sqlite3* db, sqlite3_stmt** slot, const char* sql) : db_(db), owned_(slot == nullptr) {
    if (owned_) {
      rc_ = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
    } else if (*slot == nullptr) {
      rc_ = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr);
    }
    if (!owned_) stmt_ = *slot;
    if (rc_ != SQLITE_OK) error_ = SqlError(db, rc_, std::string("prepare ") + std::string(sql).substr(0, 60));
  }
  ~Stmt() {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);  // no pointer to the caller's blobs stays behind
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  const Status& prepare_status() const { return error_; }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Stmt& Bind(int i, int v) { sqlite3_bind_int(stmt_, i, v); return *this; }
  Stmt& Bind(int i, double v) {
    if (std::isnan(v)) sqlite3_bind_null(stmt_, i);
    else sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) {
    // Copied: callers often pass temporaries.
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string(v)); }
  // Not copied: `v` must stay alive (and unchanged) until the statement has run.
  Stmt& BindStatic(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  // Not copied: `data` must stay alive until the statement has run.
  Stmt& BindBlob(int i, const void* data, size_t size) {
    sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, const std::optional<int64_t>& v) {
    if (v) sqlite3_bind_int64(stmt_, i, *v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Stmt& BindNull(int i) { sqlite3_bind_null(stmt_, i); return *this; }

  // SQLITE_ROW -> true; SQLITE_DONE -> false; anything else sets status().
  bool Step() {
    if (!error_.ok()) return false;
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) return true;
    if (rc_ != SQLITE_DONE) error_ = SqlError(db_, rc_, "step");
    return false;
  }
  // Runs a statement that returns no rows.
  Status Run() {
    Step();
    return error_;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  const Status& status() const { return error_; }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  double Real(int col) const { return IsNull(col) ? 0.0 / 0.0 : sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::vector<uint8_t> Blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
  }
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }

 private:
  sqlite3* db_;
  bool owned_ = true;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  Status error_;
};

// Statements the writer runs for every read, prepared once per connection
// (writer thread only). Finalized before the connection closes.
struct WriterStatements {
  sqlite3_stmt* insert_read = nullptr;
  sqlite3_stmt* insert_images = nullptr;
  sqlite3_stmt* insert_hit = nullptr;
  sqlite3_stmt* savepoint = nullptr;
  sqlite3_stmt* release = nullptr;
  sqlite3_stmt* rollback_to = nullptr;

  void FinalizeAll() {
    for (sqlite3_stmt** s : {&insert_read, &insert_images, &insert_hit, &savepoint, &release, &rollback_to}) {
      sqlite3_finalize(*s);
      *s = nullptr;
    }
  }
};

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
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

constexpr int64_t kAuditGuardTriggers = 2;

// ---------------------------------------------------------------------------
// Row <-> record
// ---------------------------------------------------------------------------

std::string EncodeCandidates(const std::vector<PlateCandidate>& cs) {
  std::string out;
  for (const auto& c : cs) {
    if (!out.empty()) out.push_back(';');
    char conf[32];
    std::snprintf(conf, sizeof conf, "%.3f", c.confidence);
    out += NormaliseVrm(c.vrm) + ":" + conf;
  }
  return out;
}

std::vector<PlateCandidate> DecodeCandidates(const std::string& text) {
  std::vector<PlateCandidate> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const size_t colon = item.find(':');
    PlateCandidate c;
    c.vrm = item.substr(0, colon);
    if (colon != std::string::npos) c.confidence = std::atof(item.c_str() + colon + 1);
    out.push_back(std::move(c));
    pos = end + 1;
  }
  return out;
}

constexpr const char* kReadColumns =
    "r.uuid, r.vrm, r.confidence, r.char_confidence, r.candidates, r.syntax, r.captured_at_utc_ms, "
    "r.clock_source, r.clock_offset_ms, r.camera_id, r.unit_id, r.officer_id, r.fix_mode, r.lat_deg, "
    "r.lon_deg, r.speed_mps, r.heading_deg, r.fix_age_ms, r.synced_at_utc_ms";
constexpr const char* kImageColumns = ", i.plate_jpeg, i.overview_jpeg";

Read ReadFromRow(const Stmt& s, bool with_images) {
  Read r;
  r.uuid = s.Text(0);
  r.vrm = s.Text(1);
  r.confidence = s.Real(2);
  const std::vector<uint8_t> cc = s.Blob(3);
  r.char_confidence.resize(cc.size() / sizeof(float));
  if (!r.char_confidence.empty()) std::memcpy(r.char_confidence.data(), cc.data(), r.char_confidence.size() * sizeof(float));
  r.candidates = DecodeCandidates(s.Text(4));
  r.syntax = s.Text(5);
  r.captured_at_utc_ms = s.Int(6);
  r.clock_source = static_cast<ClockSource>(s.Int(7));
  r.clock_offset_ms = s.Int(8);
  r.camera_id = s.Text(9);
  r.unit_id = s.Text(10);
  r.officer_id = s.Text(11);
  r.position.mode = static_cast<FixMode>(s.Int(12));
  r.position.lat_deg = s.Real(13);
  r.position.lon_deg = s.Real(14);
  r.position.speed_mps = s.Real(15);
  r.position.heading_deg = s.Real(16);
  r.position.fix_age_ms = s.Int(17);
  r.synced_at_utc_ms = s.OptInt(18);
  if (with_images) {
    r.plate_jpeg = s.Blob(19);
    r.overview_jpeg = s.Blob(20);
  }
  return r;
}

constexpr const char* kHitColumns =
    "uuid, read_uuid, list_name, entry_vrm, priority, match_kind, covert, late, reason, "
    "warning_markers, information, make, model, colour, raised_at_utc_ms, outcome, outcome_by, "
    "outcome_at_utc_ms, outcome_note, synced_at_utc_ms";

Hit HitFromRow(const Stmt& s) {
  Hit h;
  h.uuid = s.Text(0);
  h.read_uuid = s.Text(1);
  h.list_name = s.Text(2);
  h.entry_vrm = s.Text(3);
  h.priority = static_cast<Priority>(s.Int(4));
  h.match = static_cast<MatchKind>(s.Int(5));
  h.covert = s.Int(6) != 0;
  h.late = s.Int(7) != 0;
  h.reason = s.Text(8);
  h.warning_markers = s.Text(9);
  h.information = s.Text(10);
  h.make = s.Text(11);
  h.model = s.Text(12);
  h.colour = s.Text(13);
  h.raised_at_utc_ms = s.Int(14);
  h.outcome = static_cast<HitOutcome>(s.Int(15));
  h.outcome_by = s.Text(16);
  h.outcome_at_utc_ms = s.Int(17);
  h.outcome_note = s.Text(18);
  h.synced_at_utc_ms = s.OptInt(19);
  return h;
}

Status InsertRead(sqlite3* db, const Read& r, WriterStatements* cache = nullptr) {
  if (r.uuid.empty()) return InvalidArgument("read without a uuid");
  Stmt s(db, cache ? &cache->insert_read : nullptr,
         "INSERT OR IGNORE INTO reads (uuid, vrm, confidence, char_confidence, candidates, syntax, "
         "captured_at_utc_ms, clock_source, clock_offset_ms, camera_id, unit_id, officer_id, fix_mode, "
         "lat_deg, lon_deg, speed_mps, heading_deg, fix_age_ms, stored_at_utc_ms, synced_at_utc_ms) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.uuid).Bind(2, r.vrm).Bind(3, r.confidence)
      .BindBlob(4, r.char_confidence.data(), r.char_confidence.size() * sizeof(float));
  const std::string candidates = EncodeCandidates(r.candidates);
  s.Bind(5, candidates).Bind(6, r.syntax).Bind(7, r.captured_at_utc_ms)
      .Bind(8, static_cast<int>(r.clock_source)).Bind(9, r.clock_offset_ms).Bind(10, r.camera_id)
      .Bind(11, r.unit_id).Bind(12, r.officer_id).Bind(13, static_cast<int>(r.position.mode))
      .Bind(14, r.position.lat_deg).Bind(15, r.position.lon_deg).Bind(16, r.position.speed_mps)
      .Bind(17, r.position.heading_deg).Bind(18, r.position.fix_age_ms).Bind(19, NowUtcMs())
      .Bind(20, r.synced_at_utc_ms);
  Status st = s.Run();
  if (!st.ok()) return st;
  if (sqlite3_changes(db) == 0) return Status::Ok();  // a resend: first write wins
  Stmt img(db, cache ? &cache->insert_images : nullptr,
           "INSERT INTO read_images (read_uuid, plate_jpeg, overview_jpeg) VALUES (?,?,?)");
  img.Bind(1, r.uuid).BindBlob(2, r.plate_jpeg.data(), r.plate_jpeg.size())
      .BindBlob(3, r.overview_jpeg.data(), r.overview_jpeg.size());
  return img.Run();
}

Status InsertHit(sqlite3* db, const Hit& h, WriterStatements* cache = nullptr) {
  if (h.uuid.empty() || h.read_uuid.empty()) return InvalidArgument("hit without a uuid or read uuid");
  Stmt s(db, cache ? &cache->insert_hit : nullptr,
         "INSERT OR IGNORE INTO hits (uuid, read_uuid, list_name, entry_vrm, priority, match_kind, covert, "
         "late, reason, warning_markers, information, make, model, colour, raised_at_utc_ms, outcome, "
         "outcome_by, outcome_at_utc_ms, outcome_note, synced_at_utc_ms) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, h.uuid).Bind(2, h.read_uuid).Bind(3, h.list_name).Bind(4, h.entry_vrm)
      .Bind(5, static_cast<int>(h.priority)).Bind(6, static_cast<int>(h.match)).Bind(7, h.covert ? 1 : 0)
      .Bind(8, h.late ? 1 : 0).Bind(9, h.reason).Bind(10, h.warning_markers).Bind(11, h.information)
      .Bind(12, h.make).Bind(13, h.model).Bind(14, h.colour).Bind(15, h.raised_at_utc_ms)
      .Bind(16, static_cast<int>(h.outcome)).Bind(17, h.outcome_by).Bind(18, h.outcome_at_utc_ms)
      .Bind(19, h.outcome_note).Bind(20, h.synced_at_utc_ms);
  return s.Run();
}

// Appends one audit entry inside the caller's transaction, chained to the
// last committed-or-pending entry.
Status AppendAudit(sqlite3* db, const std::string& officer, const std::string& action,
                   const std::string& detail) {
  Stmt last(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  int64_t seq = 1;
  std::string prev = kAuditGenesisHash;
  if (last.Step()) {
    seq = last.Int(0) + 1;
    prev = last.Text(1);
  }
  if (!last.status().ok()) return last.status();
  const int64_t at = NowUtcMs();
  Stmt s(db, "INSERT INTO audit (seq, at_utc_ms, officer, action, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?)");
  s.Bind(1, seq).Bind(2, at).Bind(3, officer).Bind(4, action).Bind(5, detail).Bind(6, prev)
      .Bind(7, AuditEntryHash(prev, seq, at, officer, action, detail));
  return s.Run();
}

Status MarkSynced(sqlite3* db, const char* sql, const std::vector<std::string>& uuids, int64_t at) {
  Stmt s(db, sql);
  for (const std::string& u : uuids) {
    s.Reset();
    s.Bind(1, at).Bind(2, u);
    Status st = s.Run();
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status ConfigureConnection(sqlite3* db, int64_t max_page_count) {
  sqlite3_busy_timeout(db, 10000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=OFF", "PRAGMA journal_size_limit=67108864"}) {
    Status s = Exec(db, pragma);
    if (!s.ok()) return s;
  }
  if (max_page_count > 0) {
    const std::string sql = "PRAGMA max_page_count=" + std::to_string(max_page_count);
    return Exec(db, sql.c_str());
  }
  return Status::Ok();
}

// The writer's page cache. A batch of 256 reads with two 20 KB images each
// dirties about 10 MB; with SQLite's default 2 MB cache the pages spill to the
// WAL mid-transaction and are written again at commit. 32 MB (allocated as
// used) keeps a batch in memory. Durability is unchanged: the WAL is still
// synced at every commit (synchronous=FULL).
constexpr const char* kWriterCacheSql = "PRAGMA cache_size=-32768";

// The writer checkpoints the WAL itself (instead of SQLite's auto-checkpoint
// inside COMMIT), once it holds this many frames (16 MB), after the batch's
// writers were told their data is durable: a commit is durable once the WAL
// is synced, copying it into the database file need not delay the ack. The
// bigger threshold (SQLite's is 1000) means fewer checkpoints and syncs.
constexpr int kCheckpointFrames = 4096;

}  // namespace

// ---------------------------------------------------------------------------
// Impl: connections and the writer thread
// ---------------------------------------------------------------------------

struct Store::Impl {
  using Work = std::function<Status(sqlite3*)>;
  struct Task {
    Work work;
    Done done;
  };

  StoreOptions options;
  sqlite3* wdb = nullptr;  // writer thread only (and Open before it starts)
  WriterStatements wstmts;  // wdb's reused statements; writer thread only
  int wal_frames = 0;       // frames in wdb's WAL after its last commit; writer thread only
  sqlite3* rdb = nullptr;  // guarded by read_mu
  std::mutex read_mu;

  mutable std::mutex mu;  // guards everything below
  std::condition_variable cv;
  std::deque<Task> queue;
  bool stopping = false;
  bool disk_full = false;
  int64_t images_freed = 0;
  std::string last_error;
  std::thread writer;

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    cv.notify_all();
    if (writer.joinable()) writer.join();
    // Writes still queued (disk full at shutdown) are reported as failed.
    for (Task& t : queue) {
      if (t.done) t.done(Status(StatusCode::kResourceExhausted, "store closed while full: write not stored"));
    }
    wstmts.FinalizeAll();
    sqlite3_close_v2(rdb);
    sqlite3_close_v2(wdb);
  }

  void Submit(Work work, Done done) {
    {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back({std::move(work), std::move(done)});
    }
    cv.notify_one();
  }

  Status Run(Work work) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    Submit(std::move(work), [promise](const Status& s) { promise->set_value(s); });
    return future.get();
  }

  void WriterLoop() {
    for (;;) {
      std::vector<Task> batch;
      {
        std::unique_lock<std::mutex> lock(mu);
        if (disk_full && !stopping) {
          cv.wait_for(lock, std::chrono::milliseconds(options.full_retry_ms));
        } else {
          cv.wait(lock, [&] { return stopping || !queue.empty(); });
        }
        if (queue.empty()) {
          if (stopping) return;
          continue;
        }
        if (stopping && disk_full) {
          // One last try below; if still full, the destructor fails the rest.
        }
        const size_t n = std::min(queue.size(), static_cast<size_t>(std::max(1, options.max_batch)));
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      const bool all_stored = RunBatch(&batch);
      CheckpointIfDue();
      if (!batch.empty()) {  // still full: put back in front, in order
        std::lock_guard<std::mutex> lock(mu);
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue.push_front(std::move(*it));
        disk_full = true;
        if (stopping) return;
      } else if (all_stored) {
        std::lock_guard<std::mutex> lock(mu);
        disk_full = false;
      }
    }
  }

  void Rollback() {
    if (!sqlite3_get_autocommit(wdb)) Exec(wdb, "ROLLBACK");
  }

  static int OnWalCommit(void* arg, sqlite3*, const char*, int frames) {
    static_cast<Impl*>(arg)->wal_frames = frames;
    return SQLITE_OK;
  }

  // What SQLite's auto-checkpoint does (PASSIVE: never waits for readers),
  // run between batches. A failure leaves the frames in the WAL, still durable.
  void CheckpointIfDue() {
    if (wal_frames < kCheckpointFrames) return;
    sqlite3_wal_checkpoint_v2(wdb, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames = 0;
  }

  // Runs tasks in one transaction, each in its own savepoint so one bad
  // write fails alone. Returns true when everything was stored. Tasks that
  // could not be stored for lack of space are left in *batch.
  bool RunBatch(std::vector<Task>* batch) {
    for (int attempt = 0;; ++attempt) {
      std::vector<Status> results(batch->size());
      bool full = false;
      Status st = Exec(wdb, "BEGIN IMMEDIATE");
      if (st.ok()) {
        for (size_t i = 0; i < batch->size() && !full; ++i) {
          Stmt(wdb, &wstmts.savepoint, "SAVEPOINT task").Run();
          results[i] = (*batch)[i].work(wdb);
          if (results[i].code() == StatusCode::kResourceExhausted) {
            full = true;
          } else if (!results[i].ok()) {
            Stmt(wdb, &wstmts.rollback_to, "ROLLBACK TO task").Run();
          }
          if (!full) Stmt(wdb, &wstmts.release, "RELEASE task").Run();
        }
        if (!full) {
          st = Exec(wdb, "COMMIT");
          if (st.code() == StatusCode::kResourceExhausted) full = true;
        }
      }
      if (!full && !st.ok()) {  // cannot even begin or commit: report to every task
        Rollback();
        for (auto& r : results) r = st;
      }
      if (!full) {
        for (size_t i = 0; i < batch->size(); ++i) {
          if (!results[i].ok()) NoteError(results[i]);
          if ((*batch)[i].done) (*batch)[i].done(results[i]);
        }
        batch->clear();
        return true;
      }
      Rollback();
      if (attempt == 0 && FreeSyncedImages() > 0) continue;  // room made: try again
      NoteError(Status(StatusCode::kResourceExhausted, "store full: writes queued in memory"));
      // Nothing to free: store whatever still fits one by one, keep the rest.
      return RunOneByOne(batch);
    }
  }

  bool RunOneByOne(std::vector<Task>* batch) {
    std::vector<Task> left;
    // Each alone: small writes (marking reads synced, which lets images be
    // freed) still go through while a big one waits for room.
    for (Task& t : *batch) {
      Status st = Exec(wdb, "BEGIN IMMEDIATE");
      if (st.ok()) st = t.work(wdb);
      if (st.ok()) st = Exec(wdb, "COMMIT");
      if (st.code() == StatusCode::kResourceExhausted) {
        Rollback();
        left.push_back(std::move(t));
        continue;
      }
      if (!st.ok()) Rollback();
      if (t.done) t.done(st);
    }
    batch->swap(left);
    return false;
  }

  // Removes images of acknowledged reads, oldest first, to make room. The
  // reads themselves (the evidence record) stay. Returns how many went.
  int64_t FreeSyncedImages() {
    if (!Exec(wdb, "BEGIN IMMEDIATE").ok()) return 0;
    Stmt pick(wdb,
              "SELECT i.read_uuid FROM read_images i JOIN reads r ON r.uuid = i.read_uuid "
              "WHERE r.synced_at_utc_ms IS NOT NULL ORDER BY r.captured_at_utc_ms LIMIT 256");
    std::vector<std::string> uuids;
    while (pick.Step()) uuids.push_back(pick.Text(0));
    const int64_t now = NowUtcMs();
    Stmt del(wdb, "DELETE FROM read_images WHERE read_uuid = ?");
    Stmt mark(wdb, "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ?");
    Status st = pick.status();
    for (const std::string& u : uuids) {
      if (!st.ok()) break;
      del.Reset();
      st = del.Bind(1, u).Run();
      if (st.ok()) {
        mark.Reset();
        st = mark.Bind(1, now).Bind(2, u).Run();
      }
    }
    if (st.ok() && !uuids.empty()) {
      st = AppendAudit(wdb, "system", "store.free-images",
                       "store full: removed images of " + std::to_string(uuids.size()) +
                           " synced reads (reads kept)");
    }
    if (st.ok()) st = Exec(wdb, "COMMIT");
    if (!st.ok() || uuids.empty()) {
      Rollback();
      return 0;
    }
    std::lock_guard<std::mutex> lock(mu);
    images_freed += static_cast<int64_t>(uuids.size());
    return static_cast<int64_t>(uuids.size());
  }

  void NoteError(const Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    last_error = s.ToString();
  }

  // Runs a query on the reader connection.
  template <typename F>
  auto Query(F&& f) {
    std::lock_guard<std::mutex> lock(read_mu);
    return f(rdb);
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

int Store::SchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return InvalidArgument("store path is empty");
  std::error_code ec;
  const auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(options.path.c_str(), &impl->wdb, flags, nullptr);
  if (rc != SQLITE_OK) return SqlError(impl->wdb, rc, "open " + options.path);
  Status s = ConfigureConnection(impl->wdb, options.max_page_count);
  if (s.ok()) s = Exec(impl->wdb, kWriterCacheSql);
  if (!s.ok()) return Status(s.code(), options.path + ": " + s.message());

  // Schema: migrate forward; refuse a store written by a newer build.
  int version = 0;
  {
    Stmt v(impl->wdb, "PRAGMA user_version");
    if (v.Step()) version = static_cast<int>(v.Int(0));
    if (!v.status().ok()) return Status(v.status().code(), options.path + ": " + v.status().message());
  }
  if (version > kSchemaVersion) {
    return InvalidArgument(options.path + ": schema version " + std::to_string(version) +
                           " is newer than this build's " + std::to_string(kSchemaVersion));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    s = Exec(impl->wdb, "BEGIN IMMEDIATE");
    if (s.ok()) s = Exec(impl->wdb, kMigrations[v]);
    const std::string set = "PRAGMA user_version=" + std::to_string(v + 1);
    if (s.ok()) s = Exec(impl->wdb, set.c_str());
    if (s.ok()) s = Exec(impl->wdb, "COMMIT");
    if (!s.ok()) {
      impl->Rollback();
      return Status(s.code(), options.path + ": migration to schema " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  rc = sqlite3_open_v2(options.path.c_str(), &impl->rdb, flags, nullptr);
  if (rc != SQLITE_OK) return SqlError(impl->rdb, rc, "open " + options.path);
  sqlite3_busy_timeout(impl->rdb, 10000);
  Impl* raw = impl.get();
  sqlite3_wal_hook(impl->wdb, &Impl::OnWalCommit, raw);  // replaces the auto-checkpoint
  impl->writer = std::thread([raw] { raw->WriterLoop(); });
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

const std::string& Store::path() const { return impl_->options.path; }

StoreState Store::state() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return {impl_->disk_full, impl_->queue.size(), impl_->images_freed, impl_->last_error};
}

Result<std::string> Store::IntegrityCheck() {
  return impl_->Query([](sqlite3* db) -> Result<std::string> {
    Stmt s(db, "PRAGMA integrity_check");
    std::string out;
    while (s.Step()) out += (out.empty() ? "" : "\n") + s.Text(0);
    if (!s.status().ok()) return s.status();
    return out;
  });
}

// ---------------------------------------------------------------------------
// Reads and hits
// ---------------------------------------------------------------------------

void Store::SubmitRead(Read read, std::vector<Hit> hits, Done on_committed) {
  auto r = std::make_shared<Read>(std::move(read));
  auto h = std::make_shared<std::vector<Hit>>(std::move(hits));
  WriterStatements* cache = &impl_->wstmts;  // the work runs on the writer thread only
  impl_->Submit(
      [r, h, cache](sqlite3* db) {
        Status s = InsertRead(db, *r, cache);
        for (const Hit& hit : *h) {
          if (!s.ok()) break;
          s = InsertHit(db, hit, cache);
        }
        return s;
      },
      std::move(on_committed));
}

Status Store::CommitRead(const Read& read, const std::vector<Hit>& hits) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  SubmitRead(read, hits, [promise](const Status& s) { promise->set_value(s); });
  return future.get();
}

Status Store::CommitHits(const std::vector<Hit>& hits) {
  return impl_->Run([&hits](sqlite3* db) {
    for (const Hit& h : hits) {
      Status s = InsertHit(db, h);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  });
}

Status Store::RecordRepeatHit(const std::string& hit_uuid, const std::string& read_uuid, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "UPDATE hits SET repeat_count = repeat_count + 1, last_repeat_read_uuid = ?, "
           "last_repeat_at_utc_ms = ?, synced_at_utc_ms = NULL WHERE uuid = ?");
    Status st = s.Bind(1, read_uuid).Bind(2, at_utc_ms).Bind(3, hit_uuid).Run();
    if (st.ok() && sqlite3_changes(db) == 0) return NotFound("hit " + hit_uuid);
    return st;
  });
}

Status Store::SetHitOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& officer,
                            const std::string& note, int64_t at_utc_ms) {
  if (outcome == HitOutcome::kPending) return InvalidArgument("an outcome cannot be set back to pending");
  if (outcome == HitOutcome::kNotActioned && note.empty()) {
    return InvalidArgument("'not actioned' needs a reason");
  }
  if (officer.empty()) return Unauthenticated("an outcome needs the officer's number");
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "UPDATE hits SET outcome = ?, outcome_by = ?, outcome_at_utc_ms = ?, outcome_note = ?, "
           "synced_at_utc_ms = NULL WHERE uuid = ?");
    Status st = s.Bind(1, static_cast<int>(outcome)).Bind(2, officer).Bind(3, at_utc_ms).Bind(4, note)
                    .Bind(5, hit_uuid).Run();
    if (st.ok() && sqlite3_changes(db) == 0) return NotFound("hit " + hit_uuid);
    if (st.ok()) {
      st = AppendAudit(db, officer, "hit.outcome",
                       "hit " + hit_uuid + ": " + HitOutcomeName(outcome) + (note.empty() ? "" : " (" + note + ")"));
    }
    return st;
  });
}

namespace {
std::string ReadSelect(bool with_images, const std::string& where) {
  std::string sql = std::string("SELECT ") + kReadColumns + (with_images ? kImageColumns : "") +
                    " FROM reads r" + (with_images ? " LEFT JOIN read_images i ON i.read_uuid = r.uuid" : "") +
                    " " + where;
  return sql;
}
}  // namespace

Result<std::optional<Read>> Store::GetRead(const std::string& uuid, bool with_images) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<Read>> {
    Stmt s(db, ReadSelect(with_images, "WHERE r.uuid = ?").c_str());
    s.Bind(1, uuid);
    if (s.Step()) return std::optional<Read>(ReadFromRow(s, with_images));
    if (!s.status().ok()) return s.status();
    return std::optional<Read>();
  });
}

Result<std::vector<Read>> Store::FindReads(const ReadQuery& q) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<Read>> {
    const std::string where = std::string("WHERE r.captured_at_utc_ms >= ? AND r.captured_at_utc_ms <= ?") +
                              (q.vrm.empty() ? "" : " AND r.vrm = ?") +
                              " ORDER BY r.captured_at_utc_ms LIMIT ?";
    Stmt s(db, ReadSelect(q.with_images, where).c_str());
    s.Bind(1, q.from_utc_ms).Bind(2, q.to_utc_ms);
    int next = 3;
    const std::string vrm = NormaliseVrm(q.vrm);
    if (!q.vrm.empty()) s.Bind(next++, vrm);
    s.Bind(next, static_cast<int64_t>(q.limit));
    std::vector<Read> out;
    while (s.Step()) out.push_back(ReadFromRow(s, q.with_images));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<Read>> Store::ReadsSince(int64_t since_utc_ms) {
  ReadQuery q;
  q.from_utc_ms = since_utc_ms;
  q.limit = 1'000'000;
  return FindReads(q);
}

Result<int64_t> Store::CountReads() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT count(*) FROM reads");
    if (s.Step()) return s.Int(0);
    return s.status().ok() ? Status(Internal("count")) : s.status();
  });
}

namespace {
Result<std::vector<Hit>> QueryHits(sqlite3* db, const std::string& tail, const std::string& arg, int64_t limit) {
  const std::string sql = std::string("SELECT ") + kHitColumns + " FROM hits " + tail;
  Stmt s(db, sql.c_str());
  int i = 1;
  if (!arg.empty()) s.Bind(i++, arg);
  if (limit >= 0) s.Bind(i, limit);
  std::vector<Hit> out;
  while (s.Step()) out.push_back(HitFromRow(s));
  if (!s.status().ok()) return s.status();
  return out;
}
}  // namespace

Result<std::optional<Hit>> Store::GetHit(const std::string& uuid) {
  auto hits = impl_->Query([&](sqlite3* db) { return QueryHits(db, "WHERE uuid = ?", uuid, -1); });
  if (!hits.ok()) return hits.status();
  if (hits->empty()) return std::optional<Hit>();
  return std::optional<Hit>(hits->front());
}

Result<std::vector<Hit>> Store::RecentHits(size_t limit) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db, "ORDER BY raised_at_utc_ms DESC LIMIT ?", "", static_cast<int64_t>(limit));
  });
}

Result<std::vector<Hit>> Store::HitsForRead(const std::string& read_uuid) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db, "WHERE read_uuid = ? ORDER BY priority DESC, raised_at_utc_ms", read_uuid, -1);
  });
}

// ---------------------------------------------------------------------------
// Sync
// ---------------------------------------------------------------------------

Result<std::vector<Read>> Store::UnsyncedReads(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<Read>> {
    Stmt s(db, ReadSelect(true, "WHERE r.synced_at_utc_ms IS NULL ORDER BY r.captured_at_utc_ms LIMIT ?").c_str());
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<Read> out;
    while (s.Step()) out.push_back(ReadFromRow(s, true));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<Hit>> Store::UnsyncedHits(size_t limit) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db, "WHERE synced_at_utc_ms IS NULL ORDER BY raised_at_utc_ms LIMIT ?", "",
                     static_cast<int64_t>(limit));
  });
}

Result<std::vector<AuditEntry>> Store::UnsyncedAudit(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<AuditEntry>> {
    Stmt s(db,
           "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash, synced_at_utc_ms FROM audit "
           "WHERE synced_at_utc_ms IS NULL ORDER BY seq LIMIT ?");
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.OptInt(7)});
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<AuditEntry>> Store::AuditEntries(int64_t from_seq, size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<AuditEntry>> {
    Stmt s(db,
           "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash, synced_at_utc_ms FROM audit "
           "WHERE seq >= ? ORDER BY seq LIMIT ?");
    s.Bind(1, from_seq).Bind(2, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.OptInt(7)});
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<OfficerEntry>> Store::UnsyncedOfficerEntries(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<OfficerEntry>> {
    Stmt s(db,
           "SELECT uuid, list_name, vrm, priority, reason, warning_markers, information, valid_until_utc_s, "
           "entered_by, entered_at_utc_ms, synced_at_utc_ms FROM officer_entries "
           "WHERE synced_at_utc_ms IS NULL ORDER BY entered_at_utc_ms LIMIT ?");
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<OfficerEntry> out;
    while (s.Step()) {
      OfficerEntry e;
      e.uuid = s.Text(0);
      e.list_name = s.Text(1);
      e.entry.vrm = s.Text(2);
      e.entry.priority = static_cast<Priority>(s.Int(3));
      e.entry.reason = s.Text(4);
      e.entry.warning_markers = s.Text(5);
      e.entry.information = s.Text(6);
      e.entry.valid_until_utc_s = s.Int(7);
      e.entered_by = s.Text(8);
      e.entered_at_utc_ms = s.Int(9);
      e.synced_at_utc_ms = s.OptInt(10);
      out.push_back(std::move(e));
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Status Store::MarkReadsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  Impl* impl = impl_.get();
  return impl_->Run([&, impl](sqlite3* db) {
    bool full = false;
    {
      std::lock_guard<std::mutex> lock(impl->mu);
      full = impl->disk_full;
    }
    // A full store cannot take even the marks (SQLite then rolls the whole
    // transaction back). The depot holds these reads now, so their images
    // are the ones that may make room; the reads themselves stay.
    int64_t freed = 0;
    if (full) {
      Stmt del(db, "DELETE FROM read_images WHERE read_uuid = ?");
      for (const std::string& u : uuids) {
        del.Reset();
        Status st = del.Bind(1, u).Run();
        if (!st.ok()) return st;
        freed += sqlite3_changes(db);
      }
    }
    Status st = MarkSynced(db, "UPDATE reads SET synced_at_utc_ms = ? WHERE uuid = ? AND synced_at_utc_ms IS NULL",
                           uuids, at_utc_ms);
    if (st.ok() && freed > 0) {
      st = MarkSynced(db,
                      "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ? AND "
                      "images_removed_at_utc_ms IS NULL AND uuid NOT IN (SELECT read_uuid FROM read_images)",
                      uuids, at_utc_ms);
      if (st.ok()) {
        st = AppendAudit(db, "system", "store.free-images",
                         "store full: removed images of " + std::to_string(freed) +
                             " reads as the depot acknowledged them (reads kept)");
      }
      if (st.ok()) {
        std::lock_guard<std::mutex> lock(impl->mu);
        impl->images_freed += freed;
      }
    }
    return st;
  });
}

Result<SyncBacklog> Store::CountUnsynced() {
  return impl_->Query([](sqlite3* db) -> Result<SyncBacklog> {
    Stmt s(db,
           "SELECT (SELECT count(*) FROM reads WHERE synced_at_utc_ms IS NULL), "
           "(SELECT count(*) FROM hits WHERE synced_at_utc_ms IS NULL), "
           "(SELECT count(*) FROM audit WHERE synced_at_utc_ms IS NULL), "
           "(SELECT count(*) FROM officer_entries WHERE synced_at_utc_ms IS NULL)");
    if (!s.Step()) return s.status().ok() ? Status(Internal("count unsynced")) : s.status();
    return SyncBacklog{s.Int(0), s.Int(1), s.Int(2), s.Int(3)};
  });
}

Status Store::MarkHitsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    return MarkSynced(db, "UPDATE hits SET synced_at_utc_ms = ? WHERE uuid = ?", uuids, at_utc_ms);
  });
}

Status Store::MarkHitsSyncedIfUnchanged(const std::vector<SentHit>& sent, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE hits SET synced_at_utc_ms = ? WHERE uuid = ? AND outcome_at_utc_ms = ?");
    for (const SentHit& h : sent) {
      s.Reset();
      Status st = s.Bind(1, at_utc_ms).Bind(2, h.uuid).Bind(3, h.outcome_at_utc_ms).Run();
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
}

Status Store::MarkOfficerEntriesSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    return MarkSynced(db, "UPDATE officer_entries SET synced_at_utc_ms = ? WHERE uuid = ?", uuids, at_utc_ms);
  });
}

Status Store::MarkAuditSynced(const std::vector<int64_t>& seqs, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE audit SET synced_at_utc_ms = ? WHERE seq = ?");
    for (int64_t seq : seqs) {
      s.Reset();
      Status st = s.Bind(1, at_utc_ms).Bind(2, seq).Run();
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------
// Hotlists
// ---------------------------------------------------------------------------

namespace {

// Inserts entries (in `order` when given: indices into `entries`). The
// strings are bound without copying; `entries` outlives every step.
Status InsertEntries(sqlite3* db, int64_t list_id, const std::vector<HotlistEntry>& entries,
                     const std::vector<uint32_t>* order = nullptr) {
  Stmt s(db,
         "INSERT OR REPLACE INTO hotlist_entries (list_id, vrm, priority, reason, warning_markers, information, "
         "make, model, colour, valid_until_utc_s) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!s.prepare_status().ok()) return s.prepare_status();
  const size_t n = order ? order->size() : entries.size();
  for (size_t k = 0; k < n; ++k) {
    const HotlistEntry& e = entries[order ? (*order)[k] : k];
    if (order && k + 16 < n) {  // in VRM order the entries are scattered: fetch ahead
      const char* ahead = reinterpret_cast<const char*>(&entries[(*order)[k + 16]]);
      for (size_t line = 0; line < sizeof(HotlistEntry); line += 64) __builtin_prefetch(ahead + line);
    }
    s.Reset();
    s.Bind(1, list_id).BindStatic(2, e.vrm).Bind(3, static_cast<int>(e.priority)).BindStatic(4, e.reason)
        .BindStatic(5, e.warning_markers).BindStatic(6, e.information).BindStatic(7, e.make)
        .BindStatic(8, e.model).BindStatic(9, e.colour).Bind(10, e.valid_until_utc_s);
    Status st = s.Run();
    if (!st.ok()) return st;
  }
  s.Reset();  // drop the pointers into `entries`
  return Status::Ok();
}

// The order that inserts `entries` by VRM (byte order, as the table's key),
// ties in input order: B-tree appends, far faster than random inserts for big
// lists, without moving the entries themselves (a sort of 5 million
// HotlistEntry moves seven strings a swap).
std::vector<uint32_t> OrderByVrm(const std::vector<HotlistEntry>& entries) {
  struct Key {
    uint64_t prefix;  // the VRM's first 8 bytes, big-endian, zero padded
    uint32_t index;
  };
  std::vector<Key> keys(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    uint64_t p = 0;
    const std::string& v = entries[i].vrm;
    for (size_t j = 0; j < 8; ++j) {
      p = (p << 8) | (j < v.size() ? static_cast<unsigned char>(v[j]) : 0u);
    }
    keys[i] = {p, static_cast<uint32_t>(i)};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = entries[a.index].vrm.compare(entries[b.index].vrm);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].index;
  return order;
}

// The list's row id and version, or id 0 when it does not exist.
Status FindList(sqlite3* db, const std::string& name, int64_t* id, int64_t* version) {
  Stmt s(db, "SELECT list_id, version FROM hotlists WHERE name = ?");
  s.Bind(1, name);
  *id = 0;
  *version = 0;
  if (s.Step()) {
    *id = s.Int(0);
    *version = s.Int(1);
  }
  return s.status();
}

Status UpsertList(sqlite3* db, const HotlistMeta& m, int64_t version, int64_t* id) {
  Stmt s(db,
         "INSERT INTO hotlists (name, source, colour, sound, covert, max_substitutions, version, "
         "updated_at_utc_ms, entry_count) VALUES (?,?,?,?,?,?,?,?,0) "
         "ON CONFLICT(name) DO UPDATE SET source=excluded.source, colour=excluded.colour, "
         "sound=excluded.sound, covert=excluded.covert, max_substitutions=excluded.max_substitutions, "
         "version=excluded.version, updated_at_utc_ms=excluded.updated_at_utc_ms");
  s.Bind(1, m.name).Bind(2, static_cast<int>(m.source)).Bind(3, m.colour).Bind(4, m.sound)
      .Bind(5, m.covert ? 1 : 0).Bind(6, std::clamp(m.max_substitutions, 0, 2)).Bind(7, version)
      .Bind(8, NowUtcMs());
  Status st = s.Run();
  if (!st.ok()) return st;
  int64_t v = 0;
  return FindList(db, m.name, id, &v);
}

Status UpdateCount(sqlite3* db, int64_t id) {
  Stmt s(db,
         "UPDATE hotlists SET entry_count = (SELECT count(*) FROM hotlist_entries WHERE list_id = ?1) "
         "WHERE list_id = ?1");
  return s.Bind(1, id).Run();
}

HotlistMeta MetaFromRow(const Stmt& s) {
  HotlistMeta m;
  m.name = s.Text(0);
  m.source = static_cast<ListSource>(s.Int(1));
  m.colour = s.Text(2);
  m.sound = s.Text(3);
  m.covert = s.Int(4) != 0;
  m.max_substitutions = static_cast<int>(s.Int(5));
  m.version = s.Int(6);
  m.entry_count = s.Int(8);
  m.updated_at_utc_ms = s.Int(9);
  return m;
}

constexpr const char* kMetaColumns =
    "name, source, colour, sound, covert, max_substitutions, version, list_id, entry_count, updated_at_utc_ms";

Result<std::vector<HotlistEntry>> LoadEntries(sqlite3* db, int64_t list_id) {
  Stmt s(db,
         "SELECT vrm, priority, reason, warning_markers, information, make, model, colour, valid_until_utc_s "
         "FROM hotlist_entries WHERE list_id = ?");
  s.Bind(1, list_id);
  std::vector<HotlistEntry> out;
  while (s.Step()) {
    HotlistEntry e;
    e.vrm = s.Text(0);
    e.priority = static_cast<Priority>(s.Int(1));
    e.reason = s.Text(2);
    e.warning_markers = s.Text(3);
    e.information = s.Text(4);
    e.make = s.Text(5);
    e.model = s.Text(6);
    e.colour = s.Text(7);
    e.valid_until_utc_s = s.Int(8);
    out.push_back(std::move(e));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

}  // namespace

Status Store::ApplyHotlistVersion(const HotlistMeta& meta, std::vector<HotlistEntry> entries,
                                  const std::string& actor, Matcher* matcher) {
  if (meta.name.empty()) return InvalidArgument("hotlist name is empty");
  if (meta.max_substitutions < 0 || meta.max_substitutions > 2) {
    return InvalidArgument("max_substitutions must be 0, 1 or 2");
  }
  if (entries.size() > UINT32_MAX) return InvalidArgument("hotlist " + meta.name + ": too many entries");
  // The entries stay where they are, read by both threads: the writer sorts an
  // index by VRM and inserts in that order while this thread builds the
  // matcher's index. A VRM listed twice keeps its last entry in both.
  auto shared = std::make_shared<const std::vector<HotlistEntry>>(std::move(entries));
  auto order = std::make_shared<std::vector<uint32_t>>();
  auto version = std::make_shared<int64_t>(0);
  const std::string name = meta.name;
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  impl_->Submit(
      [meta, actor, shared, order, version](sqlite3* db) {
        int64_t id = 0, current = 0;
        Status s = FindList(db, meta.name, &id, &current);
        if (!s.ok()) return s;
        *version = meta.version == 0 ? current + 1 : meta.version;
        if (*version <= current) {
          return InvalidArgument("hotlist " + meta.name + ": version " + std::to_string(*version) +
                                 " is not newer than the version in force (" + std::to_string(current) + ")");
        }
        s = UpsertList(db, meta, *version, &id);
        if (!s.ok()) return s;
        Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ?");
        s = del.Bind(1, id).Run();
        if (s.ok() && order->size() != shared->size()) *order = OrderByVrm(*shared);  // once, kept for a retry
        if (s.ok()) s = InsertEntries(db, id, *shared, order.get());
        if (s.ok()) {
          Stmt count(db, "UPDATE hotlists SET entry_count = ? WHERE list_id = ?");
          s = count.Bind(1, static_cast<int64_t>(shared->size())).Bind(2, id).Run();
        }
        if (s.ok()) {
          s = AppendAudit(db, actor, "hotlist.version",
                          "list " + meta.name + " (" + ListSourceName(meta.source) + ") version " +
                              std::to_string(*version) + ": " + std::to_string(shared->size()) + " entries");
        }
        return s;
      },
      [promise](const Status& s) { promise->set_value(s); });
  std::shared_ptr<const ListIndex> index;
  if (matcher) index = ListIndex::Build(meta, *shared);  // meanwhile; installed only once stored
  Status st = future.get();
  if (!st.ok() || !matcher) return st;
  HotlistMeta m = meta;
  m.version = *version;
  matcher->SetList(ListIndex::WithMeta(std::move(index), std::move(m)));
  return st;
}

Status Store::ApplyHotlistDelta(const std::string& name, const HotlistDelta& delta, const std::string& actor,
                                Matcher* matcher) {
  if (delta.new_version <= delta.base_version) {
    return InvalidArgument("hotlist " + name + ": delta's new version must be newer than its base");
  }
  for (const HotlistEntry& e : delta.adds) {
    if (e.vrm.empty() || e.vrm.size() > kMaxHotlistVrmLength || NormaliseVrm(e.vrm) != e.vrm) {
      return InvalidArgument("hotlist " + name + ": delta adds malformed vrm '" + e.vrm + "'");
    }
  }
  Status st = impl_->Run([&](sqlite3* db) {
    int64_t id = 0, current = 0;
    Status s = FindList(db, name, &id, &current);
    if (!s.ok()) return s;
    if (id == 0) return NotFound("hotlist " + name);
    if (current != delta.base_version) {
      return InvalidArgument("hotlist " + name + ": delta is from version " + std::to_string(delta.base_version) +
                             " but version " + std::to_string(current) + " is in force");
    }
    Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ? AND vrm = ?");
    for (const std::string& vrm : delta.removes) {
      del.Reset();
      s = del.Bind(1, id).Bind(2, NormaliseVrm(vrm)).Run();
      if (!s.ok()) return s;
    }
    s = InsertEntries(db, id, delta.adds);
    if (s.ok()) {
      Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
      s = v.Bind(1, delta.new_version).Bind(2, NowUtcMs()).Bind(3, id).Run();
    }
    if (s.ok()) s = UpdateCount(db, id);
    if (s.ok()) {
      s = AppendAudit(db, actor, "hotlist.delta",
                      "list " + name + " version " + std::to_string(delta.base_version) + " -> " +
                          std::to_string(delta.new_version) + ": +" + std::to_string(delta.adds.size()) + " -" +
                          std::to_string(delta.removes.size()));
    }
    return s;
  });
  if (!st.ok() || !matcher) return st;
  auto current = matcher->List(name);
  if (current && current->meta().version == delta.base_version) {
    matcher->SetList(current->WithDelta(delta));
    return st;
  }
  return LoadMatcher(matcher);  // matcher was out of step: rebuild from the store
}

Result<std::optional<int64_t>> Store::UnitValue(const std::string& key) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<int64_t>> {
    Stmt s(db, "SELECT value FROM unit_meta WHERE key = ?");
    s.Bind(1, key);
    if (s.Step()) return std::optional<int64_t>(s.Int(0));
    if (!s.status().ok()) return s.status();
    return std::optional<int64_t>();
  });
}

Status Store::SetUnitValue(const std::string& key, int64_t value) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "INSERT INTO unit_meta (key, value) VALUES (?, ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    return s.Bind(1, key).Bind(2, value).Run();
  });
}

Result<int64_t> Store::DepotHotlistVersion() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT value FROM unit_meta WHERE key = 'depot_hotlist_version'");
    if (s.Step()) return s.Int(0);
    if (!s.status().ok()) return s.status();
    return int64_t{0};
  });
}

Status Store::ApplyDepotHotlists(const std::vector<DepotListChange>& changes, int64_t depot_version,
                                 const std::string& actor, Matcher* matcher) {
  for (const DepotListChange& c : changes) {
    if (c.name.empty()) return InvalidArgument("depot hotlist update: a list has no name");
    if (c.new_version <= (c.full ? 0 : c.base_version)) {
      return InvalidArgument("depot hotlist update: list " + c.name + ": new version " +
                             std::to_string(c.new_version) + " is not newer than its base");
    }
    for (const HotlistEntry& e : c.adds) {
      if (e.vrm.empty() || e.vrm.size() > kMaxHotlistVrmLength || NormaliseVrm(e.vrm) != e.vrm) {
        return InvalidArgument("depot hotlist update: list " + c.name + ": malformed vrm '" + e.vrm + "'");
      }
    }
  }
  // Everything in one transaction: the old lists stay in force unless every
  // change applies (a broken download changes nothing).
  Status st = impl_->Run([&](sqlite3* db) {
    for (const DepotListChange& c : changes) {
      int64_t id = 0, current = 0;
      Status s = FindList(db, c.name, &id, &current);
      if (!s.ok()) return s;
      if (!c.full && (id == 0 || current != c.base_version)) {
        return InvalidArgument("depot hotlist update: list " + c.name + " is a delta from version " +
                               std::to_string(c.base_version) + " but version " + std::to_string(current) +
                               " is in force");
      }
      if (id == 0) {
        // A list new to this unit: its source from its name where that names
        // one (PNC, DVLA, MIB), otherwise a force list; settings default.
        HotlistMeta meta;
        meta.name = c.name;
        if (!ParseListSource(c.name, &meta.source)) meta.source = ListSource::kLocal;
        s = UpsertList(db, meta, c.new_version, &id);
        if (!s.ok()) return s;
      }
      if (c.full) {
        Stmt clear(db, "DELETE FROM hotlist_entries WHERE list_id = ?");
        s = clear.Bind(1, id).Run();
        if (!s.ok()) return s;
      }
      Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ? AND vrm = ?");
      for (const std::string& vrm : c.removes) {
        del.Reset();
        s = del.Bind(1, id).Bind(2, NormaliseVrm(vrm)).Run();
        if (!s.ok()) return s;
      }
      s = InsertEntries(db, id, c.adds);
      if (s.ok()) {
        Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
        s = v.Bind(1, c.new_version).Bind(2, NowUtcMs()).Bind(3, id).Run();
      }
      if (s.ok()) s = UpdateCount(db, id);
      if (s.ok()) {
        s = AppendAudit(db, actor, "hotlist.depot",
                        "list " + c.name + (c.full ? " replaced" : " from version " + std::to_string(c.base_version)) +
                            " -> version " + std::to_string(c.new_version) + ": +" + std::to_string(c.adds.size()) +
                            " -" + std::to_string(c.removes.size()));
      }
      if (!s.ok()) return s;
    }
    Stmt v(db,
           "INSERT INTO unit_meta (key, value) VALUES ('depot_hotlist_version', ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    return v.Bind(1, depot_version).Run();
  });
  if (!st.ok() || !matcher || changes.empty()) return st;
  return LoadMatcher(matcher);  // the lists in force now, as stored
}

Status Store::AddOfficerEntry(const OfficerEntry& oe, Matcher* matcher) {
  if (oe.entry.vrm.empty() || oe.entry.vrm.size() > kMaxHotlistVrmLength) {
    return InvalidArgument("officer entry: vrm '" + oe.entry.vrm + "' is empty or too long");
  }
  int64_t base = 0, next = 0;
  Status st = impl_->Run([&](sqlite3* db) {
    int64_t id = 0;
    Status s = FindList(db, oe.list_name, &id, &base);
    if (!s.ok()) return s;
    next = base + 1;
    if (id == 0) {
      HotlistMeta m;
      m.name = oe.list_name;
      m.source = ListSource::kOfficer;
      s = UpsertList(db, m, next, &id);
    } else {
      Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
      s = v.Bind(1, next).Bind(2, NowUtcMs()).Bind(3, id).Run();
    }
    if (s.ok()) s = InsertEntries(db, id, {oe.entry});
    if (s.ok()) s = UpdateCount(db, id);
    if (s.ok()) {
      Stmt o(db,
             "INSERT INTO officer_entries (uuid, list_name, vrm, priority, reason, warning_markers, information, "
             "valid_until_utc_s, entered_by, entered_at_utc_ms) VALUES (?,?,?,?,?,?,?,?,?,?)");
      s = o.Bind(1, oe.uuid).Bind(2, oe.list_name).Bind(3, oe.entry.vrm).Bind(4, static_cast<int>(oe.entry.priority))
              .Bind(5, oe.entry.reason).Bind(6, oe.entry.warning_markers).Bind(7, oe.entry.information)
              .Bind(8, oe.entry.valid_until_utc_s).Bind(9, oe.entered_by).Bind(10, oe.entered_at_utc_ms).Run();
    }
    if (s.ok()) {
      s = AppendAudit(db, oe.entered_by, "hotlist.officer-entry",
                      "list " + oe.list_name + ": " + oe.entry.vrm + " " + PriorityName(oe.entry.priority) +
                          " (" + oe.entry.reason + ")");
    }
    return s;
  });
  if (!st.ok() || !matcher) return st;
  auto current = matcher->List(oe.list_name);
  if (current && current->meta().version == base) {
    HotlistDelta d;
    d.base_version = base;
    d.new_version = next;
    d.adds = {oe.entry};
    matcher->SetList(current->WithDelta(d));
    return st;
  }
  return LoadMatcher(matcher);
}

Result<std::vector<HotlistMeta>> Store::Hotlists() {
  return impl_->Query([](sqlite3* db) -> Result<std::vector<HotlistMeta>> {
    Stmt s(db, (std::string("SELECT ") + kMetaColumns + " FROM hotlists ORDER BY name").c_str());
    std::vector<HotlistMeta> out;
    while (s.Step()) out.push_back(MetaFromRow(s));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::optional<HotlistEntry>> Store::GetHotlistEntry(const std::string& list_name, const std::string& vrm) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<HotlistEntry>> {
    Stmt s(db,
           "SELECT e.vrm, e.priority, e.reason, e.warning_markers, e.information, e.make, e.model, e.colour, "
           "e.valid_until_utc_s FROM hotlist_entries e JOIN hotlists l ON l.list_id = e.list_id "
           "WHERE l.name = ? AND e.vrm = ?");
    s.Bind(1, list_name).Bind(2, vrm);
    if (s.Step()) {
      HotlistEntry e;
      e.vrm = s.Text(0);
      e.priority = static_cast<Priority>(s.Int(1));
      e.reason = s.Text(2);
      e.warning_markers = s.Text(3);
      e.information = s.Text(4);
      e.make = s.Text(5);
      e.model = s.Text(6);
      e.colour = s.Text(7);
      e.valid_until_utc_s = s.Int(8);
      return std::optional<HotlistEntry>(std::move(e));
    }
    if (!s.status().ok()) return s.status();
    return std::optional<HotlistEntry>();
  });
}

Status Store::LoadMatcher(Matcher* matcher) {
  return impl_->Query([&](sqlite3* db) -> Status {
    Stmt s(db, (std::string("SELECT ") + kMetaColumns + " FROM hotlists").c_str());
    std::vector<std::pair<HotlistMeta, int64_t>> lists;
    while (s.Step()) lists.emplace_back(MetaFromRow(s), s.Int(7));
    if (!s.status().ok()) return s.status();
    for (auto& [meta, id] : lists) {
      auto entries = LoadEntries(db, id);
      if (!entries.ok()) return entries.status();
      matcher->SetList(ListIndex::Build(meta, *entries));
    }
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------
// Officers and sessions
// ---------------------------------------------------------------------------

Status Store::PutOfficer(const OfficerRecord& o) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "INSERT OR REPLACE INTO officers (number, role, pin_salt, pin_hash, pin_iterations, failed_attempts, "
           "locked_until_utc_ms, active) VALUES (?,?,?,?,?,?,?,?)");
    return s.Bind(1, o.number).Bind(2, o.role).Bind(3, o.pin_salt_hex).Bind(4, o.pin_hash_hex)
        .Bind(5, o.pin_iterations).Bind(6, o.failed_attempts).Bind(7, o.locked_until_utc_ms)
        .Bind(8, o.active ? 1 : 0).Run();
  });
}

Result<std::optional<OfficerRecord>> Store::GetOfficer(const std::string& number) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<OfficerRecord>> {
    Stmt s(db,
           "SELECT number, role, pin_salt, pin_hash, pin_iterations, failed_attempts, locked_until_utc_ms, active "
           "FROM officers WHERE number = ?");
    s.Bind(1, number);
    if (s.Step()) {
      OfficerRecord o;
      o.number = s.Text(0);
      o.role = s.Text(1);
      o.pin_salt_hex = s.Text(2);
      o.pin_hash_hex = s.Text(3);
      o.pin_iterations = static_cast<int>(s.Int(4));
      o.failed_attempts = static_cast<int>(s.Int(5));
      o.locked_until_utc_ms = s.Int(6);
      o.active = s.Int(7) != 0;
      return std::optional<OfficerRecord>(std::move(o));
    }
    if (!s.status().ok()) return s.status();
    return std::optional<OfficerRecord>();
  });
}

Result<int64_t> Store::CountOfficers() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT count(*) FROM officers");
    if (s.Step()) return s.Int(0);
    return s.status().ok() ? Status(Internal("count")) : s.status();
  });
}

Result<int64_t> Store::OpenSession(const std::string& officer, int64_t at_utc_ms) {
  int64_t id = 0;
  Status st = impl_->Run([&](sqlite3* db) {
    Stmt s(db, "INSERT INTO officer_sessions (officer, started_at_utc_ms) VALUES (?, ?)");
    Status r = s.Bind(1, officer).Bind(2, at_utc_ms).Run();
    id = sqlite3_last_insert_rowid(db);
    return r;
  });
  if (!st.ok()) return st;
  return id;
}

Status Store::CloseSession(int64_t session_id, const std::string& reason, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE officer_sessions SET ended_at_utc_ms = ?, end_reason = ? WHERE id = ? AND ended_at_utc_ms IS NULL");
    return s.Bind(1, at_utc_ms).Bind(2, reason).Bind(3, session_id).Run();
  });
}

// ---------------------------------------------------------------------------
// Audit
// ---------------------------------------------------------------------------

Status Store::Audit(const std::string& officer, const std::string& action, const std::string& detail) {
  return impl_->Run([&](sqlite3* db) { return AppendAudit(db, officer, action, detail); });
}

Result<AuditVerdict> Store::VerifyAudit() {
  return impl_->Query([](sqlite3* db) -> Result<AuditVerdict> {
    AuditVerdict v;
    // One read transaction so the chain is checked as of one moment.
    Status st = Exec(db, "BEGIN");
    if (!st.ok()) return st;
    {
      Stmt t(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_no_update', 'audit_no_delete')");
      if (t.Step() && t.Int(0) != kAuditGuardTriggers) {
        v.ok = false;
        v.problem = "the audit log's append-only triggers have been removed";
      }
      Stmt s(db, "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash FROM audit ORDER BY seq");
      std::string prev = kAuditGenesisHash;
      int64_t expected = 1;
      while (v.ok && s.Step()) {
        const int64_t seq = s.Int(0);
        ++v.entries_checked;
        auto fail = [&](const std::string& problem) {
          v.ok = false;
          v.bad_seq = seq;
          v.problem = "entry " + std::to_string(seq) + " (" + s.Text(3) + "): " + problem;
        };
        if (seq != expected) {
          fail("entries " + std::to_string(expected) + " to " + std::to_string(seq - 1) + " are missing");
        } else if (s.Text(5) != prev) {
          fail("previous-hash link broken (an entry before it was changed or removed)");
        } else if (AuditEntryHash(prev, seq, s.Int(1), s.Text(2), s.Text(3), s.Text(4)) != s.Text(6)) {
          fail("hash does not match its content (the entry was changed)");
        }
        prev = s.Text(6);
        ++expected;
      }
      if (!s.status().ok()) st = s.status();
    }
    Exec(db, "COMMIT");
    if (!st.ok()) return st;
    return v;
  });
}

// ---------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------

Result<PurgeCounts> Store::Purge(int64_t cap_before_utc_ms, int64_t images_before_utc_ms) {
  PurgeCounts c;
  Status st = impl_->Run([&](sqlite3* db) {
    auto count = [&](const char* sql, int64_t at, int64_t* out) {
      Stmt s(db, sql);
      s.Bind(1, at);
      if (s.Step()) *out = s.Int(0);
      return s.status();
    };
    Status s = count("SELECT count(*) FROM reads WHERE captured_at_utc_ms < ?", cap_before_utc_ms, &c.reads_deleted);
    if (s.ok()) {
      s = count("SELECT count(*) FROM reads WHERE captured_at_utc_ms < ? AND synced_at_utc_ms IS NULL",
                cap_before_utc_ms, &c.unsynced_reads_deleted);
    }
    if (s.ok()) {
      s = count("SELECT count(*) FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE captured_at_utc_ms < ?)",
                cap_before_utc_ms, &c.hits_deleted);
    }
    for (const char* sql : {
             "DELETE FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE captured_at_utc_ms < ?1)",
             "DELETE FROM read_images WHERE read_uuid IN (SELECT uuid FROM reads WHERE captured_at_utc_ms < ?1)",
             "DELETE FROM reads WHERE captured_at_utc_ms < ?1"}) {
      if (!s.ok()) break;
      Stmt d(db, sql);
      s = d.Bind(1, cap_before_utc_ms).Run();
    }
    if (s.ok()) {
      Stmt pick(db,
                "SELECT i.read_uuid FROM read_images i JOIN reads r ON r.uuid = i.read_uuid "
                "WHERE r.synced_at_utc_ms IS NOT NULL AND r.captured_at_utc_ms < ?");
      pick.Bind(1, images_before_utc_ms);
      std::vector<std::string> uuids;
      while (pick.Step()) uuids.push_back(pick.Text(0));
      s = pick.status();
      Stmt del(db, "DELETE FROM read_images WHERE read_uuid = ?");
      Stmt mark(db, "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ?");
      const int64_t now = NowUtcMs();
      for (const std::string& u : uuids) {
        if (!s.ok()) break;
        del.Reset();
        s = del.Bind(1, u).Run();
        mark.Reset();
        if (s.ok()) s = mark.Bind(1, now).Bind(2, u).Run();
      }
      c.images_deleted = static_cast<int64_t>(uuids.size());
    }
    if (s.ok()) {
      s = AppendAudit(db, "system", "retention.purge",
                      "reads captured before " + std::to_string(cap_before_utc_ms) + " ms deleted: " +
                          std::to_string(c.reads_deleted) + " (of which never synced: " +
                          std::to_string(c.unsynced_reads_deleted) + "), hits: " + std::to_string(c.hits_deleted) +
                          "; images of synced reads before " + std::to_string(images_before_utc_ms) +
                          " ms removed: " + std::to_string(c.images_deleted));
    }
    return s;
  });
  if (!st.ok()) return st;
  return c;
}

}  // namespace anpr
