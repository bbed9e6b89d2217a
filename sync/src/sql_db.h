// Private to sync/src: one small SQL connection over SQLite or PostgreSQL,
// for the console's records (sync/console_store.h), so each query is written
// once. Queries use $1, $2, ... placeholders, first appearing in increasing
// order (SQLite numbers named parameters by first appearance, so $N binds
// the Nth value on both). Every Run is one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/status.h"

namespace anpr::sync::sql {

// A parameter: NULL, an integer or text.
using Value = std::variant<std::monostate, int64_t, std::string>;

struct Row {
  std::vector<std::optional<std::string>> cells;
  std::string Text(std::size_t i) const { return cells.at(i).value_or(""); }
  int64_t Int(std::size_t i) const;  // 0 for NULL
  std::optional<int64_t> OptInt(std::size_t i) const;
};

// What a transaction body sees: queries on the transaction's connection.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Value>& params = {}) = 0;
  // Runs one or more statements without parameters (DDL).
  virtual Status Exec(const std::string& script) = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual std::string Kind() const = 0;  // "sqlite" or "postgresql"
  // Runs `body` in one transaction: committed when it returns ok, rolled
  // back otherwise (its status returned). Thread-safe: calls are serialised
  // per connection.
  virtual Status Run(const std::function<Status(Tx&)>& body) = 0;
};

// Opens the database at a depot store URL (sync/depot_store.h's forms).
// `key`: the key of an SQLite depot encrypted at rest (the depot store's
// rule: a missing or wrong key is refused before the file is touched).
Result<std::unique_ptr<Db>> Open(const std::string& url, const StoreKey* key = nullptr);

}  // namespace anpr::sync::sql
