#include "quantize/quantize_int8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/log.h"
#include "onnx/onnx_io.h"
#include "onnx/onnx_pass.h"
#include "onnx/version_converter/convert.h"
#include "quantize/calibrate.h"
#include "quantize/quant_report.h"

namespace nnport::quantize {
namespace {

// Calibration samples first, held-back samples (the accuracy check) last.
struct SampleSplit {
  std::vector<size_t> calibration, held_back;
};

SampleSplit split_samples(size_t available, const QuantOptions& o) {
  const size_t n = o.num_samples > 0 ? std::min<size_t>(available, o.num_samples) : available;
  size_t held = 0;
  if (n >= 2 && o.holdout > 0)
    held = std::clamp<size_t>(static_cast<size_t>(std::lround(double(n) * o.holdout)), 1, n - 1);
  SampleSplit s;
  for (size_t i = 0; i < n; ++i) (i < n - held ? s.calibration : s.held_back).push_back(i);
  return s;
}

// How close a comparison comes to the first goal: its value on the worst
// output (NaN, no value: -inf). Higher is better for every metric.
double closeness(const Comparison& c) {
  double worst = std::numeric_limits<double>::infinity();
  for (const auto& o : c.outputs) {
    const double v = o.values.empty() || std::isnan(o.values[0].value)
                         ? -std::numeric_limits<double>::infinity()
                         : o.values[0].value;
    worst = std::min(worst, v);
  }
  return worst;
}

std::string rounded(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string goal_misses(const Comparison& c) {
  std::string s;
  for (const auto& o : c.outputs) {
    if (!o.reason.empty()) s += (s.empty() ? "" : "; ") + o.name + ": " + o.reason;
    for (const auto& v : o.values) {
      if (v.pass) continue;
      s += (s.empty() ? "" : "; ") + std::string("output '") + o.name + "' " +
           metric_label({v.metric, v.min, v.k}) + " " +
           (v.reason.empty() ? rounded(v.value) : v.reason) + " < " + rounded(v.min);
    }
  }
  return s;
}

constexpr int64_t kQdqOpset = 13;  // per-channel DequantizeLinear (its axis attribute)

}  // namespace

Status prepare_for_int8(onnx::ModelProto& model, const std::string& path) {
  const int64_t opset = onnx_internal::ai_onnx_opset(model);
  if (opset < kQdqOpset) {
    try {
      model = onnx::version_conversion::ConvertVersion(model, kQdqOpset);
    } catch (const std::exception& e) {
      return invalid_argument(path + ": int8 needs opset " + std::to_string(kQdqOpset) +
                              " or later, and ONNX's version converter could not raise opset " +
                              std::to_string(opset) + ": " + e.what() +
                              "; export the model at opset 13 or later");
    }
  }
  // Exporters share equal initializers through Identity nodes (squeezenet's
  // zero biases): the rewrite needs weights and biases as initializers.
  NNPORT_RETURN_IF_ERROR(onnx_internal::remove_identity(model, path));
  return onnx_internal::infer_shapes(model, path);
}

Result<Int8Model> quantize_int8(const onnx::ModelProto& fp32, CalibSource& source,
                                const QuantOptions& options, ModelRunner& runner,
                                const std::string& path) {
  const SampleSplit split = split_samples(source.size(), options);
  Int8Model out;
  if (split.held_back.empty())
    out.notes.push_back("int8: only " + std::to_string(split.calibration.size()) +
                        " calibration sample(s), none held back: the accuracy goal was not "
                        "checked; give more samples");

  NNPORT_ASSIGN_OR_RETURN(Calibration calib, calibrate_ranges(fp32, float_activations(fp32), source,
                                                              split.calibration, options, runner));
  QdqOptions qdq = options.qdq;
  onnx::ModelProto q = fp32;
  NNPORT_ASSIGN_OR_RETURN(QdqResult result, quantize_qdq(q, calib.ranges, qdq, path));

  Comparison accuracy, layers;
  std::vector<std::string> fallback;
  if (!split.held_back.empty()) {
    NNPORT_ASSIGN_OR_RETURN(auto reference,
                            reference_outputs(fp32, source, split.held_back, runner));
    std::map<std::string, std::string> pairs;
    for (const auto& t : result.tensors) pairs[t.name] = t.dequantized;
    NNPORT_ASSIGN_OR_RETURN(layers, compare_models(fp32, q, pairs, source, split.held_back,
                                                   reference, options.goals, runner));
    NNPORT_ASSIGN_OR_RETURN(accuracy, compare_models(fp32, q, {}, source, split.held_back,
                                                     reference, options.goals, runner));
    if (!accuracy.pass && options.fallback_to_float) {
      // Rank the quantized nodes by trial: each alone in float, the model
      // checked as it will run; the one that brings the goal closest first.
      // Then float them in that order until the goal is met.
      std::vector<std::pair<double, int>> trials;
      for (const auto& v : result.nodes) {
        if (!v.quantized) continue;
        QdqOptions one = qdq;
        one.float_nodes.insert(v.index);
        onnx::ModelProto trial = fp32;
        NNPORT_RETURN_IF_ERROR(quantize_qdq(trial, calib.ranges, one, path).status());
        NNPORT_ASSIGN_OR_RETURN(Comparison c,
                                compare_models(fp32, trial, {}, source, split.held_back, reference,
                                               options.goals, runner));
        trials.emplace_back(closeness(c), v.index);
      }
      std::stable_sort(trials.begin(), trials.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      for (size_t k = 0; !accuracy.pass && k < trials.size() && int(k) < options.max_fallback_nodes;
           ++k) {
        const int index = trials[k].second;
        qdq.float_nodes.insert(index);
        fallback.push_back(node_label(fp32.graph().node(index), index));
        core::log(NNPORT_LOG_INFO, "int8: " + goal_misses(accuracy) + "; keeping '" +
                                       fallback.back() + "' in float");
        q = fp32;
        NNPORT_ASSIGN_OR_RETURN(result, quantize_qdq(q, calib.ranges, qdq, path));
        NNPORT_ASSIGN_OR_RETURN(accuracy, compare_models(fp32, q, {}, source, split.held_back,
                                                         reference, options.goals, runner));
      }
    }
    if (!accuracy.pass) {
      const std::string tried =
          fallback.empty()
              ? "set backend_config.quantization.fallback_to_float=True to keep the most "
                "sensitive layers in float, "
              : "kept " + std::to_string(fallback.size()) +
                    " layers in float without reaching it (raise "
                    "backend_config.quantization.max_fallback_nodes), ";
      return invalid_argument(
          path + ": the int8 model misses its accuracy goal on " +
          std::to_string(split.held_back.size()) +
          " held-back calibration samples: " + goal_misses(accuracy) +
          (fallback.empty() ? "" : " after the fallback") + ". To do: " + tried +
          "try method='percentile' or 'entropy', more calibration samples, "
          "op_block_list/node_block_list, or another quantization.accuracy goal; nothing was "
          "written");
    }
  }
  out.report = make_quant_report(options, source, split.calibration.size(), split.held_back.size(),
                                 calib, result, accuracy, layers, fallback);
  out.model = std::move(q);
  return out;
}

}  // namespace nnport::quantize
