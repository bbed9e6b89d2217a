// Issue 14, failures 3 and 8: the unit accepted values the depot refuses (a
// record then blocked the outbox for good), the depot published a list under
// a name no car can use, and invalid UTF-8 aborted `anpr ... --json`. One
// set of limits (vehicle/records/field_limits.h) now holds on both sides;
// these tests drive the real `anpr` and `anpr-depot` programs on real SQLite
// files.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sync/depot_store.h"
#include "tests/integration/run_command.h"
#include "tests/common/temp_dir.h"
#include "vehicle/alerts/alert_policy.h"
#include "vehicle/app/unit_config.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using anpr::testing::RunCommand;
using anpr::testing::TempDir;

const std::string kAnpr = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr";
const std::string kDepot = std::string(ANPR_BINARY_DIR) + "/sync/app/anpr-depot";

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A shell word for any bytes.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(FieldLimits, TheSharedRules) {
  EXPECT_TRUE(limits::ValidateListName("pnc-stolen").ok());
  EXPECT_TRUE(limits::ValidateListName("PNC_2.v1").ok());
  for (const std::string& bad : {std::string(), std::string("a\nb"), std::string(200, 'a'), std::string("a b"),
                                 std::string("../x/y")}) {
    EXPECT_FALSE(limits::ValidateListName(bad).ok()) << bad;
  }
  EXPECT_TRUE(limits::IsValidUtf8("Stolen \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x93"));
  for (const char* bad : {"\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ok\xE2\x82"}) {
    EXPECT_FALSE(limits::IsValidUtf8(bad)) << bad;
  }
  EXPECT_FALSE(limits::ValidateOfficerNumber(std::string(70, '7')).ok());
  EXPECT_TRUE(limits::ValidateOfficerNumber("PC4711").ok());
  EXPECT_FALSE(limits::ValidateId("camera.id", std::string(70, 'c')).ok());
  EXPECT_FALSE(limits::ValidateText("reason", std::string(4097, 'r'), limits::kMaxTextBytes).ok());
}

TEST(FieldLimits, HotlistCsvWithInvalidUtf8OrLongFieldsIsRefusedNamingTheLine) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  Write(dir.File("good.csv"), "vrm,priority,reason\nAB12CDE,high,Stolen\n");
  auto r = RunCommand(kAnpr + " hotlist import " + dir.File("good.csv") + " --list pnc" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  Write(dir.File("utf8.csv"), "vrm,priority,reason\nXY51ABC,low,ok\nAB12CDE,high,Stolen \xFF\xFE\n");
  r = RunCommand(kAnpr + " hotlist import " + dir.File("utf8.csv") + " --list pnc" + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("utf8.csv:3: field 3 is not valid UTF-8"), std::string::npos) << r.output;

  Write(dir.File("long.csv"), "vrm,priority,reason\nAB12CDE,high," + std::string(5000, 'r') + "\n");
  r = RunCommand(kAnpr + " hotlist import " + dir.File("long.csv") + " --list pnc" + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("long.csv:2: reason is longer than 4096 bytes"), std::string::npos) << r.output;

  Write(dir.File("make.csv"), "vrm,priority,reason,make\nAB12CDE,high,Stolen," + std::string(100, 'm') + "\n");
  r = RunCommand(kAnpr + " hotlist import " + dir.File("make.csv") + " --list pnc" + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("make.csv:2: make is longer than 64 bytes"), std::string::npos) << r.output;

  // The list in force is still the good one, and --json works.
  r = RunCommand(kAnpr + " hotlist check AB12CDE --json" + db);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"Stolen\""), std::string::npos) << r.output;
}

TEST(FieldLimits, HotlistCheckJsonDoesNotAbortOnInvalidUtf8AlreadyStored) {
  // A store written before the rule: an entry holding invalid UTF-8.
  TempDir dir;
  {
    StoreOptions o;
    o.path = dir.File("unit.db");
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok());
    HotlistMeta meta;
    meta.name = "pnc";
    HotlistEntry e;
    e.vrm = "AB12CDE";
    e.priority = Priority::kHigh;
    e.reason = "Stolen \xFF";
    ASSERT_TRUE((*store)->ApplyHotlistVersion(meta, {e}, "test", nullptr).ok());
  }
  const auto r = RunCommand(kAnpr + " hotlist check AB12CDE --json --db " + dir.File("unit.db"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("AB12CDE"), std::string::npos) << r.output;
}

TEST(FieldLimits, OfficerNumbersAndSearchReasonsTheDepotRefusesAreRefusedAtEntry) {
  TempDir dir;
  const std::string db = " --db " + dir.File("unit.db");
  const std::string fast = " --pbkdf2-iterations 1000";
  auto r = RunCommand("ANPR_NEW_PIN=9999 " + kAnpr + " officers add " + std::string(70, '7') +
                      " --role administrator" + fast + db + " </dev/null");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("officer number"), std::string::npos) << r.output;

  r = RunCommand("ANPR_NEW_PIN=9999 " + kAnpr + " officers add 1 --role administrator" + fast + db + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string long_reason(5000, 'r');
  r = RunCommand("ANPR_PIN=9999 " + kAnpr + " reads list --officer 1 --reason " + long_reason + db + " </dev/null");
  EXPECT_NE(r.exit_code, 0) << r.output.substr(0, 300);
  EXPECT_NE(r.output.find("reason: longer than 1000 bytes"), std::string::npos) << r.output.substr(0, 300);
  r = RunCommand(kAnpr + " audit list" + db);
  EXPECT_EQ(r.output.find("rrrrrrrrrr"), std::string::npos) << "the refused search reached the audit log";
}

TEST(FieldLimits, OutcomeNotesAndWantedReasonsTheDepotRefusesAreRefusedAtEntry) {
  TempDir dir;
  StoreOptions o;
  o.path = dir.File("unit.db");
  auto store = Store::Open(o);
  ASSERT_TRUE(store.ok());
  Read r;
  r.uuid = NewUuid();
  r.vrm = "AB12CDE";
  r.unit_id = "car-1";
  r.captured_at_utc_ms = 1'800'000'000'000;
  ASSERT_TRUE((*store)->CommitRead(r).ok());
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = r.uuid;
  h.list_name = "pnc";
  h.entry_vrm = "AB12CDE";
  ASSERT_TRUE((*store)->CommitHits({h}).ok());
  const std::string long_text(5000, 'n');
  Status s = (*store)->SetHitOutcome(h.uuid, HitOutcome::kNotActioned, "4711", long_text, r.captured_at_utc_ms);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
  s = (*store)->SetHitOutcome(h.uuid, HitOutcome::kNotActioned, "4711", "note \xFF\xFE", r.captured_at_utc_ms);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
  auto unsynced = (*store)->UnsyncedHits(10);
  ASSERT_TRUE(unsynced.ok());
  ASSERT_EQ(unsynced->size(), 1u);
  EXPECT_TRUE((*unsynced)[0].outcome_note.empty());

  Matcher matcher;
  AlertPolicy policy(store->get(), &matcher);
  auto wanted = policy.EnterWanted("4711", "XY51ABC", Priority::kHigh, long_text, r.captured_at_utc_ms + 86'400'000,
                                   r.captured_at_utc_ms);
  EXPECT_EQ(wanted.status().code(), StatusCode::kInvalidArgument) << wanted.status().message();
}

TEST(FieldLimits, UnitAndCameraIdsTheDepotRefusesAreRefusedInTheConfig) {
  auto c = unit::ParseUnitConfig("[camera]\nid = \"" + std::string(70, 'c') + "\"\n", "unit.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("camera.id"), std::string::npos) << c.status().message();
  c = unit::ParseUnitConfig("[unit]\nid = \"car 1\\n\"\n", "unit.toml");
  EXPECT_FALSE(c.ok());
  c = unit::ParseUnitConfig("[unit]\nid = \"\"\n", "unit.toml");
  EXPECT_FALSE(c.ok());
  c = unit::ParseUnitConfig("[unit]\nid = \"BRAVO-7\"\n[camera]\nid = \"front\"\n", "unit.toml");
  EXPECT_TRUE(c.ok()) << c.status().message();
}

TEST(FieldLimits, DepotPublishRefusesBadListNames) {
  TempDir dir;
  const std::string db = " --db sqlite:" + dir.File("depot.db");
  Write(dir.File("f.csv"), "vrm,priority,reason\nAB12CDE,high,Stolen\n");
  for (const std::string& bad : {std::string(), std::string("pnc\nstolen"), std::string(200, 'a')}) {
    const auto r = RunCommand(kDepot + db + " hotlist publish " + dir.File("f.csv") + " --list " + Quote(bad) +
                              " --by admin");
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.output;
    EXPECT_NE(r.output.find("list name"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing published"), std::string::npos) << r.output;
  }
  const auto r = RunCommand(kDepot + db + " hotlist publish " + dir.File("f.csv") + " --list pnc-stolen --by admin");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(FieldLimits, DepotWithdrawEmptiesAPublishedList) {
  TempDir dir;
  const std::string db = " --db sqlite:" + dir.File("depot.db");
  Write(dir.File("f.csv"), "vrm,priority,reason\nAB12CDE,high,Stolen\n");
  auto r = RunCommand(kDepot + db + " hotlist publish " + dir.File("f.csv") + " --list pnc --by admin");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string& bad : {std::string("nosuchlist"), std::string(), std::string("pnc\nx")}) {
    r = RunCommand(kDepot + db + " hotlist withdraw " + Quote(bad) + " --by admin");
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.output;
    EXPECT_NE(r.output.find("nothing withdrawn"), std::string::npos) << r.output;
  }
  r = RunCommand(kDepot + db + " hotlist withdraw pnc --by admin");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("withdrew pnc"), std::string::npos) << r.output;
  auto store = sync::OpenSqliteDepotStore(dir.File("depot.db"));
  ASSERT_TRUE(store.ok());
  auto update = (*store)->HotlistSince(0);
  ASSERT_TRUE(update.ok());
  ASSERT_EQ(update->lists.size(), 1u);
  EXPECT_TRUE(update->lists[0].added.empty());
}

TEST(FieldLimits, ReadJsonOnAFileNameWithByteFFDoesNotAbort) {
  TempDir dir;
  const std::string path = dir.File("plate\xFF.jpg");
  Write(path, "not an image");
  const auto r = RunCommand(kAnpr + " read --json " + Quote(path));
  EXPECT_EQ(r.exit_code, 1) << r.output;  // not readable; 134 was the abort
  EXPECT_NE(r.output.find("\"error\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr
