// Internal: reads and hits as rows of the store's tables, both ways.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vehicle/records/read.h"
#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/records/status.h"

namespace anpr::store_internal {

struct WriterStatements;

// A SELECT of reads (as `r`, with their images as `i` when with_images) whose
// columns ReadFromRow maps; `where` is appended as it is.
std::string ReadSelect(bool with_images, const std::string& where);
// The read on the current row of a ReadSelect statement.
Read ReadFromRow(const Stmt& s, bool with_images);

// Hits from "SELECT <hit columns> FROM hits <tail>", binding `arg` (unless
// empty) and then `limit` (unless negative) to the tail's parameters.
Result<std::vector<Hit>> QueryHits(sqlite3* db, const std::string& tail, const std::string& arg, int64_t limit);

// Inserts a read with its images; a read whose uuid is stored already is
// left as first written. `cache` (writer thread only) reuses its statements.
Status InsertRead(sqlite3* db, const Read& r, WriterStatements* cache = nullptr);
// Inserts a hit; one whose uuid is stored already is left as it is.
Status InsertHit(sqlite3* db, const Hit& h, WriterStatements* cache = nullptr);

}  // namespace anpr::store_internal
