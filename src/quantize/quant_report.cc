#include "quantize/quant_report.h"

#include <cmath>
#include <unordered_map>

namespace nnport::quantize {
namespace {

// JSON has no inf or NaN: those become strings ("inf", "-inf", "nan").
Config number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

Config metrics_json(const OutputMetrics& m) {
  Config j = {{"name", m.name}, {"cosine", number(m.cosine)}, {"snr_db", number(m.snr_db)}};
  if (!m.values.empty()) {
    j["pass"] = m.pass;
    Config goals = Config::array();
    for (const auto& v : m.values)
      goals.push_back({{"metric", metric_label({v.metric, v.min, v.k})},
                       {"value", number(v.value)},
                       {"min", v.min},
                       {"pass", v.pass}});
    j["goals"] = goals;
  }
  if (!m.reason.empty()) j["reason"] = m.reason;
  return j;
}

}  // namespace

Config make_quant_report(const QuantOptions& o, const CalibSource& source,
                         size_t calibration_samples, size_t held_back_samples,
                         const Calibration& calib, const QdqResult& result,
                         const Comparison& accuracy, const Comparison& layers,
                         const std::vector<std::string>& fallback) {
  Config r;
  r["precision"] = "int8";
  r["activations"] = "uint8 asymmetric, per tensor";
  r["weights"] = std::string("int8 symmetric") + (o.qdq.reduce_range ? " (7 bits)" : "") +
                 (o.qdq.per_channel ? ", per output channel" : ", per tensor");
  r["calibration"] = {{"method", calib_method_name(o.method)},
                      {"data", source.describe()},
                      {"samples", calibration_samples},
                      {"held_back", held_back_samples},
                      {"non_finite_values", calib.non_finite}};
  if (o.method == CalibMethod::kPercentile) r["calibration"]["percentile"] = o.percentile;

  Config acc = {{"checked", held_back_samples > 0}, {"pass", accuracy.pass}};
  acc["outputs"] = Config::array();
  for (const auto& m : accuracy.outputs) acc["outputs"].push_back(metrics_json(m));
  acc["fallback_to_float"] = fallback;
  r["accuracy"] = acc;

  Config tensors = Config::array();
  for (const auto& t : result.tensors) {
    Config j = {{"name", t.name},
                {"range", {t.range.min, t.range.max}},
                {"scale", t.params.scale},
                {"zero_point", t.params.zero_point}};
    if (auto it = calib.observed.find(t.name); it != calib.observed.end())
      j["observed"] = {it->second.min, it->second.max};
    if (!t.params_from.empty()) j["shares_parameters_of"] = t.params_from;
    tensors.push_back(j);
  }
  r["tensors"] = tensors;

  std::unordered_map<std::string, const OutputMetrics*> error;
  for (const auto& m : layers.tensors) error[m.name] = &m;
  Config nodes = Config::array();
  for (const auto& v : result.nodes) {
    Config j = {
        {"index", v.index}, {"name", v.name}, {"op_type", v.op_type}, {"quantized", v.quantized}};
    if (!v.why.empty()) j["note"] = v.why;
    Config outs = Config::array();
    for (const auto& name : v.outputs)
      if (auto it = error.find(name); it != error.end()) outs.push_back(metrics_json(*it->second));
    if (!outs.empty()) j["error_vs_fp32"] = outs;
    nodes.push_back(j);
  }
  r["nodes"] = nodes;
  return r;
}

}  // namespace nnport::quantize
