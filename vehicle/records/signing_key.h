// The unit's Ed25519 signing key (OpenSSL EVP), which signs evidential
// exports (vehicle/records/evidence_manifest.h), and the checks anyone can
// make with its public key alone.
//
// Where: a PEM (PKCS#8) file `unit-signing-key.pem` beside the store
// (`<unit.data_dir>`, /var/lib/anpr by default), created mode 0600 at the
// unit's first start; never in the world-readable configuration folder.
// The public key travels to the depot with the unit's token on every sync
// pass, which enrols it (the first key a vehicle presents is the one the
// depot trusts).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vehicle/records/status.h"

namespace anpr {

// The key file's name in the store's folder.
inline constexpr const char* kSigningKeyFileName = "unit-signing-key.pem";
// `<folder of db_path>/unit-signing-key.pem`.
std::string SigningKeyPathBeside(const std::string& db_path);

class SigningKey {
 public:
  // Loads the key at `path`; creates a new one there (mode 0600, folder
  // made when missing) when there is no file. A file that is not an Ed25519
  // private key, or is readable by others, is an error (nothing written).
  static Result<SigningKey> LoadOrCreate(const std::string& path);
  // Loads only; kNotFound when the file is missing.
  static Result<SigningKey> Load(const std::string& path);

  // The raw 32-byte public key, hex (64 characters).
  std::string PublicKeyHex() const;
  // The Ed25519 signature of `message`, hex (128 characters).
  std::string SignHex(std::string_view message) const;

 private:
  struct Key;
  explicit SigningKey(std::shared_ptr<Key> key) : key_(std::move(key)) {}
  std::shared_ptr<Key> key_;
};

// True when `signature_hex` is a valid Ed25519 signature of `message` by
// the key `public_key_hex` (both as SigningKey writes them). Thread-safe.
bool VerifyEd25519Hex(std::string_view public_key_hex, std::string_view message, std::string_view signature_hex);

// SHA-256 of `bytes`, lower-case hex.
std::string Sha256Hex(std::string_view bytes);

}  // namespace anpr
