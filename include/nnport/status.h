// Errors are values: every public function returns a Status or a Result<T>.
// A message names the action, the object and the values, e.g.
// "xnnpack: convert failed: node 'Conv_12' (Conv): group=3 unsupported".
#ifndef NNPORT_STATUS_H_
#define NNPORT_STATUS_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "nnport/export.h"
#include "nnport/plugin.h"

namespace nnport {

// Same numbers as nnport_code in plugin.h, so codes cross the ABI unchanged.
enum class Code : int {
  kOk = NNPORT_OK,
  kInvalidArgument = NNPORT_INVALID_ARGUMENT,
  kNotFound = NNPORT_NOT_FOUND,
  kUnavailable = NNPORT_UNAVAILABLE,
  kUnimplemented = NNPORT_UNIMPLEMENTED,
  kIoError = NNPORT_IO_ERROR,
  kInternal = NNPORT_INTERNAL,
};

NNPORT_API std::string_view code_name(Code code);  // "invalid argument", ...

class [[nodiscard]] NNPORT_API Status {
 public:
  Status() = default;  // ok
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return {}; }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "prefix: message", same code; ok stays ok.
  Status with_context(std::string_view prefix) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status unimplemented(std::string m) { return {Code::kUnimplemented, std::move(m)}; }
inline Status io_error(std::string m) { return {Code::kIoError, std::move(m)}; }
inline Status internal_error(std::string m) { return {Code::kInternal, std::move(m)}; }

// Thrown by Result<T>::value() on an error: what() is the error's own
// message, so a caller that forgot to check ok() still learns the cause.
class NNPORT_API BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Status& status);
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// A value or an error (C++20 has no std::expected). Check ok() first;
// value() on an error throws BadResultAccess with the error's message.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be ok
  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace nnport

#define NNPORT_CONCAT_INNER_(a, b) a##b
#define NNPORT_CONCAT_(a, b) NNPORT_CONCAT_INNER_(a, b)

// Return the status from the enclosing function if it is not ok.
#define NNPORT_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::nnport::Status nnport_status_ = (expr);        \
    if (!nnport_status_.ok()) return nnport_status_; \
  } while (0)

// auto x = NNPORT_TRY-style assignment: NNPORT_ASSIGN_OR_RETURN(auto x, f());
#define NNPORT_ASSIGN_OR_RETURN(lhs, expr) \
  NNPORT_ASSIGN_OR_RETURN_IMPL_(NNPORT_CONCAT_(nnport_result_, __LINE__), lhs, expr)
#define NNPORT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // NNPORT_STATUS_H_
