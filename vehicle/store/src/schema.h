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

// The triggers that keep the audit log append-only and its anchor moving
// forward only (migrations 1 and 4); VerifyAudit checks all are there.
inline constexpr const char* kAuditGuardTriggerNames[] = {
    "audit_no_update",      "audit_no_delete",        "audit_append_only",     "audit_anchor_follows",
    "audit_anchor_forward", "audit_anchor_no_update", "audit_anchor_no_delete"};

}  // namespace anpr::store_internal
