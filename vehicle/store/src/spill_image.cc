#include "vehicle/store/src/spill_image.h"

#include <cstring>
#include <string>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/rows.h"
#include "vehicle/store/src/schema.h"

namespace anpr::store_internal {
namespace {

// Small pages: a record's schema costs a few KB instead of a few dozen;
// images go to overflow pages either way.
constexpr const char* kPageSizeSql = "PRAGMA page_size=512";

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
};

Status OpenMemory(Db* d) {
  const int rc = sqlite3_open_v2(":memory:", &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) return SqliteError(d->db, rc, "open spill image");
  return Status::Ok();
}

Result<std::vector<unsigned char>> Serialize(sqlite3* db) {
  sqlite3_int64 size = 0;
  unsigned char* p = sqlite3_serialize(db, "main", &size, 0);
  if (p == nullptr) return Status(StatusCode::kInternal, "serialize spill image failed");
  std::vector<unsigned char> out(p, p + size);
  sqlite3_free(p);
  return out;
}

// Loads `image` as schema `schema` of db (which takes ownership of a copy).
Status Deserialize(sqlite3* db, const char* schema, const std::vector<unsigned char>& image) {
  auto* buf = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
  if (buf == nullptr) return Status(StatusCode::kResourceExhausted, "no memory for a spill image");
  std::memcpy(buf, image.data(), image.size());
  const auto n = static_cast<sqlite3_int64>(image.size());
  const int rc = sqlite3_deserialize(db, schema, buf, n, n,
                                     SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "load spill image");
  return Status::Ok();
}

}  // namespace

Result<std::vector<unsigned char>> MakeSpillImage(const std::vector<SpillItem>& items) {
  Db d;
  Status s = OpenMemory(&d);
  if (s.ok()) s = SqliteExec(d.db, kPageSizeSql);
  if (s.ok()) s = MigrateSchema(d.db, "spill image");
  if (s.ok()) s = SqliteExec(d.db, "BEGIN");
  for (const SpillItem& item : items) {
    if (!s.ok()) break;
    if (item.read) s = InsertRead(d.db, *item.read);
    if (item.hits) {
      for (const Hit& h : *item.hits) {
        if (!s.ok()) break;
        s = InsertHit(d.db, h);
      }
    }
  }
  if (s.ok()) s = SqliteExec(d.db, "COMMIT");
  if (!s.ok()) return s;
  return Serialize(d.db);
}

Status ImportSpillImage(sqlite3* db, const std::vector<unsigned char>& image, int64_t* reads_out) {
  // Bring the image to this build's schema on a connection of its own.
  std::vector<unsigned char> current;
  {
    Db d;
    Status s = OpenMemory(&d);
    if (s.ok()) s = Deserialize(d.db, "main", image);
    if (s.ok()) s = MigrateSchema(d.db, "spill image");
    if (!s.ok()) return s;
    auto bytes = Serialize(d.db);
    if (!bytes.ok()) return bytes.status();
    current = std::move(bytes).value();
  }
  Status s = SqliteExec(db, "ATTACH DATABASE ':memory:' AS spill");
  if (!s.ok()) return s;
  s = Deserialize(db, "spill", current);
  int64_t reads = 0;
  if (s.ok()) {
    Stmt c(db, "SELECT count(*) FROM spill.reads");
    if (c.Step()) reads = c.Int(0);
    s = c.status();
  }
  if (s.ok()) s = SqliteExec(db, "BEGIN IMMEDIATE");
  // Images first, and only of reads not stored yet: a read stored before
  // keeps what it has (first write wins, freed images stay freed).
  if (s.ok()) {
    s = SqliteExec(db,
                   "INSERT OR IGNORE INTO main.read_images SELECT * FROM spill.read_images "
                   "WHERE read_uuid NOT IN (SELECT uuid FROM main.reads)");
  }
  int64_t new_reads = 0, new_hits = 0;
  if (s.ok()) s = SqliteExec(db, "INSERT OR IGNORE INTO main.reads SELECT * FROM spill.reads");
  if (s.ok()) new_reads = sqlite3_changes(db);
  if (s.ok()) s = SqliteExec(db, "INSERT OR IGNORE INTO main.hits SELECT * FROM spill.hits");
  if (s.ok()) new_hits = sqlite3_changes(db);
  if (s.ok() && (new_reads > 0 || new_hits > 0)) {  // none new: imported before a kill, spill not yet cleared
    s = AppendAudit(db, "system", "store.spill-import",
                    "imported " + std::to_string(new_reads) + " reads and " + std::to_string(new_hits) +
                        " hits written to the spill file while the disk was full");
  }
  if (s.ok()) s = SqliteExec(db, "COMMIT");
  if (!s.ok() && !sqlite3_get_autocommit(db)) SqliteExec(db, "ROLLBACK");
  SqliteExec(db, "DETACH DATABASE spill");
  if (reads_out) *reads_out = reads;
  return s;
}

}  // namespace anpr::store_internal
