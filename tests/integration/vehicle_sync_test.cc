// The unit's evidence path end to end, as a force would run it: anpr-vehicle
// with a camera (the synthetic drive, the only stand-in), no gpsd, and a real
// anpr-depot process over loopback TLS with an enrolled vehicle credential.
// What a depot administrator sees afterwards: the depot holds the car's reads
// exactly once, and the car's store marks synced exactly what the depot holds.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "sync/depot_store.h"
#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

// The command's output; its exit code in *exit_code.
std::string RunCommand(const std::string& command, int* exit_code) {
  auto r = testing::RunCommand(command);
  *exit_code = r.exit_code;
  return r.output;
}

std::string LastLine(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

TEST(VehicleSync, ReadsMadeByTheUnitReachTheDepotExactlyOnce) {
  sync::testing::TempDir dir;
  ASSERT_TRUE(sync::testing::MakeTestCertificate(dir.path()));
  const std::string bin = ANPR_BINARY_DIR;
  const std::string depot = bin + "/sync/app/anpr-depot --db sqlite:" + dir.File("depot.db");
  int rc = -1;
  std::string out = RunCommand(depot + " migrate", &rc);
  ASSERT_EQ(rc, 0) << out;
  out = RunCommand(depot + " enroll PATROL-07", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::string token = LastLine(out);
  ASSERT_EQ(token.size(), 64u) << out;
  std::ofstream(dir.File("depot.token")) << token << "\n";

  const int port = sync::testing::FreePort();
  sync::testing::DepotProcess server({"--db", "sqlite:" + dir.File("depot.db"), "serve",
                                      "--cert", dir.File("cert.pem"), "--key", dir.File("key.pem"), "--listen",
                                      "127.0.0.1", "--port", std::to_string(port)});
  ASSERT_TRUE(server.Start());

  std::ofstream(dir.File("unit.toml")) << "[unit]\nid = \"PATROL-07\"\ndata_dir = \"" << dir.File("unit")
                                       << "\"\n[camera]\nsource = \"synthetic\"\nwidth = 960\nheight = 540\nfps = 10\n"
                                       << "[gps]\ngpsd = \"127.0.0.1:" << sync::testing::FreePort() << "\"\n"
                                       << "[depot]\nurl = \"https://127.0.0.1:" << port << "\"\ntoken_file = \""
                                       << dir.File("depot.token") << "\"\nca_file = \"" << dir.File("cert.pem")
                                       << "\"\ninterval_s = 1\n[hmi]\nenabled = false\n";
  out = RunCommand("env -u DISPLAY " + bin + "/vehicle/app/anpr-vehicle --config " + dir.File("unit.toml") +
                " --duration 20",
            &rc);
  ASSERT_EQ(rc, 0) << out;
  server.Kill();

  StoreOptions so;
  so.path = dir.File("unit/anpr.db");
  auto car = Store::Open(so);
  ASSERT_TRUE(car.ok()) << car.status().ToString();
  auto reads = (*car)->FindReads(ReadQuery{});
  ASSERT_TRUE(reads.ok());
  ASSERT_GE(reads->size(), 2u) << "the unit read no plates in 20 s\n" << out;
  auto held = sync::OpenDepotStore("sqlite:" + dir.File("depot.db"));
  ASSERT_TRUE(held.ok());
  int synced = 0;
  for (const Read& r : *reads) {
    EXPECT_EQ(r.unit_id, "PATROL-07");
    auto there = (*held)->Holds("read", r.uuid);
    ASSERT_TRUE(there.ok());
    EXPECT_EQ(*there, r.synced_at_utc_ms.has_value()) << "car and depot disagree on " << r.vrm;
    synced += r.synced_at_utc_ms.has_value();
  }
  // Passes run every second: all but the reads of the last second are there.
  EXPECT_GE(synced, static_cast<int>(reads->size()) - 3) << out;
  auto counts = (*held)->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->reads, synced);
  EXPECT_EQ(counts->distinct_read_uuids, counts->reads);
  EXPECT_GT(counts->audit, 0) << "the car's audit trail is synced too";
  car->reset();
  held->reset();

  // At the depot's yard: a manual `anpr sync --once` from the same store
  // sends what the last seconds left behind, and nothing twice.
  sync::testing::DepotProcess again({"--db", "sqlite:" + dir.File("depot.db"), "serve", "--cert",
                                     dir.File("cert.pem"), "--key", dir.File("key.pem"), "--listen", "127.0.0.1",
                                     "--port", std::to_string(port)});
  ASSERT_TRUE(again.Start());
  out = RunCommand(bin + "/vehicle/app/anpr sync --once --db " + dir.File("unit/anpr.db") +
                       " --unit PATROL-07 --depot https://127.0.0.1:" + std::to_string(port) + " --token-file " +
                       dir.File("depot.token") + " --ca " + dir.File("cert.pem"),
                   &rc);
  for (int attempt = 0; rc != 0 && attempt < 20; ++attempt) {  // the depot may still be starting
    usleep(250 * 1000);
    out = RunCommand(bin + "/vehicle/app/anpr sync --once --db " + dir.File("unit/anpr.db") +
                         " --unit PATROL-07 --depot https://127.0.0.1:" + std::to_string(port) + " --token-file " +
                         dir.File("depot.token") + " --ca " + dir.File("cert.pem"),
                     &rc);
  }
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("waiting: 0 hits, 0 reads, 0 audit entries"), std::string::npos) << out;
  again.Kill();
  auto depot_after = sync::OpenDepotStore("sqlite:" + dir.File("depot.db"));
  ASSERT_TRUE(depot_after.ok());
  EXPECT_EQ((*depot_after)->Counts()->reads, static_cast<int64_t>(reads->size()));
  EXPECT_EQ((*depot_after)->Counts()->distinct_read_uuids, static_cast<int64_t>(reads->size()));
}

}  // namespace
}  // namespace anpr
