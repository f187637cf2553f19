#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "core/plugin_loader.h"
#include "core/sinks.h"
#include "core/wrapper_impl.h"
#include "nnport/timer.h"

namespace nnport {

namespace {

using core::plugin_error;

std::string describe(const TensorInfo& info) {
  return "'" + info.name + "' (" + std::string(dtype_name(info.dtype)) + ", " +
         shape_to_string(info.dims) + ")";
}

// The first kListed inputs, then how many there are: an error about a
// model with 100,000 inputs stays readable.
std::string describe_all(const std::vector<TensorInfo>& infos) {
  constexpr size_t kListed = 20;
  std::string s;
  for (size_t i = 0; i < infos.size() && i < kListed; ++i) {
    if (!s.empty()) s += ", ";
    s += describe(infos[i]);
  }
  if (infos.size() > kListed) s += ", ... (" + std::to_string(infos.size()) + " in all)";
  return s.empty() ? "none" : s;
}

Result<TensorInfo> convert_info(const nnport_tensor_info& raw, size_t index, const char* kind) {
  TensorInfo info;
  if (raw.name == nullptr) {
    return internal_error(std::string(kind) + " " + std::to_string(index) + " has no name");
  }
  info.name = raw.name;
  info.dtype = static_cast<DType>(raw.dtype);
  if (raw.rank < 0 || (raw.rank > 0 && raw.dims == nullptr)) {
    return internal_error(std::string(kind) + " '" + info.name + "' has rank " +
                          std::to_string(raw.rank) + " without dims");
  }
  info.dims.assign(raw.dims, raw.dims + raw.rank);
  for (auto& d : info.dims) d = d < 0 ? -1 : d;
  if (raw.dim_names != nullptr) {
    for (int32_t i = 0; i < raw.rank; ++i) {
      info.dim_names.emplace_back(raw.dim_names[i] != nullptr ? raw.dim_names[i] : "");
    }
  }
  return info;
}

// A tensor the host hands out for an output the plugin owns.
Result<Tensor> take_output(const nnport_output& out, const TensorInfo& info,
                           const std::shared_ptr<void>& library) {
  const nnport_tensor& t = out.tensor;
  auto bad = [&](const std::string& why) {
    return internal_error("output '" + info.name + "': " + why);
  };
  auto dtype = static_cast<DType>(t.dtype);
  if (dtype_size(dtype) == 0) return bad("unknown element type " + std::to_string(t.dtype));
  if (t.rank < 0 || (t.rank > 0 && t.dims == nullptr)) return bad("rank without dims");
  Shape shape(t.dims, t.dims + t.rank);
  int64_t n = num_elements(shape);
  if (n < 0) return bad("shape " + shape_to_string(shape) + " has a negative dim");
  size_t expect = static_cast<size_t>(n) * dtype_size(dtype);
  if (t.nbytes != expect) {
    return bad(std::to_string(t.nbytes) + " bytes for a " + std::string(dtype_name(dtype)) +
               " tensor of shape " + shape_to_string(shape) + " (needs " + std::to_string(expect) +
               ")");
  }
  if (expect > 0 && t.data == nullptr) return bad("no data");
  if (out.release == nullptr) {
    // Valid only until the next call on the wrapper: copy.
    return Tensor::view(dtype, std::move(shape), t.data).clone();
  }
  // The shape is copied now, so the plugin's dims may go with the release.
  return Tensor::adopt(dtype, std::move(shape), t.data,
                       [release = out.release, owner = out.owner, library] { release(owner); });
}

void release_all(std::vector<nnport_output>& outs) {
  for (auto& o : outs) {
    if (o.release != nullptr) o.release(o.owner);
    o = nnport_output{};
  }
}

const std::string kEmpty;
const std::vector<TensorInfo> kNoInfos;

Status moved_from() {
  return invalid_argument("this wrapper is empty (it was moved from): build a new one");
}

// The steps of forward on buffers the caller gives: the wrapper's own under
// its lock, or a concurrent forward's own on a thread-safe backend.
// inputs are already checked.
Status bind_inputs(Wrapper::Impl& impl, const NamedTensors& inputs,
                   std::vector<nnport_tensor>& bound) {
  bound.resize(impl.inputs.size());
  for (size_t i = 0; i < impl.inputs.size(); ++i) {
    const TensorInfo& info = impl.inputs[i];
    const Tensor* t = inputs.find(info.name);
    nnport_tensor& b = bound[i];
    b.name = info.name.c_str();
    b.dtype = static_cast<int32_t>(t->dtype());
    b.rank = static_cast<int32_t>(t->rank());
    b.dims = t->shape().data();
    b.data = const_cast<void*>(t->data());
    b.nbytes = t->nbytes();
  }
  core::StringSink err;
  int rc = impl.api->set_inputs(impl.handle, bound.data(), bound.size(), err.get());
  if (rc != NNPORT_OK) return plugin_error(impl.backend_name, "set_inputs", rc, err.text);
  return {};
}

Status run_engine(Wrapper::Impl& impl) {
  core::StringSink err;
  TimeCounter::Scope timed(impl.backend_name);  // the engine call alone
  int rc = impl.api->execute(impl.handle, err.get());
  if (rc != NNPORT_OK) {
    timed.cancel();  // a failed call's time says nothing about the engine
    return plugin_error(impl.backend_name, "execute", rc, err.text);
  }
  return {};
}

Result<NamedTensors> take_outputs(Wrapper::Impl& impl, std::vector<nnport_output>& raw) {
  raw.assign(impl.outputs.size(), nnport_output{});
  core::StringSink err;
  int rc = impl.api->get_outputs(impl.handle, raw.data(), raw.size(), err.get());
  if (rc != NNPORT_OK) {
    release_all(raw);  // the ABI says untouched, but do not leak if a plugin filled some
    return plugin_error(impl.backend_name, "get_outputs", rc, err.text);
  }
  NamedTensors out;
  for (size_t i = 0; i < raw.size(); ++i) {
    auto t = take_output(raw[i], impl.outputs[i], impl.library);
    if (!t.ok()) {
      // Outputs before i are owned by tensors now; release the rest.
      for (size_t j = i; j < raw.size(); ++j) {
        if (raw[j].release != nullptr) raw[j].release(raw[j].owner);
      }
      for (auto& o : raw) o = nnport_output{};
      return t.status().with_context(impl.backend_name + ": get_outputs failed");
    }
    raw[i] = nnport_output{};
    out.set(impl.outputs[i].name, std::move(*t));
  }
  return out;
}

}  // namespace

namespace core {

Result<Wrapper> make_wrapper(std::string backend_name, uint32_t backend_file_count,
                             std::shared_ptr<void> library, nnport_wrapper* handle,
                             const nnport_wrapper_api* api, bool thread_safe) {
  Status s = validate_wrapper_api(api);
  if (!s.ok()) {
    if (api != nullptr && api->destroy != nullptr && handle != nullptr) api->destroy(handle);
    return s.with_context(backend_name + ": build_wrapper failed");
  }
  auto impl = std::make_unique<Wrapper::Impl>();
  impl->backend_name = std::move(backend_name);
  impl->backend_file_count = backend_file_count;
  impl->library = std::move(library);
  impl->api = api;
  impl->handle = handle;  // from here on, ~Impl destroys it
  impl->thread_safe = thread_safe;
  const std::string ctx = impl->backend_name + ": build_wrapper failed";
  for (int pass = 0; pass < 2; ++pass) {
    const bool in = pass == 0;
    size_t n = in ? api->num_inputs(handle) : api->num_outputs(handle);
    auto& infos = in ? impl->inputs : impl->outputs;
    const char* kind = in ? "input" : "output";
    for (size_t i = 0; i < n; ++i) {
      nnport_tensor_info raw{};
      int rc = in ? api->input_info(handle, i, &raw) : api->output_info(handle, i, &raw);
      if (rc != NNPORT_OK) {
        return internal_error(std::string(kind) + "_info(" + std::to_string(i) +
                              ") returned code " + std::to_string(rc))
            .with_context(ctx);
      }
      auto info = convert_info(raw, i, kind);
      if (!info.ok()) return info.status().with_context(ctx);
      infos.push_back(std::move(*info));
    }
  }
  impl->bound.resize(impl->inputs.size());
  impl->raw_outputs.resize(impl->outputs.size());
  return Wrapper(std::move(impl));
}

}  // namespace core

Wrapper::Wrapper(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Wrapper::Wrapper(Wrapper&&) noexcept = default;
Wrapper& Wrapper::operator=(Wrapper&&) noexcept = default;
Wrapper::~Wrapper() = default;

const std::string& Wrapper::backend_name() const { return impl_ ? impl_->backend_name : kEmpty; }
const std::vector<TensorInfo>& Wrapper::input_infos() const {
  return impl_ ? impl_->inputs : kNoInfos;
}
const std::vector<TensorInfo>& Wrapper::output_infos() const {
  return impl_ ? impl_->outputs : kNoInfos;
}
std::vector<std::string> Wrapper::output_names() const {
  std::vector<std::string> names;
  for (const auto& info : output_infos()) names.push_back(info.name);
  return names;
}
uint32_t Wrapper::backend_file_count() const { return impl_ ? impl_->backend_file_count : 0; }

Status Wrapper::check_inputs(const NamedTensors& inputs) const {
  if (!impl_) return moved_from();
  std::string problems;
  size_t count = 0;  // beyond kShown problems only their number is told
  constexpr size_t kShown = 20;
  auto add = [&](const std::string& p) {
    if (++count > kShown) return;
    if (!problems.empty()) problems += "; ";
    problems += p;
  };
  size_t found = 0;
  for (const auto& info : impl_->inputs) {
    const Tensor* t = inputs.find(info.name);
    if (t == nullptr) {
      add("missing input " + describe(info));
      continue;
    }
    ++found;
    if (t->dtype() != info.dtype) {
      add("input '" + info.name + "': element type " + std::string(dtype_name(t->dtype())) +
          " given, the model expects " + std::string(dtype_name(info.dtype)));
    }
    if (t->rank() != static_cast<int64_t>(info.dims.size())) {
      add("input '" + info.name + "': rank " + std::to_string(t->rank()) + " given (shape " +
          shape_to_string(t->shape()) + "), the model expects rank " +
          std::to_string(info.dims.size()) + " (" + shape_to_string(info.dims) + ")");
    } else {
      for (size_t d = 0; d < info.dims.size(); ++d) {
        int64_t got = t->shape()[d];
        if (got < 0) {
          add("input '" + info.name + "': dim " + std::to_string(d) + " is negative (" +
              std::to_string(got) + ")");
        } else if (info.dims[d] >= 0 && got != info.dims[d]) {
          add("input '" + info.name + "': dim " + std::to_string(d) + " is " + std::to_string(got) +
              ", the model expects " + std::to_string(info.dims[d]) + " (shape " +
              shape_to_string(t->shape()) + " given, model " + shape_to_string(info.dims) + ")");
        }
      }
    }
    if (t->nbytes() > 0 && t->data() == nullptr) add("input '" + info.name + "' has no data");
  }
  // Names in `inputs` are unique: when every model input was found there, no
  // name is left over. Only a call with unknown names pays for the set.
  bool unknown = false;
  if (found < inputs.size()) {
    std::unordered_set<std::string_view> known;
    known.reserve(impl_->inputs.size());
    for (const auto& info : impl_->inputs) known.insert(info.name);
    for (const auto& [name, tensor] : inputs) {
      if (known.count(name) != 0) continue;
      add("unknown input '" + name + "'");
      unknown = true;
    }
  }
  if (count == 0) return {};
  if (count > kShown) problems += "; and " + std::to_string(count - kShown) + " more problems";
  if (unknown) problems += "; the model's inputs are: " + describe_all(impl_->inputs);
  return invalid_argument(impl_->backend_name + ": bad inputs: " + problems);
}

Status Wrapper::set_inputs(const NamedTensors& inputs) {
  NNPORT_RETURN_IF_ERROR(check_inputs(inputs));  // the engine never sees bad inputs
  std::lock_guard lock(impl_->calls);
  return bind_inputs(*impl_, inputs, impl_->bound);
}

Status Wrapper::execute() {
  if (!impl_) return moved_from();
  std::lock_guard lock(impl_->calls);
  return run_engine(*impl_);
}

Result<NamedTensors> Wrapper::get_outputs() {
  if (!impl_) return moved_from();
  std::lock_guard lock(impl_->calls);
  return take_outputs(*impl_, impl_->raw_outputs);
}

Result<NamedTensors> Wrapper::forward(const NamedTensors& inputs) {
  NNPORT_RETURN_IF_ERROR(check_inputs(inputs));  // also says when moved from
  if (impl_->thread_safe) {
    // The plugin keeps each thread's call apart; so do these buffers.
    std::vector<nnport_tensor> bound;
    std::vector<nnport_output> raw;
    NNPORT_RETURN_IF_ERROR(bind_inputs(*impl_, inputs, bound));
    NNPORT_RETURN_IF_ERROR(run_engine(*impl_));
    return take_outputs(*impl_, raw);
  }
  std::lock_guard lock(impl_->calls);  // one forward at a time on this wrapper
  NNPORT_RETURN_IF_ERROR(bind_inputs(*impl_, inputs, impl_->bound));
  NNPORT_RETURN_IF_ERROR(run_engine(*impl_));
  return take_outputs(*impl_, impl_->raw_outputs);
}

bool Wrapper::thread_safe() const { return impl_ && impl_->thread_safe; }

}  // namespace nnport
