// The unit's evidence records: a read (one vehicle pass) and a hit (a read
// that matched a hotlist entry). Shared vocabulary of recognition, the store,
// matching, the HMI and sync. Plain values; no behaviour beyond naming.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anpr {

// Hit priority. Ordered: a larger value is more urgent.
enum class Priority : int {
  kLow = 1,     // local priorities, vehicle or occupants to be traced
  kMedium = 2,  // major or serious investigations
  kHigh = 3,    // life at risk: abduction, murder, terrorism
};
// "high", "medium", "low".
const char* PriorityName(Priority p);
// Accepts the names above in any case; false for anything else.
bool ParsePriority(std::string_view text, Priority* out);

// GPS fix mode as gpsd reports it.
enum class FixMode : int { kNone = 0, k2D = 2, k3D = 3 };

// How the unit's clock was disciplined when a frame was stamped.
enum class ClockSource : int { kFreeRunning = 0, kNtp = 1, kGps = 2 };
const char* ClockSourceName(ClockSource c);  // "free-running", "ntp", "gps"

// Where the car was when a frame was captured. Unknown values are NaN.
struct GeoTag {
  FixMode mode = FixMode::kNone;
  double lat_deg = 0.0 / 0.0;
  double lon_deg = 0.0 / 0.0;
  double speed_mps = 0.0 / 0.0;
  double heading_deg = 0.0 / 0.0;
  // Age of the fix the position came from, relative to the capture time.
  int64_t fix_age_ms = -1;
};

// An alternative reading of the same plate.
struct PlateCandidate {
  std::string vrm;
  double confidence = 0;  // 0-100
};

// One vehicle pass, as recognised and stored in the car.
struct Read {
  std::string uuid;  // made in the car; the sync key (a resend is the same read)
  std::string vrm;   // normalised: A-Z 0-9, no spaces
  double confidence = 0;              // 0-100
  std::vector<float> char_confidence; // 0-100, one per character of vrm
  std::vector<PlateCandidate> candidates;  // next-best readings, best first
  std::string syntax;  // "gb-current", "gb-prefix", ..., "eu", or "none"

  int64_t captured_at_utc_ms = 0;
  ClockSource clock_source = ClockSource::kFreeRunning;
  int64_t clock_offset_ms = 0;  // GPS time minus system time, last measured
  // The clock was not verified when this read was stamped (off GPS time by
  // more than 1 s, or unsynchronised for 10 min with a GPS fix; see
  // capture/clock_watch.h): its time needs checking before it is relied on.
  bool clock_unverified = false;

  std::string camera_id;
  std::string unit_id;     // the vehicle
  // The officer logged in on the unit when the read was made; empty when
  // nobody was logged in (every read carries it, alerted or not).
  std::string officer_id;

  GeoTag position;

  std::vector<uint8_t> plate_jpeg;     // the plate patch
  std::vector<uint8_t> overview_jpeg;  // the wider view of the vehicle

  std::optional<int64_t> synced_at_utc_ms;  // set only when the depot acknowledged it
};

enum class MatchKind : int { kExact = 0, kSimilar = 1 };
const char* MatchKindName(MatchKind m);  // "exact", "similar"

// What the officer did with a hit.
enum class HitOutcome : int {
  kPending = 0,      // not yet answered
  kConfirmed = 1,    // plate checked against the image and the vehicle
  kMisread = 2,      // the read was wrong
  kNotSeen = 3,      // vehicle not seen
  kNotActioned = 4,  // seen but not actioned (a reason is required)
};
const char* HitOutcomeName(HitOutcome o);  // "pending", "confirmed", "misread", "not-seen", "not-actioned"

// A read that matched a hotlist entry.
struct Hit {
  std::string uuid;       // made in the car
  std::string read_uuid;  // the read that raised it
  std::string list_name;  // hotlist it came from
  std::string entry_vrm;  // the hotlist VRM (differs from the read on a similar match)
  Priority priority = Priority::kLow;
  MatchKind match = MatchKind::kExact;
  bool covert = false;  // recorded and synced, never alerted in the car
  bool late = false;    // raised by re-matching past reads after a hotlist update
  std::string reason;
  std::string warning_markers;
  std::string information;  // information / action text from the list
  std::string make, model, colour;
  int64_t raised_at_utc_ms = 0;

  HitOutcome outcome = HitOutcome::kPending;
  std::string outcome_by;  // officer number
  int64_t outcome_at_utc_ms = 0;
  std::string outcome_note;  // required for kNotActioned

  std::optional<int64_t> synced_at_utc_ms;
};

// A random (version 4) UUID in canonical lower-case text form, from the
// system's cryptographic random source.
std::string NewUuid();

// Milliseconds since the Unix epoch, UTC, from the system clock.
int64_t NowUtcMs();

}  // namespace anpr
