#include "vehicle/records/sealed_record.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace anpr {
namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

Result<std::vector<unsigned char>> SealRecord(const StoreKey& key, std::string_view context,
                                              const std::vector<unsigned char>& plain) {
  std::vector<unsigned char> out(kNonceBytes + plain.size() + kTagBytes);
  if (RAND_bytes(out.data(), kNonceBytes) != 1) return Internal("no random nonce for a sealed record");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), out.data()) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len, plain.data(), static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out.data() + kNonceBytes + plain.size()) == 1;
  if (!ok) return Internal("sealing a record failed (OpenSSL)");
  return out;
}

Result<std::vector<unsigned char>> OpenSealedRecord(const StoreKey& key, std::string_view context,
                                                    const std::vector<unsigned char>& sealed) {
  if (sealed.size() < kSealOverheadBytes) return Unauthenticated("a sealed record is too short");
  const size_t n = sealed.size() - kSealOverheadBytes;
  std::vector<unsigned char> out(n);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  unsigned char tag[kTagBytes];
  std::copy(sealed.end() - kTagBytes, sealed.end(), tag);
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), sealed.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data() + kNonceBytes, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) == 1;
  if (!ok) return Unauthenticated("a sealed record does not open with this key (another key, or changed)");
  return out;
}

}  // namespace anpr
