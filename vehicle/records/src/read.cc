#include "vehicle/records/read.h"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <random>

namespace anpr {

const char* PriorityName(Priority p) {
  switch (p) {
    case Priority::kHigh: return "high";
    case Priority::kMedium: return "medium";
    case Priority::kLow: return "low";
  }
  return "low";
}

bool ParsePriority(std::string_view text, Priority* out) {
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "high") *out = Priority::kHigh;
  else if (lower == "medium") *out = Priority::kMedium;
  else if (lower == "low") *out = Priority::kLow;
  else return false;
  return true;
}

const char* ClockSourceName(ClockSource c) {
  switch (c) {
    case ClockSource::kGps: return "gps";
    case ClockSource::kNtp: return "ntp";
    case ClockSource::kFreeRunning: return "free-running";
  }
  return "free-running";
}

const char* MatchKindName(MatchKind m) { return m == MatchKind::kExact ? "exact" : "similar"; }

const char* HitOutcomeName(HitOutcome o) {
  switch (o) {
    case HitOutcome::kPending: return "pending";
    case HitOutcome::kConfirmed: return "confirmed";
    case HitOutcome::kMisread: return "misread";
    case HitOutcome::kNotSeen: return "not-seen";
    case HitOutcome::kNotActioned: return "not-actioned";
  }
  return "pending";
}

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // OpenSSL's generator failed (should not happen once seeded): fall back to
    // the OS random device so a read is never left without an id.
    std::random_device rd;
    for (auto& x : b) x = static_cast<unsigned char>(rd());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                b[12], b[13], b[14], b[15]);
  return out;
}

int64_t NowUtcMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace anpr
