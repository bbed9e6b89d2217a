#include "vehicle/app/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace anpr::unit {

namespace {

// argv[0] as execvp would find it, resolved before fork (no allocation after
// it). Empty when not found.
std::string ResolveProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > start ? dirs.substr(start, end - start) : std::string(".");
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::string();
}

constexpr int kGuardStopSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
// The guard's parent-death signal: also sent when only the unit's thread
// that started it exits (Linux ties PDEATHSIG to the thread), so the guard
// checks getppid() before acting on it.
constexpr int kParentDied = SIGUSR1;

// The guard: the child of the unit that owns the program's process group.
// Runs between fork and _exit in a child of a multi-threaded process, so it
// makes only async-signal-safe calls (no allocation, no locks).
[[noreturn]] void RunGuard(pid_t unit_pid, const char* path, char* const argv[], int out_fd, int in_fd,
                           int grace_ms) {
  // Every signal is blocked (the parent blocked them around fork): reset the
  // unit's handlers before anything can be delivered here.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, kParentDied);
  if (getppid() != unit_pid) _exit(0);  // the unit died before the line above
  const pid_t guard = getpid();
  const pid_t child = fork();
  if (child == 0) {
    // The program: killed (SIGTERM: gpsfake then stops its gpsd) if the guard goes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != guard) _exit(127);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    dup2(in_fd, 0);
    close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(path, argv, environ);
    _exit(127);
  }
  close_range(3, ~0U, 0);  // the unit's files and sockets are not the guard's to hold
  if (child < 0) _exit(127);
  sigset_t wanted;
  sigemptyset(&wanted);
  for (int sig : kGuardStopSignals) sigaddset(&wanted, sig);
  sigaddset(&wanted, kParentDied);
  sigaddset(&wanted, SIGCHLD);
  const timespec tick{0, 100 * 1000 * 1000};
  int status = 0;
  for (;;) {  // until the program exits or the unit goes
    const int sig = sigtimedwait(&wanted, nullptr, &tick);
    if (waitpid(child, &status, WNOHANG) == child) {
      kill(-guard, SIGKILL);  // what the program left in the group (gpsd), and the guard
      _exit(127);
    }
    if (sig < 0 || sig == SIGCHLD) continue;
    if (sig == kParentDied && getppid() == unit_pid) continue;  // only a thread of the unit exited
    break;
  }
  kill(child, SIGTERM);
  for (int waited_ms = 0; waited_ms < grace_ms; waited_ms += 100) {
    if (waitpid(child, &status, WNOHANG) == child) break;
    sigtimedwait(&wanted, nullptr, &tick);
  }
  kill(-guard, SIGKILL);
  _exit(127);
}

}  // namespace

Status Subprocess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return InvalidArgument("no program to start");
  Stop();
  const std::string path = ResolveProgram(argv[0]);
  if (path.empty()) return Unavailable("cannot start " + argv[0] + ": " + std::strerror(ENOENT));
  const char* out = log_path.empty() ? "/dev/null" : log_path.c_str();
  const int out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0) return Unavailable("cannot start " + argv[0] + ": " + out + ": " + std::strerror(errno));
  const int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) {
    close(out_fd);
    return Unavailable("cannot start " + argv[0] + ": /dev/null: " + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t unit_pid = getpid();
  // Blocked across fork: no signal may run the unit's handlers in the guard.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = fork();
  if (pid == 0) RunGuard(unit_pid, path.c_str(), args.data(), out_fd, in_fd, kGuardGraceMs);
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(out_fd);
  close(in_fd);
  if (pid < 0) return Unavailable("cannot start " + argv[0] + ": " + std::strerror(fork_errno));
  setpgid(pid, pid);  // also done by the guard; whichever runs first
  pid_ = pid;
  return Status::Ok();
}

bool Subprocess::running() const {
  if (pid_ <= 0) return false;
  return waitpid(pid_, nullptr, WNOHANG) == 0;
}

void Subprocess::Stop(int grace_ms) {
  if (pid_ <= 0) return;
  kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) != 0) {
      kill(-pid_, SIGKILL);  // stragglers of the group (gpsd) go too
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool WaitForPort(int port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace anpr::unit
