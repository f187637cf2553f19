// Python's arithmetic on config values: int (64-bit, overflow is an error
// instead of a bignum), float, bool as int, str/list concatenation and
// repetition. Messages carry no position; the parser adds it.
#ifndef NNPORT_SRC_CONFIG_PY_ARITH_H_
#define NNPORT_SRC_CONFIG_PY_ARITH_H_

#include <string>
#include <string_view>

#include "nnport/config.h"
#include "nnport/status.h"

namespace nnport::config_detail {

// Largest str (bytes) or list (items) that `*` may build.
inline constexpr size_t kMaxRepeat = size_t{1} << 20;

// op: one of + - * / // % ** << >>.
Result<Config> binary_op(std::string_view op, const Config& a, const Config& b);

// op: one of - + ~.
Result<Config> unary_op(std::string_view op, const Config& a);

// Python's name for the type of a value ("int", "str", "list", "NoneType", ...).
std::string py_type_name(const Config& v);

}  // namespace nnport::config_detail

#endif  // NNPORT_SRC_CONFIG_PY_ARITH_H_
