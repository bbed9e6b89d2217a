// The project's one SQLite statement wrapper: binds and columns round-trip,
// and every failure (prepare, bind, step, exec) comes back as a Status.
#include "vehicle/records/sqlite_stmt.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>

namespace anpr {
namespace {

class SqliteStmtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(SqliteExec(db_, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, r REAL, s TEXT, b BLOB)").ok());
  }
  void TearDown() override { sqlite3_close(db_); }
  sqlite3* db_ = nullptr;
};

TEST_F(SqliteStmtTest, ValuesRoundTrip) {
  const std::vector<uint8_t> blob = {0xFF, 0xD8, 0x00, 0x7F};
  const std::string text("a\0b", 3);  // embedded NUL kept
  {
    Stmt ins(db_, "INSERT INTO t (id, n, r, s, b) VALUES (?, ?, ?, ?, ?)");
    ASSERT_TRUE(ins.prepare_status().ok()) << ins.prepare_status().ToString();
    EXPECT_TRUE(ins.Bind(1, 1).Bind(2, int64_t{1} << 40).Bind(3, 2.5).Bind(4, text).Bind(5, blob).Run().ok());
    ins.Reset();
    EXPECT_TRUE(ins.Bind(1, 2).Bind(2, std::optional<int64_t>()).Bind(3, std::nan("")).BindNull(4)
                    .BindBlob(5, nullptr, 0).Run().ok());
  }
  Stmt sel(db_, "SELECT n, r, s, b FROM t ORDER BY id");
  ASSERT_TRUE(sel.Step());
  EXPECT_EQ(sel.Int(0), int64_t{1} << 40);
  EXPECT_EQ(sel.OptInt(0), std::optional<int64_t>(int64_t{1} << 40));
  EXPECT_DOUBLE_EQ(sel.Real(1), 2.5);
  EXPECT_EQ(sel.Text(2), text);
  EXPECT_EQ(sel.Blob(3), blob);
  ASSERT_TRUE(sel.Step());
  EXPECT_TRUE(sel.IsNull(0));
  EXPECT_EQ(sel.OptInt(0), std::nullopt);
  EXPECT_TRUE(std::isnan(sel.Real(1)));  // NaN was stored as NULL
  EXPECT_EQ(sel.Text(2), "");
  EXPECT_TRUE(sel.Blob(3).empty());
  EXPECT_FALSE(sel.Step());
  EXPECT_TRUE(sel.status().ok());
}

TEST_F(SqliteStmtTest, BadSqlIsAnErrorNeverRun) {
  Stmt s(db_, "SELEKT * FROM t");
  EXPECT_FALSE(s.prepare_status().ok());
  EXPECT_EQ(s.prepare_status().code(), StatusCode::kIoError);
  EXPECT_NE(s.prepare_status().message().find("SELEKT"), std::string::npos) << s.prepare_status().ToString();
  s.Bind(1, 7).Bind(2, std::string("x"));  // harmless on an unprepared statement
  EXPECT_FALSE(s.Step());
  EXPECT_FALSE(s.status().ok());
  EXPECT_FALSE(s.Run().ok());
  s.Reset();  // a prepare error stays
  EXPECT_FALSE(s.Run().ok());

  Stmt missing(db_, "SELECT * FROM no_such_table");
  EXPECT_FALSE(missing.prepare_status().ok());
  EXPECT_NE(missing.prepare_status().message().find("no_such_table"), std::string::npos);
}

TEST_F(SqliteStmtTest, StepErrorsAreStatusesAndResetClearsThem) {
  Stmt ins(db_, "INSERT INTO t (id) VALUES (?)");
  EXPECT_TRUE(ins.Bind(1, 1).Run().ok());
  ins.Reset();
  Status dup = ins.Bind(1, 1).Run();
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument) << dup.ToString();  // a constraint
  ins.Reset();
  EXPECT_TRUE(ins.Bind(1, 2).Run().ok());
}

TEST_F(SqliteStmtTest, BindOutOfRangeFailsTheStep) {
  Stmt s(db_, "INSERT INTO t (id) VALUES (?)");
  s.Bind(2, 5);
  EXPECT_FALSE(s.Run().ok());
  Stmt count(db_, "SELECT count(*) FROM t");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(count.Int(0), 0);
}

TEST_F(SqliteStmtTest, ReusedStatementIsPreparedOnceAndLeftUnbound) {
  sqlite3_stmt* slot = nullptr;
  for (int i = 1; i <= 3; ++i) {
    Stmt s(db_, &slot, "INSERT INTO t (id, s) VALUES (?, ?)");
    ASSERT_TRUE(s.Bind(1, i).Bind(2, "row").Run().ok());
    ASSERT_NE(slot, nullptr);
  }
  EXPECT_EQ(sqlite3_bind_parameter_count(slot), 2);
  EXPECT_EQ(sqlite3_stmt_busy(slot), 0);  // reset when the Stmt went
  sqlite3_finalize(slot);

  sqlite3_stmt* bad = nullptr;
  Stmt b(db_, &bad, "INSERT INTO nowhere VALUES (1)");
  EXPECT_FALSE(b.Run().ok());
  EXPECT_EQ(bad, nullptr);
}

TEST_F(SqliteStmtTest, ExecReportsErrors) {
  Status s = SqliteExec(db_, "CREATE TABLE t (x)");  // exists already
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("already exists"), std::string::npos) << s.ToString();
  EXPECT_TRUE(SqliteExec(db_, "BEGIN; INSERT INTO t (id) VALUES (9); COMMIT").ok());
}

TEST(SqliteErrorTest, CodesMapToStatusCodes) {
  EXPECT_EQ(SqliteError(nullptr, SQLITE_FULL, "w").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CORRUPT, "w").code(), StatusCode::kCorruption);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_NOTADB, "w").code(), StatusCode::kCorruption);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "w").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "w").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_IOERR, "w").code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace anpr
