// Project-wide error style: a cheap Status value and a Result<T> that holds
// either a value or a Status. No exceptions cross a library boundary; a
// hardware fault is a Status the caller shows, not a crash.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace anpr {

// What kind of failure, so callers can branch without parsing messages.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad input from a user, a file or a peer
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,  // a role or credential does not allow it
  kUnauthenticated,   // no, wrong or revoked credential
  kUnavailable,       // device, gpsd or network down: retry later
  kTimeout,
  kCorruption,        // data failed an integrity check
  kResourceExhausted, // disk full, queue full
  kIoError,
  kInternal,
};

// A value type: ok, or a code with a human-readable message that names the
// thing that failed (a file and line, a device, a host).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid-argument: hotlist.csv:12: priority 'urgent' is not high/medium/low"
  std::string ToString() const;
  // Marks a status deliberately not acted on. Only for clean-up whose
  // failure cannot change the outcome already decided (a ROLLBACK after a
  // failed statement, closing a reader's transaction); never for evidence,
  // hits or audit writes, whose failures are handled or reported.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

const char* StatusCodeName(StatusCode code);

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a T or a non-ok Status. Accessing value() of an error is a bug
// (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an ok Status has no value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace anpr
