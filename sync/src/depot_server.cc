#include "sync/depot_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "vehicle/records/reason.h"

namespace anpr::sync {
namespace {

constexpr const char* kJson = "application/json";

void Reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, kJson);
}

void Refuse(httplib::Response& res, int status, const std::string& reason) {
  Reply(res, status, EncodeError(reason));
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kResourceExhausted: return 507;
    case StatusCode::kUnavailable:
    case StatusCode::kTimeout: return 503;
    default: return 500;
  }
}

std::string Remote(const httplib::Request& req) {
  return req.remote_addr + ":" + std::to_string(req.remote_port);
}

bool ValidListName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// Parses a non-negative decimal query parameter; false if present and bad.
bool QueryInt(const httplib::Request& req, const char* key, int64_t* out) {
  if (!req.has_param(key)) return true;
  const std::string v = req.get_param_value(key);
  if (v.empty() || v.size() > 18) return false;
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

DepotServer::DepotServer(DepotStore* store, DepotServerOptions options)
    : store_(store), options_(std::move(options)) {}

DepotServer::~DepotServer() { Stop(); }

Status DepotServer::Start() {
  if (http_) return Internal("depot server already started");
  std::string host = options_.bind_address;
  if (options_.insecure_loopback_dev) {
    host = "127.0.0.1";
    spdlog::warn("depot: plain HTTP on 127.0.0.1 for development only; never deploy this");
    http_ = std::make_unique<httplib::Server>();
  } else {
    if (options_.cert_file.empty() || options_.key_file.empty())
      return InvalidArgument("TLS is required: give a certificate and a key (or --insecure-loopback-dev)");
    auto tls = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
    if (!tls->is_valid())
      return InvalidArgument("cannot load TLS certificate " + options_.cert_file + " / key " + options_.key_file);
    http_ = std::move(tls);
  }
  const int threads = std::max(1, options_.worker_threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http_->set_payload_max_length(options_.max_request_bytes);
  http_->set_keep_alive_max_count(10000);
  http_->set_read_timeout(30, 0);
  http_->set_write_timeout(30, 0);
  Routes();

  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(host.c_str());
    if (port_ <= 0) {
      http_.reset();
      return Unavailable("cannot bind " + host);
    }
  } else {
    if (!http_->bind_to_port(host.c_str(), options_.port)) {
      http_.reset();
      return Unavailable("cannot bind " + host + ":" + std::to_string(options_.port));
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  spdlog::info("depot: serving {} on {}:{} ({} storage)", tls() ? "https" : "http", host, port_, store_->Kind());
  return Status::Ok();
}

void DepotServer::Stop() {
  if (!http_) return;
  http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
}

void DepotServer::Routes() {
  auto& s = *http_;
  const std::string api = kApiPrefix;

  // Authenticates the request and checks its role; on refusal answers it,
  // logs it and returns nullopt.
  auto authorise = [this](const httplib::Request& req, httplib::Response& res,
                          std::initializer_list<Role> allowed) -> std::optional<Principal> {
    const std::string what = req.method + " " + req.path;
    const std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) {
      spdlog::warn("depot: refused {} from {}: no credential", what, Remote(req));
      store_->LogSecurityEvent("no credential: " + what, "", Remote(req));
      Refuse(res, 401, "authentication required (Authorization: Bearer TOKEN)");
      return std::nullopt;
    }
    auto p = store_->Authenticate(TokenHash(header.substr(prefix.size())));
    if (!p.ok()) {
      Refuse(res, 503, "depot storage unavailable: " + p.status().message());
      return std::nullopt;
    }
    if (!p->has_value()) {
      spdlog::warn("depot: refused {} from {}: unknown or revoked credential", what, Remote(req));
      store_->LogSecurityEvent("unknown or revoked credential: " + what, "", Remote(req));
      Refuse(res, 401, "unknown or revoked credential");
      return std::nullopt;
    }
    const Principal& who = **p;
    for (Role r : allowed)
      if (r == who.role) return who;
    spdlog::warn("depot: refused {} from {} ({}): role {} not allowed", what, Remote(req), who.name,
                 RoleName(who.role));
    store_->LogSecurityEvent(std::string("role ") + RoleName(who.role) + " not allowed: " + what, who.name,
                             Remote(req));
    Refuse(res, 403, std::string("a ") + RoleName(who.role) + " credential may not do this");
    return std::nullopt;
  };

  // Uploads share one shape: parse, check every record names this vehicle,
  // ingest in one transaction, answer the acknowledged UUIDs.
  auto upload = [this, authorise](const char* kind, auto parse, auto unit_of, auto ingest) {
    return [this, authorise, kind, parse, unit_of, ingest](const httplib::Request& req, httplib::Response& res) {
      auto who = authorise(req, res, {Role::kVehicle});
      if (!who) return;
      auto records = parse(req.body);
      if (!records.ok()) {
        Refuse(res, 400, records.status().message());
        return;
      }
      for (const auto& r : *records) {
        const std::string unit = unit_of(r);
        if (!unit.empty() && unit != who->name) {
          spdlog::warn("depot: refused {} batch from {} ({}): record names vehicle {}", kind, Remote(req), who->name,
                       unit);
          store_->LogSecurityEvent(std::string(kind) + " for another vehicle (" + unit + ")", who->name, Remote(req));
          Refuse(res, 403, "a vehicle may only upload its own records (record names " + unit + ")");
          return;
        }
      }
      auto result = ingest(who->name, *records);
      if (!result.ok()) {
        if (result.status().code() == StatusCode::kPermissionDenied)
          store_->LogSecurityEvent(result.status().message(), who->name, Remote(req));
        spdlog::warn("depot: {} batch from {} not stored: {}", kind, who->name, result.status().ToString());
        Refuse(res, HttpStatusFor(result.status()), result.status().message());
        return;
      }
      Reply(res, 200, EncodeAck(result->acknowledged, result->newly_stored));
    };
  };

  s.Post(api + "/reads", upload(
                             "reads", [](const std::string& b) { return ParseReads(b); },
                             [](const Read& r) { return r.unit_id; },
                             [this](const std::string& v, const std::vector<Read>& r) {
                               return store_->IngestReads(v, r);
                             }));
  s.Post(api + "/hits", upload(
                            "hits", [](const std::string& b) { return ParseHits(b); },
                            [](const Hit&) { return std::string(); },
                            [this](const std::string& v, const std::vector<Hit>& h) {
                              return store_->IngestHits(v, h);
                            }));
  s.Post(api + "/audit", upload(
                             "audit", [](const std::string& b) { return ParseAudit(b); },
                             [](const AuditEntry& a) { return a.unit_id; },
                             [this](const std::string& v, const std::vector<AuditEntry>& a) {
                               return store_->IngestAudit(v, a);
                             }));
  s.Post(api + "/wanted", upload(
                              "wanted", [](const std::string& b) { return ParseWanted(b); },
                              [](const WantedEntry& x) { return x.unit_id; },
                              [this](const std::string& v, const std::vector<WantedEntry>& x) {
                                return store_->IngestWanted(v, x);
                              }));

  s.Get(api + "/hotlists", [this, authorise](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, {Role::kVehicle, Role::kAdmin})) return;
    int64_t since = 0;
    if (!QueryInt(req, "since", &since)) return Refuse(res, 400, "since: not a non-negative integer");
    auto u = store_->HotlistSince(since);
    if (!u.ok()) return Refuse(res, HttpStatusFor(u.status()), u.status().message());
    Reply(res, 200, EncodeHotlistUpdate(*u));
  });

  s.Post(R"(/api/v1/hotlists/([^/]+))", [this, authorise](const httplib::Request& req, httplib::Response& res) {
    auto who = authorise(req, res, {Role::kAdmin});
    if (!who) return;
    const std::string list = req.matches[1];
    if (!ValidListName(list)) return Refuse(res, 400, "list name: 1-64 of A-Z a-z 0-9 - _ .");
    auto entries = ParseHotlistCsv(req.body);
    if (!entries.ok()) return Refuse(res, 400, entries.status().message());
    auto v = store_->PublishHotlist(list, *entries, who->name);
    if (!v.ok()) return Refuse(res, HttpStatusFor(v.status()), v.status().message());
    spdlog::info("depot: {} published hotlist {} version {} ({} entries)", who->name, list, *v, entries->size());
    Reply(res, 200,
          nlohmann::json{{"list", list}, {"version", *v}, {"entries", entries->size()}}.dump());
  });

  s.Get(api + "/reads", [this, authorise](const httplib::Request& req, httplib::Response& res) {
    auto who = authorise(req, res, {Role::kInvestigator});
    if (!who) return;
    SearchQuery q;
    q.vrm = req.get_param_value("vrm");
    q.reason = req.get_param_value("reason");
    q.investigator = who->name;
    if (!IsNormalisedVrm(q.vrm)) return Refuse(res, 400, "vrm: give a normalised VRM (A-Z 0-9)");
    if (Status r = ValidateReason(q.reason); !r.ok() || q.reason.size() > 1000)
      return Refuse(res, 400, "reason: " + (r.ok() ? std::string("at most 1000 bytes") : r.message()));
    int64_t limit = static_cast<int64_t>(q.limit);
    if (!QueryInt(req, "from_ms", &q.from_utc_ms) || !QueryInt(req, "to_ms", &q.to_utc_ms) ||
        !QueryInt(req, "limit", &limit) || limit < 1 || limit > 10000)
      return Refuse(res, 400, "from_ms, to_ms, limit: non-negative integers, limit 1-10000");
    q.limit = static_cast<std::size_t>(limit);
    q.with_images = req.get_param_value("images") == "1";
    auto reads = store_->SearchReads(q);
    if (!reads.ok()) return Refuse(res, HttpStatusFor(reads.status()), reads.status().message());
    spdlog::info("depot: {} searched {} ({} reads): {}", who->name, q.vrm, reads->size(), q.reason);
    Reply(res, 200, EncodeReads(*reads, q.with_images));
  });

  s.Get(api + "/health", [this](const httplib::Request&, httplib::Response& res) {
    auto v = store_->SchemaVersion();
    if (!v.ok()) return Refuse(res, 503, "storage unavailable: " + v.status().message());
    Reply(res, 200,
          nlohmann::json{{"status", "ok"}, {"storage", store_->Kind()}, {"schema_version", *v},
                         {"time_utc_ms", NowUtcMs()}}
              .dump());
  });

  // Anything else, and httplib's own refusals (413 payload too large, 400
  // bad request line), get a JSON reason.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string reason = res.status == 404   ? "no such endpoint: " + req.method + " " + req.path
                         : res.status == 413 ? "request larger than the depot accepts"
                                             : "request refused (HTTP " + std::to_string(res.status) + ")";
    res.set_content(EncodeError(reason), kJson);
  });
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("depot: internal error on {} {}: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content(EncodeError("internal error"), kJson);
  });
}

}  // namespace anpr::sync
