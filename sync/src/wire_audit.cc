#include "sync/wire_audit.h"

#include <openssl/sha.h>

#include <cstdio>

namespace anpr::sync {

std::string AuditUuid(const std::string& unit_id, const std::string& entry_hash) {
  const std::string input = "anpr-audit\n" + unit_id + "\n" + entry_hash;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x80);  // version 8
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 9562 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", digest[0], digest[1],
                digest[2], digest[3], digest[4], digest[5], digest[6], digest[7], digest[8], digest[9],
                digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]);
  return out;
}

WireAuditEntry ToWireAudit(const anpr::AuditEntry& a, const std::string& unit_id) {
  WireAuditEntry w;
  w.uuid = AuditUuid(unit_id, a.hash);
  w.at_utc_ms = a.at_utc_ms;
  w.unit_id = unit_id;
  w.actor = a.officer;
  w.action = a.action;
  // The chain position and hash travel with the entry so the depot's copy
  // can be checked against the car's chain.
  w.detail = a.detail + " [seq " + std::to_string(a.seq) + " hash " + a.hash + "]";
  w.chain_seq = a.seq;
  w.chain_hash = a.hash;
  w.chain_prev_hash = a.prev_hash;
  return w;
}

}  // namespace anpr::sync
