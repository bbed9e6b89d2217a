// Unit values: small named numbers the unit keeps across restarts.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

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

}  // namespace anpr
