// nnport inspect MODEL.onnx [--json]: inputs, outputs, opset.
#include <iostream>

#include "cli.h"
#include "nnport/onnx_model.h"

namespace nnport::cli {
namespace {

// float32, or what ONNX calls a type nnport has no DType for: string,
// bfloat16, seq(tensor(int64)).
std::string type_name(const TensorInfo& info, const std::vector<OnnxValueDetail>& details,
                      size_t index) {
  if (info.dtype != DType::kUndefined || index >= details.size())
    return std::string(dtype_name(info.dtype));
  const std::string& t = details[index].onnx_type;
  if (t.empty()) return std::string(dtype_name(info.dtype));
  if (t.rfind("tensor(", 0) == 0 && t.back() == ')') return t.substr(7, t.size() - 8);
  return t;
}

Config infos_json(const std::vector<TensorInfo>& infos,
                  const std::vector<OnnxValueDetail>& details) {
  Config a = Config::array();
  for (size_t n = 0; n < infos.size(); ++n) {
    const TensorInfo& i = infos[n];
    Config names = Config::array();
    for (size_t k = 0; k < i.dims.size(); ++k)
      names.push_back(k < i.dim_names.size() ? i.dim_names[k] : "");
    a.push_back({{"name", i.name},
                 {"dtype", type_name(i, details, n)},
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
                          {"inputs", infos_json(info->inputs, info->input_details)},
                          {"outputs", infos_json(info->outputs, info->output_details)}});
              return kExitOk;
            }
            std::cout << info->path << "\n  ir_version: " << info->ir_version
                      << "\n  opset: " << info->opset();
            for (const auto& [domain, version] : info->opsets)
              if (!domain.empty()) std::cout << ", " << domain << " " << version;
            std::cout << "\n  producer: " << info->producer_name << " " << info->producer_version
                      << "\n  nodes: " << info->node_count << "\n  inputs:\n";
            for (size_t n = 0; n < info->inputs.size(); ++n)
              std::cout << "    " << info->inputs[n].name << "  "
                        << type_name(info->inputs[n], info->input_details, n) << "  "
                        << format_dims(info->inputs[n]) << "\n";
            std::cout << "  outputs:\n";
            for (size_t n = 0; n < info->outputs.size(); ++n)
              std::cout << "    " << info->outputs[n].name << "  "
                        << type_name(info->outputs[n], info->output_details, n) << "  "
                        << format_dims(info->outputs[n]) << "\n";
            return kExitOk;
          }};
}

}  // namespace nnport::cli
