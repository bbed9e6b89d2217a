#include "sync/src/deadline_stream.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace anpr::sync {
namespace {

constexpr std::chrono::milliseconds kStopCheck{100};

void AddressOf(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST] = {0};
  char serv[NI_MAXSERV] = {0};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return;
  ip = host;
  port = std::atoi(serv);
}

}  // namespace

DeadlineStream::DeadlineStream(int fd, SSL* ssl, int read_timeout_ms, int write_timeout_ms,
                               std::function<bool()> stopping)
    : fd_(fd),
      ssl_(ssl),
      read_timeout_(read_timeout_ms),
      write_timeout_(write_timeout_ms),
      stopping_(std::move(stopping)) {
  const int flags = fcntl(fd_, F_GETFL, 0);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

DeadlineStream::Wait DeadlineStream::PollUntil(int fd, short events, Clock::time_point deadline,
                                               const std::function<bool()>& stopping) {
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) return Wait::kTimeout;
    if (stopping && stopping()) return Wait::kFailed;
    const auto slice = std::min<Clock::duration>(deadline - now, kStopCheck);
    const int slice_ms =
        std::max<int>(1, static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(slice).count()));
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, slice_ms);
    if (r > 0) return Wait::kReady;  // a hang-up or error shows on the next read or write
    if (r < 0 && errno != EINTR) return Wait::kFailed;
  }
}

bool DeadlineStream::WaitForRequest(int idle_ms) {
  if (buf_pos_ < buf_len_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
  return WaitFd(POLLIN, Clock::now() + std::chrono::milliseconds(idle_ms)) == Wait::kReady;
}

void DeadlineStream::StartRequest(Clock::time_point header_deadline, std::size_t max_request_bytes) {
  in_headers_ = true;
  header_deadline_ = header_deadline;
  request_bytes_ = 0;
  max_request_bytes_ = max_request_bytes;
  header_deadline_passed_ = false;
  bytes_exceeded_ = false;
  last_status_ = 0;
}

ssize_t DeadlineStream::ReadSome(char* ptr, size_t size) {
  for (;;) {
    const auto now = Clock::now();
    const auto deadline = in_headers_ ? std::min(header_deadline_, now + read_timeout_) : now + read_timeout_;
    short want = POLLIN;
    if (ssl_) {
      ERR_clear_error();
      const int n = SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
      if (n > 0) return n;
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_ZERO_RETURN) return 0;
      if (e == SSL_ERROR_WANT_WRITE)
        want = POLLOUT;
      else if (e != SSL_ERROR_WANT_READ)
        return -1;
    } else {
      const ssize_t n = recv(fd_, ptr, size, 0);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    }
    switch (WaitFd(want, deadline)) {
      case Wait::kReady: continue;
      case Wait::kTimeout:
        if (in_headers_ && Clock::now() >= header_deadline_) header_deadline_passed_ = true;
        return -1;
      case Wait::kFailed: return -1;
    }
  }
}

ssize_t DeadlineStream::read(char* ptr, size_t size) {
  if (size == 0) return 0;
  ssize_t n;
  if (buf_pos_ < buf_len_) {
    n = static_cast<ssize_t>(std::min(size, buf_len_ - buf_pos_));
    std::memcpy(ptr, buf_ + buf_pos_, static_cast<size_t>(n));
    buf_pos_ += static_cast<size_t>(n);
  } else if (size >= sizeof buf_) {
    n = ReadSome(ptr, size);
  } else {
    const ssize_t got = ReadSome(buf_, sizeof buf_);
    if (got <= 0) return got;
    buf_pos_ = 0;
    buf_len_ = static_cast<size_t>(got);
    n = static_cast<ssize_t>(std::min(size, buf_len_));
    std::memcpy(ptr, buf_, static_cast<size_t>(n));
    buf_pos_ = static_cast<size_t>(n);
  }
  if (n > 0) {
    request_bytes_ += static_cast<size_t>(n);
    if (max_request_bytes_ > 0 && request_bytes_ > max_request_bytes_) {
      bytes_exceeded_ = true;
      return -1;
    }
  }
  return n;
}

ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (size >= 12 && std::memcmp(ptr, "HTTP/1.", 7) == 0 && ptr[8] == ' ') {
    int code = 0;
    for (size_t i = 9; i < 12 && ptr[i] >= '0' && ptr[i] <= '9'; ++i) code = code * 10 + (ptr[i] - '0');
    if (code >= 100) last_status_ = code;
  }
  size_t done = 0;
  auto deadline = Clock::now() + write_timeout_;
  while (done < size) {
    short want = POLLOUT;
    if (ssl_) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, ptr + done, static_cast<int>(std::min<size_t>(size - done, INT_MAX)));
      if (n > 0) {
        done += static_cast<size_t>(n);
        deadline = Clock::now() + write_timeout_;
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_WANT_READ)
        want = POLLIN;
      else if (e != SSL_ERROR_WANT_WRITE)
        return -1;
    } else {
      const ssize_t n = send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
        deadline = Clock::now() + write_timeout_;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    }
    if (WaitFd(want, deadline) != Wait::kReady) return -1;
  }
  return static_cast<ssize_t>(size);
}

bool DeadlineStream::is_readable() const {
  if (buf_pos_ < buf_len_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
  return WaitFd(POLLIN, Clock::now() + read_timeout_) == Wait::kReady;
}

bool DeadlineStream::is_writable() const { return WaitFd(POLLOUT, Clock::now() + write_timeout_) == Wait::kReady; }

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) AddressOf(addr, len, ip, port);
}

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) AddressOf(addr, len, ip, port);
}

}  // namespace anpr::sync
