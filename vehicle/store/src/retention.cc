#include "vehicle/store/retention.h"

#include <algorithm>

namespace anpr {

Status ValidateRetention(const RetentionConfig& config) {
  if (config.max_age_ms <= 0 || config.max_age_ms > kLegalMaxRetentionMs) {
    return InvalidArgument("retention cap must be between 1 ms and 730 days (two years), got " +
                           std::to_string(config.max_age_ms / kDayMs) + " days");
  }
  if (config.synced_images_max_age_ms < 0) {
    return InvalidArgument("retention of synced images cannot be negative");
  }
  return Status::Ok();
}

Result<PurgeCounts> ApplyRetention(Store* store, const RetentionConfig& config, int64_t now_utc_ms) {
  Status s = ValidateRetention(config);
  if (!s.ok()) return s;
  const int64_t cap_before = now_utc_ms - config.max_age_ms;
  const int64_t images_before =
      config.synced_images_max_age_ms == 0 ? cap_before
                                           : std::max(cap_before, now_utc_ms - config.synced_images_max_age_ms);
  auto counts = store->Purge(cap_before, images_before, now_utc_ms);
  if (!counts.ok() || now_utc_ms < kEarliestPlausibleUtcMs) return counts;
  auto future = store->PurgeFutureDated(now_utc_ms + kFutureToleranceMs, now_utc_ms);
  if (!future.ok()) return future.status();
  counts->reads_deleted += future->reads_deleted;
  counts->unsynced_reads_deleted += future->unsynced_reads_deleted;
  counts->hits_deleted += future->hits_deleted;
  counts->future_dated_deleted += future->reads_deleted;
  return counts;
}

}  // namespace anpr
