// nnport inspect MODEL.onnx [--json]: inputs, outputs, opset.
#include <iostream>

#include "cli.h"
#include "nnport/onnx_model.h"

namespace nnport::cli {
namespace {

Config infos_json(const std::vector<TensorInfo>& infos) {
  Config a = Config::array();
  for (const auto& i : infos) {
    Config names = Config::array();
    for (size_t k = 0; k < i.dims.size(); ++k)
      names.push_back(k < i.dim_names.size() ? i.dim_names[k] : "");
    a.push_back({{"name", i.name},
                 {"dtype", std::string(dtype_name(i.dtype))},
                 {"dims", shape_json(i.dims)},
                 {"dim_names", names}});
  }
  return a;
}

}  // namespace

Command add_inspect_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string model;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("inspect", "show an ONNX model's inputs, outputs and opset");
  sub->add_option("MODEL", o->model, "the .onnx file")->required();
  sub->add_flag("--json", o->json, "print one JSON document");
  sub->footer(
      "Dynamic dims print as their symbolic name, or ? when unnamed.\n"
      "Examples:\n"
      "  nnport inspect model.onnx\n"
      "  nnport inspect model.onnx --json");
  return {sub, [o, &g] {
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail("inspect", plugins);
            auto info = inspect_onnx(o->model);
            if (!info.ok()) return fail("inspect", info.status());
            if (o->json) {
              Config opsets = Config::array();
              for (const auto& [domain, version] : info->opsets)
                opsets.push_back({{"domain", domain}, {"version", version}});
              print_json({{"path", info->path},
                          {"ir_version", info->ir_version},
                          {"opset", info->opset()},
                          {"opsets", opsets},
                          {"producer", info->producer_name + " " + info->producer_version},
                          {"node_count", info->node_count},
                          {"inputs", infos_json(info->inputs)},
                          {"outputs", infos_json(info->outputs)}});
              return kExitOk;
            }
            std::cout << info->path << "\n  ir_version: " << info->ir_version
                      << "\n  opset: " << info->opset();
            for (const auto& [domain, version] : info->opsets)
              if (!domain.empty()) std::cout << ", " << domain << " " << version;
            std::cout << "\n  producer: " << info->producer_name << " " << info->producer_version
                      << "\n  nodes: " << info->node_count << "\n  inputs:\n";
            for (const auto& i : info->inputs)
              std::cout << "    " << i.name << "  " << dtype_name(i.dtype) << "  " << format_dims(i)
                        << "\n";
            std::cout << "  outputs:\n";
            for (const auto& i : info->outputs)
              std::cout << "    " << i.name << "  " << dtype_name(i.dtype) << "  " << format_dims(i)
                        << "\n";
            return kExitOk;
          }};
}

}  // namespace nnport::cli
