// Real things the sync tests run against: a temporary folder (TempDir), a TLS
// certificate made by the openssl CLI, a PostgreSQL cluster started for the
// test, a TCP relay that can cut a connection, generated records.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sync/protocol.h"
#include "tests/common/temp_dir.h"
#include "vehicle/records/read.h"

namespace anpr::sync::testing {

// A fresh folder, removed with everything in it on destruction.
using anpr::testing::TempDir;

// Writes cert.pem/key.pem (self-signed P-256, CN=localhost, SAN 127.0.0.1) into
// `dir`; the certificate is also the CA file the client trusts.
bool MakeTestCertificate(const std::string& dir);

// A loopback port nobody listens on right now.
int FreePort();

// A PostgreSQL 15 cluster in /tmp on a random port, run as the `postgres`
// user (tests run as root). Start() returns false with a reason when it
// cannot run here; the caller then GTEST_SKIPs.
class PostgresCluster {
 public:
  ~PostgresCluster();
  bool Start(std::string* why_not);
  // A conninfo for a new, empty database.
  std::string NewDatabase();
  // The process-wide cluster, started on first use (nullptr + reason if not).
  static PostgresCluster* Shared(std::string* why_not);

 private:
  std::string dir_;
  int port_ = 0;
  int next_db_ = 0;
  bool running_ = false;
};

// Forwards loopback TCP connections from its own port to `target_port`.
// Fault injection: cut_request_after_bytes drops the connection after that
// many client->server bytes; cut_response_when is asked before forwarding
// each server->client chunk and drops the connection when it says yes;
// delay_response_when, asked likewise, holds the chunk it says yes to for
// hold_ms before forwarding it (a slow link or a slow answer).
// Each fault fires once (then the relay passes everything).
class TcpRelay {
 public:
  explicit TcpRelay(int target_port);
  ~TcpRelay();
  int port() const { return port_; }
  void CutRequestAfterBytes(int64_t n) { cut_request_after_ = n; }
  void CutResponseWhen(std::function<bool()> pred);
  void DelayResponseWhen(std::function<bool()> pred, int hold_ms);
  int delays() const { return delays_.load(); }
  int cuts() const { return cuts_.load(); }
  int connections() const { return connections_.load(); }

 private:
  void Accept();
  void Pipe(int client, int server);

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> cut_request_after_{-1};
  std::atomic<int64_t> forwarded_{0};  // client->server bytes while a cut is armed
  std::function<bool()> cut_response_when_;
  std::atomic<bool> response_armed_{false};
  std::atomic<int> cuts_{0};
  std::function<bool()> delay_response_when_;
  int delay_hold_ms_ = 0;
  std::atomic<bool> delay_armed_{false};
  std::atomic<int> delays_{0};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::vector<std::thread> pipes_;
};

// A read of `unit` made `i` seconds into a fixed shift, with JPEG-sized
// fake images (`image_bytes` each, content varying with i).
Read MakeRead(const std::string& unit, int i, std::size_t image_bytes = 2000);
Hit MakeHit(const Read& read, int i);
WireAuditEntry MakeAudit(const std::string& unit, int i);

// The anpr-depot executable of this build, run as a child process.
class DepotProcess {
 public:
  DepotProcess(std::vector<std::string> args);
  ~DepotProcess();  // SIGKILL if still running
  bool Start();
  void Kill();  // SIGKILL, no clean shut-down: a crash or power cut
  bool running() const { return pid_ > 0; }

 private:
  std::vector<std::string> args_;
  int pid_ = -1;
};

// Waits up to timeout_ms for pred() to hold, polling.
bool WaitFor(const std::function<bool()>& pred, int timeout_ms);

}  // namespace anpr::sync::testing
