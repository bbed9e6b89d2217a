// Private to sync/src: one libpq connection of the PostgreSQL depot store,
// its query parameters and the column readers the store's queries share.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::sync::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A query parameter: text, binary bytes, or NULL.
struct Param {
  Param(std::string t) : text(std::move(t)) {}  // NOLINT: implicit by design
  Param(const char* t) : text(t) {}            // NOLINT
  Param(int64_t v) : text(std::to_string(v)) {}  // NOLINT
  static Param Bytes(const std::vector<uint8_t>& b) {
    Param p("");
    p.bin = &b;
    return p;
  }
  std::string text;
  const std::vector<uint8_t>* bin = nullptr;
};

class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  ~Conn() { PQfinish(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Status Exec(const std::string& sql) {
    PgResult r(PQexec(c_, sql.c_str()));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get(), "exec");
    return Status::Ok();
  }

  Result<PgResult> Query(const char* sql, const std::vector<Param>& params) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
      if (p.bin) {
        values.push_back(p.bin->empty() ? "" : reinterpret_cast<const char*>(p.bin->data()));
        lengths.push_back(static_cast<int>(p.bin->size()));
        formats.push_back(1);
      } else {
        values.push_back(p.text.c_str());
        lengths.push_back(0);
        formats.push_back(0);
      }
    }
    PgResult r(PQexecParams(c_, sql, static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                            formats.data(), 0));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get(), sql);
    return r;
  }

  // Reconnects a connection the server dropped (restart, network).
  void HealIfBroken() {
    if (PQstatus(c_) != CONNECTION_OK) PQreset(c_);
  }

 private:
  Status Error(PGresult* r, const std::string& what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string m = "postgresql: " + std::string(PQerrorMessage(c_));
    if (r && PQresultErrorMessage(r) && *PQresultErrorMessage(r)) m = "postgresql: " + std::string(PQresultErrorMessage(r));
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    m += " (" + what.substr(0, 60) + ")";
    if (PQstatus(c_) != CONNECTION_OK) return Unavailable(m);
    if (state && std::strncmp(state, "53", 2) == 0) return {StatusCode::kResourceExhausted, m};
    if (state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0)) return Unavailable(m);
    return IoError(m);
  }
  PGconn* c_;
};

// PostgreSQL prints a uuid in lower case.
std::string LowerUuid(std::string u);

// Column readers: text ("" for NULL), integer (0 for NULL), bytea (empty for NULL).
std::string Col(const PgResult& r, int row, int col);
int64_t ColInt(const PgResult& r, int row, int col);
std::vector<uint8_t> ColBytea(const PgResult& r, int row, int col);

}  // namespace anpr::sync::pg
