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

#include "nnport/export.h"
#include "nnport/status.h"

namespace nnport {

using Config = nlohmann::ordered_json;

// The deepest nesting of lists and dicts a config (or a JSON document read
// through parse_json_document) may have; the top-level dict is level 1. Every
// reader refuses deeper input before any recursive code (merge, dump, copy)
// walks it: a hostile file must not overflow the stack. Real deploy configs
// are fewer than 10 levels deep.
inline constexpr int kMaxConfigDepth = 100;

// Load FILE (.py, .json, .yaml/.yml), resolve _base_ recursively, then apply
// cfg_options ("a.b=value", value parsed as a Python literal, else a string).
// Errors name the file, line and column (syntax, a construct outside the
// subset such as an import or a call other than dict), the _base_ chain (a
// cycle), the missing base, the key defined by two sibling bases, or nesting
// deeper than kMaxConfigDepth. When warnings is given, a cfg-option whose key
// is not in the config (added anyway, as mmengine does) appends a warning
// naming the nearest existing key.
NNPORT_API Result<Config> load_config(const std::string& path,
                                      const std::vector<std::string>& cfg_options = {},
                                      std::vector<std::string>* warnings = nullptr);

// Parse one file's text without resolving _base_ (the _base_ key is kept).
// format: "py", "json" or "yaml"; origin names the text in errors.
NNPORT_API Result<Config> parse_config_text(std::string_view text, std::string_view format,
                                            const std::string& origin);

// Parse untrusted JSON text (a work dir's deploy.json, detail.json): any JSON
// value, object keys in file order. Invalid JSON is invalid_argument
// "ORIGIN:LINE:COL: invalid JSON: ..."; lists and dicts nested deeper than
// kMaxConfigDepth are invalid_argument naming origin, the place and the
// limit, refused while parsing (the deep tree is never built).
NNPORT_API Result<Config> parse_json_document(std::string_view text, const std::string& origin);

// mmengine's merge of child over base: dicts merge recursively, anything
// else (lists included) replaces; "_delete_": true in a child dict replaces
// the base dict; "_delete_" keys do not appear in the result. A child dict
// over a base value that is not a dict is an error (as in mmengine) unless
// it carries "_delete_": true.
NNPORT_API Result<Config> merge_config(const Config& base, const Config& child);

// Apply one "a.b.c=value" override. The value is parsed as a Python literal
// of the config subset ("1", "1e-3", "True", "[1, 2]", "(1, 2)", "'x'",
// "1,2" as a list); also true/false/none in any case as mmengine does; else
// it is the plain string. Missing intermediate dicts are created; "a.0.b"
// indexes a list; a dict value merges into an existing dict. A key of more
// parts than kMaxConfigDepth (or one whose value would nest deeper) is an
// error. A key not in cfg is added (as mmengine does); when warnings is
// given, that appends "--cfg-options OPTION: no key 'KEY' in the config;
// adding it (did you mean 'NEAREST'?)".
NNPORT_API Status apply_cfg_option(Config& cfg, std::string_view option,
                                   std::vector<std::string>* warnings = nullptr);

// MMDeploy's accessors (mmdeploy.utils.config_utils).
NNPORT_API Result<std::string> get_backend_name(const Config& cfg);  // backend_config.type
NNPORT_API Config get_backend_config(const Config& cfg);             // backend_config or {}
NNPORT_API Config get_onnx_config(const Config& cfg);                // onnx_config or {}
NNPORT_API Config get_codebase_config(const Config& cfg);            // codebase_config or {}
NNPORT_API std::string get_task(const Config& cfg);                  // codebase_config.task or ""
// True when ir_config.dynamic_axes is a non-empty dict or list, and always
// for torchscript (MMDeploy's is_dynamic_shape without an input shape).
NNPORT_API bool is_dynamic_shape(const Config& cfg);
NNPORT_API Config get_ir_config(const Config& cfg);      // ir_config, else onnx_config, else {}
NNPORT_API Config get_common_config(const Config& cfg);  // backend_config.common_config or {}
NNPORT_API Config get_model_inputs(const Config& cfg);   // backend_config.model_inputs or []
// ir_config.dynamic_axes as {name: {axis: label}} ({} when absent). MMDeploy's
// list form is paired with axes_names, or when none are given with the
// config's input_names + output_names; an error when there are no names.
NNPORT_API Result<Config> get_dynamic_axes(const Config& cfg,
                                           const std::vector<std::string>& axes_names = {});

}  // namespace nnport

#endif  // NNPORT_CONFIG_H_
