#include "config/py_arith.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace nnport::config_detail {
namespace {

bool is_int_like(const Config& v) { return v.is_number_integer() || v.is_boolean(); }
bool is_num(const Config& v) { return v.is_number() || v.is_boolean(); }

int64_t as_int(const Config& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  return v.get<int64_t>();
}
double as_double(const Config& v) {
  if (v.is_number_float()) return v.get<double>();
  return static_cast<double>(as_int(v));
}

Status unsupported(std::string_view op, const Config& a, const Config& b) {
  return invalid_argument("unsupported operand types for " + std::string(op) + ": '" +
                          py_type_name(a) + "' and '" + py_type_name(b) + "'");
}
Status int_overflow(std::string_view op) {
  return invalid_argument("integer result of '" + std::string(op) +
                          "' is out of range (64-bit signed)");
}

Result<Config> float_result(std::string_view op, double r) {
  if (!std::isfinite(r))
    return invalid_argument("float result of '" + std::string(op) + "' is out of range");
  return Config(r);
}

Result<Config> int_op(std::string_view op, int64_t a, int64_t b) {
  int64_t r = 0;
  if (op == "+") {
    if (__builtin_add_overflow(a, b, &r)) return int_overflow(op);
  } else if (op == "-") {
    if (__builtin_sub_overflow(a, b, &r)) return int_overflow(op);
  } else if (op == "*") {
    if (__builtin_mul_overflow(a, b, &r)) return int_overflow(op);
  } else if (op == "/") {
    if (b == 0) return invalid_argument("division by zero");
    return float_result(op, static_cast<double>(a) / static_cast<double>(b));
  } else if (op == "//" || op == "%") {
    if (b == 0) return invalid_argument("integer division or modulo by zero");
    if (b == -1) {  // a / -1 overflows for INT64_MIN; the remainder is 0
      if (op == "%") return Config(int64_t{0});
      if (a == std::numeric_limits<int64_t>::min()) return int_overflow(op);
      return Config(-a);
    }
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {  // Python floors toward -inf
      q -= 1;
      m += b;
    }
    r = op == "//" ? q : m;
  } else if (op == "<<" || op == ">>") {
    if (b < 0) return invalid_argument("negative shift count");
    if (op == ">>") {
      r = b >= 64 ? (a < 0 ? -1 : 0) : (a >> b);
    } else if (a == 0) {
      r = 0;
    } else {
      if (b >= 63) return int_overflow(op);
      const __int128 wide = static_cast<__int128>(a) * (static_cast<__int128>(1) << b);
      if (wide > std::numeric_limits<int64_t>::max() ||
          wide < std::numeric_limits<int64_t>::min()) {
        return int_overflow(op);
      }
      r = static_cast<int64_t>(wide);
    }
  } else if (op == "**") {
    if (b < 0) {
      if (a == 0) return invalid_argument("0 cannot be raised to a negative power");
      return float_result(op, std::pow(static_cast<double>(a), static_cast<double>(b)));
    }
    r = 1;
    int64_t base = a;
    for (int64_t e = b; e > 0; e >>= 1) {
      if ((e & 1) != 0 && __builtin_mul_overflow(r, base, &r)) return int_overflow(op);
      if (e > 1 && __builtin_mul_overflow(base, base, &base)) return int_overflow(op);
    }
  } else {
    return invalid_argument("unknown operator '" + std::string(op) + "'");
  }
  return Config(r);
}

Result<Config> float_op(std::string_view op, double a, double b) {
  if (op == "+") return float_result(op, a + b);
  if (op == "-") return float_result(op, a - b);
  if (op == "*") return float_result(op, a * b);
  if (op == "/" || op == "//" || op == "%") {
    if (b == 0.0) return invalid_argument("float division or modulo by zero");
    if (op == "/") return float_result(op, a / b);
    double m = std::fmod(a, b);
    if (m != 0.0 && ((m < 0) != (b < 0))) m += b;
    if (op == "%") return float_result(op, m);
    return float_result(op,
                        std::floor((a - m) / b + 0.5));  // exact quotient, as Python computes it
  }
  if (op == "**") {
    if (a == 0.0 && b < 0) return invalid_argument("0.0 cannot be raised to a negative power");
    if (a < 0 && std::floor(b) != b)
      return invalid_argument("a negative number to a fractional power is complex");
    return float_result(op, std::pow(a, b));
  }
  return invalid_argument("unsupported operand type for " + std::string(op) + ": 'float'");
}

Result<Config> repeat(const Config& seq, int64_t n) {
  const size_t len = seq.is_string() ? seq.get_ref<const std::string&>().size() : seq.size();
  if (n <= 0 || len == 0) return seq.is_string() ? Config("") : Config::array();
  if (static_cast<uint64_t>(n) > kMaxRepeat || len * static_cast<size_t>(n) > kMaxRepeat) {
    return invalid_argument("result of '*' is too large (more than " + std::to_string(kMaxRepeat) +
                            " items)");
  }
  if (seq.is_string()) {
    std::string out;
    const auto& s = seq.get_ref<const std::string&>();
    for (int64_t i = 0; i < n; ++i) out += s;
    return Config(std::move(out));
  }
  Config out = Config::array();
  for (int64_t i = 0; i < n; ++i)
    for (const auto& item : seq) out.push_back(item);
  return out;
}

}  // namespace

std::string py_type_name(const Config& v) {
  switch (v.type()) {
    case Config::value_t::null:
      return "NoneType";
    case Config::value_t::boolean:
      return "bool";
    case Config::value_t::number_integer:
    case Config::value_t::number_unsigned:
      return "int";
    case Config::value_t::number_float:
      return "float";
    case Config::value_t::string:
      return "str";
    case Config::value_t::array:
      return "list";
    case Config::value_t::object:
      return "dict";
    default:
      return "value";
  }
}

Result<Config> binary_op(std::string_view op, const Config& a, const Config& b) {
  if (is_num(a) && is_num(b)) {
    if (is_int_like(a) && is_int_like(b)) return int_op(op, as_int(a), as_int(b));
    if (op == "<<" || op == ">>") return unsupported(op, a, b);
    return float_op(op, as_double(a), as_double(b));
  }
  if (op == "+" && a.is_string() && b.is_string()) {
    if (a.get_ref<const std::string&>().size() + b.get_ref<const std::string&>().size() >
        64 * kMaxRepeat) {
      return invalid_argument("result of '+' is too large");
    }
    return Config(a.get<std::string>() + b.get<std::string>());
  }
  if (op == "+" && a.is_array() && b.is_array()) {
    Config out = a;
    for (const auto& item : b) out.push_back(item);
    return out;
  }
  if (op == "*" && (a.is_string() || a.is_array()) && is_int_like(b)) return repeat(a, as_int(b));
  if (op == "*" && is_int_like(a) && (b.is_string() || b.is_array())) return repeat(b, as_int(a));
  return unsupported(op, a, b);
}

Result<Config> unary_op(std::string_view op, const Config& a) {
  if (!is_num(a) || (op == "~" && !is_int_like(a))) {
    return invalid_argument("bad operand type for unary " + std::string(op) + ": '" +
                            py_type_name(a) + "'");
  }
  if (a.is_number_float()) return Config(op == "-" ? -a.get<double>() : a.get<double>());
  const int64_t v = as_int(a);
  if (op == "~") return Config(~v);
  if (op == "+") return Config(v);
  if (v == std::numeric_limits<int64_t>::min()) return int_overflow(op);
  return Config(-v);
}

}  // namespace nnport::config_detail
