#pragma once
// Status and StatusOr<T>: how every fallible operation in headroom reports failure.
//
// A Status is either OK (cheap: no allocation) or an ErrorCode with the exact message AWS
// would send. StatusOr<T> holds a T or a non-OK Status. An expected "no" of the model (a
// throttle) is a value, not a Status (see core/admission.h).
//
// Macros: HR_RETURN_IF_ERROR(expr) and HR_ASSIGN_OR_RETURN(lhs, expr).
// Pure: no I/O. A Status is a value; share it across threads only by copy.

#include <cassert>
#include <optional>
#include <string>
#include <utility>

#include "base/error_code.h"

namespace hr {

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  // The message exactly as the client must see it (empty when OK).
  const std::string& message() const { return message_; }
  // "NotFound: Function not found: ..." for logs and test output.
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit like absl::StatusOr
  // REQUIRES: !status.ok()
  StatusOr(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace hr

#define HR_STATUS_CONCAT_INNER_(a, b) a##b
#define HR_STATUS_CONCAT_(a, b) HR_STATUS_CONCAT_INNER_(a, b)

#define HR_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::hr::Status hr_status_ = (expr);             \
    if (!hr_status_.ok()) return hr_status_;      \
  } while (false)

#define HR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define HR_ASSIGN_OR_RETURN(lhs, expr) \
  HR_ASSIGN_OR_RETURN_IMPL_(HR_STATUS_CONCAT_(hr_statusor_, __LINE__), lhs, expr)
