#include "vehicle/store/rekey.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "vehicle/records/sqlite_stmt.h"

namespace anpr {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("cannot sync " + path + ": " + std::strerror(err));
  return Status::Ok();
}

// A file name as an SQLite URI path (RFC 3986 unreserved characters and '/'
// kept, the rest percent-encoded).
std::string UriPath(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Result<Db> OpenWith(const std::string& path, const EncryptedVfs* vfs, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_URI, vfs ? vfs->name() : nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "open " + path);
  if (vfs) {
    Status s = ConfigureEncrypted(db.get(), kStorePageBytes);
    if (!s.ok()) return s;
  }
  return db;
}

}  // namespace

Status RekeyStore(const std::string& path, const std::optional<StoreKey>& old_key, const StoreKey& new_key) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 || ec) return NotFound("no store at " + path);
  // The old key must open the store as Store::Open would (VfsForDb: a wrong
  // key is refused before anything is opened).
  auto old_vfs = VfsForDb(path, old_key ? &*old_key : nullptr, kStorePageBytes);
  if (!old_vfs.ok()) return Status(old_vfs.status().code(), "store " + old_vfs.status().message());
  auto new_vfs = EncryptedVfs::Create(new_key, kStorePageBytes);
  if (!new_vfs.ok()) return new_vfs.status();

  auto src = OpenWith(path, old_vfs.value().get(), SQLITE_OPEN_READWRITE);
  if (!src.ok()) return src.status();
  sqlite3* db = src.value().get();
  // Exclusive: fails while the unit (or another `anpr`) has the store open,
  // and keeps everyone out until the copy is done.
  Status s = SqliteExec(db, "PRAGMA locking_mode=EXCLUSIVE");
  if (s.ok()) s = SqliteExec(db, "BEGIN EXCLUSIVE");
  if (s.ok()) s = SqliteExec(db, "COMMIT");
  if (!s.ok()) {
    return Unavailable("store " + path + " is in use (stop anpr-vehicle first): " + s.message());
  }
  {
    Stmt size(db, "PRAGMA page_size");
    if (!size.Step() || size.Int(0) != kStorePageBytes) {
      return InvalidArgument("store " + path + " has a page size other than " + std::to_string(kStorePageBytes));
    }
  }
  s = SqliteExec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  if (!s.ok()) return s;
  // A plain store has no room for nonce and tag in its pages: the copy gets it.
  int reserve = EncryptedVfs::kReserveBytes;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);

  const std::string tmp = path + "-rekey";
  std::filesystem::remove(tmp, ec);  // left by an earlier attempt that failed
  const std::string uri = "file:" + UriPath(tmp) + "?vfs=" + new_vfs.value()->name();
  {
    Stmt vacuum(db, "VACUUM INTO ?");
    vacuum.Bind(1, uri);
    s = vacuum.Run();
  }
  if (s.ok()) s = SyncPath(tmp, false);
  if (s.ok()) {
    // The copy must open with the new key and be whole before it replaces the store.
    auto check = OpenWith(tmp, new_vfs.value().get(), SQLITE_OPEN_READWRITE);
    if (!check.ok()) {
      s = check.status();
    } else {
      Stmt ic(check.value().get(), "PRAGMA integrity_check");
      if (!ic.Step() || ic.Text(0) != "ok") {
        s = Corruption("the re-encrypted copy of " + path + " fails its integrity check");
      }
    }
    if (s.ok()) s = SyncPath(tmp, false);
  }
  if (!s.ok()) {
    std::filesystem::remove(tmp, ec);
    return Status(s.code(), "rekey " + path + ": " + s.message() + "; the store is unchanged");
  }
  src.value().reset();  // checkpointed: closing removes the old, empty WAL and its index
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::filesystem::remove(tmp, ec);
    return IoError("rekey " + path + ": rename: " + std::strerror(err) + "; the store is unchanged");
  }
  const auto dir = std::filesystem::path(path).parent_path();
  return SyncPath(dir.empty() ? "." : dir.string(), true);
}

}  // namespace anpr
