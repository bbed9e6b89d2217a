// Any bytes as the unit's configuration file: the parser must return a
// configuration or an error that names the file, never crash or hang, and a
// configuration it accepts must be one the unit can act on as written:
//  - every path and name is valid UTF-8 with no control character (a NUL
//    would silently cut a path short: "/data\0/x" opens "/data");
//  - the gpsd address has a host and a port in 1-65535;
//  - a depot URL passes the sync client's own rule;
//  - ids pass the depot's rule, retention is within the legal two years.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sync/depot_url.h"
#include "vehicle/app/unit_config.h"
#include "vehicle/records/field_limits.h"

namespace {

bool UsableText(const std::string& s) {
  if (!anpr::limits::IsValidUtf8(s)) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = anpr::unit::ParseUnitConfig(text, "fuzz.toml");
  if (!parsed.ok()) {
    if (parsed.status().message().rfind("fuzz.toml", 0) != 0) std::abort();  // the error names the file
    return 0;
  }
  const anpr::unit::UnitConfig& c = *parsed;
  for (const std::string* s : {&c.unit_id, &c.data_dir, &c.region, &c.camera_id, &c.camera_source, &c.camera_device,
                               &c.camera_path, &c.camera_pixel_format, &c.gpsd_host, &c.hotlist_dir, &c.depot_url,
                               &c.depot_token_file, &c.depot_ca_file}) {
    if (!UsableText(*s)) std::abort();
  }
  if (c.gpsd_host.empty() || c.gpsd_port < 1 || c.gpsd_port > 65535) std::abort();
  if (!c.depot_url.empty() && !anpr::sync::CheckDepotUrl(c.depot_url).ok()) std::abort();
  if (!anpr::limits::ValidateId("unit.id", c.unit_id).ok()) std::abort();
  if (!anpr::limits::ValidateId("camera.id", c.camera_id).ok()) std::abort();
  if (c.retention_max_days < 1 || c.retention_max_days > 730) std::abort();
  return 0;
}
