#include "cv_crash_patterns.h"

#include <set>
#include <unordered_map>

namespace nnport::cv_backend {
namespace {

bool default_domain(const OnnxNodeInfo& n) { return n.domain.empty() || n.domain == "ai.onnx"; }

std::string describe(const OnnxNodeInfo& n) {
  return n.op_type + " '" + (n.name.empty() ? n.outputs.at(0) : n.name) + "'";
}

}  // namespace

std::optional<CrashPattern> find_celu_with_initializer_alpha(const OnnxModelInfo& info) {
  const std::set<std::string> initializers(info.initializer_names.begin(),
                                           info.initializer_names.end());
  std::unordered_map<std::string, const OnnxNodeInfo*> producer;
  for (const OnnxNodeInfo& n : info.nodes) {
    for (const std::string& out : n.outputs) producer[out] = &n;
  }
  // The node of `op_type` that produces `value`, or null.
  auto made_by = [&](const std::string& value, const char* op_type) -> const OnnxNodeInfo* {
    auto it = producer.find(value);
    if (it == producer.end() || it->second->op_type != op_type || !default_domain(*it->second))
      return nullptr;
    return it->second;
  };
  auto constant = [&](const std::string& value) {
    return initializers.count(value) != 0 || made_by(value, "Constant") != nullptr;
  };
  for (size_t i = 0; i < info.nodes.size(); ++i) {
    const OnnxNodeInfo& mul = info.nodes[i];
    if (mul.op_type != "Mul" || !default_domain(mul) || mul.inputs.size() != 2) continue;
    const OnnxNodeInfo* elu = made_by(mul.inputs[1], "Elu");
    if (elu == nullptr || elu->inputs.empty()) continue;
    const OnnxNodeInfo* div = made_by(elu->inputs[0], "Div");
    if (div == nullptr || div->inputs.size() != 2) continue;
    const std::string& mul_alpha = mul.inputs[0];
    const std::string& div_alpha = div->inputs[1];
    if (!constant(mul_alpha) || !constant(div_alpha)) continue;  // OpenCV fuses constants only
    if (initializers.count(mul_alpha) == 0 && initializers.count(div_alpha) == 0) continue;
    return CrashPattern{
        i,
        describe(*div) + " -> " + describe(*elu) + " -> " + describe(mul) +
            " (CELU's expanded form) with its alpha '" +
            (initializers.count(mul_alpha) != 0 ? mul_alpha : div_alpha) + "' an initializer",
        "OpenCV 4.6 crashes importing this pattern (it fuses it into Celu and reads alpha only "
        "from a Constant node). Export CELU as a Celu node or with a Constant alpha, or use "
        "another backend such as onnxruntime"};
  }
  return std::nullopt;
}

std::optional<CrashPattern> find_dropout_mask_read(const OnnxModelInfo& info) {
  std::set<std::string> read;
  for (const TensorInfo& out : info.outputs) read.insert(out.name);
  for (const OnnxNodeInfo& n : info.nodes) read.insert(n.inputs.begin(), n.inputs.end());
  for (size_t i = 0; i < info.nodes.size(); ++i) {
    const OnnxNodeInfo& n = info.nodes[i];
    if (n.op_type != "Dropout" || !default_domain(n) || n.outputs.size() < 2) continue;
    if (n.outputs[1].empty() || read.count(n.outputs[1]) == 0) continue;
    return CrashPattern{i, describe(n) + " with its mask output '" + n.outputs[1] + "' read",
                        "OpenCV 4.6's Dropout computes no mask (it leaves that output "
                        "unwritten, and reading it crashes or gives arbitrary values). Drop the "
                        "mask output from the model, or use another backend such as "
                        "onnxruntime"};
  }
  return std::nullopt;
}

std::vector<CrashPattern> find_crash_patterns(const OnnxModelInfo& info) {
  std::vector<CrashPattern> out;
  for (auto find : {find_dropout_mask_read, find_celu_with_initializer_alpha}) {
    if (auto p = find(info)) out.push_back(std::move(*p));
  }
  return out;
}

void require_no_crash_pattern(const OnnxModelInfo& info, const std::string& model_path) {
  const std::vector<CrashPattern> found = find_crash_patterns(info);
  if (found.empty()) return;
  throw plugin::Error(NNPORT_UNIMPLEMENTED, "opencv: model '" + model_path + "' has " +
                                                found[0].description + "; " + found[0].why);
}

}  // namespace nnport::cv_backend
