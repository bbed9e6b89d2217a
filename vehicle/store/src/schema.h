// Internal: the store's schema and its migrations.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "vehicle/records/status.h"

namespace anpr::store_internal {

// The schema version this build writes (PRAGMA user_version).
int StoreSchemaVersion();

// Migrates the store on `db` forward to StoreSchemaVersion(), one
// transaction per migration; refuses a store written by a newer build.
// `path` only names the file in errors.
Status MigrateSchema(sqlite3* db, const std::string& path);

// The append-only triggers the first migration puts on the audit table.
constexpr int64_t kAuditGuardTriggers = 2;

}  // namespace anpr::store_internal
