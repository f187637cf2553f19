// .json configs through nlohmann (ordered, so keys keep the file's order).
#include <string>

#include "config/config_internal.h"
#include "config/py_lexer.h"

namespace nnport::config_detail {

Result<Config> parse_json_text(std::string_view text, const std::string& origin) {
  Config cfg;
  try {
    cfg = Config::parse(text.begin(), text.end());
  } catch (const Config::parse_error& e) {
    // e.byte is the 1-based offset of the last character read.
    size_t end = e.byte == 0 ? 0 : e.byte - 1;
    if (end > text.size()) end = text.size();
    int line = 1, col = 1;
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    return syntax_error(origin, line, col, "invalid JSON: " + what);
  } catch (const std::exception& e) {
    return syntax_error(origin, 1, 1, std::string("invalid JSON: ") + e.what());
  }
  if (cfg.is_null()) return Config::object();
  if (!cfg.is_object()) {
    return invalid_argument(origin +
                            ": the top level of a config must be an object of config keys, got " +
                            std::string(cfg.type_name()));
  }
  return cfg;
}

}  // namespace nnport::config_detail
