#include "sync/wire_hotlist.h"

#include <ctime>
#include <utility>

namespace anpr::sync {

WireHotlistEntry ToWireHotlistEntry(anpr::HotlistEntry e) {
  WireHotlistEntry w;
  w.vrm = std::move(e.vrm);
  w.priority = e.priority;
  w.reason = std::move(e.reason);
  w.warning_markers = std::move(e.warning_markers);
  w.information = std::move(e.information);
  w.make = std::move(e.make);
  w.model = std::move(e.model);
  w.colour = std::move(e.colour);
  if (e.valid_until_utc_s > 0) {
    const std::time_t t = static_cast<std::time_t>(e.valid_until_utc_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    w.valid_until = buf;
  }
  return w;
}

Result<anpr::HotlistEntry> FromWireHotlistEntry(const WireHotlistEntry& w) {
  anpr::HotlistEntry e;
  e.vrm = w.vrm;
  e.priority = w.priority;
  e.reason = w.reason;
  e.warning_markers = w.warning_markers;
  e.information = w.information;
  e.make = w.make;
  e.model = w.model;
  e.colour = w.colour;
  if (!w.valid_until.empty() && !ParseIso8601Utc(w.valid_until, &e.valid_until_utc_s))
    return InvalidArgument(w.vrm + ": valid_until '" + w.valid_until + "' is not ISO 8601");
  return e;
}

}  // namespace anpr::sync
