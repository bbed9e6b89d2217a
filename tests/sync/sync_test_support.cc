#include "tests/sync/sync_test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace anpr::sync::testing {

bool MakeTestCertificate(const std::string& dir) {
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" + dir + "/key.pem' -out '" + dir +
                          "/cert.pem' -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// ---------------------------------------------------------------- PostgreSQL

namespace {
constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

// Runs a shell command as the postgres user when we are root.
int RunAsPostgres(const std::string& cmd) {
  std::string full = geteuid() == 0 ? "runuser -u postgres -- sh -c \"" + cmd + "\"" : cmd;
  return std::system(full.c_str());
}
}  // namespace

PostgresCluster::~PostgresCluster() {
  if (running_) RunAsPostgres(std::string(kPgBin) + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

bool PostgresCluster::Start(std::string* why_not) {
  if (access((std::string(kPgBin) + "/initdb").c_str(), X_OK) != 0) {
    *why_not = "PostgreSQL 15 is not installed (apt-get install postgresql)";
    return false;
  }
  if (geteuid() == 0 && getpwnam("postgres") == nullptr) {
    *why_not = "running as root and there is no postgres user to run the server";
    return false;
  }
  char tmpl[] = "/tmp/anpr-pg-XXXXXX";
  if (!mkdtemp(tmpl)) {
    *why_not = "cannot make a folder in /tmp";
    return false;
  }
  dir_ = tmpl;
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      *why_not = "cannot hand " + dir_ + " to the postgres user";
      return false;
    }
  }
  // initdb takes seconds; every test process would pay it. The first one
  // keeps a pristine copy in the build folder and the others copy that.
  const std::string tmpl_dir = std::string(ANPR_BINARY_DIR) + "/tests/sync/pg-template";
  int lock_fd = open((tmpl_dir + ".lock").c_str(), O_CREAT | O_RDWR, 0644);
  if (lock_fd >= 0) flock(lock_fd, LOCK_EX);
  bool have_data = false;
  if (access((tmpl_dir + "/PG_VERSION").c_str(), F_OK) == 0)
    have_data = std::system(("cp -a '" + tmpl_dir + "' " + dir_ + "/data").c_str()) == 0;
  if (!have_data) {
    if (RunAsPostgres(std::string(kPgBin) + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --no-sync > " +
                      dir_ + "/initdb.log 2>&1") != 0) {
      if (lock_fd >= 0) close(lock_fd);
      *why_not = "initdb failed (see " + dir_ + "/initdb.log)";
      return false;
    }
    std::system(("rm -rf '" + tmpl_dir + ".new' && cp -a " + dir_ + "/data '" + tmpl_dir + ".new' && mv '" + tmpl_dir +
                 ".new' '" + tmpl_dir + "'")
                    .c_str());
  }
  if (lock_fd >= 0) close(lock_fd);  // releases the lock
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    port_ = FreePort();
    const std::string opts = "-p " + std::to_string(port_) + " -k " + dir_ +
                             " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
                             " -c shared_buffers=64MB";
    running_ = RunAsPostgres(std::string(kPgBin) + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -o '" +
                             opts + "' -w -t 30 start >/dev/null 2>&1") == 0;
  }
  if (!running_) *why_not = "pg_ctl start failed (see " + dir_ + "/server.log)";
  return running_;
}

std::string PostgresCluster::NewDatabase() {
  const std::string base = "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres";
  const std::string name = "anpr_test_" + std::to_string(getpid()) + "_" + std::to_string(next_db_++);
  PGconn* c = PQconnectdb((base + " dbname=postgres").c_str());
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  PQclear(r);
  PQfinish(c);
  return base + " dbname=" + name;
}

PostgresCluster* PostgresCluster::Shared(std::string* why_not) {
  static std::mutex mu;
  static std::unique_ptr<PostgresCluster> cluster;
  static std::string reason;
  static bool tried = false;
  std::lock_guard lock(mu);
  if (!tried) {
    tried = true;
    cluster = std::make_unique<PostgresCluster>();
    if (!cluster->Start(&reason)) cluster.reset();
  }
  *why_not = reason;
  return cluster.get();
}

// ---------------------------------------------------------------- TCP relay

TcpRelay::TcpRelay(int target_port) : target_port_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 64);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

TcpRelay::~TcpRelay() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : pipes_) t.join();
  close(listen_fd_);
}

void TcpRelay::CutResponseWhen(std::function<bool()> pred) {
  cut_response_when_ = std::move(pred);
  response_armed_ = true;
}

void TcpRelay::DelayResponseWhen(std::function<bool()> pred, int hold_ms) {
  delay_response_when_ = std::move(pred);
  delay_hold_ms_ = hold_ms;
  delay_armed_ = true;
}

void TcpRelay::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(target_port_));
    if (connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(client);
      close(server);
      continue;
    }
    ++connections_;
    pipes_.emplace_back([this, client, server] { Pipe(client, server); });
  }
}

void TcpRelay::Pipe(int client, int server) {
  char buf[16384];
  bool open = true;
  while (open && !stop_) {
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (poll(p, 2, 50) <= 0) continue;
    for (int k = 0; k < 2 && open; ++k) {
      if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(p[k].fd, buf, sizeof buf);
      if (n <= 0) {
        open = false;
        break;
      }
      if (k == 0) {  // client -> server
        int64_t limit = cut_request_after_.load();
        if (limit >= 0) {
          int64_t before = forwarded_.fetch_add(n);
          if (before + n > limit) {
            int64_t keep = std::max<int64_t>(0, limit - before);
            if (keep > 0) (void)!write(server, buf, static_cast<size_t>(keep));
            cut_request_after_ = -1;
            forwarded_ = 0;
            ++cuts_;
            open = false;
            break;
          }
        }
      } else if (response_armed_ && cut_response_when_ && cut_response_when_()) {
        response_armed_ = false;
        ++cuts_;
        open = false;
        break;
      } else if (delay_armed_ && delay_response_when_ && delay_response_when_()) {
        delay_armed_ = false;
        ++delays_;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_hold_ms_);
        while (!stop_ && std::chrono::steady_clock::now() < until)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      const int to = k == 0 ? server : client;
      ssize_t off = 0;
      while (off < n) {
        ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
        if (w <= 0) {
          open = false;
          break;
        }
        off += w;
      }
    }
  }
  // An abrupt close (RST) like a dropped link, not a tidy FIN.
  linger lg{1, 0};
  setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(client);
  close(server);
}

// ---------------------------------------------------------------- records

Read MakeRead(const std::string& unit, int i, std::size_t image_bytes) {
  Read r;
  r.uuid = NewUuid();
  const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
  r.vrm = std::string("AB") + char('0' + (i / 10) % 10) + char('0' + i % 10) + letters[i % 23] +
          letters[(i / 23) % 23] + letters[(i / 529) % 23];
  r.confidence = 80 + i % 20;
  r.char_confidence = {90, 91, 92, 93, 94, 95, 96};
  r.candidates = {{r.vrm.substr(0, 6) + "8", 40}};
  r.syntax = "gb-current";
  r.captured_at_utc_ms = 1763900000000 + int64_t{i} * 1000;
  r.clock_source = ClockSource::kGps;
  r.camera_id = "front";
  r.unit_id = unit;
  r.officer_id = "PC1234";
  r.position.mode = FixMode::k3D;
  r.position.lat_deg = 51.5 + i * 1e-5;
  r.position.lon_deg = -0.12;
  r.position.speed_mps = 13.4;
  r.position.heading_deg = 90;
  r.position.fix_age_ms = 200;
  r.plate_jpeg.resize(image_bytes);
  r.overview_jpeg.resize(image_bytes);
  for (std::size_t k = 0; k < image_bytes; ++k) {
    r.plate_jpeg[k] = static_cast<uint8_t>((k * 31 + static_cast<std::size_t>(i)) & 0xFF);
    r.overview_jpeg[k] = static_cast<uint8_t>((k * 17 + static_cast<std::size_t>(i) * 7) & 0xFF);
  }
  if (image_bytes >= 2) {
    r.plate_jpeg[0] = r.overview_jpeg[0] = 0xFF;
    r.plate_jpeg[1] = r.overview_jpeg[1] = 0xD8;
  }
  return r;
}

Hit MakeHit(const Read& read, int i) {
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = read.uuid;
  h.list_name = "PNC";
  h.entry_vrm = read.vrm;
  h.priority = i % 3 == 0 ? Priority::kHigh : Priority::kMedium;
  h.reason = "stolen vehicle";
  h.information = "stop and check";
  h.raised_at_utc_ms = read.captured_at_utc_ms + 50;
  return h;
}

WireAuditEntry MakeAudit(const std::string& unit, int i) {
  WireAuditEntry a;
  a.uuid = NewUuid();
  a.at_utc_ms = 1763900000000 + int64_t{i} * 1000;
  a.unit_id = unit;
  a.actor = "PC1234";
  a.action = "logon";
  a.detail = "shift start " + std::to_string(i);
  return a;
}

// ---------------------------------------------------------------- processes

DepotProcess::DepotProcess(std::vector<std::string> args) : args_(std::move(args)) {}

DepotProcess::~DepotProcess() { Kill(); }

bool DepotProcess::Start() {
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/sync/app/anpr-depot";
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (auto& a : args_) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;
  return true;
}

void DepotProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  pid_ = -1;
}

bool WaitFor(const std::function<bool()>& pred, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

}  // namespace anpr::sync::testing
