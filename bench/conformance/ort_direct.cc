// ONNX Runtime called directly (its C++ API on the raw model.onnx, default
// session options, as nnport's plugin uses them) over the conformance suite:
// the baseline `nnport conformance --backend onnxruntime` must match
// (docs/conformance.md).
#include <onnxruntime_cxx_api.h>

#include <cstring>

#include "../ort_private_env.h"
#include "direct_main.h"

namespace {

using nnport::DType;
using nnport::NamedTensors;
using nnport::Result;
using nnport::Tensor;

Ort::Env& env() {
  static Ort::Env e = nnport::bench::make_private_ort_env(ORT_LOGGING_LEVEL_ERROR, "conformance");
  return e;
}

Result<std::vector<NamedTensors>> run_ort(const nnport::conformance::TestCase& test,
                                          const nnport::conformance::TestModel&,
                                          const std::vector<nnport::conformance::DataSet>& sets,
                                          const std::string&) {
  try {
    const std::string path = test.dir + "/model.onnx";
    Ort::Session session(env(), path.c_str(), Ort::SessionOptions());
    Ort::AllocatorWithDefaultOptions alloc;
    std::vector<std::string> out_names;
    for (size_t i = 0; i < session.GetOutputCount(); ++i)
      out_names.push_back(session.GetOutputNameAllocated(i, alloc).get());
    std::vector<const char*> out_ptrs;
    for (const auto& n : out_names) out_ptrs.push_back(n.c_str());
    auto mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    std::vector<NamedTensors> results;
    for (const auto& set : sets) {
      std::vector<Tensor> owned;  // ORT takes non-const pointers
      std::vector<Ort::Value> values;
      std::vector<const char*> in_names;
      for (const auto& [name, t] : set.inputs) {
        owned.push_back(t.clone());
        Tensor& c = owned.back();
        values.push_back(Ort::Value::CreateTensor(
            mem, c.data(), c.nbytes(), c.shape().data(), c.shape().size(),
            static_cast<ONNXTensorElementDataType>(c.dtype())));  // same numbering as ONNX
        in_names.push_back(name.c_str());
      }
      auto outs = session.Run(Ort::RunOptions{nullptr}, in_names.data(), values.data(),
                              values.size(), out_ptrs.data(), out_ptrs.size());
      NamedTensors named;
      for (size_t i = 0; i < outs.size(); ++i) {
        if (!outs[i].IsTensor())
          return nnport::unimplemented("output '" + out_names[i] + "' is not a tensor");
        auto info = outs[i].GetTensorTypeAndShapeInfo();
        const auto dtype = static_cast<DType>(info.GetElementType());
        if (nnport::dtype_size(dtype) == 0)
          return nnport::unimplemented("output '" + out_names[i] + "' has element type " +
                                       std::to_string(int(info.GetElementType())));
        Tensor t = Tensor::empty(dtype, info.GetShape());
        if (t.nbytes() > 0) std::memcpy(t.data(), outs[i].GetTensorRawData(), t.nbytes());
        named.set(out_names[i], std::move(t));
      }
      results.push_back(std::move(named));
    }
    return results;
  } catch (const Ort::Exception& e) {
    return nnport::internal_error(std::string("onnxruntime: ") + e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  return nnport::conformance_direct::direct_main(argc, argv, "onnxruntime (direct)", run_ort);
}
