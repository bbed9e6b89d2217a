#include "vehicle/records/encrypted_vfs.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "vehicle/records/sqlite_stmt.h"

namespace anpr {

StoreKey::~StoreKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
constexpr int kReserve = EncryptedVfs::kReserveBytes;
static_assert(kNonceBytes + kTagBytes <= kReserve);
constexpr int64_t kWalHeaderBytes = 32;
constexpr int64_t kWalFrameHeaderBytes = 24;
constexpr char kPlainMagic[] = "SQLite format 3";  // with its NUL: 16 bytes

// The file kind is bound into each page's tag, with the page's offset.
enum class FileKind : unsigned char { kDb = 'D', kWal = 'W', kJournal = 'J' };

// A rollback journal is written as a stream (page records between headers
// SQLite places by sector), so it is encrypted as one: AES-256-CTR from the
// journal's own random salt, kept in a prefix of kJournalPrefixBytes before
// SQLite's bytes. SQLite uses a rollback journal here only while it switches
// a database to WAL (created and deleted at once); the salt is new for every
// journal file, and again when the journal is truncated to nothing, so no
// keystream is used for two contents. Not authenticated: SQLite checksums
// its journal records and replays only whole ones.
constexpr int64_t kJournalPrefixBytes = 32;
constexpr char kJournalMagic[8] = {'A', 'N', 'P', 'R', 'J', 'N', 'L', '1'};
constexpr int kJournalSaltBytes = 16;

// One page's cipher work. `data` is the page without its reserved bytes.
class PageCipher {
 public:
  PageCipher() : enc_(EVP_CIPHER_CTX_new()), dec_(EVP_CIPHER_CTX_new()) {}
  ~PageCipher() {
    EVP_CIPHER_CTX_free(enc_);
    EVP_CIPHER_CTX_free(dec_);
  }
  PageCipher(const PageCipher&) = delete;
  PageCipher& operator=(const PageCipher&) = delete;

  bool Init(const StoreKey& key) {
    return enc_ && dec_ && NewNoncePrefix() &&
           EVP_EncryptInit_ex(enc_, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr) == 1 &&
           EVP_DecryptInit_ex(dec_, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr) == 1;
  }

  // Encrypts page `in` (page_bytes long, reserved bytes zero) into `out`.
  bool Seal(FileKind kind, int64_t offset, const unsigned char* in, unsigned char* out, int page_bytes) {
    const int data = page_bytes - kReserve;
    unsigned char* nonce = out + data;
    unsigned char* tag = nonce + kNonceBytes;
    unsigned char aad[9];
    Aad(kind, offset, aad);
    int len = 0;
    // Nonce: this file's random 8-byte prefix and a 4-byte count of its
    // pages written (a new prefix when the count wraps). A prefix per open
    // file, not random bytes per page: RAND_bytes per page cost more than
    // the encryption itself; 64 random bits keep prefixes apart across every
    // file ever opened with the key.
    if (counter_ == UINT32_MAX && !NewNoncePrefix()) return false;
    ++counter_;
    std::memcpy(nonce, prefix_, sizeof prefix_);
    for (int i = 0; i < 4; ++i) nonce[8 + i] = static_cast<unsigned char>(counter_ >> (24 - 8 * i));
    if (EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, nonce) != 1) return false;
    if (EVP_EncryptUpdate(enc_, nullptr, &len, aad, sizeof aad) != 1) return false;
    if (EVP_EncryptUpdate(enc_, out, &len, in, data) != 1) return false;
    if (EVP_EncryptFinal_ex(enc_, out + len, &len) != 1) return false;
    if (EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1) return false;
    std::memset(tag + kTagBytes, 0, kReserve - kNonceBytes - kTagBytes);
    return true;
  }

  // Decrypts page `in` into `out` (reserved bytes zero); false when the tag
  // does not match (wrong key, or the page was changed or moved).
  bool Open(FileKind kind, int64_t offset, const unsigned char* in, unsigned char* out, int page_bytes) {
    const int data = page_bytes - kReserve;
    const unsigned char* nonce = in + data;
    unsigned char tag[kTagBytes];
    std::memcpy(tag, nonce + kNonceBytes, kTagBytes);
    unsigned char aad[9];
    Aad(kind, offset, aad);
    int len = 0;
    if (EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, nonce) != 1) return false;
    if (EVP_DecryptUpdate(dec_, nullptr, &len, aad, sizeof aad) != 1) return false;
    if (EVP_DecryptUpdate(dec_, out, &len, in, data) != 1) return false;
    if (EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) return false;
    const bool ok = EVP_DecryptFinal_ex(dec_, out + len, &len) == 1;
    std::memset(out + data, 0, kReserve);
    return ok;
  }

 private:
  static void Aad(FileKind kind, int64_t offset, unsigned char* aad) {
    aad[0] = static_cast<unsigned char>(kind);
    for (int i = 0; i < 8; ++i) aad[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(offset) >> (56 - 8 * i));
  }

  bool NewNoncePrefix() {
    counter_ = 0;
    return RAND_bytes(prefix_, sizeof prefix_) == 1;
  }

  EVP_CIPHER_CTX* enc_;
  EVP_CIPHER_CTX* dec_;
  unsigned char prefix_[8] = {};
  uint32_t counter_ = 0;
};

// The journal's keystream cipher (see kJournalPrefixBytes).
class StreamCipher {
 public:
  StreamCipher() : ctx_(EVP_CIPHER_CTX_new()) {}
  ~StreamCipher() { EVP_CIPHER_CTX_free(ctx_); }
  StreamCipher(const StreamCipher&) = delete;
  StreamCipher& operator=(const StreamCipher&) = delete;

  bool Init(const StoreKey& key) {
    return ctx_ && EVP_EncryptInit_ex(ctx_, EVP_aes_256_ctr(), nullptr, key.bytes().data(), nullptr) == 1;
  }
  // XORs `n` bytes at logical `offset` with the keystream of `salt`.
  bool Apply(const unsigned char* salt, int64_t offset, const unsigned char* in, unsigned char* out, int n) {
    // Counter block: the salt's first 8 bytes, then the 16-byte block index
    // (big-endian) added to the salt's last 8.
    unsigned char iv[16];
    std::memcpy(iv, salt, 16);
    uint64_t low = 0;
    for (int i = 8; i < 16; ++i) low = (low << 8) | iv[i];
    low += static_cast<uint64_t>(offset) / 16;
    for (int i = 15; i >= 8; --i, low >>= 8) iv[i] = static_cast<unsigned char>(low);
    unsigned char skip[16];
    int len = 0;
    if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, iv) != 1) return false;
    if (offset % 16 && EVP_EncryptUpdate(ctx_, skip, &len, skip, static_cast<int>(offset % 16)) != 1) return false;
    return EVP_EncryptUpdate(ctx_, out, &len, in, n) == 1;
  }

 private:
  EVP_CIPHER_CTX* ctx_;
};

// A run of bytes that is read and written as a whole: a sealed page, or a
// plain header (WAL header, WAL frame header).
struct Segment {
  int64_t start = 0;
  int64_t bytes = 0;
  bool sealed = false;
};

Segment SegmentAt(FileKind kind, int64_t offset, int page_bytes) {
  if (kind == FileKind::kDb) return {offset / page_bytes * page_bytes, page_bytes, true};
  if (offset < kWalHeaderBytes) return {0, kWalHeaderBytes, false};
  const int64_t frame_bytes = kWalFrameHeaderBytes + page_bytes;
  const int64_t frame = kWalHeaderBytes + (offset - kWalHeaderBytes) / frame_bytes * frame_bytes;
  if (offset < frame + kWalFrameHeaderBytes) return {frame, kWalFrameHeaderBytes, false};
  return {frame + kWalFrameHeaderBytes, page_bytes, true};
}

}  // namespace

struct EncryptedVfs::Impl {
  sqlite3_vfs vfs{};
  sqlite3_vfs* base = nullptr;
  std::string name;
  StoreKey key;
  int page_bytes = 0;
  bool registered = false;
};

namespace {

// SQLite allocates szOsFile bytes per open file: this struct, then the
// wrapped VFS's own file right behind it.
struct EncFile {
  sqlite3_file file;  // first: SQLite sees this
  sqlite3_file* real;
  EncryptedVfs::Impl* vfs;
  FileKind kind;
  PageCipher* cipher;
  unsigned char* scratch;  // one page
  // Journals only: the keystream cipher and the file's salt (salted: the
  // prefix is on disk).
  StreamCipher* stream;
  unsigned char salt[kJournalSaltBytes];
  bool salted;
};

EncFile* Enc(sqlite3_file* f) { return reinterpret_cast<EncFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Enc(f)->real; }

int EncClose(sqlite3_file* f) {
  EncFile* e = Enc(f);
  const int rc = e->real->pMethods ? e->real->pMethods->xClose(e->real) : SQLITE_OK;
  delete e->cipher;
  delete e->stream;
  delete[] e->scratch;
  e->cipher = nullptr;
  e->stream = nullptr;
  e->scratch = nullptr;
  return rc;
}

// --- journals ---------------------------------------------------------------

// Writes a new salt in the journal's prefix.
int NewJournalSalt(EncFile* e) {
  unsigned char prefix[kJournalPrefixBytes] = {};
  std::memcpy(prefix, kJournalMagic, sizeof kJournalMagic);
  if (RAND_bytes(prefix + sizeof kJournalMagic, kJournalSaltBytes) != 1) return SQLITE_IOERR_WRITE;
  const int rc = e->real->pMethods->xWrite(e->real, prefix, kJournalPrefixBytes, 0);
  if (rc != SQLITE_OK) return rc;
  std::memcpy(e->salt, prefix + sizeof kJournalMagic, kJournalSaltBytes);
  e->salted = true;
  return SQLITE_OK;
}

// Reads the salt of an existing journal (a hot one, left by a crash).
int LoadJournalSalt(EncFile* e) {
  sqlite3_int64 size = 0;
  int rc = e->real->pMethods->xFileSize(e->real, &size);
  if (rc != SQLITE_OK || size < kJournalPrefixBytes) return rc;
  unsigned char prefix[kJournalPrefixBytes];
  rc = e->real->pMethods->xRead(e->real, prefix, kJournalPrefixBytes, 0);
  if (rc != SQLITE_OK) return rc;
  if (std::memcmp(prefix, kJournalMagic, sizeof kJournalMagic) != 0) return SQLITE_IOERR_DATA;
  std::memcpy(e->salt, prefix + sizeof kJournalMagic, kJournalSaltBytes);
  e->salted = true;
  return SQLITE_OK;
}

int JournalRead(EncFile* e, unsigned char* out, int amount, sqlite3_int64 offset) {
  sqlite3_int64 size = 0;
  int rc = e->real->pMethods->xFileSize(e->real, &size);
  if (rc != SQLITE_OK) return rc;
  rc = e->real->pMethods->xRead(e->real, out, amount, offset + kJournalPrefixBytes);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  const int64_t valid = std::clamp<int64_t>(size - kJournalPrefixBytes - offset, 0, amount);
  if (valid > 0) {
    if (!e->salted) return SQLITE_IOERR_DATA;
    if (!e->stream->Apply(e->salt, offset, out, out, static_cast<int>(valid))) return SQLITE_IOERR_READ;
  }
  return rc;  // SQLite zero-filled what lies past the end
}

int JournalWrite(EncFile* e, const unsigned char* in, int amount, sqlite3_int64 offset) {
  if (!e->salted) {
    const int rc = NewJournalSalt(e);
    if (rc != SQLITE_OK) return rc;
  }
  std::vector<unsigned char> buf(static_cast<size_t>(amount));
  if (!e->stream->Apply(e->salt, offset, in, buf.data(), amount)) return SQLITE_IOERR_WRITE;
  return e->real->pMethods->xWrite(e->real, buf.data(), amount, offset + kJournalPrefixBytes);
}

int EncRead(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  EncFile* e = Enc(f);
  if (e->kind == FileKind::kJournal) return JournalRead(e, static_cast<unsigned char*>(buf), amount, offset);
  const int page = e->vfs->page_bytes;
  // WAL recovery reads whole frames (header and page) and trusts only those
  // whose checksum (over the plaintext) matches: a frame that does not
  // decrypt (torn by a power cut) reads as zeros and fails that checksum,
  // as it would without encryption. Any other read that does not decrypt is
  // an error.
  const bool whole_frame = e->kind == FileKind::kWal && amount == page + kWalFrameHeaderBytes;
  auto* out = static_cast<unsigned char*>(buf);
  int64_t pos = offset;
  int left = amount;
  bool short_read = false;
  while (left > 0) {
    const Segment seg = SegmentAt(e->kind, pos, page);
    const int take = static_cast<int>(std::min<int64_t>(left, seg.start + seg.bytes - pos));
    if (!seg.sealed) {
      const int rc = e->real->pMethods->xRead(e->real, out, take, pos);
      if (rc == SQLITE_IOERR_SHORT_READ) short_read = true;
      else if (rc != SQLITE_OK) return rc;
    } else {
      const int rc = e->real->pMethods->xRead(e->real, e->scratch, page, seg.start);
      if (rc == SQLITE_IOERR_SHORT_READ) {
        std::memset(out, 0, static_cast<size_t>(take));  // past the end, or a torn last page
        short_read = true;
      } else if (rc != SQLITE_OK) {
        return rc;
      } else if (e->cipher->Open(e->kind, seg.start, e->scratch, e->scratch, page)) {
        std::memcpy(out, e->scratch + (pos - seg.start), static_cast<size_t>(take));
      } else if (whole_frame) {
        std::memset(out, 0, static_cast<size_t>(take));
      } else {
        sqlite3_log(SQLITE_IOERR_DATA, "anpr-enc: page at offset %lld does not decrypt (wrong key, or changed)",
                    static_cast<long long>(seg.start));
        return SQLITE_IOERR_DATA;
      }
    }
    pos += take;
    out += take;
    left -= take;
  }
  return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int EncWrite(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  EncFile* e = Enc(f);
  if (e->kind == FileKind::kJournal) return JournalWrite(e, static_cast<const unsigned char*>(buf), amount, offset);
  const int page = e->vfs->page_bytes;
  const auto* in = static_cast<const unsigned char*>(buf);
  int64_t pos = offset;
  int left = amount;
  while (left > 0) {
    const Segment seg = SegmentAt(e->kind, pos, page);
    const int take = static_cast<int>(std::min<int64_t>(left, seg.start + seg.bytes - pos));
    if (!seg.sealed) {
      const int rc = e->real->pMethods->xWrite(e->real, in, take, pos);
      if (rc != SQLITE_OK) return rc;
    } else {
      // SQLite writes whole pages; a partial page, or data in the reserved
      // bytes (a page size or reserve other than this VFS's), would be lost.
      if (pos != seg.start || take != page ||
          std::any_of(in + page - kReserve, in + page, [](unsigned char c) { return c != 0; })) {
        sqlite3_log(SQLITE_IOERR_WRITE, "anpr-enc: refused a write of %d bytes at %lld (page size %d, reserve %d)",
                    take, static_cast<long long>(pos), page, kReserve);
        return SQLITE_IOERR_WRITE;
      }
      if (!e->cipher->Seal(e->kind, seg.start, in, e->scratch, page)) return SQLITE_IOERR_WRITE;
      const int rc = e->real->pMethods->xWrite(e->real, e->scratch, page, seg.start);
      if (rc != SQLITE_OK) return rc;
    }
    pos += take;
    in += take;
    left -= take;
  }
  return SQLITE_OK;
}

int EncTruncate(sqlite3_file* f, sqlite3_int64 size) {
  EncFile* e = Enc(f);
  if (e->kind != FileKind::kJournal) return e->real->pMethods->xTruncate(e->real, size);
  const int rc = e->real->pMethods->xTruncate(e->real, size + kJournalPrefixBytes);
  // Emptied: what is written next gets a new keystream.
  return rc == SQLITE_OK && size == 0 ? NewJournalSalt(e) : rc;
}
int EncSync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int EncFileSize(sqlite3_file* f, sqlite3_int64* size) {
  EncFile* e = Enc(f);
  const int rc = e->real->pMethods->xFileSize(e->real, size);
  if (rc == SQLITE_OK && e->kind == FileKind::kJournal) *size = std::max<sqlite3_int64>(0, *size - kJournalPrefixBytes);
  return rc;
}
int EncLock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int EncUnlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int EncCheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int EncFileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int EncSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int EncDeviceCharacteristics(sqlite3_file* f) {
  // Batch-atomic writes would let SQLite skip its journal logic; keep the
  // ordinary path, which this VFS understands.
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f)) & ~SQLITE_IOCAP_BATCH_ATOMIC;
}
int EncShmMap(sqlite3_file* f, int region, int bytes, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, bytes, extend, out);
}
int EncShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void EncShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int EncShmUnmap(sqlite3_file* f, int delete_flag) { return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag); }

// Version 2: no xFetch, so SQLite never maps the (ciphertext) file into memory.
const sqlite3_io_methods kEncMethods = {
    2,          EncClose,       EncRead,      EncWrite,      EncTruncate,          EncSync,
    EncFileSize, EncLock,       EncUnlock,    EncCheckReservedLock, EncFileControl, EncSectorSize,
    EncDeviceCharacteristics, EncShmMap, EncShmLock, EncShmBarrier, EncShmUnmap,
    nullptr,    nullptr};

EncryptedVfs::Impl* VfsImpl(sqlite3_vfs* v) { return static_cast<EncryptedVfs::Impl*>(v->pAppData); }
sqlite3_vfs* Base(sqlite3_vfs* v) { return VfsImpl(v)->base; }

int EncOpen(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  EncFile* e = Enc(f);
  e->file.pMethods = nullptr;
  e->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(e) + sizeof(EncFile));
  e->real->pMethods = nullptr;
  e->vfs = VfsImpl(v);
  e->cipher = nullptr;
  e->scratch = nullptr;
  e->stream = nullptr;
  e->salted = false;
  if (flags & SQLITE_OPEN_MAIN_DB) {
    e->kind = FileKind::kDb;
  } else if (flags & SQLITE_OPEN_WAL) {
    e->kind = FileKind::kWal;
  } else if (flags & SQLITE_OPEN_MAIN_JOURNAL) {
    e->kind = FileKind::kJournal;
  } else {
    // Temporary files and statement journals would hold pages in plaintext.
    sqlite3_log(SQLITE_CANTOPEN, "anpr-enc: refused to open %s (flags 0x%x): an encrypted database keeps "
                "temporary data in memory (temp_store=MEMORY)", name ? name : "a temporary file", flags);
    return SQLITE_CANTOPEN;
  }
  auto* cipher = new PageCipher();
  if (!cipher->Init(e->vfs->key)) {
    delete cipher;
    return SQLITE_NOMEM;
  }
  const int rc = Base(v)->xOpen(Base(v), name, e->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    delete cipher;
    return rc;
  }
  e->cipher = cipher;
  e->scratch = new unsigned char[static_cast<size_t>(e->vfs->page_bytes)];
  e->file.pMethods = &kEncMethods;
  if (e->kind == FileKind::kJournal) {
    e->stream = new StreamCipher();
    int jrc = e->stream->Init(e->vfs->key) ? LoadJournalSalt(e) : SQLITE_NOMEM;
    if (jrc != SQLITE_OK) {
      EncClose(f);
      e->file.pMethods = nullptr;
      return jrc;
    }
  }
  return SQLITE_OK;
}

int EncDelete(sqlite3_vfs* v, const char* name, int sync_dir) { return Base(v)->xDelete(Base(v), name, sync_dir); }
int EncAccess(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return Base(v)->xAccess(Base(v), name, flags, out);
}
int EncFullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return Base(v)->xFullPathname(Base(v), name, n, out);
}
void* EncDlOpen(sqlite3_vfs* v, const char* name) { return Base(v)->xDlOpen(Base(v), name); }
void EncDlError(sqlite3_vfs* v, int n, char* out) { Base(v)->xDlError(Base(v), n, out); }
void (*EncDlSym(sqlite3_vfs* v, void* h, const char* sym))(void) { return Base(v)->xDlSym(Base(v), h, sym); }
void EncDlClose(sqlite3_vfs* v, void* h) { Base(v)->xDlClose(Base(v), h); }
int EncRandomness(sqlite3_vfs* v, int n, char* out) { return Base(v)->xRandomness(Base(v), n, out); }
int EncSleep(sqlite3_vfs* v, int us) { return Base(v)->xSleep(Base(v), us); }
int EncCurrentTime(sqlite3_vfs* v, double* out) { return Base(v)->xCurrentTime(Base(v), out); }
int EncGetLastError(sqlite3_vfs* v, int n, char* out) { return Base(v)->xGetLastError(Base(v), n, out); }
int EncCurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  return Base(v)->xCurrentTimeInt64(Base(v), out);
}

bool ValidPageSize(int n) { return n >= 512 && n <= 65536 && (n & (n - 1)) == 0; }

// Reads up to `n` bytes at `offset`; the count read, or -1.
ssize_t ReadAt(const std::string& path, unsigned char* buf, size_t n, int64_t offset) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf + got, n - got, offset + static_cast<int64_t>(got));
    if (r < 0) {
      ::close(fd);
      return -1;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return static_cast<ssize_t>(got);
}

}  // namespace

EncryptedVfs::EncryptedVfs(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EncryptedVfs::~EncryptedVfs() {
  if (impl_->registered) sqlite3_vfs_unregister(&impl_->vfs);
}

const char* EncryptedVfs::name() const { return impl_->name.c_str(); }
int EncryptedVfs::page_size_bytes() const { return impl_->page_bytes; }

Result<std::shared_ptr<EncryptedVfs>> EncryptedVfs::Create(const StoreKey& key, int page_size_bytes) {
  if (!ValidPageSize(page_size_bytes)) return InvalidArgument("encrypted VFS: bad page size");
  static std::atomic<int> next_id{0};
  auto impl = std::make_unique<Impl>();
  impl->base = sqlite3_vfs_find(nullptr);
  if (!impl->base) return Internal("encrypted VFS: SQLite has no default VFS");
  impl->name = "anpr-enc-" + std::to_string(next_id++);
  impl->key = key;
  impl->page_bytes = page_size_bytes;
  sqlite3_vfs& v = impl->vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(EncFile)) + impl->base->szOsFile;
  v.mxPathname = impl->base->mxPathname;
  v.zName = impl->name.c_str();
  v.pAppData = impl.get();
  v.xOpen = EncOpen;
  v.xDelete = EncDelete;
  v.xAccess = EncAccess;
  v.xFullPathname = EncFullPathname;
  v.xDlOpen = EncDlOpen;
  v.xDlError = EncDlError;
  v.xDlSym = EncDlSym;
  v.xDlClose = EncDlClose;
  v.xRandomness = EncRandomness;
  v.xSleep = EncSleep;
  v.xCurrentTime = EncCurrentTime;
  v.xGetLastError = EncGetLastError;
  v.xCurrentTimeInt64 = EncCurrentTimeInt64;
  static_assert(sizeof(EncFile) % 8 == 0, "the wrapped file must stay aligned");
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) return Internal("encrypted VFS: cannot register");
  impl->registered = true;
  return std::shared_ptr<EncryptedVfs>(new EncryptedVfs(std::move(impl)));
}

Result<DbFileKind> ProbeDbFile(const std::string& path, const StoreKey* key, int page_size_bytes) {
  if (!ValidPageSize(page_size_bytes)) return InvalidArgument("bad page size");
  std::vector<unsigned char> page(static_cast<size_t>(page_size_bytes));
  std::vector<unsigned char> plain(page.size());
  auto decrypts = [&](FileKind kind, int64_t offset) {
    if (!key) return false;
    PageCipher c;
    return c.Init(*key) && c.Open(kind, offset, page.data(), plain.data(), page_size_bytes);
  };
  auto is_plain = [&](ssize_t got) {
    return got >= 16 && std::memcmp(page.data(), kPlainMagic, 16) == 0;
  };
  struct stat st {};
  const bool db_has_bytes = ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
  if (db_has_bytes) {
    const ssize_t got = ReadAt(path, page.data(), page.size(), 0);
    if (got < 0) return IoError("cannot read " + path + ": " + std::strerror(errno));
    if (is_plain(got)) return DbFileKind::kPlain;
    if (got == page_size_bytes && decrypts(FileKind::kDb, 0)) return DbFileKind::kEncryptedKeyOk;
    return DbFileKind::kEncryptedOther;
  }
  // A new database's first pages live in its WAL until the first checkpoint.
  const std::string wal = path + "-wal";
  const int64_t first_page = kWalHeaderBytes + kWalFrameHeaderBytes;
  if (::stat(wal.c_str(), &st) != 0 || st.st_size < first_page + page_size_bytes) return DbFileKind::kMissingOrEmpty;
  const ssize_t got = ReadAt(wal, page.data(), page.size(), first_page);
  if (got < 0) return IoError("cannot read " + wal + ": " + std::strerror(errno));
  if (is_plain(got)) return DbFileKind::kPlain;
  if (got == page_size_bytes && decrypts(FileKind::kWal, first_page)) return DbFileKind::kEncryptedKeyOk;
  return DbFileKind::kEncryptedOther;
}

Result<std::shared_ptr<EncryptedVfs>> VfsForDb(const std::string& path, const StoreKey* key, int page_size_bytes) {
  auto kind = ProbeDbFile(path, key, page_size_bytes);
  if (!kind.ok()) return kind.status();
  switch (kind.value()) {
    case DbFileKind::kPlain:
      if (!key) return std::shared_ptr<EncryptedVfs>();
      return InvalidArgument(path + " is not encrypted but a key was given; nothing was changed (`anpr store "
                             "rekey` encrypts a unit's store)");
    case DbFileKind::kEncryptedOther:
      if (!key) return Unauthenticated(path + " is encrypted and no key was given; nothing was changed");
      return Unauthenticated(path + " does not decrypt with the key given (wrong key, or not a database); "
                             "nothing was changed");
    case DbFileKind::kMissingOrEmpty:
    case DbFileKind::kEncryptedKeyOk:
      break;
  }
  if (!key) return std::shared_ptr<EncryptedVfs>();
  return EncryptedVfs::Create(*key, page_size_bytes);
}

Status ConfigureEncrypted(sqlite3* db, int page_size_bytes) {
  const std::string size_sql = "PRAGMA page_size=" + std::to_string(page_size_bytes);
  Status s = SqliteExec(db, size_sql.c_str());
  if (!s.ok()) return s;
  int reserve = kReserve;  // applies to a new database only; an existing one keeps its header's
  const int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "reserve bytes");
  s = SqliteExec(db, "PRAGMA temp_store=MEMORY");
  if (!s.ok()) return s;
  Stmt mode(db, "PRAGMA journal_mode=WAL");
  if (!mode.Step()) return mode.status().ok() ? Internal("journal_mode gave no answer") : mode.status();
  if (mode.Text(0) != "wal") return Internal("an encrypted database needs WAL mode; got " + mode.Text(0));
  return Status::Ok();
}

}  // namespace anpr
