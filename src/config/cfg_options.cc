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
#include "nnport/did_you_mean.h"

namespace nnport {
namespace {

constexpr size_t kShownChars = 80;  // of an option, in messages
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

// Appends the dotted paths of `parts` parts under node (dict keys and list
// indexes) in config order. Recursion is bounded by parts <= kMaxConfigDepth.
void paths_of_length(const Config& node, size_t parts, const std::string& prefix,
                     std::vector<std::string>& out) {
  if (parts == 0 || !node.is_structured()) return;
  auto visit = [&](const std::string& part, const Config& child) {
    const std::string path = prefix.empty() ? part : prefix + "." + part;
    if (parts == 1) {
      out.push_back(path);
    } else {
      paths_of_length(child, parts - 1, path, out);
    }
  };
  if (node.is_object()) {
    for (const auto& [key, child] : node.items()) visit(key, child);
  } else {
    for (size_t i = 0; i < node.size(); ++i) visit(std::to_string(i), node[i]);
  }
}

// The warning for a key not in cfg. Candidates are all existing paths with as
// many parts, not only the siblings: the typo may be in any part
// ("backend_confg.precision"), and a config has few enough paths.
std::string missing_key_warning(const Config& cfg, std::string_view option, std::string_view key,
                                size_t parts) {
  std::vector<std::string> candidates;
  paths_of_length(cfg, parts, "", candidates);
  return "--cfg-options " + config_detail::shorten(option, kShownChars) + ": no key '" +
         std::string(key) + "' in the config; adding it" + did_you_mean(key, candidates);
}

}  // namespace

Status apply_cfg_option(Config& cfg, std::string_view option, std::vector<std::string>* warnings) {
  const std::string shown = config_detail::shorten(option, kShownChars);
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
      return invalid_argument("cfg-option '" + shown + "': empty key part in '" +
                              config_detail::shorten(key, kShownChars) + "'" + std::string(kUsage));
    }
    if (dot == key.npos) break;
    if (parts.size() >= static_cast<size_t>(kMaxConfigDepth)) {
      return invalid_argument("cfg-option '" + shown + "': the key has more than " +
                              std::to_string(kMaxConfigDepth) +
                              " dotted parts; configs nest at most that deep");
    }
    start = dot + 1;
  }
  Config value = parse_option_value(option.substr(eq + 1));
  // The value lands inside parts.size() levels of dicts and lists.
  if (parts.size() + config_detail::config_depth(value) > static_cast<size_t>(kMaxConfigDepth)) {
    return invalid_argument("cfg-option '" + shown + "': the key (" + std::to_string(parts.size()) +
                            " parts) with its value (" +
                            std::to_string(config_detail::config_depth(value)) +
                            " levels) would make " + config_detail::too_deep_message());
  }
  if (!cfg.is_object()) cfg = Config::object();
  if (warnings != nullptr && config_detail::find_path(cfg, key) == nullptr) {
    // Computed before the change; kept only if the option applies.
    std::string warning = missing_key_warning(cfg, option, key, parts.size());
    NNPORT_RETURN_IF_ERROR(apply_cfg_option(cfg, option));
    warnings->push_back(std::move(warning));
    return {};
  }

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
