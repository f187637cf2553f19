// mmengine's Config._merge_a_into_b and base-variable substitution.
#include <charconv>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config_internal.h"
#include "config/py_arith.h"

namespace nnport {
namespace config_detail {
namespace {

constexpr std::string_view kDeleteKey = "_delete_";
constexpr std::string_view kRefOpen = "{{";

bool truthy(const Config& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0.0;
  if (v.is_string() || v.is_structured()) return !v.empty();
  return false;
}

bool is_ref_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Parses "{{ _base_.a.b }}" at s[pos]; sets end and path on success.
bool match_ref(std::string_view s, size_t pos, size_t& end, std::string& path) {
  size_t p = pos;
  if (s.substr(p, 2) != kRefOpen) return false;
  p += 2;
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  if (s.substr(p, 7) != "_base_.") return false;
  p += 7;
  const size_t start = p;
  while (p < s.size() && is_ref_char(s[p])) ++p;
  if (p == start) return false;
  path = std::string(s.substr(start, p - start));
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  if (s.substr(p, 2) != "}}") return false;
  end = p + 2;
  return true;
}

Result<const Config*> lookup_ref(const Config& bases, const std::string& path,
                                 const std::string& file) {
  const Config* v = find_path(bases, path);
  if (v == nullptr) {
    return invalid_argument(file + ": '{{_base_." + path + "}}' names '" + path +
                            "', which its _base_ files do not define");
  }
  return v;
}

Status substitute_string(Config& node, const Config& bases, const std::string& file) {
  const std::string s = node.get<std::string>();
  if (s.find(kRefOpen) == std::string::npos) return {};
  size_t end = 0;
  std::string path;
  if (match_ref(s, 0, end, path) && end == s.size()) {  // the whole value: keep the base's type
    NNPORT_ASSIGN_OR_RETURN(const Config* v, lookup_ref(bases, path, file));
    node = *v;
    return {};
  }
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (match_ref(s, i, end, path)) {
      NNPORT_ASSIGN_OR_RETURN(const Config* v, lookup_ref(bases, path, file));
      out += v->is_string() ? v->get<std::string>() : v->dump();
      i = end;
    } else {
      out += s[i++];
    }
  }
  node = std::move(out);
  return {};
}

}  // namespace

const Config* find_path(const Config& root, std::string_view dotted) {
  const Config* node = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string_view part =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (node->is_object()) {
      auto it = node->find(std::string(part));
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() ||
          index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

Status substitute_base_refs(Config& cfg, const Config& bases, const std::string& file) {
  if (cfg.is_string()) return substitute_string(cfg, bases, file);
  if (cfg.is_structured()) {
    for (auto& item : cfg) NNPORT_RETURN_IF_ERROR(substitute_base_refs(item, bases, file));
  }
  return {};
}

void strip_delete_keys(Config& cfg) {
  if (!cfg.is_object()) return;
  cfg.erase(std::string(kDeleteKey));
  for (auto& [key, value] : cfg.items()) {
    (void)key;
    strip_delete_keys(value);
  }
}

}  // namespace config_detail

Result<Config> merge_config(const Config& base, const Config& child) {
  using config_detail::kDeleteKey;
  if (!child.is_object() || !base.is_object()) {
    Config out = child;
    config_detail::strip_delete_keys(out);
    return out;
  }
  Config out = base;
  // ordered_json's find and operator[] search linearly; index out's keys once
  // so that merging n keys costs O(n), not O(n^2). Positions stay valid: keys
  // are only appended, and the keys' storage stays put: no reallocation.
  auto& items = config_detail::object_items(out);
  items.reserve(items.size() + child.size());
  std::unordered_map<std::string_view, size_t> position;
  position.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) position.emplace(items[i].first, i);
  for (const auto& [key, value] : child.items()) {
    if (key == kDeleteKey) continue;
    auto pos = position.find(key);
    if (!value.is_object() || pos == position.end()) {
      Config v = value;
      config_detail::strip_delete_keys(v);
      if (pos == position.end()) {
        const size_t at = items.size();
        config_detail::append_new_key(out, key, std::move(v));
        position.emplace(items[at].first, at);
      } else {
        items[pos->second].second = std::move(v);
      }
      continue;
    }
    Config* it = &items[pos->second].second;
    auto del = value.find(std::string(kDeleteKey));
    if (del != value.end() && config_detail::truthy(*del)) {
      Config v = value;
      config_detail::strip_delete_keys(v);
      *it = std::move(v);
      continue;
    }
    if (!it->is_object()) {
      return invalid_argument("merge config: '" + key + "' is a dict in the child config but a " +
                              config_detail::py_type_name(*it) + " in its base (" + it->dump() +
                              "); add _delete_=True to the child's dict to replace the base value");
    }
    auto merged = merge_config(*it, value);
    if (!merged.ok()) {
      const std::string& m = merged.status().message();
      const std::string prefix = "merge config: '";
      return invalid_argument(m.rfind(prefix, 0) == 0 ? prefix + key + "." + m.substr(prefix.size())
                                                      : m);
    }
    *it = std::move(merged).value();
  }
  return out;
}

}  // namespace nnport
