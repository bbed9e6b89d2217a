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
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "vehicle/records/status.h"
#include "sync/depot_store.h"

namespace httplib {
class Server;
}

namespace anpr::sync {

struct DepotServerOptions {
  std::string bind_address = "0.0.0.0";
  int port = 8443;  // 0: pick a free port (see DepotServer::port())
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // Serve plain HTTP on 127.0.0.1 only (bind_address is ignored). Never in a
  // deployment: tokens would cross the wire in clear.
  bool insecure_loopback_dev = false;
  int worker_threads = 16;
  std::size_t max_request_bytes = kMaxRequestBytes;
};

class DepotServer {
 public:
  // `store` must outlive the server.
  DepotServer(DepotStore* store, DepotServerOptions options);
  ~DepotServer();  // Stop()s
  DepotServer(const DepotServer&) = delete;
  DepotServer& operator=(const DepotServer&) = delete;

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
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace anpr::sync
