#include "vehicle/store/src/spill_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "vehicle/records/sealed_record.h"

namespace anpr::store_internal {
namespace {

constexpr char kMagic[8] = {'A', 'N', 'P', 'R', 'S', 'P', 'L', '1'};
constexpr int64_t kFileHeaderBytes = 64;
constexpr int64_t kRecordHeaderBytes = 48;  // generation 8, length 8, sha256 32
// What a sealed payload is for (authenticated with it).
constexpr std::string_view kSealContext = "anpr spill record v1";

int64_t Align8(int64_t n) { return (n + 7) & ~int64_t{7}; }

std::array<unsigned char, 32> RecordHash(uint64_t generation, uint64_t length, const unsigned char* payload) {
  std::array<unsigned char, 32> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
      EVP_DigestUpdate(ctx, &generation, sizeof generation) == 1 &&
      EVP_DigestUpdate(ctx, &length, sizeof length) == 1 && EVP_DigestUpdate(ctx, payload, length) == 1) {
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &n);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

Status Errno(const std::string& what) { return Status(StatusCode::kIoError, what + ": " + std::strerror(errno)); }

bool PreadAll(int fd, void* buf, size_t n, int64_t offset) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, offset);
    if (got <= 0) {
      if (got < 0 && errno == EINTR) continue;
      return false;
    }
    p += got;
    n -= static_cast<size_t>(got);
    offset += got;
  }
  return true;
}

bool PwriteAll(int fd, const void* buf, size_t n, int64_t offset) {
  const auto* p = static_cast<const unsigned char*>(buf);
  while (n > 0) {
    const ssize_t put = ::pwrite(fd, p, n, offset);
    if (put <= 0) {
      if (put < 0 && errno == EINTR) continue;
      return false;
    }
    p += put;
    n -= static_cast<size_t>(put);
    offset += put;
  }
  return true;
}

}  // namespace

SpillFile::SpillFile(std::string path, int fd, int64_t capacity_bytes, std::optional<StoreKey> key)
    : path_(std::move(path)), fd_(fd), capacity_bytes_(capacity_bytes), key_(std::move(key)) {}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<SpillFile>> SpillFile::Open(const std::string& path, int64_t capacity_bytes,
                                                   const std::optional<StoreKey>& key) {
  if (capacity_bytes < kFileHeaderBytes + kRecordHeaderBytes) {
    return InvalidArgument("spill file of " + std::to_string(capacity_bytes) + " bytes is too small");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat " + path);
    ::close(fd);
    return s;
  }
  const bool fresh = st.st_size < kFileHeaderBytes;
  std::unique_ptr<SpillFile> f(new SpillFile(path, fd, std::max<int64_t>(capacity_bytes, st.st_size), key));
  if (!fresh) {
    Status s = f->Scan(nullptr);
    if (!s.ok()) return s;
  }
  if (st.st_size < capacity_bytes) {
    const int rc = ::posix_fallocate(fd, 0, capacity_bytes);
    if (rc != 0) {
      const bool keep = f->record_count_ > 0;
      f.reset();
      if (!keep) ::unlink(path.c_str());
      return Status(rc == ENOSPC ? StatusCode::kResourceExhausted : StatusCode::kIoError,
                    "allocate " + std::to_string(capacity_bytes) + " bytes for " + path + ": " + std::strerror(rc));
    }
  }
  if (fresh) {
    f->generation_ = 1;
    Status s = f->WriteHeader();
    if (!s.ok()) return s;
    f->end_offset_ = kFileHeaderBytes;
    f->record_count_ = 0;
  }
  return f;
}

Status SpillFile::WriteHeader() {
  unsigned char header[kFileHeaderBytes] = {};
  std::memcpy(header, kMagic, sizeof kMagic);
  std::memcpy(header + 8, &generation_, sizeof generation_);
  if (!PwriteAll(fd_, header, sizeof header, 0)) return Errno("write " + path_);
  if (::fdatasync(fd_) != 0) return Errno("sync " + path_);
  return Status::Ok();
}

Status SpillFile::Scan(std::vector<std::vector<unsigned char>>* out) const {
  unsigned char header[kFileHeaderBytes] = {};
  if (!PreadAll(fd_, header, sizeof header, 0)) return Errno("read " + path_);
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return Status(StatusCode::kCorruption, path_ + " is not a spill file");
  }
  std::memcpy(&generation_, header + 8, sizeof generation_);
  int64_t offset = kFileHeaderBytes;
  size_t count = 0;
  std::vector<unsigned char> payload;
  while (offset + kRecordHeaderBytes <= capacity_bytes_) {
    unsigned char rh[kRecordHeaderBytes];
    if (!PreadAll(fd_, rh, sizeof rh, offset)) break;
    uint64_t generation = 0, length = 0;
    std::memcpy(&generation, rh, 8);
    std::memcpy(&length, rh + 8, 8);
    if (generation != generation_ || length == 0 ||
        static_cast<int64_t>(length) > capacity_bytes_ - offset - kRecordHeaderBytes) {
      break;
    }
    payload.resize(length);
    if (!PreadAll(fd_, payload.data(), length, offset + kRecordHeaderBytes)) break;
    const auto hash = RecordHash(generation, length, payload.data());
    if (std::memcmp(hash.data(), rh + 16, hash.size()) != 0) break;
    if (out) out->push_back(payload);
    ++count;
    offset += Align8(kRecordHeaderBytes + static_cast<int64_t>(length));
  }
  end_offset_ = offset;
  record_count_ = count;
  return Status::Ok();
}

Status SpillFile::Append(const std::vector<unsigned char>& plain) {
  if (plain.empty()) return InvalidArgument("empty spill record");
  std::vector<unsigned char> sealed;
  if (key_) {
    auto s = SealRecord(*key_, kSealContext, plain);
    if (!s.ok()) return s.status();
    sealed = std::move(s).value();
  }
  const std::vector<unsigned char>& payload = key_ ? sealed : plain;
  const int64_t need = kRecordHeaderBytes + static_cast<int64_t>(payload.size());
  if (end_offset_ + need > capacity_bytes_) {
    return Status(StatusCode::kResourceExhausted, "spill file " + path_ + " is full (" +
                                                      std::to_string(capacity_bytes_ - end_offset_) +
                                                      " bytes left, " + std::to_string(need) + " needed)");
  }
  unsigned char rh[kRecordHeaderBytes];
  const uint64_t length = payload.size();
  std::memcpy(rh, &generation_, 8);
  std::memcpy(rh + 8, &length, 8);
  const auto hash = RecordHash(generation_, length, payload.data());
  std::memcpy(rh + 16, hash.data(), hash.size());
  if (!PwriteAll(fd_, payload.data(), payload.size(), end_offset_ + kRecordHeaderBytes) ||
      !PwriteAll(fd_, rh, sizeof rh, end_offset_)) {
    return Errno("write " + path_);
  }
  if (::fdatasync(fd_) != 0) return Errno("sync " + path_);
  end_offset_ += Align8(need);
  ++record_count_;
  return Status::Ok();
}

Result<std::vector<std::vector<unsigned char>>> SpillFile::Records() const {
  std::vector<std::vector<unsigned char>> out;
  Status s = Scan(&out);
  if (!s.ok()) return s;
  if (key_) {
    for (auto& record : out) {
      auto plain = OpenSealedRecord(*key_, kSealContext, record);
      if (!plain.ok()) return Status(plain.status().code(), path_ + ": " + plain.status().message());
      record = std::move(plain).value();
    }
  }
  return out;
}

Status SpillFile::Clear() {
  ++generation_;
  Status s = WriteHeader();
  if (!s.ok()) return s;
  end_offset_ = kFileHeaderBytes;
  record_count_ = 0;
  return Status::Ok();
}

}  // namespace anpr::store_internal
