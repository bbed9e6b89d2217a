// Month arithmetic (UTC) for the depot's time partitions: reads are stored in
// one partition per calendar month, so retention is a cheap partition drop.
#pragma once

#include <cstdint>
#include <string>

namespace anpr::sync {

// The first millisecond (UTC) of the calendar month holding utc_ms.
int64_t MonthStartUtcMs(int64_t utc_ms);
// The first millisecond (UTC) of the calendar month after the one holding utc_ms.
int64_t NextMonthStartUtcMs(int64_t utc_ms);
// "2026_11" for the month holding utc_ms (a partition table's suffix).
std::string MonthTag(int64_t utc_ms);

}  // namespace anpr::sync
