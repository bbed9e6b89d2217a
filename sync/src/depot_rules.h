// Private to sync/src: the refusals both depot back ends give for the same
// rule, worded once so the security log and the car read the same text
// whichever storage runs the depot.
#pragma once

#include <string>

#include "vehicle/records/read.h"
#include "vehicle/records/status.h"

namespace anpr::sync {

// A hit may point only at a read of the vehicle that sends it. Refused as
// kPermissionDenied (HTTP 403, a security event): the read is another
// car's, which the sender could only know by having seen its data.
inline Status HitOnForeignRead(const Hit& h) {
  return PermissionDenied("hit " + h.uuid + " points at read " + h.read_uuid + " of another vehicle");
}

}  // namespace anpr::sync
