// The built programs under a stand-in for systemd: the test owns the unix
// datagram socket $NOTIFY_SOCKET names and sets $WATCHDOG_USEC, as systemd
// does for a Type=notify unit with WatchdogSec=. It checks READY=1, steady
// WATCHDOG=1 pings, STOPPING=1 on SIGTERM, and that a hung recognition loop
// (the ANPR_TEST_HANG_LOOP hook of service/service_health.h) stops the pings
// while the rest of the program runs on.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The service manager's end of the notify protocol.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool bound() const { return bound_; }
  // The next datagram, or nothing within timeout_ms.
  std::optional<std::string> Receive(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

// A program started with extra environment variables, output to a file.
class Program {
 public:
  Program(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, const std::string& log) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      if (kv.rfind("NOTIFY_SOCKET=", 0) == 0 || kv.rfind("WATCHDOG_", 0) == 0 || kv.rfind("ANPR_TEST_", 0) == 0 ||
          kv.rfind("JOURNAL_STREAM=", 0) == 0)
        continue;
      env.push_back(kv);
    }
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      std::vector<char*> args, envp;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
  }
  ~Program() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool Running() {
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return !exited_;
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  // The exit code once it ended within timeout_s, else nullopt.
  std::optional<int> WaitExit(double timeout_s) {
    const auto start = Clock::now();
    while (SecondsSince(start) < timeout_s) {
      if (!Running()) return exit_code_;
      ::usleep(50'000);
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits for READY=1; false after timeout_s.
bool WaitReady(NotifySocket* sock, Program* program, double timeout_s) {
  const auto start = Clock::now();
  while (SecondsSince(start) < timeout_s && program->Running()) {
    if (auto m = sock->Receive(200); m && *m == "READY=1") return true;
  }
  return false;
}

// The unit with no hardware and no screen: synthetic camera, no gpsd.
std::string WriteUnitConfig(const anpr::testing::TempDir& dir) {
  const std::string path = dir.path() + "/unit.toml";
  std::ofstream(path) << "[unit]\nid = \"WATCHDOG-01\"\ndata_dir = \"" << dir.path()
                      << "/data\"\n\n[camera]\nsource = \"synthetic\"\nwidth = 320\nheight = 240\nfps = 5\n\n"
                         "[gps]\ngpsd = \"127.0.0.1:9\"\n\n[hmi]\nenabled = false\n";
  return path;
}

const std::string kVehicle = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
const std::string kDepot = std::string(ANPR_BINARY_DIR) + "/sync/app/anpr-depot";

TEST(VehicleNotify, ReadyThenSteadyWatchdogPingsThenStoppingOnSigterm) {
  anpr::testing::TempDir dir;
  NotifySocket sock(dir.path() + "/notify.sock");
  ASSERT_TRUE(sock.bound());
  const std::string log = dir.path() + "/unit.log";
  // WatchdogSec=10: a ping every 2.5 s, loops stall after 5 s (room for a
  // sanitizer build's slow frames).
  Program unit({kVehicle, "--config", WriteUnitConfig(dir)},
               {"NOTIFY_SOCKET=" + dir.path() + "/notify.sock", "WATCHDOG_USEC=10000000"}, log);
  ASSERT_TRUE(WaitReady(&sock, &unit, 90)) << ReadFile(log);
  std::vector<double> pings;
  const auto start = Clock::now();
  constexpr double kWatchS = 15;
  while (SecondsSince(start) < kWatchS) {
    if (auto m = sock.Receive(100); m && *m == "WATCHDOG=1") pings.push_back(SecondsSince(start));
  }
  ASSERT_TRUE(unit.Running()) << ReadFile(log);
  ASSERT_GE(pings.size(), 4u) << ReadFile(log);
  double max_gap = pings.front();
  for (size_t i = 1; i < pings.size(); ++i) max_gap = std::max(max_gap, pings[i] - pings[i - 1]);
  EXPECT_LT(max_gap, 6.0) << "a gap the watchdog (10 s) nearly fired in\n" << ReadFile(log);
  EXPECT_LT(kWatchS - pings.back(), 6.0) << "pings stopped while the unit ran normally\n" << ReadFile(log);

  unit.Signal(SIGTERM);
  bool stopping = false;
  const auto stop_start = Clock::now();
  while (!stopping && SecondsSince(stop_start) < 20) {
    if (auto m = sock.Receive(200); m && *m == "STOPPING=1") stopping = true;
  }
  EXPECT_TRUE(stopping);
  EXPECT_EQ(unit.WaitExit(20), std::optional<int>(0)) << ReadFile(log);
}

TEST(VehicleNotify, AHungRecognitionLoopStopsThePingsThoughTheProgramRunsOn) {
  anpr::testing::TempDir dir;
  NotifySocket sock(dir.path() + "/notify.sock");
  ASSERT_TRUE(sock.bound());
  const std::string log = dir.path() + "/unit.log";
  Program unit({kVehicle, "--config", WriteUnitConfig(dir)},
               {"NOTIFY_SOCKET=" + dir.path() + "/notify.sock", "WATCHDOG_USEC=10000000",
                "ANPR_TEST_HANG_LOOP=recognition-1:8000"},
               log);
  ASSERT_TRUE(WaitReady(&sock, &unit, 90)) << ReadFile(log);
  // Pings, then, once the loop hangs (8 s after it started) and its 5 s
  // stall limit passed, none: wait for 12 s of silence (WatchdogSec is 10;
  // a working unit pings every 2.5 s, see the test above).
  int pings = 0;
  auto last_ping = Clock::now();
  const auto start = Clock::now();
  while (SecondsSince(start) < 60 && SecondsSince(last_ping) < 12) {
    if (auto m = sock.Receive(100); m && *m == "WATCHDOG=1") {
      ++pings;
      last_ping = Clock::now();
    }
  }
  const std::string output = ReadFile(log);
  EXPECT_GE(pings, 1) << output;
  EXPECT_GE(SecondsSince(last_ping), 12) << "still pinged " << SecondsSince(start) << " s after start:\n" << output;
  EXPECT_TRUE(unit.Running()) << "the main loop should run on; only the pings stop\n" << output;
  // The pool's first worker (of recognition.threads, each a loop).
  EXPECT_NE(output.find("loop 'recognition-1' hangs now"), std::string::npos) << output;
  EXPECT_NE(output.find("watchdog: loop 'recognition-1' made no progress"), std::string::npos) << output;
}

TEST(DepotNotify, ReadyThenPingsWhileItAnswersItsOwnHealthOverTlsThenStopping) {
  anpr::testing::TempDir dir;
  NotifySocket sock(dir.path() + "/notify.sock");
  ASSERT_TRUE(sock.bound());
  const std::string log = dir.path() + "/depot.log";
  // As in service: TLS, with a self-signed certificate.
  const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + key +
                         " -out " + cert + " -days 2 -subj /CN=localhost 2>/dev/null")
                            .c_str()),
            0)
      << "openssl (hw/setup-host.sh installs it) could not make a certificate";
  // WatchdogSec=3: probes every 0.5 s, a ping every 0.75 s.
  Program depot({kDepot, "--db", "sqlite:" + dir.path() + "/depot.db", "serve", "--cert", cert, "--key", key,
                 "--listen", "127.0.0.1", "--port", "0"},
                {"NOTIFY_SOCKET=" + dir.path() + "/notify.sock", "WATCHDOG_USEC=3000000"}, log);
  ASSERT_TRUE(WaitReady(&sock, &depot, 60)) << ReadFile(log);
  int pings = 0;
  const auto start = Clock::now();
  while (SecondsSince(start) < 5) {
    if (auto m = sock.Receive(100); m && *m == "WATCHDOG=1") ++pings;
  }
  EXPECT_GE(pings, 3) << ReadFile(log);
  depot.Signal(SIGTERM);
  bool stopping = false;
  while (!stopping && SecondsSince(start) < 25) {
    if (auto m = sock.Receive(200); m && *m == "STOPPING=1") stopping = true;
  }
  EXPECT_TRUE(stopping);
  EXPECT_EQ(depot.WaitExit(20), std::optional<int>(0)) << ReadFile(log);
}

TEST(DepotNotify, WithoutNotifySocketItRunsAsBefore) {
  anpr::testing::TempDir dir;
  const std::string log = dir.path() + "/depot.log";
  Program depot({kDepot, "--db", "sqlite:" + dir.path() + "/depot.db", "serve", "--insecure-loopback-dev",
                 "--listen", "127.0.0.1", "--port", "0"},
                {}, log);
  const auto start = Clock::now();
  while (SecondsSince(start) < 30 && ReadFile(log).find("listening on port") == std::string::npos) ::usleep(100'000);
  ASSERT_NE(ReadFile(log).find("listening on port"), std::string::npos) << ReadFile(log);
  depot.Signal(SIGTERM);
  EXPECT_EQ(depot.WaitExit(20), std::optional<int>(0)) << ReadFile(log);
}

}  // namespace
