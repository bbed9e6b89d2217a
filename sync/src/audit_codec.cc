// The codec of POST /audit: batches of the car's audit entries.
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

// A chain hash: 64 lower-case hex digits.
std::string ChainHash(const json& e, const char* key, const std::string& w) {
  std::string h = Str(e, key, w, true, 64);
  if (h.size() != 64 || h.find_first_not_of("0123456789abcdef") != std::string::npos)
    Fail(w + "." + key, "not 64 lower-case hex digits");
  return h;
}

WireAuditEntry AuditFromJson(const json& e, const std::string& w) {
  WireAuditEntry a;
  a.uuid = Uuid(e, "uuid", w);
  a.at_utc_ms = Int(e, "at_utc_ms", w, true);
  a.unit_id = Str(e, "unit_id", w, false, kMaxId);
  a.actor = Str(e, "actor", w, true, kMaxId);
  a.action = Str(e, "action", w, true, kMaxId);
  a.detail = Str(e, "detail", w, false);
  if (e.contains("chain_seq")) {
    a.chain_seq = Int(e, "chain_seq", w, true);
    a.chain_hash = ChainHash(e, "chain_hash", w);
    a.chain_prev_hash = ChainHash(e, "chain_prev_hash", w);
  }
  return a;
}

AuditChainHead HeadFromJson(const json& e, const std::string& w) {
  AuditChainHead h;
  h.seq = Int(e, "seq", w, true);
  h.hash = ChainHash(e, "hash", w);
  return h;
}

}  // namespace

std::string EncodeAudit(const std::vector<WireAuditEntry>& entries) {
  json arr = json::array();
  for (const auto& a : entries) {
    json e = {{"uuid", a.uuid},     {"at_utc_ms", a.at_utc_ms}, {"unit_id", a.unit_id},
              {"actor", a.actor},   {"action", a.action},       {"detail", a.detail}};
    if (a.chain_seq) {
      e["chain_seq"] = *a.chain_seq;
      e["chain_hash"] = a.chain_hash;
      e["chain_prev_hash"] = a.chain_prev_hash;
    }
    arr.push_back(std::move(e));
  }
  return json{{"audit", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<WireAuditEntry>> ParseAudit(std::string_view body) {
  return ParseBatch<WireAuditEntry>(body, "audit", AuditFromJson);
}

std::string EncodeAuditChainHead(const AuditChainHead& head) {
  return json{{"seq", head.seq}, {"hash", head.hash}}.dump();
}

Result<AuditChainHead> ParseAuditChainHead(std::string_view body) {
  return ParseOne<AuditChainHead>(body, "audit head", HeadFromJson);
}

}  // namespace anpr::sync
