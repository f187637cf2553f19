// .yaml/.yml configs through yaml-cpp. yaml-cpp leaves scalars untyped, so
// plain scalars are resolved with the YAML 1.2 core schema (null, bool, int,
// float, else str); quoted scalars and !!str are always strings.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config_internal.h"
#include "config/py_lexer.h"

namespace nnport::config_detail {
namespace {

// Aliases (and merge keys) can expand a small file enormously; a deploy config
// has hundreds of values, and 1M of them already take about 100 MB.
constexpr size_t kMaxNodes = size_t{1} << 20;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A scalar as messages show it.
std::string shown(const std::string& s) { return config_detail::shorten(s, 40); }

// The core schema's scalar forms, scanned by hand: std::regex recurses per
// character and overflows the stack on a long scalar (40,000 digits).
bool is_dec(char c) { return c >= '0' && c <= '9'; }
bool is_oct(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Advances pos over characters of the class; returns how many.
size_t skip(std::string_view s, size_t& pos, bool (*in_class)(char)) {
  const size_t start = pos;
  while (pos < s.size() && in_class(s[pos])) ++pos;
  return pos - start;
}

void skip_sign(std::string_view s, size_t& pos) {
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
}

// [-+]?[0-9]+
bool is_decimal_int(std::string_view s) {
  size_t p = 0;
  skip_sign(s, p);
  return skip(s, p, is_dec) > 0 && p == s.size();
}

// 0o[0-7]+ or 0x[0-9a-fA-F]+: PREFIX followed by at least one digit of the class.
bool is_prefixed_int(std::string_view s, std::string_view prefix, bool (*in_class)(char)) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  size_t p = prefix.size();
  return skip(s, p, in_class) > 0 && p == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view s) {
  size_t p = 0;
  skip_sign(s, p);
  if (p < s.size() && s[p] == '.') {
    ++p;
    if (skip(s, p, is_dec) == 0) return false;
  } else {
    if (skip(s, p, is_dec) == 0) return false;
    if (p < s.size() && s[p] == '.') {
      ++p;
      skip(s, p, is_dec);
    }
  }
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    skip_sign(s, p);
    if (skip(s, p, is_dec) == 0) return false;
  }
  return p == s.size();
}

// [-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)
bool is_inf_or_nan(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  size_t p = 0;
  skip_sign(s, p);
  const std::string_view rest = s.substr(p);
  return rest == ".inf" || rest == ".Inf" || rest == ".INF";
}

class YamlConverter {
 public:
  explicit YamlConverter(const std::string& origin) : origin_(origin) {}

  // depth: the sequences and mappings around n.
  Result<Config> convert(const YAML::Node& n, int depth) {
    if ((n.IsSequence() || n.IsMap()) && depth >= kMaxConfigDepth) return at(n, too_deep_message());
    if (++nodes_ > kMaxNodes)
      return at(n, "document is too large (aliases expand to more than 1M values)");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return Config(nullptr);
      case YAML::NodeType::Scalar:
        return scalar(n);
      case YAML::NodeType::Sequence: {
        Config out = Config::array();
        for (const auto& item : n) {
          NNPORT_ASSIGN_OR_RETURN(Config v, convert(item, depth + 1));
          out.push_back(std::move(v));
        }
        return out;
      }
      case YAML::NodeType::Map:
        return mapping(n, depth);
    }
    return Config(nullptr);
  }

 private:
  // A mapping's own keys must differ (a repeated key is refused, naming both
  // lines); "<<" merge keys (YAML 1.1, as PyYAML and so mmengine read them)
  // bring in the keys of a mapping or a list of mappings, which the
  // mapping's own keys override.
  Result<Config> mapping(const YAML::Node& n, int depth) {
    std::vector<std::pair<std::string, Config>> merged;  // from "<<", in PyYAML's order
    Config own = Config::object();
    std::unordered_map<std::string, YAML::Mark> seen;  // own keys -> where
    std::optional<YAML::Mark> merge_seen;
    for (const auto& kv : n) {
      const YAML::Node& k = kv.first;
      if (!k.IsScalar()) return at(k, "a mapping key must be a scalar");
      const std::string& key = k.Scalar();
      if (!is_valid_utf8(key)) return at(k, "key is not valid UTF-8");
      if (is_merge_key(k)) {
        if (merge_seen)
          return at(k, "a second merge key '<<' (first on line " + line_of(*merge_seen) +
                           "); merge several mappings with one: '<<: [*a, *b]'");
        merge_seen = k.Mark();
        NNPORT_RETURN_IF_ERROR(merge_from(kv.second, depth, merged));
        continue;
      }
      if (auto [first, fresh] = seen.try_emplace(key, k.Mark()); !fresh)
        return at(k, "duplicate key '" + shown(key) + "' (first on line " + line_of(first->second) +
                         "); a key may appear once in a mapping: keep one of the two");
      NNPORT_ASSIGN_OR_RETURN(Config v, convert(kv.second, depth + 1));
      append_new_key(own, key, std::move(v));
    }
    if (merged.empty()) return own;
    // Merged keys first, then the mapping's own; a key keeps its first place
    // and its last value, so own keys override merged ones.
    Config out = Config::object();
    auto& items = object_items(out);
    std::unordered_map<std::string, size_t> position;
    auto put = [&](std::string key, Config v) {
      auto [slot, fresh] = position.try_emplace(key, items.size());
      if (fresh) {
        append_new_key(out, std::move(key), std::move(v));
      } else {
        items[slot->second].second = std::move(v);
      }
    };
    for (auto& [key, v] : merged) put(std::move(key), std::move(v));
    for (auto& [key, v] : object_items(own)) put(key, std::move(v));
    return out;
  }

  // A plain "<<" (or one tagged !!merge); a quoted "<<" is an ordinary key.
  static bool is_merge_key(const YAML::Node& k) {
    return k.Scalar() == "<<" && (k.Tag() == "?" || ends_with(k.Tag(), ":merge"));
  }

  // Appends the pairs a "<<" value brings: a mapping's, or those of a list of
  // mappings where earlier mappings override later ones (so later ones come
  // first, as PyYAML orders them).
  Status merge_from(const YAML::Node& v, int depth,
                    std::vector<std::pair<std::string, Config>>& out) {
    std::vector<Config> sources;
    if (v.IsMap()) {
      NNPORT_ASSIGN_OR_RETURN(Config m, convert(v, depth + 1));
      sources.push_back(std::move(m));
    } else if (v.IsSequence()) {
      if (depth + 1 >= kMaxConfigDepth) return at(v, too_deep_message());
      for (const auto& item : v) {
        if (!item.IsMap())
          return at(item, "a merge key '<<' takes a list of mappings; this item is not a mapping");
        NNPORT_ASSIGN_OR_RETURN(Config m, convert(item, depth + 2));
        sources.push_back(std::move(m));
      }
      std::reverse(sources.begin(), sources.end());
    } else {
      return at(v,
                "a merge key '<<' takes a mapping (e.g. '<<: *defaults') or a list of "
                "mappings; quote it ('\"<<\"') for a key named <<");
    }
    for (Config& m : sources)
      for (auto& [key, value] : object_items(m)) out.emplace_back(key, std::move(value));
    return {};
  }

  static std::string line_of(const YAML::Mark& m) {
    return std::to_string(m.is_null() ? 1 : m.line + 1);
  }

  Status at(const YAML::Node& n, std::string_view msg) const {
    const YAML::Mark m = n.Mark();
    return syntax_error(origin_, m.is_null() ? 1 : m.line + 1, m.is_null() ? 1 : m.column + 1, msg);
  }

  Result<Config> scalar(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    const std::string& tag = n.Tag();
    if (!is_valid_utf8(s)) return at(n, "scalar is not valid UTF-8");
    if (tag == "!" || ends_with(tag, ":str")) return Config(s);
    if (tag != "?" && !ends_with(tag, ":null") && !ends_with(tag, ":bool") &&
        !ends_with(tag, ":int") && !ends_with(tag, ":float")) {
      return at(n, "unsupported YAML tag '" + tag + "'");
    }
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Config(nullptr);
    if (s == "true" || s == "True" || s == "TRUE") return Config(true);
    if (s == "false" || s == "False" || s == "FALSE") return Config(false);
    const bool dec = is_decimal_int(s), oct = is_prefixed_int(s, "0o", is_oct),
               hex = is_prefixed_int(s, "0x", is_hex);
    if (dec || oct || hex) {
      std::string_view body = s;
      if (!body.empty() && body[0] == '+') body.remove_prefix(1);
      if (!dec) body.remove_prefix(2);
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                       dec   ? 10
                                       : oct ? 8
                                             : 16);
      if (ec != std::errc() || ptr != body.data() + body.size()) {
        return at(n, "integer " + shown(s) + " is out of range (64-bit signed)");
      }
      return Config(v);
    }
    if (is_core_float(s)) {
      const double v = std::strtod(s.c_str(), nullptr);
      if (!std::isfinite(v)) return at(n, "float " + shown(s) + " is out of range");
      return Config(v);
    }
    if (is_inf_or_nan(s)) return at(n, "infinity and NaN cannot be represented in a config");
    if (tag != "?") return at(n, "'" + shown(s) + "' does not match its tag '" + tag + "'");
    return Config(s);
  }

  const std::string& origin_;
  size_t nodes_ = 0;
};

// Records where each document starts, ignoring everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> start;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where a second document starts (its '---'), if the text has one. Not
// YAML::LoadAll: after some malformed text yaml-cpp's parser returns empty
// documents forever without reading on, and LoadAll then fills the memory
// (fuzz_config found it); here the parser is asked for two documents only.
std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts)) return std::nullopt;
  starts.start.reset();
  if (!parser.HandleNextDocument(starts)) return std::nullopt;
  return starts.start ? starts.start : YAML::Mark::null_mark();
}

}  // namespace

Result<Config> parse_yaml_text(std::string_view text, const std::string& origin) {
  YAML::Node root;
  std::optional<YAML::Mark> second;
  try {
    const std::string owned(text);
    root = YAML::Load(owned);
    second = second_document(owned);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp stops at 500 levels ("bad file"), past our own limit; its
    // mark is where it stopped.
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    return syntax_error(origin, line, col, too_deep_message());
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    return syntax_error(origin, line, col, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return syntax_error(origin, 1, 1, std::string("invalid YAML: ") + e.what());
  }
  // A config is one document (PyYAML's yaml.load refuses a second one too);
  // a second one dropped silently would lose the keys it sets.
  if (second) {
    return syntax_error(origin, second->is_null() ? 1 : second->line + 1,
                        second->is_null() ? 1 : second->column + 1,
                        "a second YAML document starts here; a config is one document: remove it "
                        "(from here on) or put it in a file of its own");
  }
  if (!root.IsDefined() || root.IsNull()) return Config::object();
  if (!root.IsMap()) {
    return invalid_argument(origin +
                            ": the top level of a config must be a mapping of config keys");
  }
  try {
    return YamlConverter(origin).convert(root, 0);
  } catch (const std::exception& e) {
    return invalid_argument(origin + ": invalid YAML: " + e.what());
  }
}

}  // namespace nnport::config_detail
