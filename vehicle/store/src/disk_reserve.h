// Internal: the store's reserve file (`<db>-reserve`), disk space held back
// so that making room works on a full disk. Deleting rows needs space too
// (WAL frames, the database growing as the WAL is checkpointed); the writer
// deletes the reserve file to give that space, frees images of synced reads,
// and allocates the reserve again once the disk has room for it twice over.
#pragma once

#include <cstdint>
#include <string>

#include "vehicle/records/status.h"

namespace anpr::store_internal {

// Allocates `bytes` for the file at `path` (posix_fallocate); a file already
// that large is kept. On failure the file is as before (a new one removed):
// kResourceExhausted when the disk has no room.
Status CreateReserve(const std::string& path, int64_t bytes);
// Deletes the reserve file; true when there was one to delete.
bool ReleaseReserve(const std::string& path);
// Gives back up to `bytes` of the reserve (truncating it; deleting it when
// nothing would be left); true when it gave anything.
bool ShrinkReserve(const std::string& path, int64_t bytes);
bool ReserveExists(const std::string& path);
// Bytes an unprivileged writer may still use on the filesystem holding
// `path` (statvfs f_bavail); -1 when unknown.
int64_t FreeDiskBytes(const std::string& path);

}  // namespace anpr::store_internal
