// Encryption at rest for the SQLite files that hold evidence (the unit's
// store, the depot's embedded store): a SQLite VFS that wraps the default
// one and encrypts every database page, in the database file and in its WAL,
// with AES-256-GCM (OpenSSL).
//
// Why a VFS and not SQLCipher: Debian 12's libsqlcipher-dev is SQLCipher
// 3.4.1, built on SQLite 3.15.2 (2016). Measured on it: the store's schema
// fails at its first UPSERT ("near ON: syntax error", SQLite 3.24+), and the
// spill file needs sqlite3_serialize (3.23+), which it lacks; linking it
// beside the system SQLite 3.40 in one program would also clash symbol for
// symbol. The VFS keeps the system SQLite and its whole SQL.
//
// Format: the page size is fixed per database (given to Create) and every
// page keeps its last kReserveBytes bytes free (SQLite's "reserved bytes",
// set with SQLITE_FCNTL_RESERVE_BYTES before the first write). On disk a
// page is the ciphertext of its first page_size - kReserveBytes bytes, then
// a 12-byte nonce (a random prefix per open file, then a count) and the
// 16-byte GCM tag; the tag also covers the
// page's place (file kind and offset), so a page moved within or between
// files does not decrypt. In the WAL the 32-byte WAL header and each frame's
// 24-byte header stay plain (salts, checksums, page numbers: no record
// data). The WAL index (-shm) holds only page numbers and frame indexes and
// is left plain. A rollback journal (SQLite writes one while it switches a
// database to WAL) is encrypted as a stream, AES-256-CTR under a random salt
// of its own. A statement journal or a temporary file would hold pages in
// plaintext, so the VFS refuses to open them: its databases keep temporary
// data in memory (temp_store=MEMORY, ConfigureEncrypted).
// Not covered: replaying an older copy of a whole page at the same place.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "vehicle/records/status.h"

namespace anpr {

// A 256-bit key, wiped from memory when destroyed.
class StoreKey {
 public:
  static constexpr size_t kBytes = 32;
  StoreKey() = default;
  explicit StoreKey(const std::array<uint8_t, kBytes>& bytes) : bytes_(bytes) {}
  StoreKey(const StoreKey&) = default;
  StoreKey& operator=(const StoreKey&) = default;
  ~StoreKey();
  const std::array<uint8_t, kBytes>& bytes() const { return bytes_; }

 private:
  std::array<uint8_t, kBytes> bytes_{};
};

class EncryptedVfs {
 public:
  // Bytes SQLite leaves free at the end of every page for nonce and tag.
  static constexpr int kReserveBytes = 32;

  // Registers a VFS (not the default) named "anpr-enc-N" that encrypts with
  // `key` databases of `page_size_bytes` pages (512..65536, a power of two).
  // Open databases with sqlite3_open_v2(path, &db, flags, vfs->name()), then
  // ConfigureEncrypted before anything else. The VFS must outlive every
  // connection opened with it (share it with shared_ptr); the destructor
  // unregisters it. Thread-safe as SQLite's connections are: each open file
  // has its own cipher state.
  static Result<std::shared_ptr<EncryptedVfs>> Create(const StoreKey& key, int page_size_bytes);
  ~EncryptedVfs();
  EncryptedVfs(const EncryptedVfs&) = delete;
  EncryptedVfs& operator=(const EncryptedVfs&) = delete;

  const char* name() const;
  int page_size_bytes() const;

  struct Impl;

 private:
  explicit EncryptedVfs(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a database file holds, judged from its first page (and, when the
// file is empty, its WAL's first frame) without opening it with SQLite, so
// a wrong key touches nothing.
enum class DbFileKind {
  kMissingOrEmpty,  // nothing stored yet: a new database may be made
  kPlain,           // an unencrypted SQLite database
  kEncryptedKeyOk,  // encrypted, and `key` decrypts it
  kEncryptedOther,  // not a plain database, and `key` does not decrypt it
};
// `key` may be null (no key): then an encrypted file is kEncryptedOther.
Result<DbFileKind> ProbeDbFile(const std::string& path, const StoreKey* key, int page_size_bytes);

// The one rule for opening a database that may be encrypted, run before
// SQLite opens it so that a missing or wrong key touches nothing:
//   - no key: a plain or new file opens plain (null VFS); an encrypted one
//     is kUnauthenticated ("... is encrypted and no key was given");
//   - a key: a new file or one the key decrypts gets the VFS to open it
//     with; another key's file is kUnauthenticated ("does not decrypt with
//     the key given"), a plain file kInvalidArgument ("is not encrypted").
// Messages name `path` and say that nothing was changed.
Result<std::shared_ptr<EncryptedVfs>> VfsForDb(const std::string& path, const StoreKey* key, int page_size_bytes);

// The pragmas an encrypted connection needs, before any other statement:
// the page size and reserved bytes (for a new database), WAL, and
// temporary data in memory. `db` must have been opened with the VFS.
Status ConfigureEncrypted(sqlite3* db, int page_size_bytes);

}  // namespace anpr
