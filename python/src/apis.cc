// The high-level API (MMDeploy's mmdeploy.apis): convert, load_work_dir,
// verify, with the CLI's meaning.
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "bindings.h"
#include "nnport/apis.h"
#include "nnport/did_you_mean.h"
#include "nnport/npy.h"

namespace nnport::python {

namespace {

namespace fs = std::filesystem;

py::dict info_dict(const DeployInfo& info) {
  py::dict d;
  d["work_dir"] = info.work_dir;
  d["backend"] = info.backend;
  d["task"] = info.task;
  d["device"] = info.device;
  d["deploy_cfg_path"] = info.deploy_cfg_path;
  d["deploy_cfg"] = python_from_config(info.deploy_cfg);
  d["ir_files"] = info.ir_files;
  d["backend_files"] = info.backend_files;
  d["data_files"] = info.data_files;
  d["input_names"] = info.input_names;
  d["output_names"] = info.output_names;
  d["precision"] = info.precision;
  d["batch_size"] = info.batch_size;
  d["dynamic_shape"] = info.dynamic_shape;
  d["load_checked"] = info.load_checked;
  d["plugin_file"] = info.plugin_file;
  d["warnings"] = info.warnings;
  return d;
}

std::unique_ptr<PyWrapper> wrapper_for(const DeployInfo& info) {
  std::optional<Result<Wrapper>> built;
  {
    py::gil_scoped_release no_gil;
    built.emplace(build_target_wrapper(info));
  }
  auto w = std::make_unique<PyWrapper>(unwrap(std::move(*built)));
  w->deploy_info = info_dict(info);
  return w;
}

std::map<std::string, Shape> shapes_of(const py::handle& shapes) {
  std::map<std::string, Shape> out;
  if (shapes.is_none()) return out;
  if (!py::isinstance<py::dict>(shapes))
    throw py::value_error("shapes: expected {input name: shape tuple}");
  for (auto item : py::reinterpret_borrow<py::dict>(shapes)) {
    if (!py::isinstance<py::str>(item.first)) throw py::value_error("shapes: names must be str");
    Shape s;
    if (!py::isinstance<py::sequence>(item.second) || py::isinstance<py::str>(item.second))
      throw py::value_error("shapes['" + item.first.cast<std::string>() +
                            "']: expected a tuple of ints");
    for (auto d : py::reinterpret_borrow<py::sequence>(item.second)) {
      if (!py::isinstance<py::int_>(d) || d.cast<int64_t>() < 0)
        throw py::value_error("shapes['" + item.first.cast<std::string>() +
                              "']: dims must be ints >= 0");
      s.push_back(d.cast<int64_t>());
    }
    out[item.first.cast<std::string>()] = s;
  }
  return out;
}

// metrics=[...]: each item a name ('cosine', 'snr', 'topk': the CLI's
// default min) or a dict {'metric': name, 'min': x, 'k': k}, like
// `--metric NAME [--min X] [--k K]`. ValueError on anything else.
std::vector<MetricGoal> goals_of(const py::handle& metrics) {
  std::vector<MetricGoal> goals;
  if (metrics.is_none()) return goals;
  if (!py::isinstance<py::sequence>(metrics) || py::isinstance<py::str>(metrics))
    throw py::value_error(
        "verify: metrics must be a list of names or {'metric': ..., 'min': ..., 'k': ...} dicts");
  for (auto item : py::reinterpret_borrow<py::sequence>(metrics)) {
    MetricGoal g;
    bool min_given = false;
    if (py::isinstance<py::str>(item)) {
      g.metric = item.cast<std::string>();
    } else if (py::isinstance(item, py::module_::import("collections.abc").attr("Mapping"))) {
      for (auto [key, value] : py::dict(py::reinterpret_borrow<py::object>(item))) {
        std::string k = py::str(key);
        if (k == "metric" && py::isinstance<py::str>(value)) {
          g.metric = value.cast<std::string>();
        } else if (k == "min" &&
                   (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) &&
                   !py::isinstance<py::bool_>(value)) {
          g.min = value.cast<double>();
          min_given = true;
        } else if (k == "k" && py::isinstance<py::int_>(value) &&
                   !py::isinstance<py::bool_>(value)) {
          g.k = value.cast<int>();
        } else if (k == "metric" || k == "min" || k == "k") {
          throw py::value_error("verify: metrics: '" + k + "' must be " +
                                (k == "metric" ? "a str"
                                 : k == "min"  ? "a number"
                                               : "an int") +
                                ", not " +
                                std::string(py::str(py::type::of(value).attr("__name__"))));
        } else {
          throw py::value_error("verify: metrics: unknown key '" + k + "'" +
                                did_you_mean(k, {"metric", "min", "k"}) +
                                ": a goal is {'metric': name, 'min': x, 'k': k}");
        }
      }
      if (g.metric.empty())
        throw py::value_error("verify: metrics: a goal dict needs 'metric' (cosine, snr, topk)");
    } else {
      throw py::value_error("verify: metrics: each goal is a name or a dict, not " +
                            std::string(py::str(py::type::of(item).attr("__name__"))));
    }
    if (!min_given) g.min = default_metric_min(g.metric);
    goals.push_back(std::move(g));
  }
  Status ok = check_metric_goals(goals);
  if (!ok.ok()) throw py::value_error("verify: metrics: " + ok.message());
  return goals;
}

// atol= / rtol=: a number, or {output name: number} with '' for the others
// (Polygraphy's convention); the default stays where neither says.
void tolerance_of(const py::handle& value, const char* what, double& fallback,
                  std::map<std::string, double>& per_output) {
  auto number = [&](const py::handle& v, const std::string& where) {
    if (!(py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)) ||
        py::isinstance<py::bool_>(v))
      throw py::value_error("verify: " + where + " must be a number >= 0, not " +
                            std::string(py::str(py::type::of(v).attr("__name__"))));
    const double d = v.cast<double>();
    if (!(d >= 0) || !std::isfinite(d))
      throw py::value_error("verify: " + where + " must be a finite number >= 0, not " +
                            std::string(py::str(v)));
    return d;
  };
  if (!py::isinstance(value, py::module_::import("collections.abc").attr("Mapping"))) {
    fallback = number(value, what);
    return;
  }
  for (auto [key, v] : py::dict(py::reinterpret_borrow<py::object>(value))) {
    if (!py::isinstance<py::str>(key))
      throw py::value_error(std::string("verify: ") + what + " keys are output names (str)");
    const std::string name = key.cast<std::string>();
    const double d = number(v, std::string(what) + "['" + name + "']");
    if (name.empty())
      fallback = d;
    else
      per_output[name] = d;
  }
}

py::dict stats_dict(const ErrorStats& s) {
  py::dict d;
  d["max"] = s.max;
  d["mean"] = s.mean;
  d["median"] = s.median;
  d["quantile"] = s.quantile;
  return d;
}

// NaN (no value) as None; inf stays a float.
py::object metric_value(double v) {
  return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v));
}

}  // namespace

void init_apis(py::module_& m) {
  m.def(
      "load_work_dir",
      [](const py::handle& work_dir, const py::handle& device) {
        std::string dir = path_from_object(work_dir, "work_dir");
        DeployInfo info = unwrap(load_work_dir(dir));
        if (!device.is_none()) info.device = device.cast<std::string>();
        return wrapper_for(info);
      },
      py::arg("work_dir"), py::arg("device") = py::none(),
      "A Wrapper for the work dir `nnport convert` wrote, built from its deploy.json "
      "(backend, files, device unless `device` is given). wrapper.deploy_info holds what "
      "deploy.json says.");
  m.def(
      "read_deploy_info",
      [](const py::handle& target) {
        return info_dict(unwrap(resolve_target(path_from_object(target, "target"))));
      },
      py::arg("target"), "What a work dir's deploy.json (or a bare .onnx file) stands for.");
  m.def(
      "_convert",
      [](const std::string& deploy_cfg, const py::handle& model, const py::handle& work_dir,
         const std::string& device, const py::handle& cfg_options, bool overwrite, bool load_check,
         int log_level, const py::handle& calib_data) {
        ConvertOptions o;
        if (!calib_data.is_none()) o.calib_data = path_from_object(calib_data, "calib_data");
        o.device = device;
        o.cfg_options = names_from_object(cfg_options, "cfg_options");
        o.overwrite = overwrite;
        o.load_check = load_check;
        o.log_level = log_level;
        std::string model_path = path_from_object(model, "model");
        std::string dir = path_from_object(work_dir, "work_dir");
        if (!fs::exists(deploy_cfg))
          throw_status(not_found("deploy config '" + deploy_cfg + "': no such file"));
        if (!fs::exists(model_path))
          throw_status(not_found("model '" + model_path + "': no such file"));
        std::optional<Result<DeployInfo>> done;
        {
          py::gil_scoped_release no_gil;
          done.emplace(convert(deploy_cfg, model_path, dir, o));
        }
        return info_dict(unwrap(std::move(*done)));
      },
      py::arg("deploy_cfg"), py::arg("model"), py::arg("work_dir"), py::arg("device"),
      py::arg("cfg_options"), py::arg("overwrite"), py::arg("load_check"), py::arg("log_level"),
      py::arg("calib_data") = py::none());
  m.def(
      "verify",
      [](const py::handle& target, const py::handle& reference, const py::handle& expected,
         const py::handle& inputs, const py::handle& shapes, uint64_t seed, const py::handle& atol,
         const py::handle& rtol, const py::handle& backend, const py::handle& device,
         const py::handle& metrics, double quantile) {
        if (reference.is_none() == expected.is_none())
          throw py::value_error("verify: give one reference: reference=BACKEND or expected=DIR");
        Tolerances tolerances;
        tolerance_of(atol, "atol", tolerances.atol, tolerances.atol_of);
        tolerance_of(rtol, "rtol", tolerances.rtol, tolerances.rtol_of);
        if (!(quantile >= 0 && quantile <= 1))
          throw py::value_error("verify: quantile must be in [0, 1]");
        const std::vector<MetricGoal> goals = goals_of(metrics);
        std::string t = path_from_object(target, "target");
        std::string b = backend.is_none() ? "" : backend.cast<std::string>();
        DeployInfo info = unwrap(resolve_target(t, b));
        if (!device.is_none()) info.device = device.cast<std::string>();
        std::unique_ptr<PyWrapper> w = wrapper_for(info);
        std::vector<std::string> output_names;
        for (const auto& o : w->wrapper().output_infos()) output_names.push_back(o.name);
        Status known = check_tolerances(tolerances, output_names);
        if (!known.ok()) throw py::value_error("verify: " + known.message());
        std::vector<py::object> keep;
        NamedTensors given =
            inputs.is_none() ? NamedTensors{} : w->checked_inputs(inputs, keep, /*complete=*/false);
        std::string expected_dir = expected.is_none() ? "" : path_from_object(expected, "expected");
        if (!expected_dir.empty())  // saved outputs only match the inputs that made them
          for (const auto& i : w->wrapper().input_infos())
            if (!given.contains(i.name))
              throw py::value_error("verify: expected= compares with saved outputs, so input '" +
                                    i.name + "' must be given (inputs={'" + i.name + "': array})");
        NamedTensors all =
            unwrap(make_inputs(w->wrapper().input_infos(), given, shapes_of(shapes), seed));
        check(w->wrapper().check_inputs(all));
        NamedTensors outputs = unwrap(w->run(all));
        NamedTensors ref;
        std::string label;
        if (expected_dir.empty()) {
          label = reference.cast<std::string>();
          std::optional<Result<Wrapper>> built;
          {
            py::gil_scoped_release no_gil;
            built.emplace(build_reference_wrapper(info, label));
          }
          PyWrapper r(unwrap(std::move(*built)));
          ref = unwrap(r.run(cast_float_inputs(all, r.wrapper().input_infos())));
        } else {
          label = "files in " + expected_dir;
          if (!fs::is_directory(expected_dir))
            throw_status(not_found("expected: no folder " + expected_dir));
          for (const auto& [name, tensor] : outputs) {
            std::string path = (fs::path(expected_dir) / (name + ".npy")).string();
            if (!fs::exists(path))
              throw_status(not_found("expected output '" + name + "': no file " + path));
            ref.set(name, unwrap(read_npy(path)));
          }
        }
        auto rows = compare_outputs(outputs, ref, tolerances, goals, quantile);
        bool all_pass = !rows.empty();
        py::list outs;
        for (const auto& r : rows) {
          all_pass = all_pass && r.pass;
          py::dict row;
          const bool compared = r.reason.empty();
          row["name"] = r.name;
          row["dtype"] = std::string(dtype_name(r.dtype));
          row["shape"] = py::tuple(py::cast(r.shape));
          row["reference_dtype"] = std::string(dtype_name(r.ref_dtype));
          row["reference_shape"] = py::tuple(py::cast(r.ref_shape));
          row["max_abs_err"] =
              compared ? py::object(py::float_(r.max_abs_err)) : py::object(py::none());
          row["max_rel_err"] =
              compared ? py::object(py::float_(r.max_rel_err)) : py::object(py::none());
          row["mismatches"] = r.mismatches;
          row["numel"] = r.numel;
          row["atol"] = r.atol;
          row["rtol"] = r.rtol;
          row["abs_err"] = compared ? py::object(stats_dict(r.abs_err)) : py::object(py::none());
          row["rel_err"] = compared ? py::object(stats_dict(r.rel_err)) : py::object(py::none());
          if (compared && r.worst_index >= 0) {
            py::dict worst;
            worst["index"] = r.worst_index;
            worst["position"] = py::tuple(py::cast(r.worst_position));
            worst["value"] = r.worst_value;
            worst["reference"] = r.worst_ref_value;
            row["worst"] = worst;
          } else {
            row["worst"] = py::none();
          }
          row["cosine"] = metric_value(r.cosine);
          row["snr_db"] = metric_value(r.snr_db);
          if (!goals.empty()) {
            py::list values;
            for (const auto& v : r.metrics) {
              py::dict d;
              d["metric"] = v.metric;
              d["k"] = v.k;
              d["label"] = metric_label({v.metric, v.min, v.k});
              d["value"] = metric_value(v.value);
              d["min"] = v.min;
              d["pass"] = v.pass;
              d["missed_by"] = v.pass || std::isnan(v.value)
                                   ? py::object(py::none())
                                   : py::object(py::float_(v.missed_by()));
              d["reason"] = v.reason;
              values.append(d);
            }
            row["metrics"] = values;
          }
          row["pass"] = r.pass;
          row["reason"] = r.reason;
          outs.append(row);
        }
        py::dict result;
        result["target"] = t;
        result["backend"] = info.backend;
        result["device"] = info.device;
        result["reference"] = label;
        result["atol"] = tolerances.atol;
        result["rtol"] = tolerances.rtol;
        result["quantile"] = quantile;
        if (!goals.empty()) {
          py::list list;
          for (const auto& g : goals) {
            py::dict d;
            d["metric"] = g.metric;
            d["k"] = g.k;
            d["label"] = metric_label(g);
            d["min"] = g.min;
            list.append(d);
          }
          result["goals"] = list;
        }
        result["pass"] = all_pass;
        result["outputs"] = outs;
        result["output_arrays"] = dict_from_tensors(outputs);
        result["inputs"] = dict_from_tensors(all);
        return result;
      },
      py::arg("target"), py::arg("reference") = py::none(), py::arg("expected") = py::none(),
      py::arg("inputs") = py::none(), py::arg("shapes") = py::none(), py::arg("seed") = 0,
      py::arg("atol") = 1e-5, py::arg("rtol") = 1e-3, py::arg("backend") = py::none(),
      py::arg("device") = py::none(), py::arg("metrics") = py::none(), py::arg("quantile") = 0.99,
      R"doc(`nnport verify` from Python: run TARGET (a work dir or an .onnx file) and
compare its outputs with a reference backend's on the same inputs
(reference='onnxruntime') or with saved outputs (expected=DIR holding
<output name>.npy; then every input must be given). Inputs not given are the
CLI's seeded random ones (shapes= gives dynamic dims). An element passes when
|out - ref| <= atol + rtol * |ref|; atol= and rtol= are numbers, or dicts
{output name: number} with '' for the other outputs ({'boxes': 1e-3, '':
1e-5}), like `--atol boxes:1e-3 --atol 1e-5`; a name the target does not
output is a ValueError. Each output's dict holds its 'atol', 'rtol', the
statistics 'abs_err' and 'rel_err' ({'max', 'mean', 'median', 'quantile'},
quantile= sets q, numpy's linear interpolation) and 'worst' ({'index': flat,
'position': per dim, 'value', 'reference'}, the largest absolute error).
metrics= judges by accuracy goals
instead, as `--metric`: a list of names ('cosine', 'snr' in dB, 'topk', each
with the CLI's default min: 0.99, 20, 0.98) or dicts {'metric': 'topk',
'min': 0.9, 'k': 5}; an output passes when it meets every goal. Returns the
CLI's --json document as a dict ('pass', 'outputs': one dict per output, with
'metrics' when goals were given), plus 'inputs' and 'output_arrays', and
'cosine' and 'snr_db' for every output (None: no value; identical outputs
have snr_db inf). A failed comparison is result['pass'] == False, not an
exception.)doc");
}

}  // namespace nnport::python
