#include "ort_wrapper.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace nnport::ort {
namespace {

using plugin::Error;
using plugin::TensorInfo;

const char* type_name(int32_t t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
      return "float32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
      return "uint8";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
      return "int8";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
      return "uint16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
      return "int16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
      return "int32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
      return "int64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING:
      return "string";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
      return "bool";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
      return "float16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
      return "float64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
      return "bfloat16";
    default:
      return "an element type";
  }
}

std::string shape_text(const int64_t* dims, size_t rank) {
  if (rank == 0) return "scalar";
  std::string s;
  for (size_t i = 0; i < rank; ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

// The first names and how many there are: a model may have 100,000 inputs.
std::string join_names(const std::vector<TensorInfo>& infos) {
  constexpr size_t kListed = 20;
  std::string s;
  for (size_t i = 0; i < infos.size() && i < kListed; ++i)
    s += (s.empty() ? "'" : ", '") + infos[i].name + "'";
  if (infos.size() > kListed) s += ", ... (" + std::to_string(infos.size()) + " in all)";
  return s.empty() ? "none" : s;
}

// ONNX element types nnport carries (nnport_dtype uses ONNX's numbers).
bool supported(ONNXTensorElementDataType t) {
  return plugin::dtype_size(static_cast<int32_t>(t)) != 0;
}

TensorInfo describe(const std::string& kind, const std::string& name, const Ort::TypeInfo& type) {
  if (type.GetONNXType() != ONNX_TYPE_TENSOR) {
    throw Error(NNPORT_UNIMPLEMENTED, "onnxruntime: model " + kind + " '" + name +
                                          "' is not a tensor (sequences and maps are unsupported)");
  }
  auto tensor = type.GetTensorTypeAndShapeInfo();
  const ONNXTensorElementDataType et = tensor.GetElementType();
  if (!supported(et)) {
    throw Error(NNPORT_UNIMPLEMENTED, "onnxruntime: model " + kind + " '" + name + "' has type " +
                                          type_name(et) + ", which nnport does not carry");
  }
  TensorInfo info;
  info.name = name;
  info.dtype = static_cast<nnport_dtype>(et);
  info.dims = tensor.GetShape();
  std::vector<const char*> symbolic(info.dims.size(), nullptr);
  if (!info.dims.empty()) tensor.GetSymbolicDimensions(symbolic.data(), symbolic.size());
  for (const char* s : symbolic) info.dim_names.emplace_back(s != nullptr ? s : "");
  return info;
}

// The model's infos, reordered and (for outputs) selected by `wanted`.
// Lookups by name go through a map: a model may have 100,000 inputs.
std::vector<TensorInfo> select(const std::string& kind, std::vector<TensorInfo> model,
                               const std::vector<std::string>& wanted, bool must_cover_all) {
  if (wanted.empty()) return model;
  std::unordered_map<std::string_view, size_t> position;  // model name -> index
  position.reserve(model.size());
  for (size_t i = 0; i < model.size(); ++i) position.emplace(model[i].name, i);
  std::unordered_set<std::string_view> taken;
  taken.reserve(wanted.size());
  std::vector<TensorInfo> out;
  out.reserve(wanted.size());
  for (const auto& name : wanted) {
    auto it = position.find(name);
    if (it == position.end()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "onnxruntime: " + kind + " '" + name +
                                               "' is not in the model; its " + kind + "s are " +
                                               join_names(model));
    }
    if (!taken.insert(name).second) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "onnxruntime: " + kind + " '" + name + "' is named twice in " + kind + "_names");
    }
    out.push_back(model[it->second]);
  }
  if (must_cover_all && out.size() != model.size()) {
    for (const auto& info : model) {
      if (taken.count(info.name) == 0) {
        throw Error(NNPORT_INVALID_ARGUMENT, "onnxruntime: input_names leaves out model input '" +
                                                 info.name + "'; the model's inputs are " +
                                                 join_names(model));
      }
    }
  }
  return out;
}

// Memory ranges [begin, begin + size): whether a pointer lies in one of them
// is a binary search, not a scan of every range per output.
class Ranges {
 public:
  void add(const void* begin, size_t size) {
    if (begin != nullptr && size > 0) spans_.push_back({address(begin), address(begin) + size});
  }
  void seal() {  // after the last add
    std::sort(spans_.begin(), spans_.end());
    reach_.resize(spans_.size());
    uintptr_t far = 0;
    for (size_t i = 0; i < spans_.size(); ++i) reach_[i] = far = std::max(far, spans_[i].second);
  }
  bool contains(const void* p) const {
    const uintptr_t a = address(p);
    // The last range starting at or before a; reach_ covers a longer one before it.
    auto it = std::upper_bound(spans_.begin(), spans_.end(), a,
                               [](uintptr_t v, const auto& span) { return v < span.first; });
    return it != spans_.begin() && reach_[static_cast<size_t>(it - spans_.begin()) - 1] > a;
  }

 private:
  static uintptr_t address(const void* p) { return reinterpret_cast<uintptr_t>(p); }
  std::vector<std::pair<uintptr_t, uintptr_t>> spans_;  // [begin, end), sorted
  std::vector<uintptr_t> reach_;                        // max end of spans_[0..i]
};

struct OutputOwner {
  Ort::Value value;
  std::vector<int64_t> dims;
  void* data = nullptr;
  std::vector<uint8_t> copy;  // an output that is a graph input: a copy of it
};

}  // namespace

std::unique_ptr<OrtWrapper> OrtWrapper::create(const plugin::BuildArgs& args) {
  require_runtime();
  const Options options = parse_options(args.deploy_cfg_json);
  if (args.backend_files.size() != 1) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                "onnxruntime: build_wrapper takes 1 backend file (the .onnx model), got " +
                    std::to_string(args.backend_files.size()));
  }
  const std::string& path = args.backend_files[0];
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(NNPORT_NOT_FOUND, "onnxruntime: backend file '" + path + "' does not exist");
  }
  Ort::SessionOptions session_options = make_session_options(options, args.device);
  Ort::Session session{nullptr};
  try {
    session = Ort::Session(env(), path.c_str(), session_options);
  } catch (const Ort::Exception& e) {
    rethrow(e, "loading model '" + path + "' on device '" + args.device + "'");
  }

  std::vector<TensorInfo> inputs, outputs;
  try {
    Ort::AllocatorWithDefaultOptions allocator;
    for (size_t i = 0; i < session.GetInputCount(); ++i) {
      const std::string name = session.GetInputNameAllocated(i, allocator).get();
      inputs.push_back(describe("input", name, session.GetInputTypeInfo(i)));
    }
    for (size_t i = 0; i < session.GetOutputCount(); ++i) {
      const std::string name = session.GetOutputNameAllocated(i, allocator).get();
      outputs.push_back(describe("output", name, session.GetOutputTypeInfo(i)));
    }
  } catch (const Ort::Exception& e) {
    rethrow(e, "reading the inputs and outputs of '" + path + "'");
  }
  inputs = select("input", std::move(inputs), args.input_names, /*must_cover_all=*/true);
  outputs = select("output", std::move(outputs), args.output_names, /*must_cover_all=*/false);

  std::unique_ptr<OrtWrapper> w(
      new OrtWrapper(std::move(session), std::move(inputs), std::move(outputs)));
  w->context_ = " (model '" + path + "' on device '" + args.device + "')";
  // A non-CPU provider copies a CPU input to its device at bind time, so the
  // same pointer may hold new data: rebind every call there.
  w->reuse_bindings_ = args.device == "cpu";
  w->bind_outputs();
  return w;
}

OrtWrapper::OrtWrapper(Ort::Session session, std::vector<TensorInfo> inputs,
                       std::vector<TensorInfo> outputs)
    : session_(std::move(session)),
      binding_(session_),
      cpu_memory_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)),
      inputs_(std::move(inputs)),
      outputs_(std::move(outputs)),
      bound_(inputs_.size()) {}

void OrtWrapper::bind_outputs() {
  try {
    // BindOutput replaces a bound name in place: no ClearBoundOutputs needed.
    for (const auto& out : outputs_) binding_.BindOutput(out.name.c_str(), cpu_memory_);
  } catch (const Ort::Exception& e) {
    rethrow(e, "binding the outputs to CPU memory" + context_);
  }
  outputs_fresh_ = true;
}

void OrtWrapper::set_inputs(plugin::InputView in) {
  if (in.count != inputs_.size()) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                "onnxruntime: got " + std::to_string(in.count) + " inputs, the model takes " +
                    std::to_string(inputs_.size()) + " (" + join_names(inputs_) + ")");
  }
  if (!outputs_fresh_) bind_outputs();
  for (size_t i = 0; i < in.count; ++i) {
    const nnport_tensor& t = in[i];
    const TensorInfo& info = inputs_[i];
    Bound& b = bound_[i];
    const size_t rank = t.rank > 0 ? static_cast<size_t>(t.rank) : 0;
    if (reuse_bindings_ && b.data == t.data && b.nbytes == t.nbytes && b.dtype == t.dtype &&
        std::equal(b.dims.begin(), b.dims.end(), t.dims, t.dims + rank) && b.dims.size() == rank) {
      continue;  // same memory, same shape: the binding already points at it
    }
    if (t.dtype != info.dtype) {
      throw Error(NNPORT_INVALID_ARGUMENT, "onnxruntime: input '" + info.name + "' is " +
                                               type_name(t.dtype) + ", the model wants " +
                                               type_name(info.dtype));
    }
    try {
      b.value = Ort::Value::CreateTensor(cpu_memory_, t.data, t.nbytes, t.dims, rank,
                                         static_cast<ONNXTensorElementDataType>(t.dtype));
      binding_.BindInput(info.name.c_str(), b.value);
    } catch (const Ort::Exception& e) {
      b.data = nullptr;  // force a rebind next time
      rethrow(e, "binding input '" + info.name + "' (" + type_name(t.dtype) + " " +
                     shape_text(t.dims, rank) + ", " + std::to_string(t.nbytes) + " bytes)" +
                     context_);
    }
    b.data = t.data;
    b.nbytes = t.nbytes;
    b.dtype = t.dtype;
    b.dims.assign(t.dims, t.dims + rank);
  }
}

void OrtWrapper::execute() {
  try {
    outputs_fresh_ = false;
    session_.Run(run_options_, binding_);
  } catch (const Ort::Exception& e) {
    rethrow(e, "run failed" + context_);
  }
}

void OrtWrapper::get_outputs(nnport_output* out, size_t count) {
  if (count != outputs_.size()) {
    throw Error(NNPORT_INVALID_ARGUMENT, "onnxruntime: get_outputs asked for " +
                                             std::to_string(count) + " outputs, the wrapper has " +
                                             std::to_string(outputs_.size()));
  }
  if (outputs_fresh_) {
    throw Error(NNPORT_INVALID_ARGUMENT, "onnxruntime: get_outputs called before execute");
  }
  // Take every output first, so a failure hands out nothing half-made.
  std::vector<std::unique_ptr<OutputOwner>> owners;
  owners.reserve(count);
  try {
    std::vector<Ort::Value> values = binding_.GetOutputValues();
    if (values.size() != count) {
      throw Error(NNPORT_INTERNAL, "onnxruntime: the session returned " +
                                       std::to_string(values.size()) + " outputs, expected " +
                                       std::to_string(count));
    }
    Ranges inputs;  // the caller's input memory
    for (const Bound& b : bound_) inputs.add(b.data, b.nbytes);
    inputs.seal();
    for (auto& v : values) {
      auto owner = std::make_unique<OutputOwner>(OutputOwner{std::move(v), {}, nullptr, {}});
      owner->dims = owner->value.GetTensorTypeAndShapeInfo().GetShape();
      owner->data = owner->value.GetTensorMutableRawData();
      // A graph input that is also a graph output comes back as the input's
      // own value, i.e. the caller's memory, which may be gone before the
      // host is done with the output: hand out a copy.
      if (inputs.contains(owner->data)) {
        const auto* p = static_cast<const uint8_t*>(owner->data);
        const size_t bytes = owner->value.GetTensorTypeAndShapeInfo().GetElementCount() *
                             plugin::dtype_size(static_cast<int32_t>(
                                 owner->value.GetTensorTypeAndShapeInfo().GetElementType()));
        owner->copy.assign(p, p + bytes);
        owner->data = owner->copy.data();
      }
      owners.push_back(std::move(owner));
    }
  } catch (const Ort::Exception& e) {
    rethrow(e, "reading the outputs" + context_);
  }
  for (size_t i = 0; i < count; ++i) {
    OutputOwner* owner = owners[i].get();
    size_t elements = 1;
    for (int64_t d : owner->dims) elements *= static_cast<size_t>(d);
    nnport_output& o = out[i];
    o.tensor.name = outputs_[i].name.c_str();
    o.tensor.dtype = outputs_[i].dtype;
    o.tensor.rank = static_cast<int32_t>(owner->dims.size());
    o.tensor.dims = owner->dims.data();
    o.tensor.data = owner->data;
    o.tensor.nbytes = elements * plugin::dtype_size(outputs_[i].dtype);
    o.owner = owners[i].release();
    o.release = [](void* p) { delete static_cast<OutputOwner*>(p); };
  }
  bind_outputs();  // the next run allocates new buffers; the host keeps these
}

}  // namespace nnport::ort
