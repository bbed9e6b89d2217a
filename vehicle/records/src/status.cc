#include "vehicle/records/status.h"

namespace anpr {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid-argument";
    case StatusCode::kNotFound: return "not-found";
    case StatusCode::kAlreadyExists: return "already-exists";
    case StatusCode::kPermissionDenied: return "permission-denied";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kTimeout: return "timeout";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kResourceExhausted: return "resource-exhausted";
    case StatusCode::kIoError: return "io-error";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace anpr
