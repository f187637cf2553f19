// Reading the deploy config a plugin is handed (JSON text, see
// docs/plugin-abi.md): the parts every backend does the same way, so each
// plugin only says what its own backend_config keys mean. Header-only on
// nlohmann/json, so a third party's plugin can use it without libnnport.
#ifndef NNPORT_PLUGIN_CONFIG_H_
#define NNPORT_PLUGIN_CONFIG_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "nnport/plugin_cpp.h"

namespace nnport::plugin {

// The deploy config as JSON; text that is not JSON is an error naming the backend.
inline nlohmann::json parse_deploy_config(std::string_view backend, const std::string& text) {
  nlohmann::json cfg = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (cfg.is_discarded()) {
    throw Error(
        NNPORT_INVALID_ARGUMENT,
        std::string(backend) + ": the deploy config handed to the plugin is not valid JSON");
  }
  return cfg;
}

// cfg.backend_config when it is this backend's (no `type`, or `type` ==
// backend); nullptr when there is none or it names another backend (a
// config shared between backends). A backend_config that is not a dict is
// an error.
inline const nlohmann::json* own_backend_config(std::string_view backend,
                                                const nlohmann::json& cfg) {
  if (!cfg.is_object() || !cfg.contains("backend_config")) return nullptr;
  const nlohmann::json& bc = cfg["backend_config"];
  if (!bc.is_object()) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                std::string(backend) + ": backend_config must be a dict, got " + bc.dump());
  }
  if (bc.contains("type") && bc["type"] != backend) return nullptr;
  return &bc;
}

// "<backend>: backend_config.<key> = <value> is invalid: <allowed>".
[[noreturn]] inline void bad_config_value(std::string_view backend, const std::string& key,
                                          const nlohmann::json& value, const std::string& allowed) {
  throw Error(NNPORT_INVALID_ARGUMENT, std::string(backend) + ": backend_config." + key + " = " +
                                           value.dump() + " is invalid: " + allowed);
}

}  // namespace nnport::plugin

#endif  // NNPORT_PLUGIN_CONFIG_H_
