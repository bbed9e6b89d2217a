// Runs gpsfake (a real gpsd fed from an NMEA log over a pty) on a free
// loopback port for a test, and parses the log so tests can check what the
// client reports against what the receiver sent.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace anpr::testing {

inline std::string DriveLogPath() { return std::string(ANPR_SOURCE_DIR) + "/tests/capture/data/drive_hendon.nmea"; }

inline bool HaveGpsfake() { return std::system("command -v gpsfake >/dev/null 2>&1") == 0; }

// A loopback TCP port nobody listens on right now.
inline int FreePort() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

inline bool PortAccepts(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(uint16_t(port));
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(s);
  return ok;
}
// The environment gpsfake runs in: this process's, with TMPDIR set to a
// folder of the test's own (see GpsFake::Start). Built before fork(), as
// the child of a threaded test must not allocate.
class GpsfakeEnv {
 public:
  explicit GpsfakeEnv(const std::string& tmp_dir) {
    for (char** e = environ; *e != nullptr; ++e)
      if (std::strncmp(*e, "TMPDIR=", 7) != 0) vars_.emplace_back(*e);
    vars_.push_back("TMPDIR=" + tmp_dir);
    for (std::string& v : vars_) ptrs_.push_back(v.data());
    ptrs_.push_back(nullptr);
  }
  char* const* envp() { return ptrs_.data(); }

 private:
  std::vector<std::string> vars_;
  std::vector<char*> ptrs_;
};

class GpsFake {
 public:
  // Starts gpsfake replaying `log` with `sentence_delay_s` between sentences;
  // loops unless `once` (then gpsd stays up `linger_s` after the end).
  // Waits until gpsd accepts connections. gpsfake gets a TMPDIR of its own:
  // it takes an existing $TMPDIR/gpsfake-<its pid>.sock for its gpsd's
  // control socket being ready, so a stale one in a shared /tmp (an earlier
  // gpsfake killed hard, its pid now reused) has it add the log's device
  // before gpsd listens, and gpsd then reports nothing.
  bool Start(const std::string& log, int port, double sentence_delay_s, bool once = false, int linger_s = 30) {
    port_ = port;
    char tmpl[] = "/tmp/anpr-gpsfake-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return false;
    tmp_dir_ = tmpl;
    GpsfakeEnv env(tmp_dir_);
    // Everything the child needs is built here: it must not allocate.
    const std::string p = std::to_string(port);
    std::ostringstream c;
    c << sentence_delay_s;
    const std::string cycle = c.str();
    const std::string w = std::to_string(linger_s);
    std::vector<const char*> args = {"gpsfake", "-q", "-P", p.c_str(), "-c", cycle.c_str()};
    if (once) {
      args.push_back("-1");
      args.push_back("-W");
      args.push_back(w.c_str());
    }
    args.push_back(log.c_str());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);  // its own group, so Stop() also reaches the gpsd it starts
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execvpe("gpsfake", const_cast<char* const*>(args.data()), env.envp());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    for (int i = 0; i < 100; ++i) {
      if (PortAccepts(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Stops gpsfake and its gpsd (the process group this object started).
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (i == 60) ::kill(-pid_, SIGKILL);
    }
    // gpsd may outlive gpsfake by a moment; wait until the port is free.
    for (int i = 0; i < 100 && PortAccepts(port_); ++i) {
      if (i == 50) ::kill(-pid_, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // gpsfake leaves its gpsd control socket behind when terminated.
    ::unlink((tmp_dir_ + "/gpsfake-" + std::to_string(pid_) + ".sock").c_str());
    ::rmdir(tmp_dir_.c_str());
    pid_ = -1;
  }

  ~GpsFake() { Stop(); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string tmp_dir_;
};

// One epoch of the log as the receiver sent it.
struct LogEpoch {
  bool fix = false;
  double lat_deg = NAN, lon_deg = NAN, speed_mps = NAN, track_deg = NAN, alt_msl_m = NAN;
};

inline double NmeaDegrees(const std::string& v, const std::string& hemi, int deg_digits) {
  const double deg = std::stod(v.substr(0, size_t(deg_digits)));
  const double min = std::stod(v.substr(size_t(deg_digits)));
  const double d = deg + min / 60.0;
  return (hemi == "S" || hemi == "W") ? -d : d;
}

// Epochs of an NMEA log keyed by UTC time of day in ms (from RMC and GGA).
inline std::map<int64_t, LogEpoch> ParseLog(const std::string& path) {
  std::map<int64_t, LogEpoch> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 7 || line[0] != '$') continue;
    line = line.substr(1, line.find('*') - 1);
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string item;
    while (std::getline(ss, item, ',')) f.push_back(item);
    if (f.size() < 10 || f[1].size() < 6) continue;
    const int64_t tod_ms = int64_t(std::llround((std::stoi(f[1].substr(0, 2)) * 3600 + std::stoi(f[1].substr(2, 2)) * 60 +
                                                 std::stod(f[1].substr(4))) * 1000));
    LogEpoch& e = out[tod_ms];
    if (f[0].substr(2) == "RMC" && f[2] == "A") {
      e.fix = true;
      e.lat_deg = NmeaDegrees(f[3], f[4], 2);
      e.lon_deg = NmeaDegrees(f[5], f[6], 3);
      e.speed_mps = std::stod(f[7]) * 0.514444;
      e.track_deg = std::stod(f[8]);
    } else if (f[0].substr(2) == "GGA" && f[6] != "0" && !f[9].empty()) {
      e.alt_msl_m = std::stod(f[9]);
    }
  }
  return out;
}

}  // namespace anpr::testing
