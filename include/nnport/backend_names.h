// Backend names. The built-in ones are constants (MMDeploy's names plus
// nnport's own); a plugin adds its name at load time (see registry.h), the
// counterpart of MMDeploy's extend_enum.
#ifndef NNPORT_BACKEND_NAMES_H_
#define NNPORT_BACKEND_NAMES_H_

#include <array>
#include <string_view>

namespace nnport::backend_names {

inline constexpr std::string_view kTensorRT = "tensorrt";
inline constexpr std::string_view kOnnxRuntime = "onnxruntime";
inline constexpr std::string_view kPPLNN = "pplnn";
inline constexpr std::string_view kNCNN = "ncnn";
inline constexpr std::string_view kSNPE = "snpe";
inline constexpr std::string_view kOpenVINO = "openvino";
inline constexpr std::string_view kTorchScript = "torchscript";
inline constexpr std::string_view kRKNN = "rknn";
inline constexpr std::string_view kAscend = "ascend";
inline constexpr std::string_view kCoreML = "coreml";
inline constexpr std::string_view kTVM = "tvm";
inline constexpr std::string_view kVACC = "vacc";
inline constexpr std::string_view kSDK = "sdk";
inline constexpr std::string_view kPyTorch = "pytorch";
inline constexpr std::string_view kDefault = "default";
inline constexpr std::string_view kOpenCV = "opencv";
inline constexpr std::string_view kXNNPACK = "xnnpack";

// In MMDeploy's order, then nnport's own.
inline constexpr std::array<std::string_view, 17> kBuiltin = {
    kTensorRT, kOnnxRuntime, kPPLNN, kNCNN, kSNPE,    kOpenVINO, kTorchScript, kRKNN,   kAscend,
    kCoreML,   kTVM,         kVACC,  kSDK,  kPyTorch, kDefault,  kOpenCV,      kXNNPACK};

}  // namespace nnport::backend_names

#endif  // NNPORT_BACKEND_NAMES_H_
