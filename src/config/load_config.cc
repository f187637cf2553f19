// load_config: read a file, resolve its _base_ files recursively the way
// mmengine's Config._file2dict does, then apply --cfg-options.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config_internal.h"
#include "config/py_parser.h"
#include "core/regular_file.h"
#include "nnport/config.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kBaseKey = "_base_";
constexpr size_t kMaxBaseDepth = 64;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "py", "json", "yaml", or "" for an unsupported extension.
std::string format_of(const fs::path& path) {
  const std::string ext = lower(path.extension().string());
  if (ext == ".py") return "py";
  if (ext == ".json") return "json";
  if (ext == ".yaml" || ext == ".yml") return "yaml";
  return "";
}

Result<std::string> read_file(const fs::path& path, const std::string& shown) {
  const std::string kind = core_internal::non_regular_kind(path.string());
  if (!kind.empty()) {
    return invalid_argument("load config '" + shown + "': it is " + kind +
                            ", not a regular file: pass a .py, .json or .yaml config file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return not_found("load config '" + shown + "': cannot open the file: " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return io_error("load config '" + shown + "': read failed");
  return ss.str();
}

class Loader {
 public:
  Result<Config> load(const fs::path& path, const std::string& shown) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) canonical = path.lexically_normal();
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].canonical != canonical) continue;
      std::string chain;
      for (size_t j = i; j < stack_.size(); ++j) chain += stack_[j].shown + " -> ";
      chain += shown;
      return invalid_argument("load config: _base_ cycle: " + chain +
                              "; remove one of these _base_ entries");
    }
    // A file reached again (a _base_ diamond) is not read again: its merged
    // result is reused, unless from this deeper place its bases would pass
    // the nesting limit (then loading it again reports that, as before).
    if (auto hit = done_.find(canonical.string()); hit != done_.end()) {
      if (stack_.size() + hit->second.height <= kMaxBaseDepth) {
        height_ = hit->second.height;
        return hit->second.cfg;
      }
    }
    NNPORT_ASSIGN_OR_RETURN(Config cfg, load_uncached(path, shown, canonical));
    done_[canonical.string()] = Done{cfg, height_};
    return cfg;
  }

 private:
  Result<Config> load_uncached(const fs::path& path, const std::string& shown,
                               const fs::path& canonical) {
    std::error_code ec;
    height_ = 1;
    if (stack_.size() >= kMaxBaseDepth) {
      return invalid_argument("load config '" + shown + "': _base_ files nested more than 64 deep");
    }
    if (fs::is_directory(path, ec)) {
      return invalid_argument("load config '" + shown +
                              "': is a directory; pass a .py, .json or .yaml file");
    }
    const std::string format = format_of(path);
    if (format.empty()) {
      return invalid_argument("load config '" + shown + "': unsupported file type '" +
                              path.extension().string() + "'; use .py, .json, .yaml or .yml");
    }
    NNPORT_ASSIGN_OR_RETURN(std::string text, read_file(path, shown));
    NNPORT_ASSIGN_OR_RETURN(Config cfg, parse_config_text(text, format, shown));
    auto base_it = cfg.find(std::string(kBaseKey));
    if (base_it == cfg.end()) {
      // No bases: a {{_base_.x}} reference cannot be resolved.
      NNPORT_RETURN_IF_ERROR(config_detail::substitute_base_refs(cfg, Config::object(), shown));
      return cfg;  // with no bases nothing was spliced in: no deeper than parsed
    }
    std::vector<std::string> bases;
    if (base_it->is_string()) {
      bases.push_back(base_it->get<std::string>());
    } else if (base_it->is_array() && std::all_of(base_it->begin(), base_it->end(),
                                                  [](const Config& b) { return b.is_string(); })) {
      for (const auto& b : *base_it) bases.push_back(b.get<std::string>());
    } else {
      return invalid_argument("load config '" + shown +
                              "': _base_ must be a string or a list of strings, got " +
                              base_it->dump());
    }
    cfg.erase(base_it);

    stack_.push_back({canonical, shown});
    size_t below = 0;  // the tallest base's height
    auto merged_bases = load_bases(path, shown, bases, below);
    stack_.pop_back();
    height_ = below + 1;
    if (!merged_bases.ok()) return merged_bases.status();
    NNPORT_RETURN_IF_ERROR(config_detail::substitute_base_refs(cfg, *merged_bases, shown));
    // A {{_base_.x}} reference splices a base's value in, which can nest deeper.
    if (config_detail::config_depth(cfg) > kMaxConfigDepth) {
      return invalid_argument("load config '" + shown + "': after substituting {{_base_.*}}: " +
                              config_detail::too_deep_message());
    }
    auto merged = merge_config(*merged_bases, cfg);
    if (!merged.ok()) return merged.status().with_context("load config '" + shown + "'");
    return merged;
  }

  struct Frame {
    fs::path canonical;
    std::string shown;
  };

  // Loads each base and joins them; a top-level key in two bases is an error.
  Result<Config> load_bases(const fs::path& path, const std::string& shown,
                            const std::vector<std::string>& bases, size_t& below) {
    Config merged = Config::object();
    std::map<std::string, std::string> defined_in;
    const fs::path dir = path.parent_path();
    for (const std::string& base : bases) {
      if (base.find("::") != std::string::npos) {
        return unimplemented(
            "load config '" + shown + "': _base_ '" + base +
            "' names a package scope, which nnport does not support; use a path relative to " +
            shown);
      }
      const fs::path base_path = (dir / base).lexically_normal();
      const std::string base_shown = base_path.generic_string();
      std::error_code ec;
      if (!fs::exists(base_path, ec)) {
        return not_found("load config '" + shown + "': _base_ '" + base +
                         "' not found (looked for '" + base_shown +
                         "'); _base_ paths are relative to the file that names them");
      }
      NNPORT_ASSIGN_OR_RETURN(Config b, load(base_path, base_shown));
      below = std::max(below, height_);
      for (auto& [key, value] : b.items()) {
        if (auto prev = defined_in.find(key); prev != defined_in.end()) {
          return invalid_argument("load config '" + shown +
                                  "': Duplicate key is not allowed among bases: '" + key + "' in " +
                                  prev->second + " and " + base_shown);
        }
        defined_in[key] = base_shown;
        config_detail::append_new_key(merged, key, std::move(value));  // new: no search
      }
    }
    return merged;
  }

  struct Done {
    Config cfg;     // the file merged with its bases, before --cfg-options
    size_t height;  // files on the longest _base_ chain from it, itself included
  };

  std::vector<Frame> stack_;
  std::unordered_map<std::string, Done> done_;  // by canonical path
  size_t height_ = 0;                           // of the file load() last returned
};

}  // namespace

Result<Config> parse_config_text(std::string_view text, std::string_view format,
                                 const std::string& origin) {
  // A UTF-8 byte order mark, as some Windows editors write, is not content.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  if (format == "py") return config_detail::parse_py_module(text, origin);
  if (format == "json") return config_detail::parse_json_text(text, origin);
  if (format == "yaml" || format == "yml") return config_detail::parse_yaml_text(text, origin);
  return invalid_argument("parse config '" + origin + "': unknown format '" + std::string(format) +
                          "'; use py, json or yaml");
}

Result<Config> load_config(const std::string& path, const std::vector<std::string>& cfg_options,
                           std::vector<std::string>* warnings) {
  if (path.empty())
    return invalid_argument("load config: no file given; pass a .py, .json or .yaml path");
  Loader loader;
  NNPORT_ASSIGN_OR_RETURN(Config cfg, loader.load(fs::path(path), path));
  for (const std::string& option : cfg_options) {
    NNPORT_RETURN_IF_ERROR(apply_cfg_option(cfg, option, warnings));
  }
  config_detail::strip_delete_keys(cfg);
  return cfg;
}

}  // namespace nnport
