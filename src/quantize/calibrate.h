// Internal to the quantize room: the two halves of checking an int8 model
// against its float original, sample by sample, never holding more than one
// sample's tensors:
//  - calibrate_ranges: the fp32 model's float tensors, observed over the
//    calibration samples (one pass, or two for histogram methods);
//  - compare_models: a quantized model against the fp32 one on the held-back
//    samples: the accuracy goals on the graph outputs, and, optionally, the
//    error of every tensor (the QDQ model run unoptimized, so each
//    DequantizeLinear output is the fake-quantized value of its tensor).
#ifndef NNPORT_SRC_QUANTIZE_CALIBRATE_H_
#define NNPORT_SRC_QUANTIZE_CALIBRATE_H_

#include <map>
#include <string>
#include <vector>

#include "nnport/metrics.h"
#include "quantize/calib_data.h"
#include "quantize/model_runner.h"
#include "quantize/quant_options.h"
#include "quantize/range_observer.h"

namespace nnport::quantize {

struct Calibration {
  std::map<std::string, Range> ranges;    // the calibrated range of each tensor
  std::map<std::string, Range> observed;  // its plain min and max
  int64_t non_finite = 0;                 // NaN / inf values skipped, all tensors
};

Result<Calibration> calibrate_ranges(const onnx::ModelProto& model,
                                     const std::vector<std::string>& tensors, CalibSource& source,
                                     const std::vector<size_t>& samples,
                                     const QuantOptions& options, ModelRunner& runner);

struct Comparison {
  std::vector<OutputMetrics> outputs;  // the goals, per graph output
  bool pass = true;
  // fp32 tensor name -> its cosine and SNR (when tensor pairs were asked for)
  std::vector<OutputMetrics> tensors;
};

// `reference_outputs[i]` are the fp32 model's graph outputs on samples[i]
// (computed once by reference_outputs()). `tensor_pairs`: fp32 tensor name ->
// name in `quantized` to compare it with (its DQ output); empty: no per
// tensor error (and the quantized model runs optimized, as deployed).
Result<std::vector<NamedTensors>> reference_outputs(const onnx::ModelProto& fp32,
                                                    CalibSource& source,
                                                    const std::vector<size_t>& samples,
                                                    ModelRunner& runner);
Result<Comparison> compare_models(const onnx::ModelProto& fp32, const onnx::ModelProto& quantized,
                                  const std::map<std::string, std::string>& tensor_pairs,
                                  CalibSource& source, const std::vector<size_t>& samples,
                                  const std::vector<NamedTensors>& reference,
                                  const std::vector<MetricGoal>& goals, ModelRunner& runner);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_CALIBRATE_H_
