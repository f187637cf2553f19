// Internal to libnnport: convert's precision step. Before a backend converts
// the IR, backend_config.precision = 'int8' or 'fp16' turns the fp32 IR
// into a lower-precision ONNX model beside it, which the backend then
// converts in its place; the fp32 IR stays in the work dir as the reference
// of `nnport verify`.
//  - int8: calibrate on the calibration data (ranges of every float tensor
//    on the fp32 model, run on onnxruntime), write a QDQ model
//    (<stem>.int8.onnx), check it against fp32 on held-back samples with the
//    configured accuracy goals (falling back to float layer by layer where
//    configured), and report everything in quantization.json;
//  - fp16: MMDeploy's fp16 pass (<stem>.fp16.onnx).
#ifndef NNPORT_SRC_QUANTIZE_LOWER_PRECISION_H_
#define NNPORT_SRC_QUANTIZE_LOWER_PRECISION_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/registry.h"
#include "nnport/status.h"
#include "nnport/wrapper.h"

namespace nnport::quantize {

struct LowerArgs {
  std::string model_path;  // the user's model, which messages name
  std::string ir_path;     // the fp32 IR (its copy inside out_dir)
  std::string out_dir;     // the temporary work dir
  std::string work_dir;    // where the work dir will be (calib_config.calib_file is relative to it)
  std::string calib_data;  // --calib-data, may be empty
  std::vector<TensorInfo> inputs;  // the model's inputs
};

struct Lowered {
  std::string model_path;                // what the backend converts; the IR for fp32
  std::string precision;                 // "fp32", "fp16", "int8"
  std::vector<std::string> extra_files;  // files written into out_dir besides the model
  std::vector<std::string> notes;        // for the user
};

NNPORT_API Result<Lowered> lower_precision(const Config& deploy_cfg, const LowerArgs& args,
                                           Registry& registry);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_LOWER_PRECISION_H_
