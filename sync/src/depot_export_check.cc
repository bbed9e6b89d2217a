#include "sync/depot_export_check.h"

#include <tuple>

namespace anpr::sync {

Result<DepotExportCheck> CheckExportAtDepot(DepotStore* store, const std::string& dir) {
  DepotExportCheck out;
  // The unit named in the manifest is only trusted once its enrolled key
  // verifies the signature: read it first without an expected key.
  auto first = VerifyExport(dir);
  if (!first.ok()) return first.status();
  auto key = store->SigningKeyOf(first->facts.unit_id);
  if (!key.ok()) return key.status();
  if (!key->has_value()) {
    out.check = std::move(*first);
    out.check.problems.push_back("signature: unit " + out.check.facts.unit_id +
                                 " has no signing key enrolled at this depot");
    return out;
  }
  auto checked = VerifyExport(dir, **key);
  if (!checked.ok()) return checked.status();
  out.check = std::move(*checked);
  for (const ExportedRead& r : out.check.reads) {
    auto held = store->ImageHashesAsReceived(r.uuid);
    if (!held.ok()) return held.status();
    if (!held->has_value()) {
      out.notes.push_back("read " + r.uuid + ": not held at this depot (images not compared)");
      continue;
    }
    bool same = true;
    for (const auto& [what, exported, received] :
         {std::tuple<const char*, std::string, std::string>{"plate", r.plate_sha256, (*held)->plate_sha256},
          {"overview", r.overview_sha256, (*held)->overview_sha256}}) {
      if (exported.empty()) continue;  // exported without this image
      if (received.empty()) {
        out.notes.push_back("read " + r.uuid + ": the depot has no hash of its " + what + " image");
      } else if (exported != received) {
        out.check.problems.push_back("read " + r.uuid + ": " + what + " image differs from what the car sent");
        same = false;
      }
    }
    if (same) ++out.reads_compared;
  }
  return out;
}

}  // namespace anpr::sync
