// The store's life cycle: opening (connections, schema), state, and the
// integrity check. The operations live in one file per area beside this one:
// reads.cc, hits.cc, sync_marks.cc, hotlists.cc, unit_values.cc,
// officer_records.cc, audit.cc, purge.cc; the writer thread in writer.cc.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/rekey.h"
#include "vehicle/store/src/disk_reserve.h"
#include "vehicle/store/src/schema.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

Status ConfigureConnection(sqlite3* db, int64_t max_page_count, bool encrypted) {
  sqlite3_busy_timeout(db, 10000);
  if (encrypted) {
    Status s = ConfigureEncrypted(db, kStorePageBytes);
    if (!s.ok()) return s;
  }
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=OFF", "PRAGMA journal_size_limit=67108864"}) {
    Status s = SqliteExec(db, pragma);
    if (!s.ok()) return s;
  }
  if (max_page_count > 0) {
    const std::string sql = "PRAGMA max_page_count=" + std::to_string(max_page_count);
    return SqliteExec(db, sql.c_str());
  }
  return Status::Ok();
}

// The writer's page cache. A batch of 256 reads with two 20 KB images each
// dirties about 10 MB; with SQLite's default 2 MB cache the pages spill to the
// WAL mid-transaction and are written again at commit. 32 MB (allocated as
// used) keeps a batch in memory. Durability is unchanged: the WAL is still
// synced at every commit (synchronous=FULL).
constexpr const char* kWriterCacheSql = "PRAGMA cache_size=-32768";

// What opening needs on a full disk: the WAL index (32 KB) and the WAL's
// first frames, with a margin.
constexpr int64_t kOpenRoomBytes = 256 << 10;

// Opens (or, after a failed try, opens again) the writer connection, the
// schema and the reader connection.
Status OpenConnections(Store::Impl* impl) {
  MutexLock reader(&impl->read_mu);  // uncontended: no query runs before Open returns
  sqlite3_close_v2(impl->rdb);
  sqlite3_close_v2(impl->wdb);
  impl->rdb = impl->wdb = nullptr;
  const std::string& path = impl->options.path;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const char* vfs = impl->vfs ? impl->vfs->name() : nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &impl->wdb, flags, vfs);
  if (rc != SQLITE_OK) return SqliteError(impl->wdb, rc, "open " + path);
  Status s = ConfigureConnection(impl->wdb, impl->options.max_page_count, impl->vfs != nullptr);
  if (s.ok()) s = SqliteExec(impl->wdb, kWriterCacheSql);
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  s = MigrateSchema(impl->wdb, path);
  if (!s.ok()) return s;
  rc = sqlite3_open_v2(path.c_str(), &impl->rdb, flags, vfs);
  if (rc != SQLITE_OK) return SqliteError(impl->rdb, rc, "open " + path);
  sqlite3_busy_timeout(impl->rdb, 10000);
  if (impl->vfs) {
    s = ConfigureEncrypted(impl->rdb, kStorePageBytes);
    if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  }
  return Status::Ok();
}

// The spill file (reads spilled before a kill or stop go back into the
// database now, if it has room) and the reserve file. Neither failing stops
// the store from opening: the store then works as without them, and says so.
void OpenDiskRoom(Store::Impl* impl) {
  const StoreOptions& o = impl->options;
  if (o.reserve_bytes > 0) {
    impl->reserve_path = o.path + "-reserve";
    Status s = CreateReserve(impl->reserve_path, o.reserve_bytes);
    if (!s.ok()) spdlog::warn("store {}: no reserve file: {}", o.path, s.ToString());
  }
  if (o.spill_bytes > 0) {
    auto spill = SpillFile::Open(o.path + "-spill", o.spill_bytes, o.key);
    if (spill.ok()) {
      impl->spill = std::move(spill).value();
      impl->ImportSpill();
    } else {
      spdlog::error("store {}: no spill file, reads stay in memory while the disk is full: {}", o.path,
                    spill.status().ToString());
      impl->NoteError(spill.status());
    }
  }
}

// Matches the key to the files before SQLite opens them, so that a missing
// or wrong key changes nothing on disk; sets up the encrypting VFS.
Status PrepareKey(Store::Impl* impl) {
  const StoreOptions& o = impl->options;
  auto vfs = VfsForDb(o.path, o.key ? &*o.key : nullptr, kStorePageBytes);
  if (!vfs.ok()) return Status(vfs.status().code(), "store " + vfs.status().message());
  impl->vfs = std::move(vfs).value();
  return Status::Ok();
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

int Store::SchemaVersion() { return StoreSchemaVersion(); }

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return InvalidArgument("store path is empty");
  std::error_code ec;
  const auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  Status s = PrepareKey(impl.get());
  if (!s.ok()) return s;
  s = OpenConnections(impl.get());
  // Opening needs a little disk too (the WAL and its index, after a clean
  // close removed them): on a full disk part of the reserve file gives it,
  // the rest stays for making room later.
  if (!s.ok() && options.reserve_bytes > 0 &&
      ShrinkReserve(options.path + "-reserve", std::min<int64_t>(options.reserve_bytes, kOpenRoomBytes))) {
    spdlog::warn("store {}: gave {} bytes of the reserve file to open the store ({})", options.path,
                 std::min<int64_t>(options.reserve_bytes, kOpenRoomBytes), s.ToString());
    s = OpenConnections(impl.get());
  }
  if (!s.ok()) return s;
  OpenDiskRoom(impl.get());
  Impl* raw = impl.get();
  sqlite3_wal_hook(impl->wdb, &Impl::OnWalCommit, raw);  // replaces the auto-checkpoint
  impl->writer = std::thread([raw] { raw->WriterLoop(); });
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

const std::string& Store::path() const { return impl_->options.path; }

StoreState Store::state() const {
  MutexLock lock(&impl_->mu);
  StoreState st;
  st.disk_full = impl_->disk_full || impl_->spill_pending;
  st.queued_writes = impl_->queue.size();
  st.spilled_reads = impl_->spilled_reads;
  st.images_freed = impl_->images_freed;
  st.reads_in_memory = impl_->reads_in_memory;
  st.last_error = impl_->last_error;
  return st;
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

}  // namespace anpr
