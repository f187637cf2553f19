// --cfg-options KEY=VALUE: mmengine's Config.merge_from_dict with
// allow_list_keys=True, the value read as a Python literal of the subset.
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "config/config_internal.h"
#include "config/py_arith.h"
#include "config/py_lexer.h"
#include "config/py_parser.h"
#include "nnport/config.h"

namespace nnport {
namespace {

constexpr std::string_view kUsage = "; expected KEY=VALUE, e.g. backend_config.type=onnxruntime";

Config parse_option_value(std::string_view text) {
  auto parsed = config_detail::parse_py_value(text, "cfg-option");
  if (parsed.ok()) return std::move(parsed).value();
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "true") return true;  // mmengine's DictAction reads these case-insensitively
  if (lower == "false") return false;
  if (lower == "none") return nullptr;
  return std::string(text);
}

bool list_index(std::string_view part, size_t& index) {
  auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
  return !part.empty() && ec == std::errc() && ptr == part.data() + part.size();
}

}  // namespace

Status apply_cfg_option(Config& cfg, std::string_view option) {
  const std::string shown(option);
  if (!config_detail::is_valid_utf8(option)) {
    return invalid_argument(
        "cfg-option: the option is not valid UTF-8; expected KEY=VALUE in UTF-8");
  }
  const size_t eq = option.find('=');
  if (eq == std::string_view::npos) {
    return invalid_argument("cfg-option '" + shown + "': no '='" + std::string(kUsage));
  }
  const std::string_view key = option.substr(0, eq);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t dot = key.find('.', start);
    parts.emplace_back(key.substr(start, dot == key.npos ? key.npos : dot - start));
    if (parts.back().empty()) {
      return invalid_argument("cfg-option '" + shown + "': empty key part in '" + std::string(key) +
                              "'" + std::string(kUsage));
    }
    if (dot == key.npos) break;
    start = dot + 1;
  }
  Config value = parse_option_value(option.substr(eq + 1));
  if (!cfg.is_object()) cfg = Config::object();

  Config* node = &cfg;
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    Config* child = nullptr;
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) {
        if (last) {
          (*node)[part] = std::move(value);
          return {};
        }
        (*node)[part] = Config::object();
        it = node->find(part);
      }
      child = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      if (!list_index(part, index)) {
        return invalid_argument("cfg-option '" + shown + "': '" + walked + "' is a list; '" + part +
                                "' is not an index");
      }
      if (index >= node->size()) {
        return invalid_argument("cfg-option '" + shown + "': index " + part +
                                " is out of range for list '" + walked + "' of length " +
                                std::to_string(node->size()));
      }
      child = &(*node)[index];
    } else {
      return invalid_argument("cfg-option '" + shown + "': '" + walked + "' is a " +
                              config_detail::py_type_name(*node) + ", not a dict; it has no key '" +
                              part + "'");
    }
    walked += (walked.empty() ? "" : ".") + part;
    if (last) {
      // Merge {walked: value} over {walked: old} so _delete_ and the
      // dict-over-non-dict error work as in a config file, named by the path.
      Config base = Config::object(), patch = Config::object();
      base[walked] = std::move(*child);
      patch[walked] = std::move(value);
      auto merged = merge_config(base, patch);
      if (!merged.ok()) {
        *child = std::move(base[walked]);
        return merged.status().with_context("cfg-option '" + shown + "'");
      }
      *child = std::move((*merged)[walked]);
      return {};
    }
    node = child;
  }
  return {};
}

}  // namespace nnport
