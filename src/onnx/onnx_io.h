// Internal to libnnport: the onnx room's ModelProto-level API, used by the
// public functions of nnport/onnx_model.h and by rewrite passes. Only code
// inside libnnport may include this (it pulls in libonnx's headers).
#ifndef NNPORT_SRC_ONNX_ONNX_IO_H_
#define NNPORT_SRC_ONNX_ONNX_IO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/onnx_model.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "onnx/onnx_pb.h"

namespace nnport::onnx_internal {

// Read and parse a .onnx file, then validate it (validate_model). Every
// failure names the file, says what is wrong with it and what to do.
Result<onnx::ModelProto> load_model(const std::string& path);

// A parsed model is usable: it has a graph with nodes or outputs, an
// ir_version and an ai.onnx opset import. `path` is for messages only.
Status validate_model(const onnx::ModelProto& model, std::string_view path);

// Serialize to `path` through a temporary file and a rename. Refuses models
// over protobuf's 2 GiB limit (they need external data).
Status save_model(const onnx::ModelProto& model, const std::string& path);

// onnx::checker::check_model. `path` locates external data (its folder) and
// names the model in messages.
Status check_model(const onnx::ModelProto& model, const std::string& path);

// Each initializer of the graph holds exactly the data its dims and type
// need (the checker does not compare them); an external one's file (beside
// `path`) holds them at its offset and length.
Status check_initializer_sizes(const onnx::GraphProto& graph, const std::string& path);

// onnx::shape_inference::InferShapes in place: value_info and graph outputs
// gain the types and dims inference finds.
Status infer_shapes(onnx::ModelProto& model, const std::string& path);

// Set the given dims of graph inputs (a dim < 0 keeps the model's); an
// unknown input, a rank mismatch or a static dim that differs is an error.
Status fix_input_dims(onnx::ModelProto& model, const std::vector<InputDims>& input_dims,
                      const std::string& path);

// The model's ai.onnx opset version (0 when it imports none).
int64_t ai_onnx_opset(const onnx::ModelProto& model);

// Describe a parsed model (no validation).
OnnxModelInfo describe_model(const onnx::ModelProto& model, const std::string& path);

// TensorProto.DataType -> DType; kUndefined for types nnport has no DType for.
DType dtype_from_onnx(int32_t elem_type);
// "float", "int64", "bfloat16", ...; "undefined" for 0, "elem_type(N)" if unknown.
std::string onnx_elem_type_name(int32_t elem_type);
// "tensor(float)", "seq(tensor(int64))", "map(string,tensor(float))", ...
std::string onnx_type_string(const onnx::TypeProto& type);

}  // namespace nnport::onnx_internal

#endif  // NNPORT_SRC_ONNX_ONNX_IO_H_
