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

// A read uuid names one read: a second read under a held uuid is refused.
// From another vehicle: kPermissionDenied (403, a security event). From the
// same vehicle with another capture time: kInvalidArgument (400), as a
// genuine resend carries the same capture time; the car keeps that read
// aside (quarantine) instead of believing it synced.
inline Status ReadOnHeldUuid(const Read& r, const std::string& held_unit, int64_t held_captured_at_utc_ms,
                             const std::string& vehicle) {
  if (held_unit != vehicle) return PermissionDenied("read " + r.uuid + " belongs to another vehicle");
  if (held_captured_at_utc_ms != r.captured_at_utc_ms)
    return InvalidArgument("read " + r.uuid + " is held with capture time " +
                           std::to_string(held_captured_at_utc_ms) + ", not " +
                           std::to_string(r.captured_at_utc_ms) + ": a uuid names one read");
  return Status::Ok();
}

}  // namespace anpr::sync
