// The `anpr` commands as a user types them: import good and broken hotlists,
// check a VRM, tamper with the audit log, and try the role rules.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/store/test_util.h"
#include "vehicle/records/store_key.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using anpr::testing::MakeRead;
using anpr::testing::TempDir;

struct Ran {
  int exit_code;
  std::string output;  // stdout and stderr
};

Ran RunAnpr(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " ANPR_BINARY_DIR "/vehicle/app/anpr " + args + " 2>&1 </dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(Cli, ImportCheckAndABrokenFileLeavesTheListInForce) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  Write(dir.File("good.csv"),
        "vrm,priority,reason,warning_markers\nAB12 CDE,high,Stolen in robbery,FIREARMS\nXY51ABC,low,No insurance,\n");
  Ran r = RunAnpr("hotlist import " + dir.File("good.csv") + " --list pnc --source pnc" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("version 1, 2 entries"), std::string::npos) << r.output;

  r = RunAnpr("hotlist check A812CDE --json" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"match\": \"similar\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"priority\": \"high\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"warning_markers\": \"FIREARMS\""), std::string::npos) << r.output;

  Write(dir.File("bad.csv"), "vrm,priority,reason\nNEW1,high,x\nNEW2,urgent,y\n");
  r = RunAnpr("hotlist import " + dir.File("bad.csv") + " --list pnc" + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("bad.csv:3: priority 'urgent' is not high/medium/low"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("list pnc unchanged"), std::string::npos) << r.output;
  r = RunAnpr("hotlist check NEW1" + db);
  EXPECT_NE(r.output.find("no hits for NEW1"), std::string::npos) << r.output;
  r = RunAnpr("hotlist check AB12CDE" + db);
  EXPECT_NE(r.output.find("high\texact\tpnc\tAB12CDE"), std::string::npos) << r.output;
  r = RunAnpr("hotlist list" + db);
  EXPECT_NE(r.output.find("pnc\tsource=pnc\tversion=1\tentries=2"), std::string::npos) << r.output;

  // A covert list's hit is not shown to whoever runs the check.
  Write(dir.File("covert.csv"), "vrm,priority,reason\nAB12CDE,medium,observe only\n");
  r = RunAnpr("hotlist import " + dir.File("covert.csv") + " --list watch --covert true" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunAnpr("hotlist check AB12CDE" + db);
  EXPECT_NE(r.output.find("high\texact\tpnc\tAB12CDE"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("watch"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("observe only"), std::string::npos) << r.output;
}

TEST(Cli, AuditVerifyNamesATamperedEntry) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB1,high,x\n");
  ASSERT_EQ(RunAnpr("hotlist import " + dir.File("a.csv") + " --list a" + db).exit_code, 0);
  ASSERT_EQ(RunAnpr("hotlist import " + dir.File("a.csv") + " --list b" + db).exit_code, 0);
  Ran r = RunAnpr("audit verify" + db);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("audit log intact: 2 entries"), std::string::npos) << r.output;
  ASSERT_EQ(std::system(("sqlite3 " + dir.File("unit.db") +
                         " \"DROP TRIGGER audit_no_update; UPDATE audit SET detail='list b version 9' WHERE seq=2\"")
                            .c_str()),
            0);
  r = RunAnpr("audit verify" + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("audit log TAMPERED"), std::string::npos) << r.output;
}

TEST(Cli, ReadsNeedARoleAndAReason) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  {
    StoreOptions o;
    o.path = dir.File("unit.db");
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CommitRead(MakeRead("AB12CDE", 1'800'000'000'000)).ok());
  }
  const std::string fast = " --pbkdf2-iterations 1000";
  ASSERT_EQ(RunAnpr("officers add 1 --role administrator" + fast + db, "ANPR_NEW_PIN=9999").exit_code, 0);
  // Nobody else can add themselves once an administrator exists.
  EXPECT_EQ(RunAnpr("officers add 2 --role administrator" + fast + db, "ANPR_NEW_PIN=1111").exit_code, 3);
  ASSERT_EQ(RunAnpr("officers add 4711 --role officer --officer 1" + fast + db, "ANPR_PIN=9999 ANPR_NEW_PIN=1234")
                .exit_code, 0);
  ASSERT_EQ(RunAnpr("officers add 200 --role supervisor --officer 1" + fast + db, "ANPR_PIN=9999 ANPR_NEW_PIN=5555")
                .exit_code, 0);

  Ran r = RunAnpr("reads list --officer 4711 --reason curious" + db, "ANPR_PIN=1234");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("role officer may not search reads"), std::string::npos) << r.output;
  r = RunAnpr("reads list --officer 200 --reason incident-9" + db, "ANPR_PIN=0000");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("login refused"), std::string::npos) << r.output;
  r = RunAnpr("reads list --officer 200" + db, "ANPR_PIN=5555");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--reason"), std::string::npos) << r.output;
  r = RunAnpr("reads list --officer 200 --reason 'incident 9 on the A41' --vrm AB12CDE" + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("AB12CDE"), std::string::npos) << r.output;
  r = RunAnpr("reads export --officer 200 --reason 'court bundle 1' --out " + dir.File("out") + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream json(dir.File("out") + "/reads.json");
  std::string text((std::istreambuf_iterator<char>(json)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"vrm\": \"AB12CDE\""), std::string::npos);
  EXPECT_NE(text.find("-plate.jpg"), std::string::npos);
  // The audit trail names searched VRMs and reasons: a supervisor's to read.
  r = RunAnpr("audit list" + db);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.output.find("reads.search"), std::string::npos) << r.output;
  r = RunAnpr("audit list --officer 4711" + db, "ANPR_PIN=1234");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("may not"), std::string::npos) << r.output;
  r = RunAnpr("audit list --officer 200" + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("reads.search\tvrm=AB12CDE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("reason: incident 9"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("reads.export"), std::string::npos) << r.output;
  EXPECT_EQ(RunAnpr("audit verify" + db).exit_code, 0);
  // Importing a hotlist now needs a supervisor.
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB1,high,x\n");
  r = RunAnpr("hotlist import " + dir.File("a.csv") + " --list a --officer 4711" + db, "ANPR_PIN=1234");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("may not manage hotlists"), std::string::npos) << r.output;
}

// `anpr reads hold` (issue 15): a supervisor, a reason of at least 10
// visible characters and a date to come; audited, and in force in the store.
TEST(Cli, AHoldNeedsASupervisorAReasonAndADateToCome) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  const std::string fast = " --pbkdf2-iterations 1000";
  ASSERT_EQ(RunAnpr("officers add 1 --role administrator" + fast + db, "ANPR_NEW_PIN=9999").exit_code, 0);
  ASSERT_EQ(RunAnpr("officers add 4711 --role officer --officer 1" + fast + db, "ANPR_PIN=9999 ANPR_NEW_PIN=1234")
                .exit_code, 0);
  ASSERT_EQ(RunAnpr("officers add 200 --role supervisor --officer 1" + fast + db, "ANPR_PIN=9999 ANPR_NEW_PIN=5555")
                .exit_code, 0);
  Ran r = RunAnpr("reads hold --officer 4711 --vrm AB12CDE --reason 'operation nightjar' --until 2099-01-31" + db,
                  "ANPR_PIN=1234");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("may not place an investigation hold"), std::string::npos) << r.output;
  r = RunAnpr("reads hold --officer 200 --vrm AB12CDE --reason 'op 7' --until 2099-01-31" + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("10 visible characters"), std::string::npos) << r.output;
  r = RunAnpr("reads hold --officer 200 --vrm AB12CDE --reason 'operation nightjar' --until 2001-01-31" + db,
              "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = RunAnpr("reads hold --officer 200 --vrm AB12CDE --reason 'operation nightjar' --until 31/01/2099" + db,
              "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = RunAnpr("reads hold --officer 200 --vrm 'ab12 cde' --reason 'operation nightjar' --until 2099-01-31" + db,
              "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("reads of AB12CDE kept until 2099-01-31T23:59:59"), std::string::npos) << r.output;
  StoreOptions o;
  o.path = dir.File("unit.db");
  auto store = Store::Open(o);
  ASSERT_TRUE(store.ok());
  auto holds = (*store)->ActiveHolds(NowUtcMs());
  ASSERT_EQ(holds->size(), 1u);
  EXPECT_EQ(holds->front().placed_by, "200");
  r = RunAnpr("audit list --officer 200" + db, "ANPR_PIN=5555");
  EXPECT_NE(r.output.find("reads.hold\tvrm=AB12CDE"), std::string::npos) << r.output;
}

// `anpr reads export` signs what it writes with the unit's key (made beside
// the store when missing); `anpr reads verify` checks it and names a file
// changed after the export (issue 15).
TEST(Cli, AnExportIsSignedAndVerifyNamesAChangedFile) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  Read read = MakeRead("AB12CDE", 1'800'000'000'000);
  {
    StoreOptions o;
    o.path = dir.File("unit.db");
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CommitRead(read).ok());
  }
  const std::string fast = " --pbkdf2-iterations 1000";
  ASSERT_EQ(RunAnpr("officers add 1 --role administrator" + fast + db, "ANPR_NEW_PIN=9999").exit_code, 0);
  ASSERT_EQ(RunAnpr("officers add 200 --role supervisor --officer 1" + fast + db, "ANPR_PIN=9999 ANPR_NEW_PIN=5555")
                .exit_code, 0);
  const std::string out = dir.File("export");
  Ran r = RunAnpr("reads export --officer 200 --reason 'court bundle 88' --out " + out + db, "ANPR_PIN=5555");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("signed by key"), std::string::npos) << r.output;
  std::ifstream manifest(out + "/manifest.json");
  std::string text((std::istreambuf_iterator<char>(manifest)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"exported_by\": \"200\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"reason\": \"court bundle 88\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"unit_id\": \"car-7\""), std::string::npos) << text;
  EXPECT_NE(text.find(read.uuid + "-plate.jpg"), std::string::npos) << text;

  r = RunAnpr("reads verify " + out + db);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("export intact: 1 reads from unit car-7, exported by 200"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(the unit's)"), std::string::npos) << r.output;
  // An export goes only into an empty folder: every file there is listed.
  r = RunAnpr("reads export --officer 200 --reason 'court bundle 88' --out " + out + db, "ANPR_PIN=5555");
  EXPECT_EQ(r.exit_code, 2) << r.output;

  {
    std::fstream f(out + "/" + read.uuid + "-overview.jpg", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('\x01');
  }
  r = RunAnpr("reads verify " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("export CHANGED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("changed: " + read.uuid + "-overview.jpg"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr

namespace anpr {
namespace {

// Every file of `dir` with its bytes.
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

TEST(Cli, AnEncryptedStoreNeedsItsKeyAndStoreRekeyChangesItAudited) {
  TempDir dir;
  std::filesystem::create_directories(dir.File("data"));
  const std::string path = dir.File("data/anpr.db");
  const std::string db = " --db " + path;
  const StoreKey old_key = NewStoreKey().value();
  ASSERT_TRUE(WriteStoreKeyFile(old_key, dir.File("old.key")).ok());
  {
    StoreOptions o;
    o.path = path;
    o.key = old_key;
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    OfficersOptions fast;
    fast.pbkdf2_iterations = 1000;
    Officers officers(store->get(), fast);
    const int64_t now = NowUtcMs();
    ASSERT_TRUE(officers.AddOfficer(nullptr, "1001", Role::kAdministrator, "1234", now).ok());
    auto admin = officers.Login("1001", "1234", now);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(officers.AddOfficer(&*admin, "2002", Role::kSupervisor, "5678", now).ok());
    ASSERT_TRUE((*store)->CommitRead(MakeRead("QX51ZVR", now)).ok());
  }
  const auto before = Snapshot(dir.File("data"));

  // Without the key, or with another, every command stops and says why.
  Ran r = RunAnpr("audit verify" + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("is encrypted and no key was given"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--key-file"), std::string::npos) << r.output;
  ASSERT_TRUE(WriteStoreKeyFile(NewStoreKey().value(), dir.File("other.key")).ok());
  r = RunAnpr("audit verify --key-file " + dir.File("other.key") + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("does not decrypt with the key given"), std::string::npos) << r.output;
  r = RunAnpr("audit verify --key-file " + dir.File("data/old.key") + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("store key"), std::string::npos) << r.output;
  EXPECT_EQ(Snapshot(dir.File("data")), before) << "a refused command changed the store";
  r = RunAnpr("audit verify" + db, "ANPR_STORE_KEY_FILE=" + dir.File("old.key"));
  EXPECT_EQ(r.exit_code, 0) << r.output;

  // Only an administrator changes the key.
  const std::string rekey = "store rekey --key-file " + dir.File("old.key") + " --new-key-file " +
                            dir.File("new.key") + " --generate" + db;
  r = RunAnpr(rekey + " --officer 2002", "ANPR_PIN=5678");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  r = RunAnpr(rekey + " --officer 1001", "ANPR_PIN=1234");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("now encrypted with the key in"), std::string::npos) << r.output;

  r = RunAnpr("audit verify --key-file " + dir.File("old.key") + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  StoreOptions o;
  o.path = path;
  auto key = LoadStoreKey(dir.File("new.key"), path);
  ASSERT_TRUE(key.ok());
  o.key = key.value();
  auto store = Store::Open(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->CountReads().value(), 1);
  auto head = (*store)->NewestAuditEntry();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->action, "store.rekey");
  EXPECT_EQ((*head)->officer, "1001");
  EXPECT_TRUE((*store)->VerifyAudit()->ok);
}

}  // namespace
}  // namespace anpr
