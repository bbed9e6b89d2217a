// anpr-vehicle and its store's key ([store] key_file): a wrong, missing or
// misplaced key stops the unit with a message that says so, before a byte of
// the store changes; the right key runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/records/store_key.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out[e.path().string()] = bytes.str();
  }
  return out;
}

testing::CommandResult RunUnit(const sync::testing::TempDir& dir, const std::string& key_file) {
  std::ofstream(dir.File("unit.toml")) << "[unit]\ndata_dir = \"" << dir.File("data") << "\"\n"
                                       << "[camera]\nsource = \"synthetic\"\nwidth = 320\nheight = 240\nfps = 2\n"
                                       << "[gps]\ngpsd = \"127.0.0.1:" << sync::testing::FreePort() << "\"\n"
                                       << "[store]\nkey_file = \"" << key_file << "\"\n"
                                       << "[hmi]\nenabled = false\n";
  return testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle --config " +
                             dir.File("unit.toml") + " --duration 1");
}

TEST(VehicleStoreKey, AWrongMissingOrMisplacedKeyStopsTheUnitAndTouchesNothing) {
  sync::testing::TempDir dir;
  std::filesystem::create_directories(dir.File("data"));
  const StoreKey key = NewStoreKey().value();
  ASSERT_TRUE(WriteStoreKeyFile(key, dir.File("store.key")).ok());
  ASSERT_TRUE(WriteStoreKeyFile(NewStoreKey().value(), dir.File("other.key")).ok());
  ASSERT_TRUE(WriteStoreKeyFile(key, dir.File("data/store.key")).ok());
  {
    StoreOptions o;
    o.path = dir.File("data/anpr.db");
    o.key = key;
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Audit("1001", "test", "before").ok());
  }
  const auto before = Snapshot(dir.File("data"));

  auto r = RunUnit(dir, dir.File("other.key"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("does not decrypt with the key given"), std::string::npos) << r.output;
  r = RunUnit(dir, dir.File("no-such.key"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("no-such.key: cannot read it"), std::string::npos) << r.output;
  r = RunUnit(dir, dir.File("data/store.key"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("inside the store's folder"), std::string::npos) << r.output;
  EXPECT_EQ(Snapshot(dir.File("data")), before) << "a refused start changed the store's folder";

  r = RunUnit(dir, dir.File("store.key"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace anpr
