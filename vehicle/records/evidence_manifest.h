// Evidential exports: a folder of exported files (reads.json and each
// read's JPEGs) with
//   manifest.json  each file's name, size and SHA-256, every read's record,
//                  the unit id, the exporting officer, the reason, the time
//                  and the unit's public key;
//   manifest.sig   the unit's Ed25519 signature of manifest.json's exact
//                  bytes, lower-case hex and one newline.
// Anyone can check a folder with VerifyExport: the signature, then every
// file's hash; it names each file changed, added or missing. The public key
// in the manifest only says which key signed: to know it is the unit's,
// compare it with the key the unit holds or the depot enrolled
// (expected_public_key_hex).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vehicle/records/signing_key.h"
#include "vehicle/records/status.h"

namespace anpr {

inline constexpr const char* kManifestFileName = "manifest.json";
inline constexpr const char* kManifestSignatureFileName = "manifest.sig";

struct ExportFacts {
  std::string unit_id;
  std::string officer;  // who exported
  std::string reason;
  int64_t exported_at_utc_ms = 0;
};

// Writes manifest.json and manifest.sig into `dir` for `file_names` (files
// already written there, hashed now). `reads_json_array` is the JSON array
// of the reads' records, as reads.json holds them.
Status WriteSignedManifest(const std::string& dir, const ExportFacts& facts, const std::string& reads_json_array,
                           const std::vector<std::string>& file_names, const SigningKey& key);

// One exported read as its manifest lists it: its images' SHA-256 ("" when
// the read was exported without that image).
struct ExportedRead {
  std::string uuid;
  std::string plate_sha256;
  std::string overview_sha256;
};

struct ExportCheck {
  // "signature: ...", "changed: NAME", "missing: NAME", "added: NAME"; empty
  // when the folder is exactly as signed.
  std::vector<std::string> problems;
  bool intact() const { return problems.empty(); }
  ExportFacts facts;           // as the manifest says (trust only when intact)
  std::string public_key_hex;  // the key the manifest names
  std::vector<ExportedRead> reads;
};

// Checks the folder. When expected_public_key_hex is not empty, a manifest
// naming another key is a problem too. An error Status only when the folder
// cannot be read at all.
Result<ExportCheck> VerifyExport(const std::string& dir, const std::string& expected_public_key_hex = "");

}  // namespace anpr
