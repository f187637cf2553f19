// Where a deploy config and the model it converts disagree: worth a
// warning, not an error (nnport follows the model). Internal to src/apis.
#ifndef NNPORT_APIS_CONFIG_MODEL_NOTES_H_
#define NNPORT_APIS_CONFIG_MODEL_NOTES_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/onnx_model.h"

namespace nnport::apis {

// onnx_config.input_names / output_names the model lacks, dynamic_axes on
// dims the model has fixed, an opset_version other than the model's.
std::vector<std::string> config_model_disagreements(const Config& cfg, const OnnxModelInfo& model);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_CONFIG_MODEL_NOTES_H_
