// Internal to libnnport: the int8 keys of a deploy config, MMDeploy's names
// where it has them. docs/quantization.md lists every key and its default.
//   backend_config = dict(type='onnxruntime', precision='int8',
//                         quantization=dict(method='minmax', ...))
//   calib_config = dict(create_calib=True, calib_file='calib_data.h5')
#ifndef NNPORT_SRC_QUANTIZE_QUANT_OPTIONS_H_
#define NNPORT_SRC_QUANTIZE_QUANT_OPTIONS_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/metrics.h"
#include "nnport/status.h"
#include "quantize/qdq_model.h"
#include "quantize/range_observer.h"

namespace nnport::quantize {

struct QuantOptions {
  CalibMethod method = CalibMethod::kMinMax;
  double percentile = 99.999;
  QdqOptions qdq;           // per_channel, reduce_range, op/node block lists
  int64_t num_samples = 0;  // 0: every sample the calibration data has
  double holdout = 0.2;     // share of the samples kept back for the accuracy check
  // The accuracy the int8 model must keep on the held-back samples; none:
  // measured and reported only.
  std::vector<MetricGoal> goals = {MetricGoal{"cosine", 0.99, 1}};
  bool fallback_to_float = false;  // on a miss, float the most sensitive layers one by one
  int max_fallback_nodes = 8;
  // calib_config
  bool create_calib = false;  // write the calibration data into the work dir as calib_file
  std::string calib_file;     // MMDeploy's name, relative to the work dir
};

// Reads backend_config.quantization and calib_config of a merged deploy
// config. Unknown keys are errors with "did you mean"; so are bad values.
NNPORT_API Result<QuantOptions> parse_quant_options(const Config& deploy_cfg);

// backend_config.precision (or MMDeploy's common_config fp16_mode /
// int8_mode), lower case: "fp32", "fp16" or "int8". Another value is an
// error that lists them.
NNPORT_API Result<std::string> precision_of(const Config& deploy_cfg);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QUANT_OPTIONS_H_
