// Recursive-descent parser and evaluator for the Python-literal subset of
// deploy configs. It evaluates as it parses (literals, dict(...), simple
// arithmetic, references to earlier top-level names) and never executes
// anything: every construct outside the subset is an error with a position.
#ifndef NNPORT_SRC_CONFIG_PY_PARSER_H_
#define NNPORT_SRC_CONFIG_PY_PARSER_H_

#include <string>
#include <string_view>

#include "nnport/config.h"
#include "nnport/status.h"

namespace nnport::config_detail {

// A whole .py config: a sequence of `NAME = value` statements, as an object
// in assignment order. Names starting with "__" are left out (as mmengine does).
Result<Config> parse_py_module(std::string_view text, const std::string& origin);

// One value, e.g. "1e-3", "[1, 2]", "dict(a=1)" or a bare tuple "1, 2".
Result<Config> parse_py_value(std::string_view text, const std::string& origin);

}  // namespace nnport::config_detail

#endif  // NNPORT_SRC_CONFIG_PY_PARSER_H_
