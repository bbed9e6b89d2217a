// cpp-httplib's Server with the connection handling replaced, because its
// own (a fixed thread pool, per-read timeouts only) lets a few slow or idle
// clients hold every worker. Here:
//  - each connection gets a thread of its own, up to `max_connections`;
//  - connections still in their TLS handshake, waiting idle between
//    requests, or sending request headers are "waiting": when every slot is
//    taken, a new connection closes the longest-waiting one, preferring one
//    that has sent nothing yet (so idle sockets cannot lock out a real
//    client); only when every slot is busy with a request is the new
//    connection refused;
//  - the TLS handshake and each request's line and headers have deadlines;
//  - a request may read at most `max_request_bytes` after its headers;
//  - a connection is closed after any response of 400 or more (a refused
//    request's body is never read as the next request).
// Every refusal is counted in the SecurityTally. Routes, handlers and
// httplib's request parsing are unchanged. Internal to anpr_sync.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <map>
#include <string>

#include <httplib.h>

#include "sync/src/security_tally.h"
#include "vehicle/records/mutex.h"

namespace anpr::sync {

struct ConnectionLimits {
  int max_connections = 256;
  int tls_handshake_deadline_ms = 5000;
  int header_deadline_ms = 10000;
  int keep_alive_idle_ms = 5000;   // between requests on one connection
  int read_timeout_ms = 30000;     // each read of a body
  int write_timeout_ms = 30000;    // each write of a response
  std::size_t max_request_bytes = 0;  // headers and raw body of one request; 0: no cap
  int keep_alive_max_requests = 10000;
};

class GuardedHttpServer : public httplib::Server {
 public:
  // `tls` (owned, freed here) serves HTTPS; nullptr serves plain HTTP.
  // `tally` must outlive the server.
  GuardedHttpServer(ConnectionLimits limits, SSL_CTX* tls, SecurityTally* tally);
  ~GuardedHttpServer() override;

  // Call after bind: widens httplib's listen backlog of 5, so a burst of
  // connections is not met with dropped SYNs (retried only a second later).
  bool WidenBacklog();
  // Connections holding a slot now.
  int active_connections() const;

 private:
  // One connection, on its thread's stack. `heard` and `evicted` are
  // guarded by mu_ (the evictor writes them from another thread).
  struct Conn {
    int fd;
    std::string remote;
    bool heard = false;    // sent something during the current wait
    bool evicted = false;  // closed by a newcomer, which took over its slot
  };

  bool process_and_close_socket(socket_t sock) override;
  // Takes a slot for `c`; when every slot is taken, evicts the
  // longest-waiting connection (silent ones first) and takes over its slot.
  // False when every slot is busy with a request.
  bool TakeSlot();
  // Gives back `c`'s slot unless an eviction handed it over already.
  void ReleaseSlot(const Conn& c);
  // Marks `c` waiting (evictable) from now; returns its ticket.
  uint64_t BeginWaiting(Conn* c);
  // The waiting connection has sent something: evicted only after silent ones.
  void MarkHeard(Conn* c);
  // Ends a wait; false if the connection was evicted meanwhile.
  bool EndWaiting(uint64_t ticket);
  bool Stopping() const { return svr_sock_ == INVALID_SOCKET; }
  void Serve(Conn* c);

  const ConnectionLimits limits_;
  SSL_CTX* const tls_;
  SecurityTally* const tally_;

  mutable Mutex mu_;
  int active_ ANPR_GUARDED_BY(mu_) = 0;
  uint64_t next_ticket_ ANPR_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Conn*> waiting_ ANPR_GUARDED_BY(mu_);  // by ticket: oldest first
};

// A TLS server context for `cert_file` (PEM chain) and `key_file`, TLS 1.2
// or newer; nullptr with `error` set when they do not load or match.
SSL_CTX* NewTlsServerContext(const std::string& cert_file, const std::string& key_file, std::string* error);

}  // namespace anpr::sync
