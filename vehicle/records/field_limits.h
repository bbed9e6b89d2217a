// The limits on the text fields the unit stores and the depot accepts: their
// lengths, valid UTF-8, and the characters of list names and ids. One set,
// used by both sides: the unit refuses at entry (CSV import, configuration,
// officers, audit) what the depot would refuse on upload, so no record is
// stuck in the outbox, refused on every pass.
#pragma once

#include <cstddef>
#include <string_view>

#include "vehicle/records/status.h"

namespace anpr::limits {

// Free text: hotlist reason, warning markers, information; hit outcome
// notes; audit detail. Bytes of UTF-8.
inline constexpr std::size_t kMaxTextBytes = 4096;
// A short descriptive field: make, model, colour, valid_until.
inline constexpr std::size_t kMaxShortTextBytes = 64;
// An identifier: unit id, camera id, officer number, audit actor and action.
inline constexpr std::size_t kMaxIdBytes = 64;
// A hotlist's name: 1-64 of A-Z a-z 0-9 . _ -
inline constexpr std::size_t kMaxListNameBytes = 64;
// A reason or note an officer types: for a search or an export of reads, a
// hit's outcome note, a wanted plate's reason. It goes into an audit detail
// with its context, within kMaxTextBytes.
inline constexpr std::size_t kMaxReasonBytes = 1000;

// True when s is strict UTF-8: no overlong forms, no surrogates, nothing
// above U+10FFFF (what PostgreSQL and the depot's JSON parser accept).
bool IsValidUtf8(std::string_view s);

// Valid UTF-8 of at most max_bytes; else InvalidArgument naming `what`
// ("<what>: not valid UTF-8", "<what>: longer than N bytes").
Status ValidateText(std::string_view what, std::string_view value, std::size_t max_bytes);

// A hotlist name: 1-kMaxListNameBytes of A-Z a-z 0-9 . _ - (no spaces, no
// control characters: it appears in URLs and file names).
Status ValidateListName(std::string_view name);

// A unit or camera id: 1-kMaxIdBytes of printable ASCII (0x21-0x7E).
Status ValidateId(std::string_view what, std::string_view id);

// An officer number: 1-kMaxIdBytes of A-Z a-z 0-9 . _ -
Status ValidateOfficerNumber(std::string_view number);

}  // namespace anpr::limits
