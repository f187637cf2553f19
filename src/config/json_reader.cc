// .json configs and JSON documents through nlohmann (ordered, so keys keep the
// file's order), refusing nesting past kMaxConfigDepth while parsing.
#include <string>

#include "config/config_internal.h"
#include "config/py_lexer.h"

namespace nnport::config_detail {
namespace {

// Thrown by the parse callback at the first list or dict past the limit.
struct TooDeep {};

// 1-based line and column of text[offset].
void line_col(std::string_view text, size_t offset, int& line, int& col) {
  line = 1;
  col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
}

// Offset of the bracket that opens level kMaxConfigDepth + 1 (strings
// skipped); only called once the parser has met it.
size_t too_deep_offset(std::string_view text) {
  int level = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++level > kMaxConfigDepth) return i;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return 0;
}

}  // namespace

Result<Config> parse_json_text(std::string_view text, const std::string& origin) {
  NNPORT_ASSIGN_OR_RETURN(Config cfg, nnport::parse_json_document(text, origin));
  if (cfg.is_null()) return Config::object();
  if (!cfg.is_object()) {
    return invalid_argument(origin +
                            ": the top level of a config must be an object of config keys, got " +
                            std::string(cfg.type_name()));
  }
  return cfg;
}

}  // namespace nnport::config_detail

namespace nnport {

Result<Config> parse_json_document(std::string_view text, const std::string& origin) {
  using config_detail::line_col;
  using config_detail::syntax_error;
  using config_detail::too_deep_message;
  using config_detail::too_deep_offset;
  using config_detail::TooDeep;
  // depth is the number of lists and dicts around the one starting.
  const Config::parser_callback_t refuse_deep = [](int depth, Config::parse_event_t event,
                                                   Config&) {
    if ((event == Config::parse_event_t::object_start ||
         event == Config::parse_event_t::array_start) &&
        depth >= kMaxConfigDepth) {
      throw TooDeep{};
    }
    return true;
  };
  try {
    return Config::parse(text.begin(), text.end(), refuse_deep);
  } catch (const TooDeep&) {
    int line = 1, col = 1;
    line_col(text, too_deep_offset(text), line, col);
    return syntax_error(origin, line, col, too_deep_message());
  } catch (const Config::parse_error& e) {
    // e.byte is the 1-based offset of the last character read.
    int line = 1, col = 1;
    line_col(text, e.byte == 0 ? 0 : e.byte - 1, line, col);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    return syntax_error(origin, line, col, "invalid JSON: " + what);
  } catch (const std::exception& e) {
    return syntax_error(origin, 1, 1, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace nnport
