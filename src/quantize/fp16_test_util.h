// Shared pieces of the fp16 pass's tests: convert, save and check a model,
// learn its value types strictly, run it on ONNX Runtime through nnport.
#ifndef NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_
#define NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "../onnx/onnx_graph_test_util.h"
#include "fp16_model.h"
#include "nnport/apis.h"
#include "nnport/onnx_model.h"
#include "nnport/registry.h"
#include "nnport/tensor.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace nnport::fp16_test {

using onnx_test::scratch_dir;

constexpr int32_t kF32 = onnx::TensorProto::FLOAT;
constexpr int32_t kF16 = onnx::TensorProto::FLOAT16;

inline onnx::ModelProto converted(onnx::ModelProto model, const quantize::Fp16Options& options) {
  const Status s = quantize::convert_to_fp16(model, options, "test.onnx");
  if (!s.ok()) throw std::runtime_error("convert_to_fp16: " + s.message());
  return model;
}

// Saved under the test's scratch folder, and passing ONNX's checker.
inline std::string save_checked(const std::string& file, const onnx::ModelProto& model) {
  const std::string path = onnx_test::save(file, model);
  const Status s = check_onnx(path);
  if (!s.ok()) throw std::runtime_error(s.message());
  return path;
}

// Every value's element type by ONNX's inference in strict mode with type
// checks: it throws where a node's inputs break its schema (Add(float16,
// float)), which the plain checker does not see.
inline std::map<std::string, int32_t> strict_types(const onnx::ModelProto& model) {
  onnx::ModelProto copy = model;
  onnx::ShapeInferenceOptions options(/*check_type=*/true, /*error_mode=*/1, false);
  onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), options);
  std::map<std::string, int32_t> types;
  const auto& g = copy.graph();
  for (const auto* list : {&g.input(), &g.output(), &g.value_info()})
    for (const auto& v : *list)
      if (v.type().has_tensor_type()) types[v.name()] = v.type().tensor_type().elem_type();
  for (const auto& t : g.initializer()) types[t.name()] = t.data_type();
  return types;
}

// Names of the nodes (other than Casts) that read or write a float32 value.
inline std::set<std::string> float32_nodes(const onnx::ModelProto& model) {
  const auto types = strict_types(model);
  std::set<std::string> nodes;
  for (const auto& n : model.graph().node()) {
    if (n.op_type() == "Cast") continue;
    for (const auto* names : {&n.input(), &n.output()})
      for (const auto& v : *names)
        if (auto it = types.find(v); it != types.end() && it->second == kF32)
          nodes.insert(n.name());
  }
  return nodes;
}

inline int32_t elem_type(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& list,
                         const std::string& name) {
  for (const auto& v : list)
    if (v.name() == name) return v.type().tensor_type().elem_type();
  return -1;
}

inline const onnx::TensorProto* initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

// Runs a model file on ONNX Runtime the way `nnport run model.onnx` does
// (build_wrapper_from_target), with this build's plugin.
inline NamedTensors run_ort(const std::string& path, const NamedTensors& inputs) {
  static Registry registry(false);
  static const bool searched =
      (registry.add_search_dir(std::string(NNPORT_BINARY_DIR) + "/lib/nnport/plugins"), true);
  (void)searched;
  auto wrapper = build_wrapper_from_target(path, "onnxruntime", &registry);
  if (!wrapper.ok()) throw std::runtime_error(path + ": " + wrapper.status().message());
  auto out = wrapper->forward(inputs);
  if (!out.ok()) throw std::runtime_error(path + ": " + out.status().message());
  return *out;
}

inline Tensor to_half(const Tensor& t) {
  Tensor h = Tensor::empty(DType::kFloat16, t.shape());
  for (int64_t i = 0; i < t.numel(); ++i)
    h.data_as<uint16_t>()[i] = float_to_half(t.data_as<float>()[i]);
  return h;
}

inline Tensor to_float(const Tensor& t) {
  if (t.dtype() != DType::kFloat16) return t;
  Tensor f = Tensor::empty(DType::kFloat32, t.shape());
  for (int64_t i = 0; i < t.numel(); ++i)
    f.data_as<float>()[i] = half_to_float(t.data_as<uint16_t>()[i]);
  return f;
}

inline Tensor float_tensor(const Shape& shape, const std::vector<float>& values) {
  Tensor t = Tensor::empty(DType::kFloat32, shape);
  std::copy(values.begin(), values.end(), t.data_as<float>());
  return t;
}

}  // namespace nnport::fp16_test

#endif  // NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_
