// Internal: reads and hits as a spill record, and back into the store.
// A record is a whole SQLite database image (sqlite3_serialize) built in
// memory with the store's own schema and rows (InsertRead / InsertHit), so
// nothing is re-encoded by hand and a record from an older build is migrated
// like the store itself.
#pragma once

#include <sqlite3.h>

#include <vector>

#include "vehicle/records/read.h"
#include "vehicle/records/status.h"

namespace anpr::store_internal {

// What one spilled write holds: a read (optional) and hits.
struct SpillItem {
  const Read* read = nullptr;  // may be null (hits only)
  const std::vector<Hit>* hits = nullptr;  // may be null
};

// The database image holding every item's read (with images) and hits.
Result<std::vector<unsigned char>> MakeSpillImage(const std::vector<SpillItem>& items);

// Copies the reads, images and hits of one image into the store on `db` in
// one transaction (audited when anything was new), keeping rows already
// stored as first written. Must be called outside a transaction. *reads_out
// (if given) gets the count of reads in the image, even on failure.
Status ImportSpillImage(sqlite3* db, const std::vector<unsigned char>& image, int64_t* reads_out);

}  // namespace anpr::store_internal
