// nnport check-env [--json]: MMDeploy's check_env lines, one per backend,
// and why a backend is unavailable.
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "nnport/backend_names.h"
#include "nnport/registry.h"

namespace nnport::cli {
namespace {

struct BackendRow {
  std::string name;
  const BackendManager* manager = nullptr;
  bool available = false;
  std::string version;
  std::vector<std::string> lines;    // check_env's lines
  std::vector<std::string> reasons;  // why it is unavailable / failed to load
  bool no_plugin = false;            // a known name with no plugin file here
};

// Whether calls on one wrapper may run at once (the plugin's declaration).
std::string thread_safety_line(const BackendManager& m) {
  return m.wrapper_thread_safe()
             ? "    thread-safe wrappers: yes (forward on one wrapper runs on several threads at "
               "once)"
             : "    thread-safe wrappers: no (forward calls on one wrapper take turns)";
}

// pytorch and default name no deploy backend (MMDeploy has no manager for them).
bool listed(const std::string& name) {
  return name != backend_names::kPyTorch && name != backend_names::kDefault;
}

constexpr double kDefaultProbeTimeout = 10;

}  // namespace

double check_env_probe_timeout() {
  const char* env = std::getenv("NNPORT_PLUGIN_PROBE_TIMEOUT");
  if (env == nullptr) return kDefaultProbeTimeout;
  char* end = nullptr;
  const double seconds = std::strtod(env, &end);
  // An unreadable value keeps the default rather than turning probing off.
  return end != env && *end == '\0' && seconds > 0 ? seconds : kDefaultProbeTimeout;
}

Command add_check_env_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "check-env", "list the backends: version, or None with the reason it is unavailable");
  sub->add_flag("--json", o->json,
                "print {backends: [{name, available, version, reason, plugin, thread_safe}], "
                "failures: [...]}");
  sub->footer(
      "One line per known backend in MMDeploy's format, \"<name>:\\t<version>\" (None when\n"
      "unavailable), with the reason under it. Plugins come from the install's plugin\n"
      "folder, NNPORT_PLUGIN_PATH and --plugin FILE. A --plugin file that fails to load\n"
      "is listed and makes the exit code 1.\n"
      "Each plugin is first loaded in a child process: one that crashes or hangs while\n"
      "loading (limit: NNPORT_PLUGIN_PROBE_TIMEOUT seconds, default 10) is listed as\n"
      "failed and skipped.\n"
      "Examples:\n"
      "  nnport check-env\n"
      "  nnport --plugin ./libnnport_backend_mine.so check-env --json");
  return {sub, [o, &g] {
            Registry& reg = Registry::global();
            reg.set_probe_timeout(check_env_probe_timeout());  // main did, before --plugin
            std::vector<const BackendManager*> managers = reg.list();
            std::vector<PluginFailure> failures = reg.failures();
            for (const auto& f : g.plugin_errors) {  // --plugin files, if not already recorded
              bool seen = false;
              for (const auto& r : failures) seen = seen || r.path == f.path;
              if (!seen) failures.push_back(f);
            }
            std::vector<BackendRow> rows;
            for (const auto& name : reg.known_names()) {
              if (!listed(name)) continue;
              BackendRow row;
              row.name = name;
              for (const auto* m : managers)
                if (m->name() == name) row.manager = m;
              if (row.manager != nullptr) {
                std::string why;
                row.available = row.manager->is_available(false, &why);
                row.lines = row.manager->check_env();
                if (auto v = row.manager->version(); v.ok()) row.version = *v;
                if (!row.available)
                  row.reasons.push_back(why.empty() ? "not available (no reason given)" : why);
              } else {
                row.lines.push_back(name + ":\tNone");
                row.no_plugin = true;
              }
              for (const auto& f : failures)
                if (f.name == name) row.reasons.push_back("plugin " + f.path + ": " + f.reason);
              rows.push_back(std::move(row));
            }
            if (o->json) {
              Config backends = Config::array();
              for (const auto& r : rows) {
                std::string reason =
                    r.no_plugin ? "no plugin found (libnnport_backend_" + r.name + ".so)" : "";
                for (const auto& s : r.reasons) reason += (reason.empty() ? "" : "; ") + s;
                backends.push_back(
                    {{"name", r.name},
                     {"available", r.available},
                     {"version", r.version.empty() ? Config(nullptr) : Config(r.version)},
                     {"reason", r.available ? Config(nullptr) : Config(reason)},
                     {"plugin", r.manager ? Config(r.manager->plugin_path()) : Config(nullptr)},
                     {"thread_safe",
                      r.manager ? Config(r.manager->wrapper_thread_safe()) : Config(nullptr)},
                     {"lines", r.lines}});
              }
              Config fails = Config::array();
              for (const auto& f : failures)
                fails.push_back({{"path", f.path}, {"name", f.name}, {"reason", f.reason}});
              print_json({{"backends", backends}, {"failures", fails}});
            } else {
              std::string not_installed;
              for (const auto& r : rows) {
                for (const auto& line : r.lines) std::cout << line << "\n";
                for (const auto& why : r.reasons) std::cout << "    " << why << "\n";
                if (r.available) std::cout << thread_safety_line(*r.manager) << "\n";
                if (r.no_plugin && g.verbose)  // -v: the file that would add it
                  std::cout << "    no plugin: needs libnnport_backend_" << r.name
                            << ".so in the plugin folder, NNPORT_PLUGIN_PATH or --plugin\n";
                if (r.no_plugin) not_installed += (not_installed.empty() ? "" : ", ") + r.name;
              }
              // One line for the names without a plugin keeps the MMDeploy lines easy to scan.
              if (!not_installed.empty())
                std::cout << "None means no plugin here (libnnport_backend_<name>.so in the plugin "
                             "folder, NNPORT_PLUGIN_PATH or --plugin): "
                          << not_installed << "\n";
              bool header = false;
              for (const auto& f : failures) {
                if (reg.is_known(f.name) && !f.name.empty() && listed(f.name)) continue;
                if (!header) std::cout << "plugins that failed to load:\n";
                header = true;
                // The reason usually names the file already.
                bool named = f.reason.find(f.path) != std::string::npos;
                std::cout << "    " << (named ? "" : f.path + ": ") << f.reason << "\n";
              }
              std::cout.flush();
            }
            if (!g.plugin_errors.empty()) {  // the reasons are listed above / in the JSON
              std::string files;
              for (const auto& f : g.plugin_errors) files += (files.empty() ? "" : ", ") + f.path;
              return fail("check-env", "--plugin " + files +
                                           " failed to load (the reason is listed with the "
                                           "backends); fix or drop the --plugin option");
            }
            return kExitOk;
          }};
}

}  // namespace nnport::cli
