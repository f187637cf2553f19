// .json configs and JSON documents through nlohmann's SAX parser, building
// the ordered tree ourselves: ordered_json's own parser inserts each key with
// a linear search (200,000 keys took minutes) and lets a repeated key
// silently replace the first. Here each open dict keeps a hash index of its
// keys, so a document of n keys builds in O(n) and a duplicate key is an
// error naming both lines. Nesting past kMaxConfigDepth is refused while
// parsing.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config_internal.h"
#include "config/py_lexer.h"

namespace nnport::config_detail {
namespace {

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

// Offsets of the opening quotes of the object keys numbered in `wanted`
// (0-based, in document order; a key is a string followed by ':'). The
// parser met these keys, so the text up to them is valid JSON.
std::vector<size_t> key_offsets(std::string_view text, std::vector<size_t> wanted) {
  std::vector<size_t> out(wanted.size(), 0);
  size_t ordinal = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    const size_t open = i;
    for (++i; i < text.size() && text[i] != '"'; ++i)
      if (text[i] == '\\') ++i;
    size_t j = i + 1;
    while (j < text.size() &&
           (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
      ++j;
    if (j >= text.size() || text[j] != ':') continue;
    for (size_t w = 0; w < wanted.size(); ++w)
      if (wanted[w] == ordinal) out[w] = open;
    ++ordinal;
  }
  return out;
}

// Thrown at the first list or dict past the limit.
struct TooDeep {};

// What the builder saw when it stopped at a repeated key.
struct DuplicateKey {
  std::string path;  // "a.0.b": where the key is, dotted as --cfg-options writes it
  size_t first = 0;  // key ordinals (document order) of the two occurrences
  size_t second = 0;
};

// nlohmann's SAX interface: builds the tree bottom-up on a stack of open
// lists and dicts (a child is moved into its parent when it closes).
class TreeBuilder {
 public:
  using number_integer_t = Config::number_integer_t;
  using number_unsigned_t = Config::number_unsigned_t;
  using number_float_t = Config::number_float_t;
  using string_t = Config::string_t;
  using binary_t = Config::binary_t;

  bool null() { return add(Config(nullptr)); }
  bool boolean(bool v) { return add(Config(v)); }
  bool number_integer(number_integer_t v) { return add(Config(v)); }
  bool number_unsigned(number_unsigned_t v) { return add(Config(v)); }
  bool number_float(number_float_t v, const string_t&) { return add(Config(v)); }
  bool string(string_t& v) { return add(Config(std::move(v))); }
  bool binary(binary_t&) { return false; }  // JSON text has none

  bool start_object(std::size_t) { return open(Config::object()); }
  bool start_array(std::size_t) { return open(Config::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    Open& dict = open_.back();
    auto [slot, fresh] = dict.keys.try_emplace(k, keys_seen_);
    if (!fresh) {
      duplicate_ = DuplicateKey{path_to(k), slot->second, keys_seen_};
      return false;
    }
    ++keys_seen_;
    dict.pending_key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_position_ = position;
    error_ = e.what();
    return false;
  }

  Config take_root() { return std::move(root_); }
  const std::optional<DuplicateKey>& duplicate() const { return duplicate_; }
  // Set when the parser stopped at a syntax error: 1-based offset of the last
  // character read, and nlohmann's message.
  size_t error_position() const { return error_position_; }
  const std::string& error() const { return error_; }

 private:
  struct Open {
    Config value;
    std::unordered_map<std::string, size_t> keys;  // dicts: key -> its ordinal
    std::string pending_key;                       // dicts: the key whose value comes next
  };

  bool open(Config empty) {
    // open_ holds the lists and dicts around the one starting.
    if (open_.size() >= static_cast<size_t>(kMaxConfigDepth)) throw TooDeep{};
    open_.push_back(Open{std::move(empty), {}, {}});
    return true;
  }
  bool close() {
    Config done = std::move(open_.back().value);
    open_.pop_back();
    return add(std::move(done));
  }
  bool add(Config v) {
    if (open_.empty()) {
      root_ = std::move(v);
    } else if (Open& parent = open_.back(); parent.value.is_array()) {
      parent.value.get_ref<Config::array_t&>().push_back(std::move(v));
    } else {
      append_new_key(parent.value, std::move(parent.pending_key), std::move(v));
    }
    return true;
  }
  // The dotted path of key k in the innermost open dict.
  std::string path_to(const std::string& k) const {
    std::string path;
    for (size_t i = 0; i + 1 < open_.size(); ++i) {
      const Open& o = open_[i];
      path += o.value.is_array() ? std::to_string(o.value.size()) : o.pending_key;
      path += '.';
    }
    return path + k;
  }

  std::vector<Open> open_;
  Config root_;
  size_t keys_seen_ = 0;
  std::optional<DuplicateKey> duplicate_;
  size_t error_position_ = 0;
  std::string error_;
};

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
  using namespace config_detail;
  TreeBuilder builder;
  int line = 1, col = 1;
  try {
    if (Config::sax_parse(text.begin(), text.end(), &builder)) return builder.take_root();
  } catch (const TooDeep&) {
    line_col(text, too_deep_offset(text), line, col);
    return syntax_error(origin, line, col, too_deep_message());
  } catch (const std::exception& e) {
    return syntax_error(origin, 1, 1, std::string("invalid JSON: ") + e.what());
  }
  if (const auto& dup = builder.duplicate()) {
    const std::vector<size_t> at = key_offsets(text, {dup->first, dup->second});
    int first_line = 1, first_col = 1;
    line_col(text, at[0], first_line, first_col);
    line_col(text, at[1], line, col);
    return syntax_error(origin, line, col,
                        "duplicate key '" + shorten(dup->path, 80) + "' (first on line " +
                            std::to_string(first_line) +
                            "); a key may appear once in a dict: keep one of the two");
  }
  // error_position is the 1-based offset of the last character read.
  const size_t pos = builder.error_position();
  line_col(text, pos == 0 ? 0 : pos - 1, line, col);
  std::string what = builder.error();
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
  if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
  return syntax_error(origin, line, col, "invalid JSON: " + what);
}

}  // namespace nnport
