#include "sync/depot_partitions.h"

#include <cstdio>

namespace anpr::sync {

namespace {

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
void CivilFromDays(int64_t z, int64_t* y, int64_t* m) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}
constexpr int64_t kDayMs = 86400000;
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t MonthStartUtcMs(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  return DaysFromCivil(y, m, 1) * kDayMs;
}

int64_t NextMonthStartUtcMs(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  if (++m > 12) {
    m = 1;
    ++y;
  }
  return DaysFromCivil(y, m, 1) * kDayMs;
}

std::string MonthTag(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld_%02lld", static_cast<long long>(y), static_cast<long long>(m));
  return buf;
}

}  // namespace anpr::sync
