// Changing the key an encrypted store is encrypted with, or encrypting a
// plain store (see vehicle/records/encrypted_vfs.h). `anpr store rekey` runs
// it and records it in the audit log.
#pragma once

#include <optional>
#include <string>

#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/status.h"

namespace anpr {

// The page size of an encrypted store (SQLite's default, which the store's
// cache and quota settings assume). Store::Open and RekeyStore use it.
inline constexpr int kStorePageBytes = 4096;

// Rewrites the store at `path` encrypted with `new_key`. `old_key` is its
// key now (nullopt: the store is plain). The store must not be open
// elsewhere (the unit stopped): kUnavailable otherwise. Every page is copied
// (VACUUM INTO) to `<path>-rekey`, which is synced, checked and then renamed
// over the store, so a failure or a power cut at any point leaves the store
// whole under one of the two keys (the old one until the rename). A wrong
// old key changes nothing.
Status RekeyStore(const std::string& path, const std::optional<StoreKey>& old_key, const StoreKey& new_key);

}  // namespace anpr
