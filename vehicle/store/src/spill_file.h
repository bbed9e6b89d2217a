// Internal: the store's spill file (`<db>-spill`), a fixed-size file
// allocated in advance next to the database. While the database cannot grow
// (disk full), the writer appends queued reads and hits to it, synced, so an
// accepted read survives a kill; the next writer with room imports them.
//
// Layout: a 64-byte header (magic, generation), then records, each a 48-byte
// header (generation, payload length, SHA-256 of generation, length and
// payload) and its payload, 8-byte aligned. A record counts only if its
// generation is the file's and its hash matches; the first that does not ends
// the list, so a record torn by a kill is ignored (it was never acknowledged).
// Clear() bumps the generation: old records stop counting, without rewriting
// them. Writing inside the allocated size needs no new disk blocks.
//
// An encrypted store's spill file keeps its payloads sealed under the
// store's key (vehicle/records/sealed_record.h): the record hash then covers
// the sealed bytes, and a payload that does not open with the key is an
// error from Records(), never a silently shorter list.
//
// Not thread-safe: one owner (the store's writer thread, or Open before it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/status.h"

namespace anpr::store_internal {

class SpillFile {
 public:
  // Opens `path`, creating it and allocating capacity_bytes (posix_fallocate)
  // when it is missing or smaller; an existing larger file keeps its size.
  // kResourceExhausted when the space cannot be allocated (the file is then
  // removed unless it held records).
  // `key`: the store's key when the store is encrypted (payloads sealed).
  static Result<std::unique_ptr<SpillFile>> Open(const std::string& path, int64_t capacity_bytes,
                                                 const std::optional<StoreKey>& key = std::nullopt);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends one record and syncs it (fdatasync) before returning Ok.
  // kResourceExhausted when it does not fit in the allocated size.
  Status Append(const std::vector<unsigned char>& payload);
  // The payloads of the valid records, oldest first.
  Result<std::vector<std::vector<unsigned char>>> Records() const;
  // Forgets every record (synced).
  Status Clear();

  size_t record_count() const { return record_count_; }
  int64_t capacity_bytes() const { return capacity_bytes_; }
  const std::string& path() const { return path_; }

 private:
  SpillFile(std::string path, int fd, int64_t capacity_bytes, std::optional<StoreKey> key);
  Status WriteHeader();
  // Reads the header and scans the records: sets generation_, end_offset_,
  // record_count_; fills *out when given.
  Status Scan(std::vector<std::vector<unsigned char>>* out) const;

  std::string path_;
  int fd_ = -1;
  int64_t capacity_bytes_ = 0;
  std::optional<StoreKey> key_;  // set: payloads are sealed
  mutable uint64_t generation_ = 1;
  mutable int64_t end_offset_ = 0;  // where the next record goes
  mutable size_t record_count_ = 0;
};

}  // namespace anpr::store_internal
