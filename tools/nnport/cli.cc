#include "cli.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "nnport/npy.h"

namespace nnport::cli {

int fail(const std::string& cmd, const Status& status) { return fail(cmd, status.message()); }

int fail(const std::string& cmd, const std::string& message) {
  std::cerr << "nnport" << (cmd.empty() ? "" : " " + cmd) << ": error: " << message << std::endl;
  return kExitError;
}

Status plugin_load_status(const GlobalOptions& g) {
  if (g.plugin_errors.empty()) return {};
  std::string m;
  for (const auto& f : g.plugin_errors) m += (m.empty() ? "" : "; ") + f.reason;
  return unavailable(m + " (run `nnport check-env` to see every plugin)");
}

void verbose(const GlobalOptions& g, const std::string& cmd, const std::string& message) {
  if (g.verbose) std::cerr << "nnport " << cmd << ": " << message << std::endl;
}

void print_json(const Config& doc) {
  std::cout << doc.dump(2, ' ', false, Config::error_handler_t::replace) << std::endl;
}

void add_input_options(CLI::App& sub, InputOptions& o) {
  sub.add_option("-i,--input", o.inputs,
                 "NAME=FILE.npy: an input from a NumPy file (repeatable); FILE.npy alone for a "
                 "model with one input. Inputs not given get seeded random data.")
      ->type_name("NAME=FILE");
  sub.add_option("-s,--shape", o.shapes,
                 "NAME=1x3x224x224: the full shape of a random input with dynamic dims "
                 "(repeatable)")
      ->type_name("NAME=SHAPE");
  sub.add_option("--seed", o.seed, "seed of the random inputs")->capture_default_str();
}

namespace {

Result<std::pair<std::string, std::string>> split_named(const std::string& arg, const char* flag) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    return invalid_argument(std::string(flag) + " '" + arg + "': expected NAME=VALUE");
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

}  // namespace

Result<PreparedInputs> prepare_inputs(const Wrapper& wrapper, const InputOptions& o) {
  PreparedInputs p;
  const auto& infos = wrapper.input_infos();
  for (const auto& arg : o.inputs) {
    std::string name, file;
    if (arg.find('=') == std::string::npos && infos.size() == 1) {
      name = infos[0].name;
      file = arg;
    } else {
      NNPORT_ASSIGN_OR_RETURN(auto nv, split_named(arg, "--input"));
      std::tie(name, file) = nv;
    }
    if (p.tensors.contains(name)) return invalid_argument("--input '" + name + "' is given twice");
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(file));
    p.tensors.set(name, std::move(t));
    p.sources[name] = file;
  }
  std::map<std::string, Shape> shapes;
  for (const auto& arg : o.shapes) {
    NNPORT_ASSIGN_OR_RETURN(auto nv, split_named(arg, "--shape"));
    auto shape = parse_shape(nv.second);
    if (!shape.ok())
      return invalid_argument("--shape " + arg + ": " + shape.status().message() +
                              " (write it as 1x3x224x224)");
    shapes[nv.first] = *shape;
  }
  NNPORT_ASSIGN_OR_RETURN(p.tensors, make_inputs(infos, p.tensors, shapes, o.seed));
  for (const auto& info : infos)
    if (!p.sources.count(info.name))
      p.sources[info.name] = "random (seed " + std::to_string(o.seed) + ")";
  // Unknown names, wrong element types or ranks: reported before the engine runs.
  NNPORT_RETURN_IF_ERROR(wrapper.check_inputs(p.tensors));
  return p;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string format_dims(const TensorInfo& info) {
  std::string s = "[";
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i > 0) s += ", ";
    if (info.dims[i] >= 0)
      s += std::to_string(info.dims[i]);
    else if (i < info.dim_names.size() && !info.dim_names[i].empty())
      s += info.dim_names[i];
    else
      s += "?";
  }
  return s + "]";
}

std::string format_shape(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Config shape_json(const Shape& shape) {
  Config a = Config::array();
  for (int64_t d : shape) a.push_back(d);
  return a;
}

Config number_json(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }

}  // namespace nnport::cli
