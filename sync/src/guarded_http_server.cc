#include "sync/src/guarded_http_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>

#include "sync/src/deadline_stream.h"

namespace anpr::sync {
namespace {

using Clock = DeadlineStream::Clock;

// Set while a connection task runs on the accepting thread because no
// thread could be had for it: it is then refused at once.
thread_local bool t_no_thread = false;

// One thread per connection, at most `max_threads` at once; beyond that a
// task runs on the caller's (accepting) thread with t_no_thread set.
// shutdown() waits for every thread to finish.
class ConnectionThreads final : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(int max_threads) : max_threads_(max_threads) {}
  ~ConnectionThreads() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      MutexLock lock(&mu_);
      // In a burst, evicted connections' threads are on their way out: hold
      // the accept loop (the kernel's backlog holds new connections) briefly.
      idle_.WaitFor(&mu_, std::chrono::milliseconds(200), [this]() ANPR_REQUIRES(mu_) { return live_ < max_threads_; });
      if (live_ < max_threads_) {
        ++live_;
        lock.Unlock();
        try {
          std::thread([this, fn = std::move(fn)] {
            // A peer that hangs up mid-write must not kill the depot: keep
            // SIGPIPE (OpenSSL writes with write(2)) pending on this thread.
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
            fn();
            MutexLock done(&mu_);
            --live_;
            idle_.NotifyAll();
          }).detach();
          return;
        } catch (const std::system_error&) {
          MutexLock undo(&mu_);
          --live_;
        }
      }
    }
    t_no_thread = true;
    fn();
    t_no_thread = false;
  }

  void shutdown() override {
    MutexLock lock(&mu_);
    idle_.Wait(&mu_, [this]() ANPR_REQUIRES(mu_) { return live_ == 0; });
  }

 private:
  const int max_threads_;
  Mutex mu_;
  CondVar idle_;
  int live_ ANPR_GUARDED_BY(mu_) = 0;
};

std::string RemoteOf(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  char host[NI_MAXHOST] = {0};
  char serv[NI_MAXSERV] = {0};
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return std::string(host) + ":" + serv;
}

void CloseSocket(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

// After a refusal the client may still be sending the body we did not read,
// and a simple client (httplib's) reads our answer only once it has sent
// all. Closing with unread data sends a reset that destroys the answer. So:
// stop sending, and discard what arrives for a bounded while (2 s, 16 MiB);
// the caller closes.
void Linger(int fd, const std::function<bool()>& stopping) {
  ::shutdown(fd, SHUT_WR);
  const auto until = Clock::now() + std::chrono::seconds(2);
  std::size_t drained = 0;
  char buf[16 * 1024];
  while (drained < (16u << 20)) {
    if (DeadlineStream::PollUntil(fd, POLLIN, until, stopping) != DeadlineStream::Wait::kReady) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    if (n > 0) drained += static_cast<std::size_t>(n);
  }
}

}  // namespace

GuardedHttpServer::GuardedHttpServer(ConnectionLimits limits, SSL_CTX* tls, SecurityTally* tally)
    : limits_(limits), tls_(tls), tally_(tally) {
  // Room above the cap for connections being refused, evicted or closed.
  const int max_threads = limits_.max_connections + 64;
  new_task_queue = [max_threads] { return new ConnectionThreads(max_threads); };
}

GuardedHttpServer::~GuardedHttpServer() {
  if (tls_) SSL_CTX_free(tls_);
}

bool GuardedHttpServer::WidenBacklog() {
  // httplib listens with a backlog of 5; a burst of connections would then
  // see SYNs dropped and retried a second later.
  const socket_t s = svr_sock_;
  return s != INVALID_SOCKET && ::listen(s, SOMAXCONN) == 0;
}

int GuardedHttpServer::active_connections() const {
  MutexLock lock(&mu_);
  return active_;
}

bool GuardedHttpServer::TakeSlot() {
  MutexLock lock(&mu_);
  if (active_ < limits_.max_connections) {
    ++active_;
    return true;
  }
  if (waiting_.empty()) return false;
  auto victim = waiting_.begin();
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it)
    if (!it->second->heard) {
      victim = it;
      break;
    }
  // Its thread sees the hang-up and leaves; the slot is ours now. Shutting
  // down under the lock is safe: a connection leaves waiting_ (under the
  // lock) before its owner closes the fd.
  Conn* c = victim->second;
  c->evicted = true;
  ::shutdown(c->fd, SHUT_RDWR);
  const std::string evicted = c->remote;
  waiting_.erase(victim);
  lock.Unlock();
  tally_->Count(Refusal::kIdleEvicted, evicted,
                "connection still waiting for a request closed to make room (cap " +
                    std::to_string(limits_.max_connections) + ")");
  return true;
}

void GuardedHttpServer::ReleaseSlot(const Conn& c) {
  MutexLock lock(&mu_);
  if (!c.evicted) --active_;
}

uint64_t GuardedHttpServer::BeginWaiting(Conn* c) {
  MutexLock lock(&mu_);
  const uint64_t ticket = next_ticket_++;
  c->heard = false;
  // An evicted connection (its slot handed over) is on its way out already.
  if (!c->evicted) waiting_.emplace(ticket, c);
  return ticket;
}

void GuardedHttpServer::MarkHeard(Conn* c) {
  MutexLock lock(&mu_);
  c->heard = true;
}

bool GuardedHttpServer::EndWaiting(uint64_t ticket) {
  MutexLock lock(&mu_);
  return waiting_.erase(ticket) == 1;
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  const std::string remote = RemoteOf(sock);
  if (t_no_thread || !TakeSlot()) {
    tally_->Count(Refusal::kConnectionCap, remote,
                  "every connection slot busy with a request (cap " + std::to_string(limits_.max_connections) + ")");
    CloseSocket(sock);
    return false;
  }
  Conn c{sock, remote};
  Serve(&c);
  ReleaseSlot(c);
  return true;
}

void GuardedHttpServer::Serve(Conn* c) {
  const int fd = c->fd;
  const std::string& remote = c->remote;
  const std::function<bool()> stopping = [this] { return Stopping(); };
  uint64_t ticket = BeginWaiting(c);
  const int flags = fcntl(fd, F_GETFL, 0);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  SSL* ssl = nullptr;
  bool handshake_ok = true;
  bool refused = false;
  if (tls_) {
    ssl = SSL_new(tls_);
    handshake_ok = ssl != nullptr && SSL_set_fd(ssl, fd) == 1;
    const auto deadline = Clock::now() + std::chrono::milliseconds(limits_.tls_handshake_deadline_ms);
    bool timed_out = false;
    while (handshake_ok) {
      ERR_clear_error();
      const int r = SSL_accept(ssl);
      if (r == 1) break;
      const int e = SSL_get_error(ssl, r);
      const short want = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      const auto w = want == 0 ? DeadlineStream::Wait::kFailed : DeadlineStream::PollUntil(fd, want, deadline, stopping);
      if (w != DeadlineStream::Wait::kReady) {
        timed_out = w == DeadlineStream::Wait::kTimeout;
        handshake_ok = false;
      } else {
        MarkHeard(c);
      }
    }
    // A connection evicted mid-handshake was counted as evicted already.
    if (!handshake_ok && !Stopping() && EndWaiting(ticket))
      tally_->Count(Refusal::kTlsHandshake, remote,
                    timed_out ? "TLS handshake not done in " + std::to_string(limits_.tls_handshake_deadline_ms) + " ms"
                              : std::string("TLS handshake failed"));
  }
  if (handshake_ok) {
    DeadlineStream s(fd, ssl, limits_.read_timeout_ms, limits_.write_timeout_ms, stopping);
    for (int n = 0; n < limits_.keep_alive_max_requests; ++n) {
      if (n > 0) {
        ticket = BeginWaiting(c);
        if (!s.WaitForRequest(limits_.keep_alive_idle_ms)) break;
        MarkHeard(c);
      }
      s.StartRequest(Clock::now() + std::chrono::milliseconds(limits_.header_deadline_ms), limits_.max_request_bytes);
      bool connection_closed = false;
      const bool ok = process_request(s, n + 1 == limits_.keep_alive_max_requests, connection_closed,
                                      [&](httplib::Request& req) {
                                        // Headers in: from here the request is work, not waiting.
                                        s.HeadersDone();
                                        EndWaiting(ticket);
                                        req.ssl = ssl;
                                      });
      // Still listed as waiting: the headers never came (and no eviction).
      const bool still_waiting = EndWaiting(ticket);
      if (s.header_deadline_passed() && still_waiting)
        tally_->Count(Refusal::kHeaderDeadline, remote,
                      "request line and headers not complete in " + std::to_string(limits_.header_deadline_ms) + " ms");
      if (s.request_bytes_exceeded())
        tally_->Count(Refusal::kBodyTooLarge, remote,
                      "request over " + std::to_string(limits_.max_request_bytes) + " bytes, connection closed");
      refused = s.last_status() >= 400;
      if (!ok || connection_closed || refused || Stopping()) break;
    }
  }
  EndWaiting(ticket);
  if (ssl) {
    if (handshake_ok) {
      ERR_clear_error();
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
  }
  if (refused) {
    // Lingering is waiting too: a new connection may cut it short.
    ticket = BeginWaiting(c);
    Linger(fd, stopping);
    EndWaiting(ticket);
    ::close(fd);
  } else {
    CloseSocket(fd);
  }
}

SSL_CTX* NewTlsServerContext(const std::string& cert_file, const std::string& key_file, std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    *error = "cannot create a TLS context";
    return nullptr;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION |
                               SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    *error = "cannot load TLS certificate " + cert_file + " / key " + key_file;
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

}  // namespace anpr::sync
