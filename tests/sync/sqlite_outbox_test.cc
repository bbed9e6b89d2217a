// The SQLite outbox reports a query that SQLite cannot run as an error: an
// empty answer would tell the sync client there is nothing to do.
#include "sync/sqlite_outbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/common/temp_dir.h"

namespace anpr::sync {
namespace {

TEST(SqliteOutbox, AQueryThatCannotBePreparedIsAnErrorNotAnEmptyAnswer) {
  anpr::testing::TempDir dir;
  auto box = SqliteOutbox::Open(dir.File("outbox.db"));
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  // Another connection breaks the file under the outbox: its tables go, so
  // every statement on them fails to prepare.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("outbox.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "DROP TABLE hotlist_entries; DROP TABLE hits", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  EXPECT_FALSE((*box)->Hotlist("PNC").ok());
  EXPECT_FALSE((*box)->SyncedUuids(RecordKind::kHit).ok());
  EXPECT_FALSE((*box)->UnsyncedHits(10).ok());
  EXPECT_FALSE((*box)->SetHitOutcome("no-such-hit", HitOutcome::kConfirmed, "4711", 1).ok());
}

}  // namespace
}  // namespace anpr::sync
