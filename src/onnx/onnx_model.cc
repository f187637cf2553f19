// The public functions of nnport/onnx_model.h.
#include "nnport/onnx_model.h"

#include <filesystem>
#include <system_error>

#include "onnx/onnx_io.h"
#include "onnx/onnx_pass.h"

namespace nnport {
namespace oi = onnx_internal;

int64_t OnnxModelInfo::opset() const {
  for (const auto& [domain, version] : opsets)
    if (domain.empty() || domain == "ai.onnx") return version;
  return 0;
}

namespace {

OnnxModelInfo describe_file(const onnx::ModelProto& model, const std::string& path) {
  OnnxModelInfo info = oi::describe_model(model, path);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  info.file_bytes = ec ? 0 : static_cast<int64_t>(size);
  return info;
}

}  // namespace

Result<OnnxModelInfo> inspect_onnx(const std::string& path) {
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, oi::load_model(path));
  return describe_file(model, path);
}

Status check_onnx(const std::string& path) {
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, oi::load_model(path));
  return oi::check_model(model, path);
}

Result<OnnxModelInfo> infer_onnx_shapes(const std::string& path) {
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, oi::load_model(path));
  NNPORT_RETURN_IF_ERROR(oi::infer_shapes(model, path));
  return describe_file(model, path);
}

Status rewrite_onnx(const std::string& in_path, const std::string& out_path,
                    const OnnxRewriteOptions& options) {
  const std::string what = "rewrite onnx model " + in_path + " -> " + out_path;
  // Resolve every name before the (possibly slow) load.
  std::vector<const oi::OnnxPass*> passes;
  for (const std::string& name : options.passes) {
    const oi::OnnxPass* p = oi::find_onnx_pass(name);
    if (!p) {
      std::string known;
      for (const auto& q : oi::onnx_passes())
        known += (known.empty() ? "" : ", ") + std::string(q.name);
      return invalid_argument(what + ": unknown pass '" + name + "': known passes are " + known);
    }
    passes.push_back(p);
  }
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, oi::load_model(in_path));
  for (const auto& t : model.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return unimplemented(what + ": initializer '" + t.name() +
                           "' is external data; rewriting such models is not supported yet: "
                           "load the model with its data in python and save it as one file");
  NNPORT_RETURN_IF_ERROR(oi::fix_input_dims(model, options.input_dims, in_path).with_context(what));
  // A pass whose result is not valid ONNX (clip_to_attributes) would fail the
  // checker by design: check its input instead, and nothing after it.
  bool checked = !options.check;
  for (const oi::OnnxPass* p : passes) {
    const std::string pass = "pass " + std::string(p->name);
    if (!p->keeps_valid_onnx && !checked) {
      NNPORT_RETURN_IF_ERROR(
          oi::check_model(model, in_path).with_context(what + ": before " + pass));
      checked = true;
    }
    NNPORT_RETURN_IF_ERROR(p->run(model, in_path).with_context(what + ": " + pass));
  }
  NNPORT_RETURN_IF_ERROR(oi::validate_model(model, in_path).with_context(what));
  if (!checked) NNPORT_RETURN_IF_ERROR(oi::check_model(model, in_path).with_context(what));
  return oi::save_model(model, out_path);
}

std::vector<std::string> onnx_pass_names() {
  std::vector<std::string> names;
  for (const auto& p : oi::onnx_passes()) names.emplace_back(p.name);
  return names;
}

}  // namespace nnport
