// The depot's HTTPS server: the /api/v1 endpoints of sync/protocol.h over a
// DepotStore. TLS is required; plain HTTP exists only for development and
// then only on 127.0.0.1 (`insecure_loopback_dev`).
//
// Rights: a vehicle credential uploads its own reads, hits and audit entries
// and fetches hotlists; an admin publishes hotlists (and may fetch them); an
// investigator searches reads, giving a reason, and every search is audited.
// A missing, unknown, revoked or wrong-role credential, or a record naming
// another vehicle, is refused (401/403), nothing is stored, and the refusal
// is logged (security_events table and the log).
//
// Limits against clients that would hold the depot (sync/src/
// guarded_http_server.h): a thread per connection up to max_connections,
// where a new connection closes the longest-idle one when all are taken;
// deadlines for the TLS handshake and for each request's headers; a body
// only to the upload endpoints, refused on its headers (size, credential)
// before any of it is read, and cut off at max_request_bytes while it is read
// (chunked too). Such refusals are counted, reported as security events at
// most every 10 s per kind, and shown in /health under "refused".
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "vehicle/records/status.h"
#include "sync/depot_store.h"

namespace anpr::sync {

class ConsoleStore;
class GuardedHttpServer;
class SecurityTally;
struct WebConsoleOptions;

struct DepotServerOptions {
  std::string bind_address = "0.0.0.0";
  int port = 8443;  // 0: pick a free port (see DepotServer::port())
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // Serve plain HTTP on 127.0.0.1 only (bind_address is ignored). Never in a
  // deployment: tokens would cross the wire in clear.
  bool insecure_loopback_dev = false;
  // Connections served at once (each on its own thread), 1-900.
  int max_connections = 256;
  int tls_handshake_deadline_ms = 5000;
  // From the end of the handshake (or the first byte of a later request on
  // the connection) to the end of the request's headers.
  int header_deadline_ms = 10000;
  int keep_alive_idle_ms = 5000;
  std::size_t max_request_bytes = kMaxRequestBytes;
};

class DepotServer {
 public:
  // `store` must outlive the server.
  DepotServer(DepotStore* store, DepotServerOptions options);
  ~DepotServer();  // Stop()s
  DepotServer(const DepotServer&) = delete;
  DepotServer& operator=(const DepotServer&) = delete;

  // Before Start(): takes heartbeats (POST /api/v1/heartbeat) into
  // `console` and serves the web console (sync/web_console.h). Without it
  // the heartbeat endpoint answers 404 and there is no console.
  // `console` must outlive the server.
  void AttachConsole(ConsoleStore* console, const WebConsoleOptions& options);

  // Loads the certificate, binds and starts serving on a thread of its own.
  // Fails (and serves nothing) on a bad certificate/key, a taken port, or
  // TLS not configured without insecure_loopback_dev.
  Status Start();
  // Stops accepting, finishes in-flight requests, joins. Idempotent.
  void Stop();
  // The bound port once Start() succeeded.
  int port() const { return port_; }
  bool tls() const { return !options_.insecure_loopback_dev; }

 private:
  void Routes();

  DepotStore* store_;
  DepotServerOptions options_;
  ConsoleStore* console_ = nullptr;
  std::unique_ptr<WebConsoleOptions> console_options_;
  std::unique_ptr<SecurityTally> tally_;
  std::unique_ptr<GuardedHttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace anpr::sync
