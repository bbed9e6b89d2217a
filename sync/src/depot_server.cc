#include "sync/depot_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <regex>

#include <nlohmann/json.hpp>

#include "sync/console_store.h"
#include "sync/heartbeat.h"
#include "sync/src/guarded_http_server.h"
#include "sync/web_console.h"
#include "sync/src/security_tally.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"

namespace anpr::sync {
namespace {

// A security event that cannot be stored is still logged; the refusal that
// raised it stands either way.
void RecordSecurityEvent(DepotStore* store, const std::string& event, const std::string& who,
                         const std::string& remote) {
  if (Status s = store->LogSecurityEvent(event, who, remote); !s.ok()) {
    spdlog::error("security event not stored ({}): {} from {}", s.ToString(), event, remote);
  }
}

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

// The endpoints that take a request body (all POST).
bool IsUploadPath(const std::string& path) {
  static const std::regex kUploads(R"(/api/v1/(reads|hits|audit|audit/head|wanted|holds|unit-key|heartbeat|hotlists/[^/]+))");
  return std::regex_match(path, kUploads);
}

bool EqualsNoCase(const std::string& a, const char* b) {
  const std::size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Content-Length as a number; false if it is not a plain decimal.
bool ParseLength(const std::string& v, uint64_t* out) {
  if (v.empty() || v.size() > 19) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

DepotServer::DepotServer(DepotStore* store, DepotServerOptions options)
    : store_(store), options_(std::move(options)) {}

DepotServer::~DepotServer() { Stop(); }

void DepotServer::AttachConsole(ConsoleStore* console, const WebConsoleOptions& options) {
  console_ = console;
  console_options_ = std::make_unique<WebConsoleOptions>(options);
}

Status DepotServer::Start() {
  if (http_) return Internal("depot server already started");
  std::string host = options_.bind_address;
  SSL_CTX* tls_context = nullptr;
  if (options_.insecure_loopback_dev) {
    host = "127.0.0.1";
    spdlog::warn("depot: plain HTTP on 127.0.0.1 for development only; never deploy this");
  } else {
    if (options_.cert_file.empty() || options_.key_file.empty())
      return InvalidArgument("TLS is required: give a certificate and a key (or --insecure-loopback-dev)");
    std::string error;
    tls_context = NewTlsServerContext(options_.cert_file, options_.key_file, &error);
    if (!tls_context) return InvalidArgument(error);
  }
  ConnectionLimits limits;
  // httplib answers 500 on a descriptor select() cannot watch (>= FD_SETSIZE,
  // 1024), so the cap stays well below that.
  limits.max_connections = std::clamp(options_.max_connections, 1, 900);
  limits.tls_handshake_deadline_ms = std::max(1, options_.tls_handshake_deadline_ms);
  limits.header_deadline_ms = std::max(1, options_.header_deadline_ms);
  limits.keep_alive_idle_ms = std::max(1, options_.keep_alive_idle_ms);
  // Headers (httplib caps each line at 8 KiB) and chunk framing on top of the
  // body limit the upload handlers enforce exactly.
  limits.max_request_bytes = options_.max_request_bytes + options_.max_request_bytes / 8 + (1u << 20);
  tally_ = std::make_unique<SecurityTally>([store = store_](const std::string& event, const std::string& remote) {
    RecordSecurityEvent(store, event, "", remote);
  });
  http_ = std::make_unique<GuardedHttpServer>(limits, tls_context, tally_.get());
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
  if (!http_->WidenBacklog()) spdlog::warn("depot: cannot widen the listen backlog; bursts may wait");
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  spdlog::info("depot: serving {} on {}:{} ({} storage)", tls() ? "https" : "http", host, port_, store_->Kind());
  return Status::Ok();
}

void DepotServer::Stop() {
  if (!http_) return;
  // httplib's stop() does nothing until its thread has begun to listen; one
  // that began after it would listen for ever. Wait for it (bounded: a
  // thread whose listen failed at once never runs).
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
  tally_->Flush();
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
      RecordSecurityEvent(store_, "no credential: " + what, "", Remote(req));
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
      RecordSecurityEvent(store_, "unknown or revoked credential: " + what, "", Remote(req));
      Refuse(res, 401, "unknown or revoked credential");
      return std::nullopt;
    }
    const Principal& who = **p;
    for (Role r : allowed)
      if (r == who.role) return who;
    spdlog::warn("depot: refused {} from {} ({}): role {} not allowed", what, Remote(req), who.name,
                 RoleName(who.role));
    RecordSecurityEvent(store_, std::string("role ") + RoleName(who.role) + " not allowed: " + what, who.name,
                             Remote(req));
    Refuse(res, 403, std::string("a ") + RoleName(who.role) + " credential may not do this");
    return std::nullopt;
  };

  // A request body is read only after its headers passed: an upload
  // endpoint, a length the depot accepts (or chunked), and (in the handler)
  // a credential allowed to send it. Until then not one body byte is read.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using HR = httplib::Server::HandlerResponse;
    const bool has_length = req.has_header("Content-Length");
    const bool has_encoding = req.has_header("Transfer-Encoding");
    const std::string encoding = req.get_header_value("Transfer-Encoding");
    uint64_t length = 0;
    auto refuse = [&](Refusal kind, int status, const std::string& why) {
      tally_->Count(kind, Remote(req), why + ": " + req.method + " " + req.path);
      Refuse(res, status, why);
      return HR::Handled;
    };
    if (has_encoding && !EqualsNoCase(encoding, "chunked"))
      return refuse(Refusal::kBodyNotAccepted, 501, "Transfer-Encoding other than chunked");
    if (has_encoding && has_length)
      return refuse(Refusal::kBodyNotAccepted, 400, "both Content-Length and Transfer-Encoding");
    if (has_length && !ParseLength(req.get_header_value("Content-Length"), &length))
      return refuse(Refusal::kBodyNotAccepted, 400, "Content-Length is not a number");
    if (length > options_.max_request_bytes)
      return refuse(Refusal::kBodyTooLarge, 413,
                    "request body of " + std::to_string(length) + " bytes is over the depot's limit of " +
                        std::to_string(options_.max_request_bytes));
    const bool console_form = console_ && IsConsoleFormPath(req.method, req.path);
    const bool upload = req.method == "POST" && (IsUploadPath(req.path) || console_form);
    if (upload && !has_length && !has_encoding)
      return refuse(Refusal::kBodyNotAccepted, 411, "an upload needs Content-Length or chunked encoding");
    std::string why;
    if (console_form && !ConsoleBodyAllowed(req, length, console_, *console_options_, &why))
      return refuse(Refusal::kBodyWithoutCredential, 403, why + ", body unread");
    if (!upload && (length > 0 || has_encoding))
      return refuse(Refusal::kBodyNotAccepted, 400, "only the upload endpoints take a request body");
    if (!upload && req.method != "GET" && req.method != "HEAD")
      return refuse(Refusal::kBodyNotAccepted, 405, "method not allowed");
    return HR::Unhandled;
  });

  // Reads an upload's body into `body`, stopping at max_request_bytes as it
  // reads (chunked bodies too); on failure answers the request.
  auto read_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader, std::string* body) {
    const std::size_t max = options_.max_request_bytes;
    uint64_t length = 0;
    if (ParseLength(req.get_header_value("Content-Length"), &length) && length <= max)
      body->reserve(static_cast<std::size_t>(length));
    bool too_large = false;
    const bool ok = reader([&](const char* data, std::size_t n) {
      if (body->size() + n > max) {
        too_large = true;
        return false;
      }
      // Grow to at most the limit: doubling past it would touch twice the
      // memory a limit-sized body needs.
      if (body->size() + n > body->capacity()) body->reserve(std::min(max, std::max(2 * body->capacity(), body->size() + n)));
      body->append(data, n);
      return true;
    });
    if (too_large) {
      tally_->Count(Refusal::kBodyTooLarge, Remote(req),
                    "body over " + std::to_string(max) + " bytes cut off while reading: " + req.path);
      Refuse(res, 413, "request larger than the depot accepts (" + std::to_string(max) + " bytes)");
      return false;
    }
    if (!ok) {
      Refuse(res, 400, "request body incomplete or malformed");
      return false;
    }
    return true;
  };

  // An upload refused on its headers: counted, body never read.
  auto authorise_upload = [this, authorise](const httplib::Request& req, httplib::Response& res,
                                            std::initializer_list<Role> allowed) {
    auto who = authorise(req, res, allowed);
    if (!who)
      tally_->Count(Refusal::kBodyWithoutCredential, Remote(req),
                    "upload refused on its headers (HTTP " + std::to_string(res.status) + "), body unread: " + req.path);
    return who;
  };

  // Uploads share one shape: authenticate on the headers, read the body
  // within the limit, parse, check every record names this vehicle, ingest
  // in one transaction, answer the acknowledged UUIDs.
  auto upload = [this, authorise_upload, read_body](const char* kind, auto parse, auto unit_of, auto ingest) {
    return [this, authorise_upload, read_body, kind, parse, unit_of, ingest](
               const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      auto who = authorise_upload(req, res, {Role::kVehicle});
      if (!who) return;
      std::string body;
      if (!read_body(req, res, reader, &body)) return;
      auto records = parse(body);
      body = std::string();
      if (!records.ok()) {
        Refuse(res, 400, records.status().message());
        return;
      }
      for (const auto& r : *records) {
        const std::string unit = unit_of(r);
        if (!unit.empty() && unit != who->name) {
          spdlog::warn("depot: refused {} batch from {} ({}): record names vehicle {}", kind, Remote(req), who->name,
                       unit);
          RecordSecurityEvent(store_, std::string(kind) + " for another vehicle (" + unit + ")", who->name, Remote(req));
          Refuse(res, 403, "a vehicle may only upload its own records (record names " + unit + ")");
          return;
        }
      }
      auto result = ingest(who->name, *records);
      if (!result.ok()) {
        if (result.status().code() == StatusCode::kPermissionDenied)
          RecordSecurityEvent(store_, result.status().message(), who->name, Remote(req));
        spdlog::warn("depot: {} batch from {} not stored: {}", kind, who->name, result.status().ToString());
        Refuse(res, HttpStatusFor(result.status()), result.status().message());
        return;
      }
      for (const std::string& note : result->security_notes) {
        spdlog::error("depot: {} batch from {}: {}", kind, who->name, note);
        RecordSecurityEvent(store_, note, who->name, Remote(req));
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
                             [](const WireAuditEntry& a) { return a.unit_id; },
                             [this](const std::string& v, const std::vector<WireAuditEntry>& a) {
                               return store_->IngestAudit(v, a);
                             }));
  // A vehicle's claim about itself (its audit chain head, its signing key):
  // parsed from the body, then judged by the store, whose problem, if any,
  // is a 409 and a security event.
  auto vehicle_claim = [this, authorise_upload, read_body](auto parse, auto judge) {
    return [this, authorise_upload, read_body, parse, judge](const httplib::Request& req, httplib::Response& res,
                                                              const httplib::ContentReader& reader) {
      auto who = authorise_upload(req, res, {Role::kVehicle});
      if (!who) return;
      std::string body;
      if (!read_body(req, res, reader, &body)) return;
      auto claim = parse(body);
      if (!claim.ok()) return Refuse(res, 400, claim.status().message());
      Result<std::optional<std::string>> problem = judge(who->name, *claim);
      if (!problem.ok()) return Refuse(res, HttpStatusFor(problem.status()), problem.status().message());
      if (problem->has_value()) {
        spdlog::error("depot: {} from {}", **problem, Remote(req));
        RecordSecurityEvent(store_, **problem, who->name, Remote(req));
        return Refuse(res, 409, **problem);
      }
      Reply(res, 200, R"({"status":"ok"})");
    };
  };
  // The car's audit chain head, against the newest link the depot holds.
  s.Post(api + "/audit/head", vehicle_claim([](const std::string& b) { return ParseAuditChainHead(b); },
                                            [this](const std::string& v, const auto& head) {
                                              return store_->CheckAuditChainHead(v, head);
                                            }));
  s.Post(api + "/wanted", upload(
                              "wanted", [](const std::string& b) { return ParseWanted(b); },
                              [](const WantedEntry& x) { return x.unit_id; },
                              [this](const std::string& v, const std::vector<WantedEntry>& x) {
                                return store_->IngestWanted(v, x);
                              }));
  // The vehicle's export signing key, enrolled with its token (first kept).
  s.Post(api + "/unit-key", vehicle_claim([](const std::string& b) { return ParseSigningKey(b); },
                                          [this](const std::string& v, const auto& key) {
                                            return store_->EnrolSigningKey(v, key);
                                          }));
  s.Post(api + "/holds", upload(
                             "holds", [](const std::string& b) { return ParseHolds(b); },
                             [](const HoldEntry& x) { return x.unit_id; },
                             [this](const std::string& v, const std::vector<HoldEntry>& x) {
                               return store_->IngestHolds(v, x);
                             }));

  // The car's health every minute (sync/heartbeat.h), kept for the console.
  s.Post(api + "/heartbeat", [this, authorise_upload, read_body](const httplib::Request& req, httplib::Response& res,
                                                                 const httplib::ContentReader& reader) {
    if (!console_) return Refuse(res, 404, "this depot keeps no heartbeats");
    auto who = authorise_upload(req, res, {Role::kVehicle});
    if (!who) return;
    std::string body;
    if (!read_body(req, res, reader, &body)) return;
    auto hb = ParseHeartbeat(body);
    if (!hb.ok()) return Refuse(res, 400, hb.status().message());
    if (hb->unit_id != who->name) {
      RecordSecurityEvent(store_, "heartbeat for another vehicle (" + hb->unit_id + ")", who->name, Remote(req));
      return Refuse(res, 403, "a vehicle may only send its own heartbeat (it names " + hb->unit_id + ")");
    }
    if (Status st = console_->RecordHeartbeat(*hb, NowUtcMs()); !st.ok())
      return Refuse(res, HttpStatusFor(st), st.message());
    Reply(res, 200, R"({"status":"ok"})");
  });

  s.Get(api + "/hotlists", [this, authorise](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, {Role::kVehicle, Role::kAdmin})) return;
    int64_t since = 0;
    if (!QueryInt(req, "since", &since)) return Refuse(res, 400, "since: not a non-negative integer");
    auto u = store_->HotlistSince(since);
    if (!u.ok()) return Refuse(res, HttpStatusFor(u.status()), u.status().message());
    Reply(res, 200, EncodeHotlistUpdate(*u));
  });

  s.Post(R"(/api/v1/hotlists/([^/]+))", [this, authorise_upload, read_body](const httplib::Request& req,
                                                                            httplib::Response& res,
                                                                            const httplib::ContentReader& reader) {
    auto who = authorise_upload(req, res, {Role::kAdmin});
    if (!who) return;
    const std::string list = req.matches[1];
    if (Status named = limits::ValidateListName(list); !named.ok()) return Refuse(res, 400, named.message());
    std::string body;
    if (!read_body(req, res, reader, &body)) return;
    auto entries = ParseHotlistCsv(body);
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
    nlohmann::json refused = nlohmann::json::object();
    const auto totals = tally_->Totals();
    for (std::size_t i = 0; i < totals.size(); ++i) refused[RefusalName(static_cast<Refusal>(i))] = totals[i];
    Reply(res, 200,
          nlohmann::json{{"status", "ok"},
                         {"storage", store_->Kind()},
                         {"schema_version", *v},
                         {"time_utc_ms", NowUtcMs()},
                         {"connections", http_->active_connections()},
                         {"refused", refused}}
              .dump());
  });

  if (console_) {
    WebConsoleOptions web = *console_options_;
    web.secure_cookie = tls();
    AddWebConsoleRoutes(s, store_, console_, web);
  }

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
