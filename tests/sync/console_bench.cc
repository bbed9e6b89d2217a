// Benchmark of the console's Fleet page (issue 17's target: 500 vehicles in
// at most 200 ms): 500 cars' heartbeats in a real depot database, the page
// fetched over loopback TLS as a logged-in investigator. Prints the server
// round trip p50/p95 for SQLite and, where it can start, PostgreSQL.
// Measured, not asserted; not run by CTest.
//   console_bench [vehicles] [fetches]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>

#include "sync/console_store.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/web_console.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

void Measure(const std::string& kind, const std::string& url, const std::string& dir, int vehicles, int fetches) {
  auto store = OpenDepotStore(url);
  auto console = ConsoleStore::Open(url);
  if (!store.ok() || !console.ok() || !(*store)->Migrate().ok() || !(*console)->Migrate().ok()) {
    std::printf("%s: cannot open %s\n", kind.c_str(), url.c_str());
    return;
  }
  for (int i = 0; i < vehicles; ++i) {
    Heartbeat hb;
    hb.unit_id = "PATROL-" + std::to_string(1000 + i);
    hb.cameras = {{"front", i % 50 == 0 ? "no frames" : "running"}};
    hb.gps_fix = "3d";
    hb.gps_fix_age_ms = 300;
    hb.clock_offset_ms = 5;
    hb.disk_used_bytes = 20'000'000'000;
    hb.disk_total_bytes = 64'000'000'000;
    hb.software_version = "0.9.0";
    for (int k = 0; k < 3; ++k)
      if (!(*console)->RecordHeartbeat(hb, NowUtcMs()).ok()) return;
  }
  (*console)->AddUser("bench", ConsoleRole::kInvestigator, "a long bench password").IgnoreError();
  DepotServerOptions o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.cert_file = dir + "/cert.pem";
  o.key_file = dir + "/key.pem";
  DepotServer server(store->get(), o);
  server.AttachConsole(console->get(), WebConsoleOptions{});
  if (!server.Start().ok()) return;
  httplib::SSLClient c("127.0.0.1", server.port());
  c.set_ca_cert_path((dir + "/cert.pem").c_str());
  auto login = c.Get("/console/login");
  std::smatch m;
  std::regex_search(login->body, m, std::regex("name=csrf value=\"([0-9a-f]+)\""));
  const std::string lc = login->get_header_value("Set-Cookie");
  auto r = c.Post("/console/login", {{"Cookie", lc.substr(0, lc.find(';'))}},
                  httplib::Params{{"csrf", m[1].str()}, {"name", "bench"}, {"password", "a long bench password"}});
  const std::string sc = r->get_header_value("Set-Cookie");
  const httplib::Headers session = {{"Cookie", sc.substr(0, sc.find(';'))}};
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < fetches; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto page = c.Get("/console/fleet", session);
    const auto t1 = std::chrono::steady_clock::now();
    if (!page || page->status != 200) {
      std::printf("%s: fleet page failed\n", kind.c_str());
      return;
    }
    bytes = page->body.size();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%s: fleet page, %d vehicles (%zu bytes): p50 %.1f ms, p95 %.1f ms over %d fetches\n", kind.c_str(),
              vehicles, bytes, ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], fetches);
}

}  // namespace
}  // namespace anpr::sync

int main(int argc, char** argv) {
  const int vehicles = argc > 1 ? std::atoi(argv[1]) : 500;
  const int fetches = argc > 2 ? std::atoi(argv[2]) : 40;
  anpr::sync::testing::TempDir dir;
  if (!anpr::sync::testing::MakeTestCertificate(dir.path())) return 1;
  anpr::sync::Measure("sqlite", "sqlite:" + dir.File("depot.db"), dir.path(), vehicles, fetches);
  std::string why;
  if (auto* pg = anpr::sync::testing::PostgresCluster::Shared(&why))
    anpr::sync::Measure("postgresql", pg->NewDatabase(), dir.path(), vehicles, fetches);
  else
    std::printf("postgresql: not measured (%s)\n", why.c_str());
  return 0;
}
