// The `minimal` backend: nnport's plugin interface over the reference
// interpreter. Everything nnport needs is in plugin_cpp.h: implement a
// Backend (static members) and a Wrapper, export with NNPORT_DEFINE_PLUGIN.
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "interpreter.h"
#include "nnport/plugin_cpp.h"
#include "onnx_model.h"

namespace minimal {
namespace {

using nnport::plugin::Error;
using nnport::plugin::TensorInfo;

TensorInfo to_info(const ValueInfo& v) {
  TensorInfo info;
  info.name = v.name;
  info.dtype = static_cast<nnport_dtype>(v.elem_type);
  info.dims = v.dims;
  info.dim_names = v.dim_names;
  return info;
}

// Picks infos by name (in the order asked), or all of them when none asked.
std::vector<TensorInfo> select(const std::vector<ValueInfo>& all,
                               const std::vector<std::string>& names, const char* what) {
  std::vector<TensorInfo> out;
  if (names.empty()) {
    for (const auto& v : all) out.push_back(to_info(v));
    return out;
  }
  for (const auto& name : names) {
    const ValueInfo* found = nullptr;
    for (const auto& v : all) {
      if (v.name == name) found = &v;
    }
    if (found == nullptr) {
      std::string known;
      for (const auto& v : all) known += (known.empty() ? "'" : ", '") + v.name + "'";
      throw Error(NNPORT_INVALID_ARGUMENT, std::string("minimal: the model has no ") + what +
                                               " named '" + name + "'; its " + what +
                                               "s: " + known);
    }
    out.push_back(to_info(*found));
  }
  return out;
}

class MinimalWrapper : public nnport::plugin::Wrapper {
 public:
  MinimalWrapper(Interpreter interp, const nnport::plugin::BuildArgs& args)
      : interp_(std::move(interp)),
        inputs_(select(interp_.inputs(), args.input_names, "input")),
        outputs_(select(interp_.outputs(), args.output_names, "output")) {
    if (inputs_.size() != interp_.inputs().size()) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "minimal: input_names lists " + std::to_string(inputs_.size()) +
                      " inputs but the model needs all " + std::to_string(interp_.inputs().size()));
    }
  }

  const std::vector<TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<TensorInfo>& outputs() const override { return outputs_; }

  // Copies the inputs: the interpreter owns every value it reads.
  void set_inputs(nnport::plugin::InputView in) override {
    if (in.count != inputs_.size()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: got " + std::to_string(in.count) +
                                               " inputs, the model has " +
                                               std::to_string(inputs_.size()));
    }
    std::map<std::string, Tensor> values;
    for (size_t i = 0; i < in.count; ++i) {
      const nnport_tensor& t = in[i];
      const std::string& name = inputs_[i].name;
      if (!is_supported_dtype(t.dtype)) {
        throw Error(NNPORT_UNIMPLEMENTED, "minimal: input '" + name + "' has dtype " +
                                              dtype_name(t.dtype) + "; supported: float32, int64");
      }
      if (t.rank < 0 || (t.rank > 0 && t.dims == nullptr)) {
        throw Error(NNPORT_INVALID_ARGUMENT, "minimal: input '" + name + "' has no dims");
      }
      Tensor v = Tensor::zeros(static_cast<nnport_dtype>(t.dtype), Dims(t.dims, t.dims + t.rank));
      const size_t bytes = v.size() * (t.dtype == NNPORT_DTYPE_INT64 ? 8 : 4);
      if (t.nbytes != bytes || (bytes > 0 && t.data == nullptr)) {
        throw Error(NNPORT_INVALID_ARGUMENT,
                    "minimal: input '" + name + "' of shape " + shape_str(v.dims) + " needs " +
                        std::to_string(bytes) + " bytes, got " + std::to_string(t.nbytes));
      }
      if (bytes > 0) {
        std::memcpy(t.dtype == NNPORT_DTYPE_INT64 ? static_cast<void*>(v.i64.data())
                                                  : static_cast<void*>(v.f32.data()),
                    t.data, bytes);
      }
      values[name] = std::move(v);
    }
    inputs_set_ = std::move(values);
    results_.clear();
  }

  void execute() override {
    if (inputs_set_.empty() && !inputs_.empty()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: execute before set_inputs");
    }
    std::vector<std::string> names;
    for (const auto& o : outputs_) names.push_back(o.name);
    results_ = interp_.run(inputs_set_, names);
  }

  void get_outputs(nnport_output* out, size_t count) override {
    if (results_.size() != outputs_.size()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: get_outputs before execute");
    }
    if (count != outputs_.size()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: asked for " + std::to_string(count) +
                                               " outputs, the model has " +
                                               std::to_string(outputs_.size()));
    }
    for (size_t i = 0; i < count; ++i) {
      const Tensor& t = results_[i];
      const auto* p = t.dtype == NNPORT_DTYPE_INT64
                          ? reinterpret_cast<const unsigned char*>(t.i64.data())
                          : reinterpret_cast<const unsigned char*>(t.f32.data());
      const size_t bytes = t.size() * (t.dtype == NNPORT_DTYPE_INT64 ? 8 : 4);
      nnport::plugin::give_vector(&out[i], outputs_[i].name.c_str(), t.dtype, t.dims,
                                  std::vector<unsigned char>(p, p + bytes));
    }
  }

 private:
  Interpreter interp_;
  std::vector<TensorInfo> inputs_, outputs_;
  std::map<std::string, Tensor> inputs_set_;
  std::vector<Tensor> results_;
};

struct MinimalBackend : nnport::plugin::BackendDefaults {
  static constexpr const char* kName = "minimal";
  static constexpr const char* kDescription =
      "reference interpreter for a few ONNX ops (float32/int64, naive loops; an example plugin)";

  static bool is_available(bool /*with_custom_ops*/, std::string& /*why*/) { return true; }
  static std::string version() { return "0.1.0 (reference interpreter)"; }

  static std::unique_ptr<nnport::plugin::Wrapper> build_wrapper(
      const nnport::plugin::BuildArgs& args) {
    if (args.backend_files.size() != 1) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: expected 1 backend file (the .onnx), got " +
                                               std::to_string(args.backend_files.size()));
    }
    if (args.device != "cpu" && args.device.rfind("cpu:", 0) != 0) {
      throw Error(NNPORT_UNAVAILABLE,
                  "minimal: runs on the cpu only, not on device '" + args.device + "'");
    }
    const std::string& path = args.backend_files[0];
    const std::string bytes = read_file(path);
    Model model;
    try {
      model = parse_model(bytes);
    } catch (const Error& e) {
      std::string why = e.what();
      if (why.rfind("minimal: ", 0) == 0) why.erase(0, 9);
      throw Error(e.code(), "minimal: cannot load '" + path + "': " + why);
    }
    return std::make_unique<MinimalWrapper>(Interpreter(std::move(model)), args);
  }
};

}  // namespace
}  // namespace minimal

NNPORT_DEFINE_PLUGIN(minimal::MinimalBackend)
