// Backend managers (MMDeploy's BaseBackendManager) and the registry's names.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "bindings.h"
#include "nnport/manager.h"
#include "nnport/registry.h"

namespace nnport::python {

namespace {

// Registry::global() hands out managers that live as long as the process.
// A known backend whose plugin is not installed here gets a manager too,
// with manager == nullptr, as MMDeploy's get_backend_manager does: its
// is_available() is False and says why; converting or loading raises.
struct PyManager {
  const BackendManager* manager;
  std::string name;     // when manager is null
  std::string missing;  // why there is no manager
};

const BackendManager& need(const PyManager& p) {
  if (p.manager == nullptr) throw std::runtime_error(p.missing);
  return *p.manager;
}

std::string backend_name_of(const py::handle& name) {
  if (py::isinstance<py::str>(name)) return name.cast<std::string>();  // nnport.Backend too
  if (py::hasattr(name, "value") && py::isinstance<py::str>(name.attr("value")))
    return name.attr("value").cast<std::string>();  // an enum member
  throw py::value_error("backend: expected a name (str or nnport.Backend), got " +
                        py::str(py::type::handle_of(name).attr("__name__")).cast<std::string>());
}

// Python's logging levels, which are nnport's: DEBUG 10, INFO 20, WARNING 30, ERROR 40.
int log_level_of(const py::handle& level) {
  if (py::isinstance<py::str>(level)) {
    std::string s = level.cast<std::string>();
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s == "DEBUG") return NNPORT_LOG_DEBUG;
    if (s == "INFO") return NNPORT_LOG_INFO;
    if (s == "WARNING" || s == "WARN") return NNPORT_LOG_WARNING;
    if (s == "ERROR") return NNPORT_LOG_ERROR;
    throw py::value_error("log_level: '" + level.cast<std::string>() +
                          "' is not one of DEBUG, INFO, WARNING, ERROR");
  }
  if (py::isinstance<py::int_>(level) && !py::isinstance<py::bool_>(level)) {
    int v = level.cast<int>();
    if (v <= NNPORT_LOG_DEBUG) return NNPORT_LOG_DEBUG;
    if (v <= NNPORT_LOG_INFO) return NNPORT_LOG_INFO;
    if (v <= NNPORT_LOG_WARNING) return NNPORT_LOG_WARNING;
    return NNPORT_LOG_ERROR;
  }
  throw py::value_error("log_level: expected a logging level (int, e.g. logging.INFO) or a name");
}

}  // namespace

PyManager manager_for(const py::handle& name) {
  std::string n = backend_name_of(name);
  std::optional<Result<const BackendManager*>> found;
  {
    py::gil_scoped_release no_gil;  // may load a plugin (dlopen)
    found.emplace(Registry::global().find(n));
  }
  if (!found->ok()) {
    const auto known = Registry::global().known_names();
    if (std::find(known.begin(), known.end(), n) != known.end())
      return PyManager{nullptr, n, found->status().message()};
  }
  return PyManager{unwrap(std::move(*found)), n, ""};
}

void init_manager(py::module_& m) {
  py::class_<PyManager>(m, "BackendManager", R"doc(
One backend (MMDeploy's BaseBackendManager), from nnport.get_backend_manager.
)doc")
      .def_property_readonly(
          "name", [](const PyManager& p) { return p.name; }, "The backend's name.")
      .def_property_readonly(
          "description",
          [](const PyManager& p) { return p.manager ? p.manager->description() : std::string(); })
      .def_property_readonly(
          "plugin_path",
          [](const PyManager& p) -> py::object {
            if (p.manager == nullptr) return py::none();
            return py::str(p.manager->plugin_path());
          },
          "The plugin file this backend comes from (None when it is not installed).")
      .def(
          "is_available",
          [](const PyManager& p, bool with_custom_ops) {
            return p.manager != nullptr && p.manager->is_available(with_custom_ops);
          },
          py::arg("with_custom_ops") = false,
          "Whether the backend can run here (cheap: no device is opened).")
      .def(
          "why_unavailable",
          [](const PyManager& p, bool with_custom_ops) -> py::object {
            std::string why;
            if (p.manager == nullptr) return py::str(p.missing);
            if (p.manager->is_available(with_custom_ops, &why)) return py::none();
            return py::str(why);
          },
          py::arg("with_custom_ops") = false, "None when available, else the backend's reason.")
      .def(
          "get_version",
          [](const PyManager& p) -> std::string {
            if (p.manager == nullptr) return "None";  // MMDeploy's answer when it is missing
            return unwrap(p.manager->version());
          },
          "The backend library's version; 'None' when the backend is not installed "
          "(RuntimeError when an installed one cannot tell).")
      .def(
          "check_env",
          [](const PyManager& p, const py::object& log_callback) {
            std::string text;
            const std::vector<std::string> lines =
                p.manager ? p.manager->check_env() : std::vector<std::string>{p.name + ":\tNone"};
            for (const auto& line : lines) {
              if (!text.empty()) text += "\n";
              text += line;
            }
            if (!log_callback.is_none()) log_callback(text);
            return text;
          },
          py::arg("log_callback") = py::none(),
          "MMDeploy's check_env: '<name>:\\t<version>' ('None' when unavailable, 'CheckFailed' "
          "when the check failed), then any extra lines; also passed to log_callback.")
      .def(
          "to_backend",
          [](const PyManager& p, const py::handle& ir_files, const py::handle& work_dir,
             const py::handle& deploy_cfg, const py::handle& log_level, const std::string& device) {
            const BackendManager& mgr = need(p);
            auto files = paths_from_object(ir_files, "ir_files");
            for (const auto& f : files)
              if (!std::filesystem::exists(f))
                throw_status(not_found("ir_files: no such file: " + f));
            std::string dir = path_from_object(work_dir, "work_dir");
            std::string cfg = config_from_object(deploy_cfg).dump();
            int level = log_level_of(log_level);
            std::optional<Result<std::vector<std::string>>> out;
            {
              py::gil_scoped_release no_gil;
              out.emplace(mgr.to_backend(files, dir, cfg, level, device));
            }
            return unwrap(std::move(*out));
          },
          py::arg("ir_files"), py::arg("work_dir"), py::arg("deploy_cfg"),
          py::arg("log_level") = static_cast<int>(NNPORT_LOG_INFO), py::arg("device") = "cpu",
          "Convert the IR file(s) into backend files in work_dir (which must exist); returns "
          "their paths in build_wrapper's order. deploy_cfg: nnport.Config, a dict or a path.")
      .def(
          "build_wrapper",
          [](const PyManager& p, const py::handle& backend_files, const std::string& device,
             const py::handle& input_names, const py::handle& output_names,
             const py::handle& deploy_cfg) {
            const BackendManager& mgr = need(p);
            auto files = paths_from_object(backend_files, "backend_files");
            for (const auto& f : files)
              if (!std::filesystem::exists(f))
                throw_status(not_found("backend_files: no such file: " + f));
            auto ins = names_from_object(input_names, "input_names");
            auto outs = names_from_object(output_names, "output_names");
            std::string cfg = config_from_object(deploy_cfg).dump();
            std::optional<Result<Wrapper>> built;
            {
              py::gil_scoped_release no_gil;
              built.emplace(mgr.build_wrapper(files, device, ins, outs, cfg));
            }
            return std::make_unique<PyWrapper>(unwrap(std::move(*built)));
          },
          py::arg("backend_files"), py::arg("device") = "cpu", py::arg("input_names") = py::none(),
          py::arg("output_names") = py::none(), py::arg("deploy_cfg") = py::none(),
          "Load backend files into a Wrapper. output_names picks and orders the outputs "
          "(default: all, in the model's order).")
      .def("__repr__", [](const PyManager& p) {
        if (p.manager == nullptr) return "<nnport.BackendManager '" + p.name + "' (not installed)>";
        return "<nnport.BackendManager '" + p.manager->name() + "' (" + p.manager->plugin_path() +
               ")>";
      });

  m.def("get_backend_manager", &manager_for, py::arg("name"),
        "The manager of the backend `name` (str or nnport.Backend), loading its plugin. "
        "ValueError for an unknown name (with the known ones). A known backend that is not "
        "installed here gets a manager whose is_available() is False (why_unavailable() says "
        "why) and whose to_backend/build_wrapper raise RuntimeError, as in MMDeploy.");
  m.def(
      "load_plugin",
      [](const py::handle& path) {
        std::string p = path_from_object(path, "path");
        if (!std::filesystem::exists(p))
          throw_status(not_found("plugin '" + p + "': no such file"));
        std::optional<Result<const BackendManager*>> loaded;
        {
          py::gil_scoped_release no_gil;
          loaded.emplace(Registry::global().load_plugin(p));
        }
        const BackendManager* mgr = unwrap(std::move(*loaded));
        return PyManager{mgr, mgr->name(), ""};
      },
      py::arg("path"),
      "Load a backend plugin file (the CLI's --plugin); its name joins nnport.Backend. "
      "Returns its manager.");
  m.def(
      "_known_backend_names", [] { return Registry::global().known_names(); },
      "Built-in backend names, then names added by loaded plugins.");
  m.def(
      "list_backends",
      [] {
        std::vector<PyManager> out;
        for (const auto* mgr : Registry::global().list())
          out.push_back(PyManager{mgr, mgr->name(), ""});
        return out;
      },
      "Every installed backend's manager (loads every plugin found).");
}

}  // namespace nnport::python
