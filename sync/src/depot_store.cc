#include "sync/depot_store.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>

#include "sync/src/depot_rules.h"
#include "vehicle/records/signing_key.h"

namespace anpr::sync {

const char* RoleName(Role r) {
  switch (r) {
    case Role::kVehicle: return "vehicle";
    case Role::kAdmin: return "admin";
    case Role::kInvestigator: return "investigator";
  }
  return "vehicle";
}

bool ParseRole(std::string_view text, Role* out) {
  if (text == "vehicle") *out = Role::kVehicle;
  else if (text == "admin") *out = Role::kAdmin;
  else if (text == "investigator") *out = Role::kInvestigator;
  else return false;
  return true;
}

namespace {
std::string Hex(const unsigned char* p, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}
}  // namespace

std::string NewToken() {
  unsigned char b[32];
  if (RAND_bytes(b, sizeof b) != 1) return {};  // callers treat empty as failure
  return Hex(b, sizeof b);
}

std::string TokenHash(std::string_view token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

std::string ImageSha256(const std::vector<uint8_t>& jpeg) {
  if (jpeg.empty()) return "";
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
}

std::string VrmLikePattern(const std::string& vrm) {
  if (vrm.find('?') == std::string::npos) return {};
  std::string like = vrm;
  for (char& c : like)
    if (c == '?') c = '_';
  return like;
}

bool IsVrmPattern(std::string_view vrm) {
  if (vrm.empty() || vrm.size() > 16) return false;
  bool literal = false;
  for (char c : vrm) {
    if (c == '?') continue;
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    literal = true;
  }
  return literal;
}

bool IsPostgresUrl(const std::string& url) {
  auto starts = [&](const char* p) { return url.rfind(p, 0) == 0; };
  return starts("postgresql://") || starts("postgres://") || url.find("dbname=") != std::string::npos ||
         url.find("host=") != std::string::npos;
}

Result<std::unique_ptr<DepotStore>> OpenDepotStore(const std::string& url, const std::optional<StoreKey>& key) {
  auto starts = [&](const char* p) { return url.rfind(p, 0) == 0; };
  if (IsPostgresUrl(url)) {
    if (key) return InvalidArgument("a key file encrypts an SQLite depot only; PostgreSQL's storage is its own");
    return OpenPostgresDepotStore(url);
  }
  if (starts("sqlite:")) return OpenSqliteDepotStore(url.substr(7), key);
  if (url.empty()) return InvalidArgument("no database given");
  return OpenSqliteDepotStore(url, key);
}

}  // namespace anpr::sync
