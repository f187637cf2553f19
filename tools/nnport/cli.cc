#include "cli.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string_view>
#include <unordered_set>

#include "nnport/did_you_mean.h"
#include "nnport/npy.h"
#include "nnport/registry.h"
#include "saved_inputs.h"

namespace nnport::cli {

// ---- Command line ----

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

bool is_command(const CLI::App& app, const std::string& name) {
  auto names = command_names(app);
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

namespace {

// `app` is the top-level app or a command with commands of its own (debug).
std::string unknown_command(const CLI::App& app, const std::string& given) {
  auto names = command_names(app);
  const std::string what = app.get_parent() == nullptr ? "command" : app.get_name() + " command";
  std::string nearest = nearest_name(given, names);
  if (!nearest.empty())
    return "unknown " + what + " '" + given + "' \u2014 did you mean '" + nearest + "'? (" + what +
           "s: " + join(names, ", ") + ")";
  return "unknown " + what + " '" + given + "'; the " + what + "s are " + join(names, ", ");
}

// After a command with commands of its own (`debug`), the next word must be one.
std::string check_nested_command(const CLI::App& command, const std::vector<std::string>& args,
                                 size_t next) {
  if (command_names(command).empty() || next >= args.size()) return "";
  const std::string& t = args[next];
  if (t.empty() || t[0] == '-' || is_command(command, t)) return "";
  return unknown_command(command, t);
}

// The option `token` (up to '=') names in `app`, or null.
const CLI::Option* find_option(const CLI::App* app, const std::string& token) {
  if (app == nullptr) return nullptr;
  return app->get_option_no_throw(token.substr(0, token.find('=')));
}

bool takes_value(const CLI::Option* opt) {
  return opt != nullptr && opt->get_items_expected_max() > 0;
}

bool looks_like_number(const std::string& t) {
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size();
}

}  // namespace

std::string rewrite_help_and_check_command(const CLI::App& app, std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i];
    if (t == "--") return "";
    if (!t.empty() && t[0] == '-') {
      const CLI::Option* global = find_option(&app, t);
      if (global == nullptr) {  // a command's option before its command
        std::vector<std::string> owners;
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
          if (find_option(sub, t) != nullptr) owners.push_back(sub->get_name());
        if (!owners.empty())
          return t.substr(0, t.find('=')) + " is an option of " + join(owners, ", ") +
                 ": put it after the command (nnport " + owners[0] + " ... " +
                 t.substr(0, t.find('=')) + " ...)";
      }
      if (t.find('=') == std::string::npos && takes_value(global)) ++i;
      continue;
    }
    if (t == "help") {
      size_t j = i + 1;
      if (j < args.size() && !args[j].empty() && args[j][0] != '-') {
        if (!is_command(app, args[j])) return unknown_command(app, args[j]);
        args[i] = args[j];
        args[j] = "--help";
        // `help debug diverge`: the nested command's help.
        const CLI::App* command = app.get_subcommand(args[i]);
        if (j + 1 < args.size() && is_command(*command, args[j + 1]))
          std::swap(args[j], args[j + 1]);
        else if (auto bad = check_nested_command(*command, args, j + 1); !bad.empty())
          return bad;
      } else {
        args[i] = "--help";
      }
      return "";
    }
    if (!is_command(app, t)) return unknown_command(app, t);
    return check_nested_command(*app.get_subcommand(t), args, i + 1);
  }
  return "";
}

std::string describe_parse_error(const CLI::App& app, const CLI::App* sub,
                                 const std::vector<std::string>& args, const CLI::Error& error) {
  bool after_sub = sub == nullptr;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i];
    if (t == "--") break;
    if (!after_sub && sub != nullptr && t == sub->get_name()) after_sub = true;
    if (t.size() < 2 || t[0] != '-' || looks_like_number(t)) continue;
    const CLI::Option* opt = find_option(after_sub ? sub : nullptr, t);
    if (opt == nullptr) opt = find_option(&app, t);
    if (opt != nullptr) {
      if (t.find('=') == std::string::npos && takes_value(opt)) ++i;  // its value
      continue;
    }
    std::vector<std::string> candidates;
    for (const CLI::App* a : {after_sub ? sub : nullptr, &app}) {
      if (a == nullptr) continue;
      for (const CLI::Option* o : a->get_options()) {
        for (const auto& l : o->get_lnames()) candidates.push_back("--" + l);
        for (const auto& s : o->get_snames()) candidates.push_back("-" + s);
      }
    }
    std::string name = t.substr(0, t.find('='));
    return "unknown option '" + name + "'" + did_you_mean(name, candidates);
  }
  // `--cfg-options a=1 b=2` (MMDeploy's form): b=2 is left over.
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr &&
      std::find(args.begin(), args.end(), "--cfg-options") != args.end()) {
    for (size_t i = 1; i < args.size(); ++i)
      if (args[i].find('=') != std::string::npos && args[i][0] != '-' &&
          args[i - 1] != "--cfg-options")
        return "'" + args[i] +
               "' is not expected: --cfg-options takes one KEY=VALUE per use; write "
               "--cfg-options " +
               args[i] + " for each";
  }
  return error.what();
}

CLI::Option* add_cfg_options_option(CLI::App& sub, std::vector<std::string>& cfg_options,
                                    const std::string& help) {
  return sub.add_option("--cfg-options", cfg_options, help + "; one KEY=VALUE per use, repeatable")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return "expected a number, got '" + s + "'";
        if (!std::isfinite(v)) return "expected a finite number, got '" + s + "'";
        if (v < 0) return "must be >= 0, got " + s;
        return "";
      },
      "NUMBER >= 0");
}

CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || p != s.data() + s.size())
          return "expected a whole number from 0 to 18446744073709551615, got '" + s + "'";
        return "";
      },
      "UINT");
}

void add_device_option(CLI::App& sub, std::string& device) {
  sub.add_option("--device", device,
                 "run on this device instead of the one the work dir was converted for "
                 "(e.g. cpu, cuda:0)")
      ->type_name("DEVICE");
}

// ---- Errors ----

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
  sub.add_option("--input-dir", o.input_dir,
                 "read the inputs from a folder --save-inputs wrote (or a folder of NAME.npy); "
                 "every input must be there or given by --input")
      ->type_name("DIR");
  sub.add_option("--seed", o.seed, "seed of the random inputs")
      ->capture_default_str()
      ->check(whole_number());
}

namespace {

Result<std::pair<std::string, std::string>> split_named(const std::string& arg, const char* flag) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    return invalid_argument(std::string(flag) + " '" + arg + "': expected NAME=VALUE");
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

}  // namespace

namespace {

Status unknown_input(const std::string& flag, const std::string& name,
                     const std::vector<std::string>& names) {
  return invalid_argument(flag + ": unknown input '" + name + "'; the model's inputs are " +
                          join(names, ", ") + did_you_mean(name, names));
}

}  // namespace

Result<PreparedInputs> prepare_inputs(const Wrapper& wrapper, const InputOptions& o) {
  NNPORT_ASSIGN_OR_RETURN(PreparedInputs p, prepare_inputs(wrapper.input_infos(), o));
  // Wrong element types or ranks: reported before the engine runs.
  NNPORT_RETURN_IF_ERROR(wrapper.check_inputs(p.tensors));
  return p;
}

Result<PreparedInputs> prepare_inputs(const std::vector<TensorInfo>& infos, const InputOptions& o) {
  PreparedInputs p;
  std::vector<std::string> names;
  for (const auto& info : infos) names.push_back(info.name);
  const std::unordered_set<std::string_view> name_set(names.begin(), names.end());  // many inputs
  auto known = [&](const std::string& n) { return name_set.count(n) != 0; };
  // Names first: a typo is the first thing to hear about, whatever else is wrong.
  std::vector<std::pair<std::string, std::string>> files;
  std::map<std::string, std::string> given_by;  // input -> "--input FILE" or "--input-dir DIR"
  for (const auto& arg : o.inputs) {
    std::string name, file;
    if (arg.find('=') == std::string::npos && infos.size() == 1) {
      name = infos[0].name;
      file = arg;
    } else {
      NNPORT_ASSIGN_OR_RETURN(auto nv, split_named(arg, "--input"));
      std::tie(name, file) = nv;
    }
    if (!known(name)) return unknown_input("--input " + arg, name, names);
    if (given_by.count(name)) return invalid_argument("--input '" + name + "' is given twice");
    files.emplace_back(name, file);
    given_by[name] = "--input (" + file + ")";
  }
  if (!o.input_dir.empty()) {
    NNPORT_ASSIGN_OR_RETURN(auto saved, saved_input_files(o.input_dir, names));
    for (const auto& [name, file] : saved) {
      if (given_by.count(name))
        return invalid_argument("input '" + name + "' is given by both " + given_by[name] +
                                " and --input-dir (" + file + "): drop one of them");
      files.emplace_back(name, file);
      given_by[name] = "--input-dir (" + file + ")";
    }
    for (const auto& name : names)  // pinned data means all of it
      if (!given_by.count(name))
        return invalid_argument("--input-dir '" + o.input_dir + "' has no file for input '" + name +
                                "': add --input " + name + "=FILE.npy");
  }
  std::map<std::string, Shape> shapes;
  for (const auto& arg : o.shapes) {
    NNPORT_ASSIGN_OR_RETURN(auto nv, split_named(arg, "--shape"));
    const std::string& name = nv.first;
    if (!known(name)) return unknown_input("--shape " + arg, name, names);
    if (given_by.count(name))
      return invalid_argument("input '" + name + "' is given by both " + given_by[name] +
                              " and --shape " + arg +
                              "; a file brings its own shape: drop one of them");
    if (shapes.count(name)) return invalid_argument("--shape '" + name + "' is given twice");
    auto shape = parse_shape(nv.second);
    if (!shape.ok()) return invalid_argument("--shape " + arg + ": " + shape.status().message());
    shapes[name] = *shape;
  }
  for (const auto& [name, file] : files) {
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(file));
    p.tensors.set(name, std::move(t));
    p.sources[name] = file;
  }
  // A float32 file for an fp16 work dir (or the other way round) is
  // converted to the model's float type, and the source says so.
  const NamedTensors cast = cast_float_inputs(p.tensors, infos);
  for (const auto& [name, t] : cast)
    if (t.dtype() != p.tensors.find(name)->dtype())
      p.sources[name] += " (" + std::string(dtype_name(p.tensors.find(name)->dtype())) +
                         " converted to " + std::string(dtype_name(t.dtype())) + ")";
  p.tensors = cast;
  NNPORT_ASSIGN_OR_RETURN(p.tensors, make_inputs(infos, p.tensors, shapes, o.seed));
  for (const auto& info : infos)
    if (!p.sources.count(info.name))
      p.sources[info.name] = "random (seed " + std::to_string(o.seed) + ")";
  return p;
}

namespace {

// Engines end messages with newlines and put some inside; an error line has none.
std::string one_line(std::string m) {
  for (char& c : m)
    if (c == '\n' || c == '\r') c = ' ';
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

std::string what_for(const DeployInfo& info, const std::string& target) {
  return (info.work_dir.empty() ? "model '" + target + "'" : "work dir '" + info.work_dir + "'") +
         " on backend '" + info.backend + "' (device '" + info.device + "')";
}

}  // namespace

Result<Wrapper> build_wrapper_for(const DeployInfo& info, const std::string& target,
                                  bool device_overridden) {
  auto wrapper = build_target_wrapper(info);
  if (wrapper.ok()) return wrapper;
  const Status& s = wrapper.status();
  // The registry's errors (unknown, not installed, unavailable) and missing
  // files already say what to do; the engine's own do not.
  auto manager = Registry::global().find(info.backend);
  if (!manager.ok() || !(*manager)->is_available(false, nullptr) || s.code() == Code::kNotFound)
    return s;
  std::string hint =
      device_overridden
          ? "backend '" + info.backend + "' may not run on device '" + info.device +
                "': try --device cpu or leave --device out (see `nnport check-env`)"
          : "check that this backend can load the model (`nnport inspect`, `nnport check-env`), "
            "convert it again, or convert it for another backend; -v says more";
  return Status(s.code(), "building the wrapper for " + what_for(info, target) +
                              " failed: " + one_line(s.message()) + "; " + hint);
}

Result<NamedTensors> forward_for(Wrapper& wrapper, const DeployInfo& info,
                                 const std::string& target, const NamedTensors& inputs) {
  auto outputs = wrapper.forward(inputs);
  if (outputs.ok()) return outputs;
  return Status(
      outputs.status().code(),
      "running " + what_for(info, target) + " failed: " + one_line(outputs.status().message()) +
          "; check the inputs against `nnport inspect`, or convert it for another backend");
}

std::vector<std::string> output_file_names(const std::vector<std::string>& output_names) {
  std::vector<std::string> files;
  std::set<std::string> taken;
  for (const auto& name : output_names) {
    std::string stem = name;
    for (char& c : stem)
      if (c == '/' || c == '\\' || c == '\0') c = '_';
    if (stem.empty() || stem == "." || stem == "..") stem = "_" + stem;
    std::string file = stem + ".npy";
    for (int k = 1; taken.count(file); ++k) file = stem + "_" + std::to_string(k) + ".npy";
    taken.insert(file);
    files.push_back(file);
  }
  return files;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";  // not "-nan": the sign of a NaN means nothing here
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
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
