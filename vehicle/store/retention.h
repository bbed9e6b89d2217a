// Retention of reads: the legal cap and early removal of synced images.
//
// Choice (legal): the cap wins. A read older than max_age_ms is deleted with
// its images and hits even if the depot never acknowledged it, because
// keeping personal data past the legal period is itself unlawful; such
// deletions are counted separately in the audit entry so a unit that has not
// synced for two years shows up. Before the cap, clean-up never deletes an
// unsynced read or its images.
#pragma once

#include <cstdint>

#include "vehicle/records/status.h"
#include "vehicle/store/store.h"

namespace anpr {

inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// Two years: the most any configuration may keep reads.
inline constexpr int64_t kLegalMaxRetentionMs = 730 * kDayMs;

struct RetentionConfig {
  int64_t max_age_ms = kLegalMaxRetentionMs;  // reads, images, hits: deleted after this
  // Images of synced reads removed after this; 0 keeps them until max_age_ms.
  int64_t synced_images_max_age_ms = 31 * kDayMs;
};

// kInvalidArgument when the cap exceeds two years or a period is negative.
Status ValidateRetention(const RetentionConfig& config);

// Applies the config as of now_utc_ms (one audited purge).
Result<PurgeCounts> ApplyRetention(Store* store, const RetentionConfig& config, int64_t now_utc_ms);

}  // namespace anpr
