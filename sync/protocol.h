// The depot wire protocol: shared by the in-car client and the depot server.
//
// Every body is JSON (UTF-8). Images travel inside the JSON as standard
// base64 strings ("plate_jpeg", "overview_jpeg"): one self-describing request
// per batch that `curl` can send, at a cost of 4/3 in size. All times are
// milliseconds since the Unix epoch, UTC. Unknown numbers (no GPS) are null.
//
//   POST /api/v1/reads   {"reads":[Read...]}            -> {"acknowledged":[uuid...],"stored":N}
//   POST /api/v1/hits    {"hits":[Hit...]}              -> same
//   POST /api/v1/audit   {"audit":[WireAuditEntry...]}  -> same
//   POST /api/v1/wanted  {"wanted":[WantedEntry...]}     -> same
//   POST /api/v1/holds   {"holds":[HoldEntry...]}        -> same
//   POST /api/v1/unit-key {"public_key_ed25519":HEX}     -> {"status":"ok"}, or 409
//                        when the depot enrolled another key for the vehicle
//   POST /api/v1/audit/head {"seq":N,"hash":H}          -> {"status":"ok"}, or 409
//                        when the car's chain ends before or differs from
//                        what the depot holds (a security event)
//   GET  /api/v1/hotlists?since=N                       -> HotlistUpdate
//   POST /api/v1/hotlists/NAME   (text/csv body)        -> {"list":NAME,"version":V,"entries":N}
//   GET  /api/v1/reads?vrm=V&reason=TEXT[&from_ms=&to_ms=&limit=&images=1] -> {"reads":[...]}
//   GET  /api/v1/health                             -> {"status":"ok",...}
//
// Errors are {"error": "reason"} with a 4xx/5xx status.
//
// The codecs live in sync/src/<family>_codec.cc; base64 is in sync/base64.h
// and the depot's month partitions in sync/depot_partitions.h. Reads and hits
// travel as the records types; audit entries and hotlist entries have wire
// types of their own, each with its one mapping (sync/wire_audit.h,
// sync/wire_hotlist.h), because their wire form differs from the car's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/wire_audit.h"
#include "sync/wire_hotlist.h"
#include "vehicle/records/read.h"
#include "vehicle/records/status.h"

namespace anpr::sync {

// Every endpoint lives under this prefix; a breaking change bumps it.
inline constexpr const char* kApiPrefix = "/api/v1";
// Requests larger than this are refused with 413 before they are parsed.
inline constexpr std::size_t kMaxRequestBytes = 64u * 1024u * 1024u;
// A batch holds at most this many records (400 otherwise).
inline constexpr std::size_t kMaxRecordsPerBatch = 2000;
// One decoded image may be at most this large.
inline constexpr std::size_t kMaxImageBytes = 4u * 1024u * 1024u;

// The default port of the depot's HTTPS listener.
int DefaultDepotPort();

// A "new wanted" plate an officer entered in the car (at most 100 days),
// synced like a read: idempotent by the uuid made in the car.
struct WantedEntry {
  std::string uuid;
  std::string unit_id;    // the vehicle it was entered in
  std::string list_name;  // the car's officer list
  std::string vrm;        // normalised
  Priority priority = Priority::kLow;
  std::string reason;
  std::string warning_markers;
  std::string information;
  int64_t valid_until_utc_ms = 0;
  std::string entered_by;  // officer number
  int64_t entered_at_utc_ms = 0;
  std::optional<int64_t> synced_at_utc_ms;
};

// An investigation hold placed in a car: the depot keeps the reads of `vrm`
// past its retention until until_utc_ms, as the car does
// (vehicle/store/retention.h). Idempotent by the uuid made in the car.
struct HoldEntry {
  std::string uuid;
  std::string unit_id;  // the vehicle it was placed in
  std::string vrm;      // normalised
  std::string reason;
  std::string placed_by;  // officer number
  int64_t placed_at_utc_ms = 0;
  int64_t until_utc_ms = 0;
};

// How one named list changed between the version the car holds and the
// newest one. `full` means the car had no version of this list: `added` is
// the whole list. An entry in `added` replaces any entry with the same VRM.
struct HotlistDelta {
  std::string list_name;
  int64_t from_version = 0;  // 0 when full
  int64_t to_version = 0;
  bool full = false;
  std::vector<WireHotlistEntry> added;
  std::vector<std::string> removed_vrms;
};

// Answer to GET /hotlists?since=N: every list changed after N. The car
// stores latest_version and asks with it next time.
struct HotlistUpdate {
  int64_t latest_version = 0;
  std::vector<HotlistDelta> lists;
};

// True for a canonical lower- or upper-case 8-4-4-4-12 hex UUID.
bool IsValidUuid(std::string_view s);
// True for 1-16 characters of A-Z 0-9.
bool IsNormalisedVrm(std::string_view s);

// Encoders never fail. Parsers accept exactly what the encoders produce and
// refuse anything else with kInvalidArgument naming the record and field
// ("reads[3].uuid: not a UUID"); they never throw.
std::string EncodeReads(const std::vector<Read>& reads, bool with_images = true);
Result<std::vector<Read>> ParseReads(std::string_view body);
// One read as a JSON object (the element of a batch), and back.
std::string EncodeRead(const Read& read, bool with_images);
Result<Read> ParseRead(std::string_view object_text);
std::string EncodeHits(const std::vector<Hit>& hits);
Result<std::vector<Hit>> ParseHits(std::string_view body);
std::string EncodeAudit(const std::vector<WireAuditEntry>& entries);
Result<std::vector<WireAuditEntry>> ParseAudit(std::string_view body);
std::string EncodeAuditChainHead(const AuditChainHead& head);
Result<AuditChainHead> ParseAuditChainHead(std::string_view body);
std::string EncodeWanted(const std::vector<WantedEntry>& entries);
Result<std::vector<WantedEntry>> ParseWanted(std::string_view body);
std::string EncodeHolds(const std::vector<HoldEntry>& holds);
Result<std::vector<HoldEntry>> ParseHolds(std::string_view body);
// The unit's export signing key (64 lower-case hex characters).
std::string EncodeSigningKey(const std::string& public_key_hex);
Result<std::string> ParseSigningKey(std::string_view body);
std::string EncodeHit(const Hit& hit);
Result<Hit> ParseHit(std::string_view object_text);

std::string EncodeAck(const std::vector<std::string>& acknowledged, std::size_t stored);
// The acknowledged UUIDs of an upload answer.
Result<std::vector<std::string>> ParseAck(std::string_view body);

std::string EncodeHotlistUpdate(const HotlistUpdate& update);
Result<HotlistUpdate> ParseHotlistUpdate(std::string_view body);

// The hotlist CSV an administrator publishes: a header row naming columns in
// any order; required vrm, priority (high/medium/low), reason; optional
// warning_markers, information, make, model, colour, valid_until. Fields may
// be double-quoted ("" inside quotes is a quote). VRMs are normalised (upper
// case, spaces removed). A duplicate VRM or a bad row is an error naming the
// file and line as the car names them ("<file_label>:<line>: <problem>");
// nothing is half-accepted.
Result<std::vector<WireHotlistEntry>> ParseHotlistCsv(std::string_view csv, const std::string& file_label = "csv");

// The text of an {"error": ...} body, for clients showing a depot's refusal.
std::string EncodeError(std::string_view reason);
std::string ErrorReason(std::string_view body);

}  // namespace anpr::sync
