// Shared pieces of the fp16 pass's tests: convert, save and check a model,
// learn its value types strictly, run it on ONNX Runtime through nnport.
#ifndef NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_
#define NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

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

// ---- building and checking graphs in tests -----------------------------

inline onnx::TensorProto int64_tensor(const std::string& name, const std::vector<int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

inline void set_int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

// The float16 bits of a converted float tensor (raw_data or int32_data).
inline std::vector<uint16_t> half_bits(const onnx::TensorProto& t) {
  EXPECT_EQ(t.data_type(), kF16) << t.name();
  std::vector<uint16_t> bits(t.raw_data().size() / 2);
  std::memcpy(bits.data(), t.raw_data().data(), bits.size() * 2);
  for (int32_t v : t.int32_data()) bits.push_back(static_cast<uint16_t>(v));
  return bits;
}

inline const onnx::NodeProto& producer_of(const onnx::GraphProto& g, const std::string& value) {
  for (const auto& n : g.node())
    for (const auto& o : n.output())
      if (o == value) return n;
  throw std::runtime_error("no producer of " + value);
}

inline int64_t cast_to(const onnx::NodeProto& n) {
  EXPECT_EQ(n.op_type(), "Cast");
  for (const auto& a : n.attribute())
    if (a.name() == "to") return a.i();
  return -1;
}

// Converted, checked (checker, strict types) and saved; `file` names it.
inline onnx::ModelProto convert_checked(const onnx::ModelProto& m, const quantize::Fp16Options& o,
                                        const std::string& file, std::string* path = nullptr) {
  onnx::ModelProto out = fp16_test::converted(m, o);
  fp16_test::strict_types(out);  // throws on a type clash
  const std::string saved = fp16_test::save_checked(file, out);
  if (path != nullptr) *path = saved;
  return out;
}

// The original and the converted model on ONNX Runtime: the same output
// shapes, and values equal to float16 precision (2^-10 relative: one
// rounding of the inputs, one of the result). Returns the converted one's.
inline NamedTensors expect_same_as_original(const onnx::ModelProto& original,
                                            const std::string& converted_path,
                                            const NamedTensors& inputs,
                                            const quantize::Fp16Options& o,
                                            const std::string& file) {
  const std::string original_path = onnx_test::save(file + ".orig.onnx", original);
  const NamedTensors want = fp16_test::run_ort(original_path, inputs);
  NamedTensors half_inputs;
  for (const auto& [name, t] : inputs)
    half_inputs.set(name,
                    t.dtype() == DType::kFloat32 && !o.keep_io_types ? fp16_test::to_half(t) : t);
  const NamedTensors got = fp16_test::run_ort(converted_path, half_inputs);
  EXPECT_EQ(got.names(), want.names());
  if (got.names() != want.names()) return got;
  for (size_t i = 0; i < want.size(); ++i) {
    const Tensor& w = want[i].second;
    const Tensor g = fp16_test::to_float(got[i].second);
    EXPECT_EQ(g.shape(), w.shape()) << want[i].first;
    if (g.shape() != w.shape()) continue;
    if (w.dtype() != DType::kFloat32) {
      EXPECT_EQ(g.dtype(), w.dtype()) << want[i].first;
      if (g.dtype() != w.dtype()) continue;
      EXPECT_EQ(std::memcmp(g.data(), w.data(), w.nbytes()), 0) << want[i].first;
      continue;
    }
    for (int64_t k = 0; k < w.numel(); ++k) {
      const float a = g.data_as<float>()[k], b = w.data_as<float>()[k];
      EXPECT_NEAR(a, b, std::ldexp(std::abs(b), -10) + 1e-6) << want[i].first << "[" << k << "]";
    }
  }
  return got;
}

}  // namespace nnport::fp16_test

#endif  // NNPORT_SRC_QUANTIZE_FP16_TEST_UTIL_H_
