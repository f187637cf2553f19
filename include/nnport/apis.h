// The high-level API (MMDeploy's mmdeploy.apis): convert a model into a work
// dir, load a work dir back, build a wrapper for a target, make seeded
// random inputs, and compare outputs. The CLI is a thin layer over this.
#ifndef NNPORT_APIS_H_
#define NNPORT_APIS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/metrics.h"
#include "nnport/registry.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport {

// What a work dir holds (deploy.json), or what a model file stands for.
struct DeployInfo {
  std::string work_dir;  // absolute; empty for a bare model file
  std::string backend;   // backend name
  std::string task;      // codebase_config.task, may be empty
  std::string device = "cpu";
  std::string deploy_cfg_path;             // the config it came from, may be empty
  Config deploy_cfg = Config::object();    // the merged deploy config
  std::vector<std::string> ir_files;       // absolute paths of the ONNX file(s)
  std::vector<std::string> backend_files;  // absolute paths, build_wrapper's order
  std::vector<std::string> data_files;     // absolute paths of the ONNX file's external data
  // Other files convert wrote: the lower-precision model the backend
  // converted (<stem>.int8.onnx, <stem>.fp16.onnx), quantization.json, the
  // calibration file of calib_config.create_calib.
  std::vector<std::string> extra_files;
  std::vector<std::string> input_names;   // the model's, in order
  std::vector<std::string> output_names;  // the model's, in order
  std::string precision = "FP32";         // "FP32", "FP16" or "INT8" (MMDeploy's spelling)
  int64_t batch_size = 1;
  bool dynamic_shape = false;
  bool load_checked = false;  // convert built the backend's wrapper from the files once
  // The plugin that converted it, when it is not one of the install's own
  // (a third party's): run/verify name the file when that backend is missing.
  std::string plugin_file;
  std::vector<std::string> warnings;  // things the caller may want to print
};

struct ConvertOptions {
  std::string device = "cpu";
  std::vector<std::string> cfg_options;  // "a.b=value" overrides
  // Replace an existing, non-empty WORK_DIR — only one that nnport wrote
  // (deploy.json with nnport's marker, no file it does not list).
  bool overwrite = false;
  // Build the backend's wrapper from the converted files once before the
  // work dir is certified (false for huge models; deploy.json records it).
  bool load_check = true;
  int log_level = NNPORT_LOG_INFO;
  // Calibration data for precision='int8': a folder with one subfolder of
  // 0.npy, 1.npy, ... per model input, a folder of images, or MMDeploy's
  // HDF5 calibration file (docs/calibration-data.md).
  std::string calib_data;
};

// Convert MODEL (ONNX) with DEPLOY_CFG into WORK_DIR: the ONNX file (named
// onnx_config.save_file, default end2end.onnx) with its external data
// files, the backend's files, deploy.json and detail.json.
// Before anything is written the model passes ONNX's checker (topological
// order, defined inputs, known ops, initializer sizes) and its external data
// must lie inside the model's folder; afterwards the backend must load the
// converted files (options.load_check), on options.device.
// Everything is written into a temporary folder next to WORK_DIR and renamed
// into place, so a failure leaves no work dir behind; temporary folders of
// earlier runs that were killed are removed first. An existing non-empty
// WORK_DIR is refused unless overwrite and nnport wrote it; it is then
// swapped atomically.
NNPORT_API Result<DeployInfo> convert(const std::string& deploy_cfg_path,
                                      const std::string& model_path, const std::string& work_dir,
                                      const ConvertOptions& options = {},
                                      Registry* registry = nullptr);

// Remove SIGINT, SIGTERM and SIGHUP's victims: a temporary work dir (and the
// parent folders convert made for it) is deleted before the signal ends the
// process. Call it first thing in main(), before any thread starts: it
// blocks those signals in the calling thread (threads started later inherit
// that) and handles them in a thread of its own, so it takes them over from
// the program; signals the process was started ignoring (nohup) stay
// ignored. Without it, the next convert of the same work dir removes what a
// killed run left.
NNPORT_API void remove_temporaries_on_signals();

// What a killed convert of WORK_DIR left beside it: each "WORK_DIR.tmp-XXXXXX"
// whose lock no running nnport holds (or that is empty) is removed; its
// path is returned. Anything nnport cannot prove is its own stays. convert
// does this itself; `nnport clean` calls it without converting.
NNPORT_API Result<std::vector<std::string>> remove_stale_temporaries(const std::string& work_dir);

// Read WORK_DIR/deploy.json back (as written by convert). Every path in it
// must stay inside WORK_DIR (no absolute paths, no "..", no symlink out).
NNPORT_API Result<DeployInfo> load_work_dir(const std::string& work_dir);

// TARGET is a work dir (holds deploy.json) or an .onnx model file. For a
// model file the backend defaults to onnxruntime and its backend file is the
// model itself. backend_override (non-empty) picks the backend for a model
// file; for a work dir it must be the backend the work dir was converted
// for (another is an error that names both and says to convert again).
NNPORT_API Result<DeployInfo> resolve_target(const std::string& target,
                                             const std::string& backend_override = "");

// Build the wrapper for a resolved target.
NNPORT_API Result<Wrapper> build_target_wrapper(const DeployInfo& info,
                                                Registry* registry = nullptr);

// Build a wrapper for the target's IR (its ONNX file) on another backend,
// e.g. the reference of `nnport verify`. That backend must run ONNX files.
NNPORT_API Result<Wrapper> build_reference_wrapper(const DeployInfo& info,
                                                   const std::string& reference_backend,
                                                   Registry* registry = nullptr);

// The target's IR (its ONNX file) converted for `backend` into scratch_dir
// (which must exist) with the backend's to_backend, for benchmarks and
// comparisons that need no certified work dir (no deploy.json is written).
// The returned DeployInfo is the target's with that backend and its files;
// backend_config is kept when backend is the target's own, else replaced by
// {"type": backend}.
NNPORT_API Result<DeployInfo> convert_target_for(const DeployInfo& info, const std::string& backend,
                                                 const std::string& scratch_dir,
                                                 Registry* registry = nullptr);

// resolve_target + build_target_wrapper.
NNPORT_API Result<Wrapper> build_wrapper_from_target(const std::string& target,
                                                     const std::string& backend_override = "",
                                                     Registry* registry = nullptr);

// Fill in every input of `infos` that `given` lacks with seeded random data:
// floats uniform in [-1, 1), integers in 0..9 (valid as indices), bools
// 0/1. Dynamic dims come from `shapes` (name -> full shape); a missing one
// is an error that lists which inputs have which dynamic dims. Tensors in
// `given` are kept as they are (checking them is Wrapper::check_inputs' job).
NNPORT_API Result<NamedTensors> make_inputs(const std::vector<TensorInfo>& infos,
                                            const NamedTensors& given,
                                            const std::map<std::string, Shape>& shapes,
                                            uint64_t seed = 0);

// Tolerances of compare_outputs: a default atol / rtol and, like
// Polygraphy's `--atol out0:1e-3`, an own pair for some outputs by name.
struct Tolerances {
  double atol = 1e-5, rtol = 1e-3;                 // ONNX's backend tests use these
  std::map<std::string, double> atol_of, rtol_of;  // output name -> its own
  double atol_for(const std::string& output) const {
    auto it = atol_of.find(output);
    return it == atol_of.end() ? atol : it->second;
  }
  double rtol_for(const std::string& output) const {
    auto it = rtol_of.find(output);
    return it == rtol_of.end() ? rtol : it->second;
  }
};

// Non-negative finite numbers, and every name in atol_of / rtol_of one of
// `output_names` (else an error listing them, with "did you mean").
NNPORT_API Status check_tolerances(const Tolerances& tolerances,
                                   const std::vector<std::string>& output_names);

// Statistics of one error over every element of an output. Median and
// quantile are numpy's default (linear interpolation between the two
// nearest ranks: np.quantile(err, q)).
struct ErrorStats {
  double max = 0, mean = 0, median = 0, quantile = 0;
};

// One output against its reference, numpy.allclose style:
// |a - b| <= atol + rtol * |b| element-wise (NaN equals NaN, inf equals the
// same inf). The relative error is |a - b| / max(|b|, tiny) with tiny the
// smallest normal float. A pair that matches by that rule (NaN and NaN,
// inf and the same inf) has error 0; any other pair with a NaN or inf has
// error inf, so max and mean are inf and median / quantile are inf only
// when enough elements are (a quantile between a finite and an infinite
// error is inf). Cosine similarity and SNR (include/nnport/metrics.h) are
// measured too.
struct OutputComparison {
  std::string name;
  DType dtype = DType::kUndefined, ref_dtype = DType::kUndefined;
  Shape shape, ref_shape;
  double max_abs_err = 0, max_rel_err = 0;  // = abs_err.max, rel_err.max
  int64_t mismatches = 0, numel = 0;
  double atol = 0, rtol = 0;    // the tolerances this output was judged by
  double quantile = 0.99;       // the q of abs_err.quantile and rel_err.quantile
  ErrorStats abs_err, rel_err;  // all 0 for an empty output
  // The element with the largest absolute error (the first of equals), -1
  // when there is none (empty or not compared): its flat (C-order) index,
  // its index per dim, and both values there.
  int64_t worst_index = -1;
  std::vector<int64_t> worst_position;
  double worst_value = 0, worst_ref_value = 0;
  // NaN when the values were not compared (reason) or hold NaN / inf.
  double cosine = std::numeric_limits<double>::quiet_NaN();
  double snr_db = std::numeric_limits<double>::quiet_NaN();
  std::vector<MetricValue> metrics;  // one per goal, in the goals' order; empty without goals
  bool pass = false;
  std::string reason;  // why it failed when not because of values
};

// Every output of `reference` (in its order), then any output only in
// `outputs`. Integer and bool outputs use the same rule, so with the usual
// tolerances (< 1) they must match exactly.
// With `goals` (metrics for lower precision: cosine, snr, topk), an output
// passes when it meets every goal, whatever atol / rtol say (mismatches and
// the errors are still measured); a shape or element-type difference, or
// a missing output, still fails it with a reason. Invalid goals
// (check_metric_goals) or tolerances (check_tolerances against the names of
// both sides) or a quantile outside [0, 1] fail every output with that
// error as the reason: check them first.
NNPORT_API std::vector<OutputComparison> compare_outputs(const NamedTensors& outputs,
                                                         const NamedTensors& reference,
                                                         const Tolerances& tolerances,
                                                         const std::vector<MetricGoal>& goals = {},
                                                         double quantile = 0.99);
// The same with one atol / rtol for every output.
NNPORT_API std::vector<OutputComparison> compare_outputs(const NamedTensors& outputs,
                                                         const NamedTensors& reference, double atol,
                                                         double rtol,
                                                         const std::vector<MetricGoal>& goals = {});

// min / max / mean over the finite values (NaN when there are none: an
// empty tensor or all NaN / inf), and the first few values.
struct TensorSummary {
  double min = 0, max = 0, mean = 0;
  int64_t numel = 0, non_finite = 0;
  std::vector<double> first;
};
NNPORT_API TensorSummary summarize(const Tensor& tensor, size_t first_count = 6);

// `inputs` with every float tensor (float16, float32, float64) converted to
// the float type `infos` gives for its name, e.g. an fp16 work dir's float16
// inputs for its float32 reference; anything else is passed as it is
// (Wrapper::check_inputs reports what still does not fit).
NNPORT_API NamedTensors cast_float_inputs(const NamedTensors& inputs,
                                          const std::vector<TensorInfo>& infos);

// "[batch, 3, 224, 224]": static dims as numbers, dynamic ones by name ("?"
// when unnamed), for messages.
NNPORT_API std::string format_dims(const TensorInfo& info);

// Element i of any supported dtype, as a double (float16 via half_to_float).
NNPORT_API double element_as_double(const Tensor& tensor, int64_t index);

}  // namespace nnport

#endif  // NNPORT_APIS_H_
