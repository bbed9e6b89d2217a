// The store's life cycle: opening (connections, schema), state, and the
// integrity check. The operations live in one file per area beside this one:
// reads.cc, hits.cc, sync_marks.cc, hotlists.cc, unit_values.cc,
// officer_records.cc, audit.cc, purge.cc; the writer thread in writer.cc.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/schema.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

Status ConfigureConnection(sqlite3* db, int64_t max_page_count) {
  sqlite3_busy_timeout(db, 10000);
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
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(options.path.c_str(), &impl->wdb, flags, nullptr);
  if (rc != SQLITE_OK) return SqliteError(impl->wdb, rc, "open " + options.path);
  Status s = ConfigureConnection(impl->wdb, options.max_page_count);
  if (s.ok()) s = SqliteExec(impl->wdb, kWriterCacheSql);
  if (!s.ok()) return Status(s.code(), options.path + ": " + s.message());
  s = MigrateSchema(impl->wdb, options.path);
  if (!s.ok()) return s;
  rc = sqlite3_open_v2(options.path.c_str(), &impl->rdb, flags, nullptr);
  if (rc != SQLITE_OK) return SqliteError(impl->rdb, rc, "open " + options.path);
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

}  // namespace anpr
