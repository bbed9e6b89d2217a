// ImportHotlistFile: a CSV file becomes the list's next version; the same
// file is not imported twice when the caller asks so; a list keeps its
// settings; a bad or missing file leaves the version in force.
#include "vehicle/store/hotlist_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/store/test_util.h"

namespace anpr {
namespace {

using testing::TempDir;

std::unique_ptr<Store> OpenStore(const TempDir& dir) {
  StoreOptions o;
  o.path = dir.File("unit.db");
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s.value()) : nullptr;
}

HotlistMeta ListNamed(Store* store, const std::string& name) {
  auto lists = store->Hotlists();
  EXPECT_TRUE(lists.ok());
  for (const HotlistMeta& m : *lists) {
    if (m.name == name) return m;
  }
  return {};
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

TEST(HotlistImport, NewFileBecomesTheNextVersionAndSwitchesTheMatcher) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(store);
  Matcher matcher;
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\nXY51ABC,low,no tax\n");
  HotlistImportOptions o;
  o.actor = "test";
  auto r = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", o, &matcher);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->unchanged);
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->entries, 2u);
  EXPECT_EQ(r->meta.source, ListSource::kLocal);
  EXPECT_FALSE(matcher.MatchVrm("AB12CDE", {}, NowUtcMs()).empty());
  EXPECT_EQ(ListNamed(store.get(), "force").version, 1);
}

TEST(HotlistImport, SameFileIsSkippedOnlyWhenAskedAndAChangedFileIsImported) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(store);
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\n");
  HotlistImportOptions start;
  start.actor = "unit-start";
  start.skip_if_unchanged = true;
  ASSERT_TRUE(ImportHotlistFile(store.get(), dir.File("a.csv"), "force", start, nullptr).ok());
  auto again = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", start, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(ListNamed(store.get(), "force").version, 1);

  // The same file under another list name is that list's first import.
  auto other = ImportHotlistFile(store.get(), dir.File("a.csv"), "other", start, nullptr);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->unchanged);

  // Without skip_if_unchanged (the command line) it is a new version.
  HotlistImportOptions cli;
  cli.actor = "cli";
  auto forced = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", cli, nullptr);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->version, 2);

  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\nXY51ABC,low,no tax\n");
  auto changed = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", start, nullptr);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->unchanged);
  EXPECT_EQ(changed->version, 3);
  EXPECT_EQ(changed->entries, 2u);
}

TEST(HotlistImport, AListKeepsItsSettingsUnlessNewOnesAreGiven) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(store);
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\n");
  HotlistImportOptions first;
  first.actor = "admin";
  first.source = ListSource::kPnc;
  first.covert = true;
  first.colour = "#00ff00";
  first.max_substitutions = 2;
  ASSERT_TRUE(ImportHotlistFile(store.get(), dir.File("a.csv"), "watch", first, nullptr).ok());

  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\nXY51ABC,low,no tax\n");
  HotlistImportOptions plain;
  plain.actor = "unit-start";
  plain.skip_if_unchanged = true;
  auto r = ImportHotlistFile(store.get(), dir.File("a.csv"), "watch", plain, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const HotlistMeta m = ListNamed(store.get(), "watch");
  EXPECT_EQ(m.version, 2);
  EXPECT_EQ(m.source, ListSource::kPnc);
  EXPECT_TRUE(m.covert);
  EXPECT_EQ(m.colour, "#00ff00");
  EXPECT_EQ(m.max_substitutions, 2);

  HotlistImportOptions uncover;
  uncover.actor = "admin";
  uncover.covert = false;
  ASSERT_TRUE(ImportHotlistFile(store.get(), dir.File("a.csv"), "watch", uncover, nullptr).ok());
  EXPECT_FALSE(ListNamed(store.get(), "watch").covert);
  EXPECT_EQ(ListNamed(store.get(), "watch").source, ListSource::kPnc);
}

TEST(HotlistImport, BadOrMissingFileLeavesTheVersionInForce) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(store);
  Matcher matcher;
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\n");
  HotlistImportOptions o;
  o.actor = "unit-start";
  o.skip_if_unchanged = true;
  ASSERT_TRUE(ImportHotlistFile(store.get(), dir.File("a.csv"), "force", o, &matcher).ok());

  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,urgent,stolen\n");
  auto bad = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", o, &matcher);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("a.csv:2: priority 'urgent'"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(ListNamed(store.get(), "force").version, 1);
  EXPECT_FALSE(matcher.MatchVrm("AB12CDE", {}, NowUtcMs()).empty());

  auto missing = ImportHotlistFile(store.get(), dir.File("gone.csv"), "force", o, &matcher);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ListNamed(store.get(), "force").version, 1);

  // A good file again after the bad one is imported (the bad one left no mark).
  Write(dir.File("a.csv"), "vrm,priority,reason\nAB12CDE,high,stolen\n");
  auto back = ImportHotlistFile(store.get(), dir.File("a.csv"), "force", o, &matcher);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->unchanged) << "the file in force is the one imported first";
}

}  // namespace
}  // namespace anpr
