// The depot wire protocol: shared by the in-car client and the depot server.
#pragma once

#include <cstddef>

namespace anpr::sync {

// Every endpoint lives under this prefix; a breaking change bumps it.
inline constexpr const char* kApiPrefix = "/api/v1";
// Requests larger than this are refused with 413 before they are parsed.
inline constexpr std::size_t kMaxRequestBytes = 64u * 1024u * 1024u;

// The default port of the depot's HTTPS listener.
int DefaultDepotPort();

}  // namespace anpr::sync
