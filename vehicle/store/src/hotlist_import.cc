#include "vehicle/store/hotlist_import.h"

#include <fstream>
#include <sstream>
#include <utility>

#include <openssl/sha.h>

namespace anpr {
namespace {

// The first 63 bits of the text's SHA-256: a hotlist file's identity (63 so
// it fits the store's signed 64-bit value).
int64_t Fingerprint(const std::string& text) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return static_cast<int64_t>(v >> 1);
}

// The list's stored settings, if it exists.
std::optional<HotlistMeta> FindList(Store* store, const std::string& list) {
  auto lists = store->Hotlists();
  if (!lists.ok()) return std::nullopt;
  for (const HotlistMeta& m : *lists) {
    if (m.name == list) return m;
  }
  return std::nullopt;
}

}  // namespace

std::string HotlistFileKey(const std::string& list) { return "hotlist_file:" + list; }

Result<HotlistImportResult> ImportHotlistFile(Store* store, const std::string& path, const std::string& list,
                                              const HotlistImportOptions& options, Matcher* matcher) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the hotlist");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();

  const std::string key = HotlistFileKey(list);
  const int64_t fingerprint = Fingerprint(text);
  const std::optional<HotlistMeta> existing = FindList(store, list);
  if (options.skip_if_unchanged && existing) {
    if (auto seen = store->UnitValue(key); seen.ok() && seen->has_value() && **seen == fingerprint) {
      HotlistImportResult r;
      r.unchanged = true;
      r.version = existing->version;
      r.meta = *existing;
      return r;
    }
  }
  auto entries = ParseHotlistCsv(text, path);
  if (!entries.ok()) return entries.status();

  HotlistMeta meta;
  meta.name = list;
  meta.source = ListSource::kLocal;
  if (existing) meta = *existing;
  if (options.source) meta.source = *options.source;
  if (options.colour) meta.colour = *options.colour;
  if (options.sound) meta.sound = *options.sound;
  if (options.covert) meta.covert = *options.covert;
  if (options.max_substitutions) meta.max_substitutions = *options.max_substitutions;
  meta.version = 0;  // the next version

  HotlistImportResult r;
  r.entries = entries->size();
  if (Status s = store->ApplyHotlistVersion(meta, std::move(entries.value()), options.actor, matcher); !s.ok()) {
    return s;
  }
  // Lost: the next start imports the same file again; no harm but time.
  store->SetUnitValue(key, fingerprint).IgnoreError();
  const std::optional<HotlistMeta> now = FindList(store, list);
  r.meta = now.value_or(meta);
  r.version = now ? now->version : 0;
  return r;
}

}  // namespace anpr
