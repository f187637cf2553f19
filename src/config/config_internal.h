// Pieces of the config room shared between its files.
#ifndef NNPORT_SRC_CONFIG_CONFIG_INTERNAL_H_
#define NNPORT_SRC_CONFIG_CONFIG_INTERNAL_H_

#include <string>
#include <string_view>
#include <utility>

#include "nnport/config.h"
#include "nnport/status.h"

namespace nnport::config_detail {

// Readers; errors are "ORIGIN:LINE:COL: message" where the library tells.
// parse_json_text reads a config (an object); parse_json_document any value.
Result<Config> parse_json_text(std::string_view text, const std::string& origin);
Result<Config> parse_yaml_text(std::string_view text, const std::string& origin);

// Levels of lists and dicts in v (0 for a scalar, 1 for a flat list or
// dict), counted without recursion; stops early once past stop_after.
int config_depth(const Config& v, int stop_after = kMaxConfigDepth);

// "nested more than 100 levels deep ..." for every reader's error.
std::string too_deep_message();

// Text as an error message shows it: a hostile value can be megabytes long,
// so past max_chars it is cut, with its size ("1234567... (40000 bytes)").
std::string shorten(std::string_view text, size_t max_chars);

// Replaces "{{_base_.a.b}}" in string values of cfg (a whole string becomes
// the base's value, of any type; inside a longer string the value's text is
// spliced in). file names cfg in errors.
Status substitute_base_refs(Config& cfg, const Config& bases, const std::string& file);

// Removes "_delete_" keys from every dict reached through dicts.
void strip_delete_keys(Config& cfg);

// Appends key, which obj (an object) must not hold yet, without the linear
// search of ordered_json's operator[]: a config of n keys builds in O(n).
// object_items gives the (key, value) pairs in order, indexable.
inline Config::object_t::Container& object_items(Config& obj) {
  return static_cast<Config::object_t::Container&>(obj.get_ref<Config::object_t&>());
}
inline Config& append_new_key(Config& obj, std::string key, Config value) {
  return object_items(obj).emplace_back(std::move(key), std::move(value)).second;
}

// Walks "a.b.0" through dicts (keys) and lists (indexes); nullptr if absent.
const Config* find_path(const Config& root, std::string_view dotted);

}  // namespace nnport::config_detail

#endif  // NNPORT_SRC_CONFIG_CONFIG_INTERNAL_H_
