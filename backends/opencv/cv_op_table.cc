#include "cv_op_table.h"

#include <algorithm>
#include <iterator>

namespace nnport::cv_backend {
namespace {

// Imported as single-op models by OpenCV 4.6.0 (at least one test each).
constexpr std::string_view kImported[] = {
    "Abs",
    "Acos",
    "Acosh",
    "Add",
    "ArgMax",
    "ArgMin",
    "Asin",
    "Asinh",
    "Atan",
    "Atanh",
    "AveragePool",
    "Cast",
    "Ceil",
    "Celu",
    "Concat",
    "Constant",
    "Conv",
    "Cos",
    "Cosh",
    "CumSum",
    "DepthToSpace",
    "Div",
    "Dropout",
    "Elu",
    "Equal",
    "Erf",
    "Exp",
    "Flatten",
    "Floor",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "Greater",
    "HardSigmoid",
    "HardSwish",
    "Identity",
    "LRN",
    "LeakyRelu",
    "Less",
    "Log",
    "LogSoftmax",
    "MatMul",
    "MaxPool",
    "MaxUnpool",
    "Mul",
    "Neg",
    "Not",
    "Reciprocal",
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceProd",
    "ReduceSumSquare",
    "Relu",
    "Round",
    "Selu",
    "Shape",
    "Shrink",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softmax",
    "Softplus",
    "Softsign",
    "SpaceToDepth",
    "Split",
    "Sqrt",
    "Sub",
    "Sum",
    "Tan",
    "Tanh",
    "ThresholdedRelu",
    "Transpose",
    "Unsqueeze",
};

// Known to the importer, which failed on the test models only because an
// input (weights, shape, pads, bounds...) was a graph input, not a constant,
// or the opset form differs (ReduceSum-13's axes input, Clip-11's bounds).
constexpr std::string_view kConstInputs[] = {
    "BatchNormalization",
    "Clip",
    "ConstantOfShape",
    "ConvTranspose",
    "DequantizeLinear",
    "Expand",
    "GRU",
    "Gather",
    "Gemm",
    "InstanceNormalization",
    "LSTM",
    "Max",
    "Min",
    "PRelu",
    "Pad",
    "Pow",
    "QLinearConv",
    "QLinearMatMul",
    "QuantizeLinear",
    "ReduceSum",
    "Reshape",
    "Resize",
    "Slice",
    "Squeeze",
    "Upsample",
};

bool contains(const auto& table, std::string_view op) {
  return std::find(std::begin(table), std::end(table), op) != std::end(table);
}

}  // namespace

OpSupport opencv_op_support(std::string_view op_type) {
  if (contains(kImported, op_type)) return OpSupport::kYes;
  if (contains(kConstInputs, op_type)) return OpSupport::kConstInputs;
  return OpSupport::kUnknown;
}

}  // namespace nnport::cv_backend
