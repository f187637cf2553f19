// Internal to the quantize room: quantization.json, the int8 model's record
// (docs/quantization.md describes every field): how it was calibrated, each
// quantized tensor's range, scale and zero point, each node's verdict and
// its output's error against fp32 on the held-back samples, and the
// accuracy goals' outcome.
#ifndef NNPORT_SRC_QUANTIZE_QUANT_REPORT_H_
#define NNPORT_SRC_QUANTIZE_QUANT_REPORT_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "quantize/calib_data.h"
#include "quantize/calibrate.h"
#include "quantize/qdq_model.h"
#include "quantize/quant_options.h"

namespace nnport::quantize {

Config make_quant_report(const QuantOptions& options, const CalibSource& source,
                         size_t calibration_samples, size_t held_back_samples,
                         const Calibration& calibration, const QdqResult& result,
                         const Comparison& accuracy, const Comparison& layers,
                         const std::vector<std::string>& fallback);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QUANT_REPORT_H_
