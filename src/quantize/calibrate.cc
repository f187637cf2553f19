#include "quantize/calibrate.h"

#include <set>
#include <span>

#include "core/log.h"

namespace nnport::quantize {
namespace {

std::span<const float> floats(const Tensor& t) {
  return {t.data_as<float>(), static_cast<size_t>(t.numel())};
}

// The model's outputs on sample `index`; with `inputs`, the sample too.
Result<NamedTensors> run_sample(Wrapper& wrapper, CalibSource& source, size_t index,
                                NamedTensors* inputs_out = nullptr) {
  NNPORT_ASSIGN_OR_RETURN(NamedTensors inputs, source.read(index));
  auto outputs = wrapper.forward(inputs);
  if (inputs_out != nullptr) *inputs_out = std::move(inputs);
  if (!outputs.ok())
    return outputs.status().with_context("calibration sample " + std::to_string(index) + " of " +
                                         source.describe());
  return outputs;
}

}  // namespace

Result<Calibration> calibrate_ranges(const onnx::ModelProto& model,
                                     const std::vector<std::string>& tensors, CalibSource& source,
                                     const std::vector<size_t>& samples,
                                     const QuantOptions& options, ModelRunner& runner) {
  // Graph inputs are observed in the samples themselves, not as outputs.
  std::set<std::string> graph_inputs;
  for (const auto& v : model.graph().input()) graph_inputs.insert(v.name());
  std::vector<std::string> computed;
  for (const auto& t : tensors)
    if (!graph_inputs.contains(t)) computed.push_back(t);
  NNPORT_ASSIGN_OR_RETURN(Wrapper wrapper, runner.load(model, computed));
  std::map<std::string, RangeObserver> observers;
  for (const auto& t : tensors)
    observers.emplace(t, RangeObserver(options.method, options.percentile));
  const bool histogram = !observers.empty() && observers.begin()->second.needs_histogram();
  for (int pass = 1; pass <= (histogram ? 2 : 1); ++pass) {
    core::log(NNPORT_LOG_INFO, "int8 calibration: pass " + std::to_string(pass) + " over " +
                                   std::to_string(samples.size()) + " samples of " +
                                   source.describe());
    for (size_t index : samples) {
      NamedTensors inputs;
      NNPORT_ASSIGN_OR_RETURN(NamedTensors outputs, run_sample(wrapper, source, index, &inputs));
      for (auto& [name, observer] : observers) {
        const Tensor* t = outputs.find(name);
        if (t == nullptr) t = inputs.find(name);
        if (t == nullptr || t->dtype() != DType::kFloat32) continue;  // not float after all
        if (pass == 1)
          observer.observe(floats(*t));
        else
          observer.observe_histogram(floats(*t));
      }
    }
  }
  Calibration c;
  for (const auto& [name, observer] : observers) {
    if (observer.count() == 0) continue;  // never a float value: leave it float
    c.ranges[name] = observer.range();
    c.observed[name] = {observer.observed_min(), observer.observed_max()};
    c.non_finite += observer.non_finite();
  }
  return c;
}

Result<std::vector<NamedTensors>> reference_outputs(const onnx::ModelProto& fp32,
                                                    CalibSource& source,
                                                    const std::vector<size_t>& samples,
                                                    ModelRunner& runner) {
  NNPORT_ASSIGN_OR_RETURN(Wrapper wrapper, runner.load(fp32, {}));
  std::vector<NamedTensors> out;
  for (size_t index : samples) {
    NNPORT_ASSIGN_OR_RETURN(NamedTensors o, run_sample(wrapper, source, index));
    out.push_back(std::move(o));
  }
  return out;
}

Result<Comparison> compare_models(const onnx::ModelProto& fp32, const onnx::ModelProto& quantized,
                                  const std::map<std::string, std::string>& tensor_pairs,
                                  CalibSource& source, const std::vector<size_t>& samples,
                                  const std::vector<NamedTensors>& reference,
                                  const std::vector<MetricGoal>& goals, ModelRunner& runner) {
  std::vector<std::string> fp32_names, quantized_names;
  for (const auto& [f, q] : tensor_pairs) fp32_names.push_back(f), quantized_names.push_back(q);
  const bool per_tensor = !tensor_pairs.empty();
  NNPORT_ASSIGN_OR_RETURN(Wrapper target, runner.load(quantized, quantized_names, !per_tensor));
  std::optional<Wrapper> fp32_wrapper;
  if (per_tensor) {
    NNPORT_ASSIGN_OR_RETURN(Wrapper w, runner.load(fp32, fp32_names));
    fp32_wrapper.emplace(std::move(w));
  }
  NNPORT_ASSIGN_OR_RETURN(MetricAccumulator outputs, MetricAccumulator::create(goals));
  NNPORT_ASSIGN_OR_RETURN(MetricAccumulator tensors, MetricAccumulator::create({}));
  for (size_t i = 0; i < samples.size(); ++i) {
    NNPORT_ASSIGN_OR_RETURN(NamedTensors q, run_sample(target, source, samples[i]));
    NamedTensors q_outputs;  // the graph outputs only
    for (const auto& [name, t] : reference[i])
      if (const Tensor* found = q.find(name)) q_outputs.set(name, *found);
    outputs.add(q_outputs, reference[i]);
    if (!per_tensor) continue;
    NNPORT_ASSIGN_OR_RETURN(NamedTensors f, run_sample(*fp32_wrapper, source, samples[i]));
    for (const auto& [f_name, q_name] : tensor_pairs) {
      const Tensor *ft = f.find(f_name), *qt = q.find(q_name);
      if (ft != nullptr && qt != nullptr) tensors.add(f_name, *qt, *ft);
    }
  }
  Comparison c;
  c.outputs = outputs.results();
  c.pass = outputs.pass();
  if (per_tensor) c.tensors = tensors.results();
  return c;
}

}  // namespace nnport::quantize
