// Issue 14, failure 4: the bearer token went out in clear because the
// plain-HTTP rule looked at the URL's text ("http://localhost:x@127.0.0.2:P"
// starts with "http://localhost" but names host 127.0.0.2). The rule now
// parses with libcurl; the real `anpr sync` program and the unit's
// configuration check must both refuse such a URL, and no byte may reach the
// host it names.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "sync/depot_url.h"
#include "tests/integration/run_command.h"
#include "vehicle/app/unit_config.h"

namespace anpr {
namespace {

// A TCP listener on 127.0.0.2 that counts the bytes anyone sends it: the host
// a smuggled URL really names.
class ByteTrap {
 public:
  ByteTrap() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0) return;
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        connections_++;
        char buf[4096];
        pollfd pc{c, POLLIN, 0};
        while (poll(&pc, 1, 500) > 0) {
          const ssize_t n = recv(c, buf, sizeof buf, 0);
          if (n <= 0) break;
          bytes_ += n;
        }
        close(c);
      }
    });
  }
  ~ByteTrap() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  long bytes() const { return bytes_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<long> bytes_{0};
  std::thread thread_;
};

TEST(DepotUrl, TheRuleLooksAtTheParsedHost) {
  for (const char* ok : {"https://depot.example:8443", "https://10.0.0.5", "http://127.0.0.1:8443",
                         "http://localhost:8443/", "http://[::1]:8443", "HTTP://LOCALHOST:1"}) {
    EXPECT_TRUE(sync::CheckDepotUrl(ok).ok()) << ok << ": " << sync::CheckDepotUrl(ok).ToString();
  }
  for (const char* bad : {"http://localhost:x@127.0.0.2:8443", "http://localhost@127.0.0.2", "https://u:p@depot.example",
                          "http://127.0.0.1.evil.example", "http://localhost.evil.example:80", "http://127.0.0.2",
                          "http://depot.example", "ftp://127.0.0.1/", "localhost:8443", "127.0.0.1:8443",
                          "https://depot.example/?x=1", "http://[::1]@evil.example", "", "https://"}) {
    const Status s = sync::CheckDepotUrl(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    // The reason never repeats a password.
    EXPECT_EQ(s.message().find("x@"), std::string::npos) << s.message();
  }
}

TEST(DepotUrl, TheUnitsConfigurationRefusesUserInfoSmuggling) {
  for (const char* bad : {"http://localhost:x@127.0.0.2:8443", "http://127.0.0.1.evil.example:8443",
                          "http://localhost@depot.example"}) {
    const std::string text = std::string("[depot]\nurl = \"") + bad + "\"\ntoken_file = \"t\"\n";
    auto r = unit::ParseUnitConfig(text, "t.toml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("depot.url"), std::string::npos) << r.status().message();
  }
  auto ok = unit::ParseUnitConfig("[depot]\nurl = \"http://[::1]:8443\"\ntoken_file = \"t\"\n", "t.toml");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(DepotUrl, AnprSyncSendsNoTokenToTheHostASmuggledUrlNames) {
  ByteTrap trap;
  ASSERT_GT(trap.port(), 0) << "cannot listen on 127.0.0.2";
  const std::string anpr = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr";
  const std::string outbox = "/tmp/anpr_depot_url_test_" + std::to_string(getpid()) + ".db";
  const std::string url = "http://localhost:x@127.0.0.2:" + std::to_string(trap.port());
  const auto r = testing::RunCommand("timeout 20 " + anpr + " sync --once --depot '" + url +
                                     "' --token SECRET-TOKEN --unit CAR-1 --outbox " + outbox);
  std::remove(outbox.c_str());
  std::remove((outbox + "-wal").c_str());
  std::remove((outbox + "-shm").c_str());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::printf("anpr sync exit %d, trap saw %d connections and %ld bytes\n", r.exit_code, trap.connections(),
              trap.bytes());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(trap.connections(), 0) << r.output;
  EXPECT_EQ(trap.bytes(), 0);
  EXPECT_NE(r.output.find("user name or password"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr
