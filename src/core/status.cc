#include "nnport/status.h"

namespace nnport {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kNotFound:
      return "not found";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kUnimplemented:
      return "unimplemented";
    case Code::kIoError:
      return "i/o error";
    case Code::kInternal:
      return "internal error";
  }
  return "unknown code";
}

Status Status::with_context(std::string_view prefix) const {
  if (ok()) return *this;
  std::string m(prefix);
  m += ": ";
  m += message_;
  return {code_, std::move(m)};
}

}  // namespace nnport

namespace nnport {

BadResultAccess::BadResultAccess(const Status& status)
    : std::logic_error("nnport: Result::value() called on an error (check ok() first): " +
                       std::string(code_name(status.code())) + ": " + status.message()),
      status_(status) {}

}  // namespace nnport
