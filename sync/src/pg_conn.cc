#include "sync/src/pg_conn.h"

#include <cctype>

namespace anpr::sync::pg {

// PostgreSQL prints a uuid in lower case.
std::string LowerUuid(std::string u) {
  for (auto& ch : u) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return u;
}

std::string Col(const PgResult& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? std::string() : std::string(PQgetvalue(r.get(), row, col));
}
int64_t ColInt(const PgResult& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? 0 : std::stoll(PQgetvalue(r.get(), row, col));
}
std::vector<uint8_t> ColBytea(const PgResult& r, int row, int col) {
  if (PQgetisnull(r.get(), row, col)) return {};
  std::size_t n = 0;
  unsigned char* p = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r.get(), row, col)), &n);
  std::vector<uint8_t> out(p, p + n);
  PQfreemem(p);
  return out;
}

}  // namespace anpr::sync::pg
