// Issue 14: kill -9 of `anpr-vehicle --demo` left gpsfake and gpsd running.
// The real program is started, left to bring up its simulated GPS, then
// killed with SIGKILL (no code of the unit runs); within 2 s nothing it
// started may be left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/temp_dir.h"
#include "vehicle/app/subprocess.h"

namespace {

struct Proc {
  pid_t ppid = 0;
  std::string comm;
  char state = '?';
};

// Every process now, by pid (from /proc/PID/stat).
std::map<pid_t, Proc> Processes() {
  std::map<pid_t, Proc> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    Proc p;
    p.comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    rest >> p.state >> p.ppid;
    out[static_cast<pid_t>(std::stol(name))] = p;
  }
  return out;
}

// The processes whose ancestor is `root`, with their names.
std::map<pid_t, std::string> Descendants(pid_t root) {
  const auto procs = Processes();
  std::map<pid_t, std::string> out;
  for (const auto& [pid, p] : procs) {
    for (pid_t up = p.ppid; up > 1;) {
      if (up == root) {
        out[pid] = p.comm;
        break;
      }
      auto it = procs.find(up);
      if (it == procs.end()) break;
      up = it->second.ppid;
    }
  }
  return out;
}

bool Alive(pid_t pid) {
  auto procs = Processes();
  auto it = procs.find(pid);
  return it != procs.end() && it->second.state != 'Z' && it->second.state != 'X';
}

pid_t StartDemo(const std::string& log_path) {
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen(log_path.c_str(), "w", stdout);
    std::freopen(log_path.c_str(), "a", stderr);
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    execl(exe.c_str(), exe.c_str(), "--demo", "--headless", "--duration", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(HelperProcesses, DieWithTheUnitOnKill9) {
  for (int round = 0; round < 3; ++round) {
    anpr::testing::TempDir dir;
    const pid_t unit = StartDemo(dir.File("unit.log"));
    ASSERT_GT(unit, 0);
    // Up: gpsfake and the gpsd it starts, both below the unit.
    std::map<pid_t, std::string> helpers;
    bool up = false;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         std::chrono::steady_clock::now() < deadline && !up;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      helpers = Descendants(unit);
      bool gpsfake = false, gpsd = false;
      for (const auto& [pid, comm] : helpers) {
        gpsfake |= comm == "gpsfake";
        gpsd |= comm == "gpsd";
      }
      up = gpsfake && gpsd;
    }
    if (!up) {
      kill(unit, SIGKILL);
      waitpid(unit, nullptr, 0);
      std::ifstream log(dir.File("unit.log"));
      std::stringstream text;
      text << log.rdbuf();
      FAIL() << "the demo did not start gpsfake and gpsd within 20 s:\n" << text.str();
    }
    helpers = Descendants(unit);
    ASSERT_EQ(kill(unit, SIGKILL), 0);
    ASSERT_EQ(waitpid(unit, nullptr, 0), unit);

    std::set<pid_t> left;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);;) {
      left.clear();
      for (const auto& [pid, comm] : helpers) {
        if (Alive(pid)) left.insert(pid);
      }
      if (left.empty() || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (pid_t pid : left) {
      ADD_FAILURE() << "round " << round << ": " << helpers[pid] << " (pid " << pid
                    << ") outlived the unit by 2 s";
      kill(pid, SIGKILL);  // do not leave it for the next test
    }
  }
}

// PR_SET_PDEATHSIG fires when the thread that forked exits, not only the
// process: a helper started from a short-lived thread must keep running.
TEST(HelperProcesses, OutliveTheThreadThatStartedThem) {
  anpr::unit::Subprocess sleeper;
  std::thread starter([&] { ASSERT_TRUE(sleeper.Start({"sleep", "30"}).ok()); });
  starter.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(sleeper.running()) << "the helper died with the thread that started it";
  std::map<pid_t, std::string> below = Descendants(sleeper.pid());
  ASSERT_EQ(below.size(), 1u);
  const pid_t sleep_pid = below.begin()->first;
  EXPECT_TRUE(Alive(sleep_pid));
  const auto t0 = std::chrono::steady_clock::now();
  sleeper.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_FALSE(sleeper.running());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(Alive(sleep_pid));
}

}  // namespace
