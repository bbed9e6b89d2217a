#include "vehicle/records/audit.h"

#include <openssl/evp.h>

#include <cstdio>

namespace anpr {
namespace {

void AddField(EVP_MD_CTX* ctx, const std::string& field) {
  const std::string len = std::to_string(field.size()) + ":";
  EVP_DigestUpdate(ctx, len.data(), len.size());
  EVP_DigestUpdate(ctx, field.data(), field.size());
}

}  // namespace

std::string AuditEntryHash(const std::string& prev_hash, int64_t seq, int64_t at_utc_ms,
                           const std::string& officer, const std::string& action,
                           const std::string& detail) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  AddField(ctx, prev_hash);
  AddField(ctx, std::to_string(seq));
  AddField(ctx, std::to_string(at_utc_ms));
  AddField(ctx, officer);
  AddField(ctx, action);
  AddField(ctx, detail);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  hex.reserve(md_len * 2);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < md_len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 15]);
  }
  return hex;
}

}  // namespace anpr
