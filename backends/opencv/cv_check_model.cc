#include "cv_check_model.h"

#include <algorithm>
#include <set>

#include "nnport/onnx_model.h"

#include "cv_crash_patterns.h"
#include "cv_op_table.h"
#include "cv_options.h"

namespace nnport::cv_backend {
namespace {

bool has(const std::vector<std::string>& rewrites, const char* pass) {
  return std::find(rewrites.begin(), rewrites.end(), pass) != rewrites.end();
}

// Clip from opset 11 on carries its bounds as inputs 1 and 2.
bool clip_has_bound_inputs(const OnnxNodeInfo& node) {
  return std::any_of(node.inputs.begin() + std::min<size_t>(1, node.inputs.size()),
                     node.inputs.end(), [](const std::string& in) { return !in.empty(); });
}

plugin::NodeSupport verdict(const OnnxNodeInfo& node, const std::set<std::string>& initializers,
                            const std::vector<std::string>& rewrites) {
  plugin::NodeSupport v;
  v.node_name = node.name;
  const bool default_domain = node.domain.empty() || node.domain == "ai.onnx";
  v.op_type = default_domain ? node.op_type : node.domain + "::" + node.op_type;
  if (!default_domain) {
    v.reason = "OpenCV 4.6 imports only the default ONNX domain, not '" + node.domain + "'";
    return v;
  }
  if (node.op_type == "Identity") {
    v.supported = true;
    if (has(rewrites, "remove_identity")) {
      v.reason = "removed by the rewrite remove_identity";
    } else if (!node.inputs.empty() && initializers.count(node.inputs[0]) != 0) {
      v.supported = false;
      v.reason =
          "an Identity fed by an initializer fails in OpenCV 4.6; add 'remove_identity' "
          "to backend_config.rewrites";
    }
    return v;
  }
  if (node.op_type == "Clip" && clip_has_bound_inputs(node)) {
    v.supported = has(rewrites, "clip_to_attributes");
    v.reason = v.supported ? "min/max inputs turned into attributes by the rewrite "
                             "clip_to_attributes (they must be constants)"
                           : "OpenCV 4.6 reads Clip's min/max only as attributes (opset < 11); "
                             "add 'clip_to_attributes' to backend_config.rewrites";
    return v;
  }
  switch (opencv_op_support(node.op_type)) {
    case OpSupport::kYes:
      v.supported = true;
      break;
    case OpSupport::kConstInputs:
      v.supported = true;
      v.reason = "OpenCV 4.6 takes " + node.op_type +
                 " only when its weights/shape/parameter inputs are constants (initializers)";
      break;
    case OpSupport::kUnknown:
      v.reason = "OpenCV 4.6's ONNX importer has no layer for " + node.op_type;
      break;
  }
  return v;
}

}  // namespace

std::vector<plugin::NodeSupport> check_model(const plugin::CheckArgs& args) {
  const Options options = parse_options(args.deploy_cfg_json);
  Result<OnnxModelInfo> model = inspect_onnx(args.onnx_path);
  if (!model.ok()) {
    throw plugin::Error(static_cast<nnport_code>(model.status().code()),
                        "opencv: " + model.status().message());
  }
  const std::set<std::string> initializers(model->initializer_names.begin(),
                                           model->initializer_names.end());
  std::vector<plugin::NodeSupport> out;
  out.reserve(model->nodes.size());
  for (const OnnxNodeInfo& node : model->nodes)
    out.push_back(verdict(node, initializers, options.rewrites));
  // to_backend refuses these graphs (after the rewrites, fold_constants
  // steps aside for CELU; an initializer alpha in the model stays).
  for (const CrashPattern& p : find_crash_patterns(*model)) {
    out[p.node].supported = false;
    out[p.node].reason = p.description + ": " + p.why;
  }
  return out;
}

}  // namespace nnport::cv_backend
