// Counts the depot's transport-level refusals (a connection over the cap, a
// TLS handshake or request header too slow, a body too large or sent without
// a credential) and reports them as security events without letting an
// attack flood the log: the first of a kind is logged at once, later ones at
// most once per interval with the count since the last report. Totals are
// kept for /health. Internal to anpr_sync. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "vehicle/records/mutex.h"

namespace anpr::sync {

enum class Refusal {
  kConnectionCap,       // refused: every connection slot busy with a request
  kIdleEvicted,         // an idle or still-handshaking connection closed to make room
  kTlsHandshake,        // TLS handshake failed or missed its deadline
  kHeaderDeadline,      // request line and headers not complete in time
  kBodyTooLarge,        // Content-Length or bytes read over the limit
  kBodyNotAccepted,     // a body to an endpoint that takes none, or no length
  kBodyWithoutCredential,  // an upload refused on its headers, body unread
};
inline constexpr std::size_t kRefusalKinds = 7;

// A short stable name: "connection_cap", "idle_evicted", ...
const char* RefusalName(Refusal r);

class SecurityTally {
 public:
  // `sink` receives each report's text (e.g. to the security_events table);
  // it is called without the tally's lock held and may be empty.
  explicit SecurityTally(std::function<void(const std::string& event, const std::string& remote)> sink,
                         int64_t report_interval_ms = 10000);

  // Counts one refusal of `kind` from `remote` (ip:port); `detail` says what.
  void Count(Refusal kind, const std::string& remote, const std::string& detail);
  // Reports every count not yet reported (e.g. at shut-down).
  void Flush();
  // Totals since start, by kind.
  std::array<uint64_t, kRefusalKinds> Totals() const;

 private:
  struct Kind {
    uint64_t total = 0;
    uint64_t unreported = 0;
    int64_t last_report_ms = -1;
  };
  void Report(Refusal kind, uint64_t count, uint64_t total, const std::string& remote, const std::string& detail);

  std::function<void(const std::string&, const std::string&)> sink_;
  const int64_t interval_ms_;
  mutable Mutex mu_;
  std::array<Kind, kRefusalKinds> kinds_ ANPR_GUARDED_BY(mu_);
};

}  // namespace anpr::sync
