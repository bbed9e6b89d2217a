// The unit's heartbeat as the depot sees it: anpr-vehicle (the synthetic
// drive, no gpsd) syncing with a real anpr-depot process over loopback TLS.
// The Fleet page's row comes from what the unit itself reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "sync/console_store.h"
#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

TEST(UnitHeartbeat, TheDepotHearsTheUnitsOwnHealth) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakeTestCertificate(dir.path()));
  const std::string bin = ANPR_BINARY_DIR;
  const std::string db = "sqlite:" + dir.File("depot.db");
  auto enrolled = anpr::testing::RunCommand(bin + "/sync/app/anpr-depot --db " + db + " enroll PATROL-09");
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.output;
  std::smatch token;
  ASSERT_TRUE(std::regex_search(enrolled.output, token, std::regex("[0-9a-f]{64}"))) << enrolled.output;
  std::ofstream(dir.File("depot.token")) << token.str() << "\n";
  const int port = testing::FreePort();
  testing::DepotProcess depot({"--db", db, "serve", "--cert", dir.File("cert.pem"), "--key", dir.File("key.pem"),
                               "--listen", "127.0.0.1", "--port", std::to_string(port)});
  ASSERT_TRUE(depot.Start());
  std::ofstream(dir.File("unit.toml")) << "[unit]\nid = \"PATROL-09\"\ndata_dir = \"" << dir.File("unit")
                                       << "\"\n[camera]\nsource = \"synthetic\"\nwidth = 640\nheight = 360\nfps = 5\n"
                                       << "[gps]\ngpsd = \"127.0.0.1:" << testing::FreePort() << "\"\n"
                                       << "[depot]\nurl = \"https://127.0.0.1:" << port << "\"\ntoken_file = \""
                                       << dir.File("depot.token") << "\"\nca_file = \"" << dir.File("cert.pem")
                                       << "\"\ninterval_s = 1\n[hmi]\nenabled = false\n";
  auto run = anpr::testing::RunCommand("env -u DISPLAY " + bin + "/vehicle/app/anpr-vehicle --config " +
                                       dir.File("unit.toml") + " --duration 6");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  depot.Kill();
  auto console = ConsoleStore::Open(db);
  ASSERT_TRUE(console.ok());
  auto latest = (*console)->LatestHeartbeats();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 1u) << "the unit sent no heartbeat in 6 s\n" << run.output;
  const Heartbeat& hb = latest->front().heartbeat;
  EXPECT_EQ(hb.unit_id, "PATROL-09");
  EXPECT_FALSE(hb.software_version.empty());
  ASSERT_EQ(hb.cameras.size(), 1u);
  EXPECT_EQ(hb.cameras[0].id, "front");
  EXPECT_EQ(hb.gps_fix, "none") << "no gpsd: the depot must see the GPS fault";
  ASSERT_TRUE(hb.disk_total_bytes.has_value());
  EXPECT_GT(*hb.disk_total_bytes, 0);
  auto faults = HeartbeatFaults(hb);
  EXPECT_NE(std::find(faults.begin(), faults.end(), "no GPS fix"), faults.end());
}

}  // namespace
}  // namespace anpr::sync
