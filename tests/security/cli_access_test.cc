// Issue 14, the `anpr` tool run as a user would: commands that only read or
// verify never create a store (a mistyped --db must not report an empty one
// as "intact"), and `hotlist list` shows covert lists only to a supervisor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"
#include "tests/integration/run_command.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

namespace fs = std::filesystem;
using anpr::testing::CommandResult;
using anpr::testing::RunCommand;
using anpr::testing::TempDir;

CommandResult RunAnpr(const std::string& args, const std::string& env = "") {
  return RunCommand(env + " " ANPR_BINARY_DIR "/vehicle/app/anpr " + args + " </dev/null");
}

TEST(CliAccess, ReadOnlyCommandsNeverCreateAStore) {
  TempDir dir;
  const std::string missing = dir.File("no/such/dir/anpr.db");
  const std::vector<std::string> commands = {
      "audit verify", "audit list", "reads list --officer 1 --reason 'incident 2026/123'",
      "reads export --officer 1 --reason 'incident 2026/123' --out " + dir.File("out"), "hotlist list",
      "hotlist check AB12CDE"};
  for (const std::string& cmd : commands) {
    CommandResult r = RunAnpr(cmd + " --db " + missing, "ANPR_PIN=1234");
    EXPECT_NE(r.exit_code, 0) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find(missing), std::string::npos) << cmd << ": the error names the path: " << r.output;
    EXPECT_EQ(r.output.find("intact"), std::string::npos) << cmd << ": " << r.output;
    EXPECT_FALSE(fs::exists(dir.File("no"))) << cmd << " created " << dir.File("no");
  }
  // The issue's own example, outside any test folder.
  CommandResult r = RunAnpr("audit verify --db /no/such/dir/anpr.db");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists("/no/such")) << "audit verify created /no/such";
  // A directory is not a store either.
  r = RunAnpr("audit verify --db " + dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("intact"), std::string::npos) << r.output;
}

TEST(CliAccess, HotlistListShowsCovertListsOnlyToASupervisor) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  std::ofstream(dir.File("pnc.csv")) << "vrm,priority,reason\nAB12CDE,high,stolen vehicle\n";
  std::ofstream(dir.File("covert.csv")) << "vrm,priority,reason\nXY51ABC,medium,observe only\nLM99ABC,low,observe\n";
  CommandResult r = RunAnpr("hotlist import " + dir.File("pnc.csv") + " --list pnc --source pnc" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunAnpr("hotlist import " + dir.File("covert.csv") + " --list operation-kestrel --covert true" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  {
    StoreOptions o;
    o.path = dir.File("unit.db");
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    OfficersOptions opt;
    opt.pbkdf2_iterations = 1000;
    Officers officers(store->get(), opt);
    ASSERT_TRUE(officers.AddOfficer(nullptr, "1", Role::kAdministrator, "9876", 0).ok());
    auto admin = officers.Login("1", "9876", 0);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(officers.AddOfficer(&*admin, "4711", Role::kOfficer, "1234", 0).ok());
    ASSERT_TRUE(officers.AddOfficer(&*admin, "200", Role::kSupervisor, "5555", 0).ok());
  }

  r = RunAnpr("hotlist list" + db);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("pnc\t"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("operation-kestrel"), std::string::npos) << "covert list shown without a login:\n"
                                                                     << r.output;
  EXPECT_EQ(r.output.find("entries=2"), std::string::npos) << r.output;

  r = RunAnpr("hotlist list --officer 4711" + db, "ANPR_PIN=1234");
  EXPECT_NE(r.exit_code, 0) << "an officer may not see covert lists: " << r.output;
  EXPECT_EQ(r.output.find("operation-kestrel"), std::string::npos) << r.output;

  r = RunAnpr("hotlist list --officer 200" + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("operation-kestrel\t"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("entries=2"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr
