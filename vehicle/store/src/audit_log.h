// Internal: appending to the store's hash-chained audit log.
#pragma once

#include <sqlite3.h>

#include <string>

#include "vehicle/records/status.h"

namespace anpr::store_internal {

// Appends one audit entry inside the caller's transaction, chained to the
// last committed-or-pending entry.
Status AppendAudit(sqlite3* db, const std::string& officer, const std::string& action,
                   const std::string& detail);

}  // namespace anpr::store_internal
