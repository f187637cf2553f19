// nnport check-model MODEL.onnx --backend NAME|all [--config CFG] [--json]:
// which nodes a backend takes, asked of the backend's plugin (its optional
// check_model), before converting and without writing anything.
#include <iostream>

#include "cli.h"
#include "nnport/onnx_model.h"
#include "nnport/registry.h"

namespace nnport::cli {
namespace {

constexpr size_t kListedPerBackend = 20;  // unsupported nodes printed per backend

struct BackendVerdict {
  std::string name;
  bool available = false;
  std::string why;                                // unavailable, or check_model failed
  std::optional<std::vector<NodeSupport>> nodes;  // nullopt: the plugin cannot tell
  size_t unsupported() const {
    size_t n = 0;
    if (nodes)
      for (const auto& node : *nodes) n += node.supported ? 0 : 1;
    return n;
  }
  bool takes_all() const { return available && why.empty() && nodes && unsupported() == 0; }
};

std::string node_label(const NodeSupport& n) {
  return "#" + std::to_string(n.index) + " " + (n.node_name.empty() ? "(unnamed)" : n.node_name) +
         " (" + n.op_type + ")";
}

void print_text(const std::string& model, int64_t node_count,
                const std::vector<BackendVerdict>& verdicts, bool all_nodes) {
  std::cout << "model: " << model << " (" << node_count << " nodes)\n";
  for (const auto& v : verdicts) {
    if (!v.available) {
      std::cout << v.name << ": not available here: " << v.why << "\n";
      continue;
    }
    if (!v.why.empty()) {
      std::cout << v.name << ": check failed: " << v.why << "\n";
      continue;
    }
    if (!v.nodes) {
      std::cout << v.name
                << ": unknown (its plugin cannot tell before converting): try `nnport convert`\n";
      continue;
    }
    const size_t bad = v.unsupported();
    if (bad == 0) {
      std::cout << v.name << ": takes all " << v.nodes->size() << " nodes\n";
    } else {
      std::cout << v.name << ": " << v.nodes->size() - bad << " of " << v.nodes->size()
                << " nodes supported; " << bad << " not:\n";
    }
    size_t listed = 0;
    for (const auto& n : *v.nodes) {
      if (n.supported && !all_nodes) continue;
      if (!all_nodes && listed == kListedPerBackend) {
        std::cout << "  ... and " << bad - listed << " more (--all-nodes or --json lists them)\n";
        break;
      }
      ++listed;
      std::cout << "  " << node_label(n) << ": "
                << (n.supported ? (n.reason.empty() ? "ok" : "ok, " + n.reason) : n.reason) << "\n";
    }
  }
}

Config verdict_json(const BackendVerdict& v) {
  Config nodes = Config::array();
  if (v.nodes)
    for (const auto& n : *v.nodes)
      nodes.push_back({{"index", n.index},
                       {"name", n.node_name},
                       {"op_type", n.op_type},
                       {"supported", n.supported},
                       {"reason", n.reason}});
  const bool checked = v.available && v.why.empty() && v.nodes.has_value();
  return {{"name", v.name},
          {"available", v.available},
          {"checked", checked},
          {"error", v.why.empty() ? Config(nullptr) : Config(v.why)},
          {"takes_all", v.takes_all()},
          {"unsupported_count", checked ? Config(v.unsupported()) : Config(nullptr)},
          {"nodes", checked ? nodes : Config(nullptr)}};
}

}  // namespace

Command add_check_model_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string model, backend, deploy_cfg;
    std::vector<std::string> cfg_options;
    bool json = false, all_nodes = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "check-model", "say which nodes of a model a backend takes, before converting");
  sub->add_option("MODEL", o->model, "the .onnx model")->required();
  sub->add_option("--backend", o->backend,
                  "backend to ask, or 'all' for every available one "
                  "(default: the config's backend_config.type)");
  sub->add_option("--config", o->deploy_cfg,
                  "deploy config whose backend_config the backend reads (e.g. OpenCV's rewrites)")
      ->type_name("DEPLOY_CFG");
  add_cfg_options_option(*sub, o->cfg_options);
  sub->add_flag("--all-nodes", o->all_nodes, "list supported nodes too");
  sub->add_flag("--json", o->json,
                "print {model, node_count, backends: [{name, available, checked, error, "
                "takes_all, unsupported_count, nodes: [{index, name, op_type, supported, "
                "reason}]}]}");
  sub->footer(
      "Each backend's plugin answers for itself (the plugin ABI's optional check_model):\n"
      "a plugin without it is reported as 'unknown', and converting is the test. Nothing\n"
      "is written. Exit code 0 when the backend takes every node (with 'all': when at\n"
      "least one available backend does), 1 otherwise.\n"
      "Examples:\n"
      "  nnport check-model resnet18.onnx --backend xnnpack\n"
      "  nnport check-model model.onnx --backend all --json\n"
      "  nnport check-model model.onnx --config configs/classification/"
      "classification_opencv_static.py");
  return {sub, [o, &g] {
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail("check-model", plugins);
            auto model = inspect_onnx(o->model);  // a clear error for a bad file, first
            if (!model.ok()) return fail("check-model", model.status());
            Config cfg = Config::object();
            if (!o->deploy_cfg.empty()) {
              auto loaded = load_config(o->deploy_cfg, o->cfg_options);
              if (!loaded.ok()) return fail("check-model", loaded.status());
              cfg = std::move(*loaded);
            } else if (!o->cfg_options.empty()) {
              return fail("check-model", "--cfg-options needs --config DEPLOY_CFG to apply to");
            }
            std::string backend = o->backend;
            if (backend.empty()) {
              if (o->deploy_cfg.empty())
                return fail("check-model",
                            "name a backend: --backend NAME (or all), or --config DEPLOY_CFG");
              auto name = get_backend_name(cfg);
              if (!name.ok()) return fail("check-model", name.status());
              backend = *name;
            }

            Registry& reg = Registry::global();
            std::vector<const BackendManager*> managers;
            if (backend == "all") {
              managers = reg.list();
            } else {
              auto m = reg.find(backend);
              if (!m.ok()) return fail("check-model", m.status());
              managers.push_back(*m);
            }
            std::vector<BackendVerdict> verdicts;
            for (const BackendManager* m : managers) {
              BackendVerdict v;
              v.name = m->name();
              v.available = m->is_available(false, &v.why);
              if (v.available) {
                Config c = cfg;
                if (o->deploy_cfg.empty() || backend == "all")
                  c["backend_config"] = Config{{"type", m->name()}};
                auto nodes = m->check_model(
                    model->path, c.dump(-1, ' ', false, Config::error_handler_t::replace));
                if (nodes.ok())
                  v.nodes = std::move(*nodes);
                else
                  v.why = nodes.status().message();
              }
              verdicts.push_back(std::move(v));
            }
            if (backend != "all" && !verdicts.front().available)
              return fail("check-model", "backend '" + backend + "' is not available here: " +
                                             verdicts.front().why + "; run `nnport check-env`");

            if (o->json) {
              Config list = Config::array();
              for (const auto& v : verdicts) list.push_back(verdict_json(v));
              print_json(
                  {{"model", model->path}, {"node_count", model->node_count}, {"backends", list}});
            } else {
              print_text(model->path, model->node_count, verdicts, o->all_nodes);
            }
            bool any = false;
            for (const auto& v : verdicts) any = any || v.takes_all();
            return any ? kExitOk : kExitError;
          }};
}

}  // namespace nnport::cli
