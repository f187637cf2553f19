// Deploy configs: the CLI's reader (.py / .json / .yaml, _base_ merged,
// cfg-options) and the conversions between Python objects and the C++ Config.
#include <filesystem>

#include "bindings.h"

namespace nnport::python {

namespace {

std::string type_name(const py::handle& value) {
  return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

Config load_file(const std::string& path, const std::vector<std::string>& cfg_options,
                 std::vector<std::string>* warnings) {
  if (!std::filesystem::exists(path))
    throw_status(not_found("deploy config '" + path + "': no such file"));
  return unwrap(load_config(path, cfg_options, warnings));
}

}  // namespace

std::string path_from_object(const py::handle& path, const std::string& what) {
  py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(path) || py::isinstance(path, os.attr("PathLike")))
    return os.attr("fspath")(path).cast<std::string>();
  throw py::value_error(what + ": expected a path (str or os.PathLike), got " + type_name(path));
}

std::vector<std::string> paths_from_object(const py::handle& paths, const std::string& what) {
  py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(paths) || py::isinstance(paths, os.attr("PathLike")))
    return {path_from_object(paths, what)};
  if (!py::isinstance<py::sequence>(paths))
    throw py::value_error(what + ": expected a path or a list of paths, got " + type_name(paths));
  std::vector<std::string> out;
  for (auto p : py::reinterpret_borrow<py::sequence>(paths))
    out.push_back(path_from_object(p, what + " item"));
  return out;
}

std::vector<std::string> names_from_object(const py::handle& names, const std::string& what) {
  if (names.is_none()) return {};
  if (py::isinstance<py::str>(names) || !py::isinstance<py::sequence>(names))
    throw py::value_error(what + ": expected a list of str, got " + type_name(names));
  std::vector<std::string> out;
  for (auto n : py::reinterpret_borrow<py::sequence>(names)) {
    if (!py::isinstance<py::str>(n))
      throw py::value_error(what + ": expected a list of str, got an item of type " + type_name(n));
    out.push_back(n.cast<std::string>());
  }
  return out;
}

Config config_from_object(const py::handle& cfg) {
  if (cfg.is_none()) return Config::object();
  py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(cfg) || py::isinstance(cfg, os.attr("PathLike")))
    return load_file(path_from_object(cfg, "deploy_cfg"), {}, nullptr);
  py::object abc = py::module_::import("collections.abc");
  if (!py::isinstance(cfg, abc.attr("Mapping")))
    throw py::value_error("deploy_cfg: expected nnport.Config, a dict or a config file path, got " +
                          type_name(cfg));
  // Through JSON: dict order is kept, and anything JSON cannot hold is named.
  std::string text;
  try {
    text = py::module_::import("json")
               .attr("dumps")(cfg, py::arg("allow_nan") = true)
               .cast<std::string>();
  } catch (py::error_already_set& e) {
    throw py::value_error(
        "deploy_cfg: not a config of plain values (dict, list, str, number, "
        "bool, None): " +
        std::string(e.what()));
  }
  return unwrap(parse_json_document(text, "deploy_cfg"));
}

py::object python_from_config(const Config& cfg) {
  const std::string text = cfg.dump(-1, ' ', false, Config::error_handler_t::replace);
  return py::module_::import("json").attr("loads")(text);
}

void init_config(py::module_& m) {
  m.def(
      "_load_config",
      [](const py::handle& path, const py::handle& cfg_options) {
        std::vector<std::string> options = names_from_object(cfg_options, "cfg_options");
        std::vector<std::string> warnings;
        Config cfg = load_file(path_from_object(path, "filename"), options, &warnings);
        return py::make_tuple(python_from_config(cfg), warnings);
      },
      py::arg("filename"), py::arg("cfg_options") = py::none(),
      "Load a deploy config as the CLI does; returns (plain dict, warnings).");
  m.def(
      "_dump_config",
      [](const py::handle& cfg) {
        return config_from_object(cfg).dump(2, ' ', false, Config::error_handler_t::replace);
      },
      py::arg("cfg"), "The config as the JSON text nnport hands to backends.");
}

}  // namespace nnport::python
