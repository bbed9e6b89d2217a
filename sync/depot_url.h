// The one rule for where a vehicle may send its credential: a depot URL is
// https://, or plain http:// only to this machine (development), and never
// carries user information. Used by the sync client before every pass and by
// the unit's configuration check, so both accept exactly the same URLs.
#pragma once

#include <string>

#include "vehicle/records/status.h"

namespace anpr::sync {

// Parses `url` with libcurl's URL parser (the parser that will later fetch
// it, so the checked host is the host connected to) and accepts it when:
// the scheme is https, or http with a parsed host of localhost, 127.0.0.1 or
// [::1]; there is no user name or password ("http://localhost:x@evil/" names
// host evil); there is no query or fragment (the client appends API paths).
// Returns InvalidArgument with the reason otherwise (the reason never
// repeats the URL, which may hold a password). Thread-safe.
Status CheckDepotUrl(const std::string& url);

}  // namespace anpr::sync
