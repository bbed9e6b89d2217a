// Where an encrypted store's key comes from (see encrypted_vfs.h for how it
// is used). Never from the store's own folder: a stolen unit must not carry
// its key beside its data.
//
// A key spec is either
//   - a path to a key file on a separate medium (a USB key, a removable
//     card): 64 hexadecimal characters (whitespace around them ignored), or
//     exactly 32 raw bytes; or
//   - "credential:NAME": the systemd credential NAME, read from
//     $CREDENTIALS_DIRECTORY/NAME. systemd decrypts it at service start
//     (LoadCredentialEncrypted=, sealed with `systemd-creds encrypt`, bound to
//     the TPM where the machine has one), so the key never lies on disk in
//     the clear.
#pragma once

#include <string>

#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/status.h"

namespace anpr {

// Loads the key named by `spec` for the store at `store_path`. Fails with a
// message naming the spec when the file or credential is missing, unreadable
// or malformed, or (kInvalidArgument) when the key file lies inside the
// store's folder.
Result<StoreKey> LoadStoreKey(const std::string& spec, const std::string& store_path);

// A new random key.
Result<StoreKey> NewStoreKey();

// Writes `key` as 64 hex characters and a newline to a new file `path`
// (mode 0600, synced); fails if the file exists.
Status WriteStoreKeyFile(const StoreKey& key, const std::string& path);

}  // namespace anpr
