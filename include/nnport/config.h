// Deploy configs as data: MMDeploy's .py configs (a subset of Python
// literals, never executed), .json and .yaml, with mmengine's _base_
// inheritance and --cfg-options overrides. The tree is an ordered JSON value:
// dict keys keep their order; integer keys become strings ("0"); tuples
// become lists.
#ifndef NNPORT_CONFIG_H_
#define NNPORT_CONFIG_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "nnport/status.h"

namespace nnport {

using Config = nlohmann::ordered_json;

// Load FILE (.py, .json, .yaml/.yml), resolve _base_ recursively, then apply
// cfg_options ("a.b=value", value parsed as a Python literal, else a string).
// Errors name the file, line and column (syntax, a construct outside the
// subset such as an import or a call other than dict), the _base_ chain (a
// cycle), the missing base, or the key defined by two sibling bases.
Result<Config> load_config(const std::string& path,
                           const std::vector<std::string>& cfg_options = {});

// Parse one file's text without resolving _base_ (the _base_ key is kept).
// format: "py", "json" or "yaml"; origin names the text in errors.
Result<Config> parse_config_text(std::string_view text, std::string_view format,
                                 const std::string& origin);

// mmengine's merge: dicts merge recursively, anything else replaces,
// "_delete_": true in a child dict replaces the base dict.
Config merge_config(const Config& base, const Config& child);

// Apply one "a.b.c=value" override.
Status apply_cfg_option(Config& cfg, std::string_view option);

// MMDeploy's accessors (mmdeploy.utils.config_utils).
Result<std::string> get_backend_name(const Config& cfg);  // backend_config.type
Config get_backend_config(const Config& cfg);             // backend_config or {}
Config get_onnx_config(const Config& cfg);                // onnx_config or {}
Config get_codebase_config(const Config& cfg);            // codebase_config or {}
std::string get_task(const Config& cfg);                  // codebase_config.task or ""
bool is_dynamic_shape(const Config& cfg);                 // onnx_config.dynamic_axes non-empty

}  // namespace nnport

#endif  // NNPORT_CONFIG_H_
