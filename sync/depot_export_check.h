// `anpr-depot reads verify DIR`: an evidential export checked at the depot
// (format: vehicle/records/evidence_manifest.h). The manifest must be signed
// by the key the depot enrolled for its unit (DepotStore::EnrolSigningKey),
// every file must be as listed, and each read's images must have the hashes
// the depot computed when the car sent them.
#pragma once

#include <string>
#include <vector>

#include "sync/depot_store.h"
#include "vehicle/records/evidence_manifest.h"

namespace anpr::sync {

struct DepotExportCheck {
  ExportCheck check;               // problems include the depot's findings
  std::vector<std::string> notes;  // what could not be compared (a read the depot does not hold)
  int reads_compared = 0;          // reads whose image hashes matched what the car sent
};

Result<DepotExportCheck> CheckExportAtDepot(DepotStore* store, const std::string& dir);

}  // namespace anpr::sync
