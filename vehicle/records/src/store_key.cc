#include "vehicle/records/store_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace anpr {
namespace {

constexpr const char* kCredentialPrefix = "credential:";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when `inner` is `outer` or lies under it (both made absolute, with
// symbolic links resolved as far as they exist).
bool Inside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  std::error_code ec;
  const auto a = std::filesystem::weakly_canonical(std::filesystem::absolute(inner, ec), ec);
  const auto b = std::filesystem::weakly_canonical(std::filesystem::absolute(outer, ec), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;  // a trailing separator
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

Result<StoreKey> ParseKey(std::string text, const std::string& origin) {
  std::array<uint8_t, StoreKey::kBytes> bytes{};
  if (text.size() == StoreKey::kBytes) {
    std::memcpy(bytes.data(), text.data(), StoreKey::kBytes);
    OPENSSL_cleanse(text.data(), text.size());
    StoreKey key(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return key;
  }
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  bool ok = e - b == 2 * StoreKey::kBytes;
  for (size_t i = 0; ok && i < StoreKey::kBytes; ++i) {
    const int hi = HexValue(text[b + 2 * i]), lo = HexValue(text[b + 2 * i + 1]);
    if (hi < 0 || lo < 0) ok = false;
    else bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) {
    return InvalidArgument("store key " + origin + " is not a key: it must hold 64 hexadecimal characters "
                           "(or 32 raw bytes)");
  }
  StoreKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

}  // namespace

Result<StoreKey> LoadStoreKey(const std::string& spec, const std::string& store_path) {
  if (spec.empty()) return InvalidArgument("no store key given");
  std::string file = spec;
  std::string origin = spec;
  if (spec.rfind(kCredentialPrefix, 0) == 0) {
    const std::string name = spec.substr(std::strlen(kCredentialPrefix));
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (name.empty() || name.find('/') != std::string::npos) {
      return InvalidArgument("store key " + spec + ": a credential name is one word");
    }
    if (!dir || !*dir) {
      return NotFound("store key " + spec + ": $CREDENTIALS_DIRECTORY is not set (run under systemd with "
                      "LoadCredentialEncrypted=" + name + ":...)");
    }
    file = std::string(dir) + "/" + name;
    origin = spec + " (" + file + ")";
  } else {
    const auto store_dir = std::filesystem::path(store_path).parent_path();
    if (Inside(file, store_dir.empty() ? std::filesystem::path(".") : store_dir)) {
      return InvalidArgument("store key file " + file + " lies inside the store's folder " + store_dir.string() +
                             ": keep the key on a separate medium");
    }
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("store key " + origin + ": cannot read it (" + std::strerror(errno) + ")");
  std::string text(4097, '\0');
  size_t got = 0;
  ssize_t r = 0;
  while (got < text.size() && (r = ::read(fd, text.data() + got, text.size() - got)) > 0) got += static_cast<size_t>(r);
  const int err = errno;
  ::close(fd);
  if (r < 0) return IoError("store key " + origin + ": cannot read it (" + std::strerror(err) + ")");
  if (got > 4096) return InvalidArgument("store key " + origin + " is not a key: too long");
  text.resize(got);
  return ParseKey(std::move(text), origin);
}

Result<StoreKey> NewStoreKey() {
  std::array<uint8_t, StoreKey::kBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return Internal("no random bytes for a key");
  StoreKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

Status WriteStoreKeyFile(const StoreKey& key, const std::string& path) {
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (uint8_t b : key.bytes()) {
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  text += '\n';
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create key file " + path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) return IoError("cannot write key file " + path + ": " + std::strerror(err));
  return Status::Ok();
}

}  // namespace anpr
