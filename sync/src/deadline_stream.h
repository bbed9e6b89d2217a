// One accepted depot connection (TLS or plain) as a cpp-httplib Stream whose
// reads obey deadlines: while a request's line and headers are awaited, the
// whole of them must arrive before a fixed instant (a client trickling one
// byte every few seconds is dropped); after the headers each read and write
// waits at most its own timeout, and the bytes of one request are capped.
// Internal to anpr_sync.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <httplib.h>

namespace anpr::sync {

class DeadlineStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  // `fd` is a connected socket, set non-blocking here; `ssl` (may be null for
  // plain HTTP) is already accepted on it. Neither is owned. `stopping` is
  // asked about every 100 ms while waiting; true ends the wait as a failure.
  DeadlineStream(int fd, SSL* ssl, int read_timeout_ms, int write_timeout_ms, std::function<bool()> stopping);

  enum class Wait { kReady, kTimeout, kFailed };
  // Polls `fd` for `events` until `deadline`, in slices of at most 100 ms
  // that ask `stopping` (may be empty); a hang-up counts as ready (the next
  // read or write sees it).
  static Wait PollUntil(int fd, short events, Clock::time_point deadline, const std::function<bool()>& stopping);

  // Waits up to `idle_ms` for the first byte of the next request. False on
  // timeout, close, error or stop.
  bool WaitForRequest(int idle_ms);
  // Starts a request: its line and headers must be read by `header_deadline`,
  // and at most `max_request_bytes` may be read for it in all.
  void StartRequest(Clock::time_point header_deadline, std::size_t max_request_bytes);
  // The headers are in: from now on each read waits its own timeout.
  void HeadersDone() { in_headers_ = false; }

  // Why the last request failed, if it did.
  bool header_deadline_passed() const { return header_deadline_passed_; }
  bool request_bytes_exceeded() const { return bytes_exceeded_; }
  // The status code of the last response line written ("HTTP/1.1 NNN"), 0
  // before any.
  int last_status() const { return last_status_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  Wait WaitFd(short events, Clock::time_point deadline) const { return PollUntil(fd_, events, deadline, stopping_); }
  // One read from the socket or TLS into `ptr` (size > 0); 0 on orderly
  // close, -1 on error, timeout or stop.
  ssize_t ReadSome(char* ptr, size_t size);

  int fd_;
  SSL* ssl_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  std::function<bool()> stopping_;

  bool in_headers_ = false;
  Clock::time_point header_deadline_{};
  std::size_t request_bytes_ = 0;
  std::size_t max_request_bytes_ = 0;
  bool header_deadline_passed_ = false;
  bool bytes_exceeded_ = false;
  int last_status_ = 0;

  // httplib reads request lines one byte at a time; this keeps that off the
  // socket.
  char buf_[16 * 1024];
  std::size_t buf_pos_ = 0;
  std::size_t buf_len_ = 0;
};

}  // namespace anpr::sync
