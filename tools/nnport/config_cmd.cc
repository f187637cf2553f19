// nnport config FILE [--cfg-options k=v ...]: the merged config as JSON.
#include <iostream>

#include "cli.h"

namespace nnport::cli {

Command add_config_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string file;
    std::vector<std::string> cfg_options;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("config", "print a deploy config, _base_ merged, as JSON");
  sub->add_option("FILE", o->file, "deploy config (.py, .json, .yaml)")->required();
  add_cfg_options_option(*sub, o->cfg_options,
                         "override a key: a.b=value (value read as a Python literal, else a "
                         "string)");
  sub->footer(
      "The config is read as data (a subset of Python literals), never executed.\n"
      "Integer dict keys print as strings, tuples as lists.\n"
      "Examples:\n"
      "  nnport config configs/classification/classification_onnxruntime_dynamic.py\n"
      "  nnport config deploy.py --cfg-options backend_config.type=onnxruntime "
      "--cfg-options onnx_config.opset_version=13");
  return {sub, [o, &g] {
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail("config", plugins);
            std::vector<std::string> warnings;
            auto cfg = load_config(o->file, o->cfg_options, &warnings);
            if (!cfg.ok()) return fail("config", cfg.status());
            for (const auto& w : warnings) std::cerr << "nnport config: warning: " << w << "\n";
            print_json(*cfg);
            return kExitOk;
          }};
}

}  // namespace nnport::cli
