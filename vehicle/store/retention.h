// Retention of reads: the legal cap and early removal of synced images.
//
// Choice (legal): the cap wins. A read older than max_age_ms is deleted with
// its images and hits even if the depot never acknowledged it, because
// keeping personal data past the legal period is itself unlawful; such
// deletions are counted separately in the audit entry so a unit that has not
// synced for two years shows up. Before the cap, clean-up never deletes an
// unsynced read or its images.
//
// Choice (future-dated reads): a read stamped more than kFutureToleranceMs
// ahead of now is deleted by every purge, with its images and hits, synced
// or not, and counted apart (future_dated_deleted, its own audit entry). Its
// age would otherwise stay negative for as long as the stamp is ahead (a
// read stamped 10 years ahead would be kept 12 years), which the cap
// forbids; and its time, a key fact of the evidence, is wrong, so it cannot
// be relied on anyway. Not quarantined: keeping it is what the law forbids.
// The tolerance covers clocks that disagree by less than a day (time zones
// mistaken for UTC, a free-running clock's drift). A clock reset to the past
// (an RTC back at 1970 or 2000 before GPS or NTP set it) would make every
// read look future-dated, so this part of the purge is skipped while now is
// before kEarliestPlausibleUtcMs.
//
// Choice (investigation holds): a read whose VRM is under a hold in force
// (Store::AddHold, until_utc_ms after now) is kept whole, images included,
// by every part of the purge: the cap, early image removal and the
// future-dated rule. The hold, not the cap, then bounds how long it stays;
// once the hold ends the next purge applies the rules as usual.
#pragma once

#include <cstdint>

#include "vehicle/records/status.h"
#include "vehicle/store/store.h"

namespace anpr {

inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// Two years: the most any configuration may keep reads.
inline constexpr int64_t kLegalMaxRetentionMs = 730 * kDayMs;
// Twelve months: UK national practice, the default (retention.max_days).
inline constexpr int64_t kDefaultRetentionMs = 365 * kDayMs;
// Reads stamped further ahead of now than this are purged (see above).
inline constexpr int64_t kFutureToleranceMs = kDayMs;
// 2025-01-01T00:00:00Z: a clock reading earlier is not set (see above).
inline constexpr int64_t kEarliestPlausibleUtcMs = 1'735'689'600'000;

struct RetentionConfig {
  int64_t max_age_ms = kDefaultRetentionMs;  // reads, images, hits: deleted after this
  // Images of synced reads removed after this; 0 keeps them until max_age_ms.
  int64_t synced_images_max_age_ms = 31 * kDayMs;
};

// kInvalidArgument when the cap exceeds two years or a period is negative.
Status ValidateRetention(const RetentionConfig& config);

// Applies the config as of now_utc_ms: the cap and the synced images (one
// audited purge), then reads stamped more than kFutureToleranceMs ahead
// (audited apart; skipped before kEarliestPlausibleUtcMs). Reads under a
// hold in force at now_utc_ms are kept by both. The counts are the sum of
// both.
Result<PurgeCounts> ApplyRetention(Store* store, const RetentionConfig& config, int64_t now_utc_ms);

}  // namespace anpr
