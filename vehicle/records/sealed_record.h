// One record sealed under a store key, for data an encrypted store keeps
// outside its database pages (the spill file's records): AES-256-GCM with a
// random 96-bit nonce. Sealed form: nonce (12 bytes) || ciphertext || tag
// (16 bytes), so it is kSealOverheadBytes longer than the plain record.
// `context` is authenticated but not stored: a record sealed for one use
// does not open for another.
#pragma once

#include <string_view>
#include <vector>

#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/status.h"

namespace anpr {

inline constexpr size_t kSealOverheadBytes = 12 + 16;

Result<std::vector<unsigned char>> SealRecord(const StoreKey& key, std::string_view context,
                                              const std::vector<unsigned char>& plain);
// kUnauthenticated when `sealed` was not sealed with `key` and `context`, or
// was changed since.
Result<std::vector<unsigned char>> OpenSealedRecord(const StoreKey& key, std::string_view context,
                                                    const std::vector<unsigned char>& sealed);

}  // namespace anpr
