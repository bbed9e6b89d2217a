#include "vehicle/records/evidence_manifest.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace anpr {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFormat = "anpr-evidence-manifest/1";

bool ReadWhole(const fs::path& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return !f.bad();
}

bool WriteWhole(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.flush();
  return static_cast<bool>(f);
}

bool IsLowerHex(const std::string& s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Status WriteSignedManifest(const std::string& dir, const ExportFacts& facts, const std::string& reads_json_array,
                           const std::vector<std::string>& file_names, const SigningKey& key) {
  json files = json::array();
  std::map<std::string, std::string> sha_by_name;
  for (const std::string& name : file_names) {
    std::string bytes;
    if (!ReadWhole(fs::path(dir) / name, &bytes)) return IoError(dir + "/" + name + ": cannot read back");
    sha_by_name[name] = Sha256Hex(bytes);
    files.push_back({{"name", name}, {"bytes", bytes.size()}, {"sha256", sha_by_name[name]}});
  }
  json reads = json::parse(reads_json_array, nullptr, false);
  if (!reads.is_array()) return InvalidArgument("the reads' records are not a JSON array");
  json manifest = {{"format", kFormat},
                   {"unit_id", facts.unit_id},
                   {"exported_by", facts.officer},
                   {"reason", facts.reason},
                   {"exported_at_utc_ms", facts.exported_at_utc_ms},
                   {"public_key_ed25519", key.PublicKeyHex()},
                   {"files", files},
                   {"reads", reads}};
  const std::string text = manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  const std::string sig = key.SignHex(text);
  if (sig.empty()) return Internal("cannot sign the manifest");
  if (!WriteWhole(fs::path(dir) / kManifestFileName, text) ||
      !WriteWhole(fs::path(dir) / kManifestSignatureFileName, sig + "\n")) {
    return IoError(dir + ": cannot write the manifest");
  }
  return Status::Ok();
}

Result<ExportCheck> VerifyExport(const std::string& dir, const std::string& expected_public_key_hex) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(dir + ": not a folder");
  ExportCheck check;
  std::string text, sig;
  if (!ReadWhole(fs::path(dir) / kManifestFileName, &text)) {
    check.problems.push_back(std::string("missing: ") + kManifestFileName);
    return check;
  }
  if (!ReadWhole(fs::path(dir) / kManifestSignatureFileName, &sig)) {
    check.problems.push_back(std::string("missing: ") + kManifestSignatureFileName);
  }
  json m = json::parse(text, nullptr, false);
  if (!m.is_object() || m.value("format", "") != kFormat || !m.contains("files") || !m["files"].is_array()) {
    check.problems.push_back(std::string("changed: ") + kManifestFileName + " (not a manifest)");
    return check;
  }
  check.public_key_hex = m.value("public_key_ed25519", "");
  check.facts.unit_id = m.value("unit_id", "");
  check.facts.officer = m.value("exported_by", "");
  check.facts.reason = m.value("reason", "");
  check.facts.exported_at_utc_ms = m.value("exported_at_utc_ms", int64_t{0});
  // The signature file holds exactly the hex and one newline: any other
  // byte there is a change too.
  const bool sig_well_formed = sig.size() == 129 && sig.back() == '\n' && IsLowerHex(sig.substr(0, 128), 128);
  if (!sig.empty() && !sig_well_formed) {
    check.problems.push_back(std::string("changed: ") + kManifestSignatureFileName);
  } else if (!sig.empty() && !VerifyEd25519Hex(check.public_key_hex, text, sig.substr(0, 128))) {
    check.problems.push_back(std::string("signature: does not verify (") + kManifestFileName + " or " +
                             kManifestSignatureFileName + " changed)");
  }
  if (!expected_public_key_hex.empty() && check.public_key_hex != expected_public_key_hex) {
    check.problems.push_back("signature: signed by key " + check.public_key_hex.substr(0, 16) +
                             "..., not the unit's key " + expected_public_key_hex.substr(0, 16) + "...");
  }
  std::map<std::string, std::string> listed;
  for (const json& f : m["files"]) {
    if (!f.is_object()) continue;
    listed[f.value("name", "")] = f.value("sha256", "");
  }
  for (const auto& [name, sha] : listed) {
    std::string bytes;
    // Only plain names: a manifest cannot point outside its folder.
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      check.problems.push_back("changed: " + std::string(kManifestFileName) + " (bad file name)");
      continue;
    }
    if (!ReadWhole(fs::path(dir) / name, &bytes)) {
      check.problems.push_back("missing: " + name);
    } else if (Sha256Hex(bytes) != sha) {
      check.problems.push_back("changed: " + name);
    }
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kManifestFileName || name == kManifestSignatureFileName) continue;
    if (!listed.count(name)) check.problems.push_back("added: " + name);
  }
  if (ec) return IoError(dir + ": " + ec.message());
  if (m.contains("reads") && m["reads"].is_array()) {
    for (const json& r : m["reads"]) {
      if (!r.is_object()) continue;
      ExportedRead er;
      er.uuid = r.value("uuid", "");
      const std::string plate = r.value("plate_jpeg", ""), overview = r.value("overview_jpeg", "");
      if (!plate.empty() && listed.count(plate)) er.plate_sha256 = listed[plate];
      if (!overview.empty() && listed.count(overview)) er.overview_sha256 = listed[overview];
      check.reads.push_back(std::move(er));
    }
  }
  return check;
}

}  // namespace anpr
