// Private to sync/src: the refusals both depot back ends give for the same
// rule, worded once so the security log and the car read the same text
// whichever storage runs the depot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/wire_audit.h"

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

// The depot's newest link of a car's audit chain, and what a newly stored
// chained entry says about the chain under it: a security note, or empty.
// `reported` is the newest head the car reported (/audit/head, sent at the
// start and the end of every pass), which may be ahead of what it sent.
struct HeldChainLink {
  int64_t seq = 0;
  std::string hash;
};
inline std::string ChainBreak(const std::string& vehicle, const HeldChainLink& held, const HeldChainLink& reported,
                              const WireAuditEntry& a) {
  if (!a.chain_seq) return {};
  const std::string chain = "audit chain of " + vehicle + ": ";
  const std::string seq = std::to_string(*a.chain_seq);
  if (reported.seq > 0 && *a.chain_seq == reported.seq && a.chain_hash != reported.hash)
    return chain + "entry " + seq + " differs from the head the car reported earlier (rewritten and recomputed on the car)";
  if (held.seq == 0) return {};
  const std::string held_seq = std::to_string(held.seq);
  if (*a.chain_seq <= held.seq)
    return chain + "entry " + seq + " arrived with a new hash after the depot held the chain to entry " + held_seq +
           " (rewritten and recomputed on the car)";
  if (*a.chain_seq == held.seq + 1 && a.chain_prev_hash != held.hash)
    return chain + "entry " + seq + " does not follow the depot's entry " + held_seq +
           " (rewritten and recomputed on the car)";
  // Entries are sent oldest first: one that skips some means they are gone.
  if (*a.chain_seq > held.seq + 1)
    return chain + "entries " + std::to_string(held.seq + 1) + " to " + std::to_string(*a.chain_seq - 1) +
           " never arrived before entry " + seq + " (deleted on the car before they were synced, or set aside there)";
  return {};
}

// The car's reported head against the depot's newest link and the newest
// head the car reported before (see DepotStore::CheckAuditChainHead).
inline std::optional<std::string> HeadProblem(const std::string& vehicle, const HeldChainLink& held,
                                              const HeldChainLink& reported, const AuditChainHead& head) {
  const std::string chain = "audit chain of " + vehicle + ": ";
  if (head.seq < held.seq)
    return chain + "the car's chain ends at entry " + std::to_string(head.seq) + " but the depot holds it to entry " +
           std::to_string(held.seq) + " (entries deleted from the end)";
  if (head.seq < reported.seq)
    return chain + "the car's chain ends at entry " + std::to_string(head.seq) + " but the car reported it to entry " +
           std::to_string(reported.seq) + " before (entries deleted from the end before they were synced)";
  if (held.seq > 0 && head.seq == held.seq && head.hash != held.hash)
    return chain + "entry " + std::to_string(head.seq) +
           " on the car differs from the depot's (rewritten and recomputed on the car)";
  if (reported.seq > 0 && head.seq == reported.seq && head.hash != reported.hash)
    return chain + "entry " + std::to_string(head.seq) +
           " on the car differs from the head it reported before (rewritten and recomputed on the car)";
  return std::nullopt;
}

// A vehicle's export signing key: the first one presented is kept; another
// is named (a security event: the car's key file was replaced, or the token
// is used by something that is not the car).
inline std::optional<std::string> KeyProblem(const std::string& vehicle, const std::optional<std::string>& held,
                                             const std::string& presented) {
  if (!held || *held == presented) return std::nullopt;
  return "signing key of " + vehicle + ": the car presented key " + presented.substr(0, 16) +
         "... but the depot enrolled " + held->substr(0, 16) + "... (kept)";
}

// The SHA-256 hex of an image as the depot received it; "" for none.
std::string ImageSha256(const std::vector<uint8_t>& jpeg);

}  // namespace anpr::sync
