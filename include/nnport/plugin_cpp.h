// Header-only C++ helper for plugin authors: implement a Backend and a
// Wrapper in C++, export them with NNPORT_DEFINE_PLUGIN, and this header
// turns them into the C ABI of plugin.h, catching every exception at the
// boundary. It depends on plugin.h and the standard library only, so a
// plugin needs no nnport library to link against.
#ifndef NNPORT_PLUGIN_CPP_H_
#define NNPORT_PLUGIN_CPP_H_

#include <concepts>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/plugin.h"

namespace nnport::plugin {

// Throw this from plugin code to return a specific code; any other
// exception becomes NNPORT_INTERNAL with its what().
class Error : public std::runtime_error {
 public:
  Error(nnport_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  nnport_code code() const { return code_; }

 private:
  nnport_code code_;
};

inline void append(nnport_sink* sink, std::string_view text) {
  if (sink != nullptr && sink->append != nullptr) sink->append(sink->ctx, text.data(), text.size());
}

// A model input or output description owned by the wrapper.
struct TensorInfo {
  std::string name;
  nnport_dtype dtype = NNPORT_DTYPE_UNDEFINED;
  std::vector<int64_t> dims;           // < 0: dynamic
  std::vector<std::string> dim_names;  // empty, or one per dim ("" when unnamed)
};

// The host's inputs, in input order, as views.
struct InputView {
  const nnport_tensor* tensors;
  size_t count;
  const nnport_tensor& operator[](size_t i) const { return tensors[i]; }
};

class Wrapper {
 public:
  virtual ~Wrapper() = default;
  virtual const std::vector<TensorInfo>& inputs() const = 0;
  virtual const std::vector<TensorInfo>& outputs() const = 0;  // in forward's order
  virtual void set_inputs(InputView inputs) = 0;
  virtual void execute() = 0;
  // Fill outputs[i] for each output i (see nnport_output for ownership).
  virtual void get_outputs(nnport_output* outputs, size_t count) = 0;
};

struct BuildArgs {
  std::vector<std::string> backend_files;
  std::string device;
  std::vector<std::string> input_names;   // empty: the model's
  std::vector<std::string> output_names;  // empty: the model's, in its order
  std::string deploy_cfg_json;
};

struct ConvertArgs {
  std::vector<std::string> ir_files;
  std::string work_dir;
  std::string deploy_cfg_json;
  int log_level = NNPORT_LOG_INFO;
  std::string device;
};

struct CheckArgs {
  std::string onnx_path;
  std::string deploy_cfg_json;
};

// One node's verdict for check_model, in graph order.
struct NodeSupport {
  std::string node_name;  // "" when unnamed
  std::string op_type;    // "domain::Op" outside the default domain
  bool supported = false;
  std::string reason;  // why not; "" when supported
};

// What a plugin implements. Static members, because a backend has no state
// of its own before build_wrapper (MMDeploy's managers are classmethods).
// Required: kName, kDescription, is_available, version, build_wrapper.
// Optional: kBackendFileCount, to_backend, check_env_extra (define them in
// your class to override these defaults), and
//   static std::vector<NodeSupport> check_model(const CheckArgs&);
// (without it the plugin's check_model is NULL: "unknown, try converting"),
//   static constexpr bool kThreadSafe = true;
// when one wrapper may run forward on several threads at once: the three
// Wrapper calls of one forward come from one thread, but those of other
// threads may come in between, so keep what set_inputs binds and what
// execute produces per thread (never in the wrapper alone). Without it the
// host takes turns on each wrapper.
struct BackendDefaults {
  static constexpr uint32_t kBackendFileCount = 1;
  static std::vector<std::string> to_backend(const ConvertArgs& args) { return args.ir_files; }
  static std::vector<std::string> check_env_extra() { return {}; }
};

namespace detail {

inline const nnport_host*& host() {
  static const nnport_host* h = nullptr;
  return h;
}

template <class Fn>
int guard(nnport_sink* err, Fn&& fn) {
  try {
    fn();
    return NNPORT_OK;
  } catch (const Error& e) {
    append(err, e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    append(err, "out of memory");
    return NNPORT_INTERNAL;
  } catch (const std::exception& e) {
    append(err, e.what());
    return NNPORT_INTERNAL;
  } catch (...) {
    append(err, "unknown exception in plugin");
    return NNPORT_INTERNAL;
  }
}

inline std::vector<std::string> to_strings(const char* const* items, size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.emplace_back(items[i] != nullptr ? items[i] : "");
  return out;
}

// The wrapper object behind the opaque nnport_wrapper pointer; keeps the C
// views of the tensor infos alive.
struct WrapperBox {
  std::unique_ptr<Wrapper> impl;
  std::vector<std::vector<const char*>> input_dim_names, output_dim_names;
};

inline WrapperBox* box(nnport_wrapper* w) { return reinterpret_cast<WrapperBox*>(w); }
inline const WrapperBox* box(const nnport_wrapper* w) {
  return reinterpret_cast<const WrapperBox*>(w);
}

inline std::vector<std::vector<const char*>> dim_name_views(const std::vector<TensorInfo>& infos) {
  std::vector<std::vector<const char*>> out;
  for (const auto& info : infos) {
    std::vector<const char*> names;
    for (const auto& n : info.dim_names) names.push_back(n.c_str());
    out.push_back(std::move(names));
  }
  return out;
}

inline int fill_info(const std::vector<TensorInfo>& infos,
                     const std::vector<std::vector<const char*>>& dim_names, size_t index,
                     nnport_tensor_info* out) {
  if (index >= infos.size() || out == nullptr) return NNPORT_INVALID_ARGUMENT;
  const TensorInfo& info = infos[index];
  out->name = info.name.c_str();
  out->dtype = info.dtype;
  out->rank = static_cast<int32_t>(info.dims.size());
  out->dims = info.dims.data();
  out->dim_names = info.dim_names.size() == info.dims.size() && !info.dims.empty()
                       ? dim_names[index].data()
                       : nullptr;
  return NNPORT_OK;
}

inline const nnport_wrapper_api* wrapper_api() {
  static const nnport_wrapper_api api = {
      sizeof(nnport_wrapper_api),
      [](const nnport_wrapper* self) { return box(self)->impl->inputs().size(); },
      [](const nnport_wrapper* self, size_t i, nnport_tensor_info* out) {
        return fill_info(box(self)->impl->inputs(), box(self)->input_dim_names, i, out);
      },
      [](const nnport_wrapper* self) { return box(self)->impl->outputs().size(); },
      [](const nnport_wrapper* self, size_t i, nnport_tensor_info* out) {
        return fill_info(box(self)->impl->outputs(), box(self)->output_dim_names, i, out);
      },
      [](nnport_wrapper* self, const nnport_tensor* inputs, size_t count, nnport_sink* err) {
        return guard(err, [&] { box(self)->impl->set_inputs(InputView{inputs, count}); });
      },
      [](nnport_wrapper* self, nnport_sink* err) {
        return guard(err, [&] { box(self)->impl->execute(); });
      },
      [](nnport_wrapper* self, nnport_output* outputs, size_t count, nnport_sink* err) {
        return guard(err, [&] { box(self)->impl->get_outputs(outputs, count); });
      },
      [](nnport_wrapper* self) { delete box(self); },
  };
  return &api;
}

template <class B>
concept HasCheckModel = requires(const CheckArgs& args) {
  { B::check_model(args) } -> std::same_as<std::vector<NodeSupport>>;
};

template <class B>
int check_model(const char* onnx_path, const char* cfg, nnport_node_sink* nodes, nnport_sink* err) {
  return guard(err, [&] {
    CheckArgs args{onnx_path ? onnx_path : "", cfg ? cfg : "{}"};
    const std::vector<NodeSupport> verdicts = B::check_model(args);
    if (nodes == nullptr || nodes->add == nullptr) return;
    for (size_t i = 0; i < verdicts.size(); ++i) {
      const NodeSupport& v = verdicts[i];
      nnport_node_support c{static_cast<int64_t>(i), v.node_name.c_str(), v.op_type.c_str(),
                            v.supported ? 1 : 0, v.reason.c_str()};
      nodes->add(nodes->ctx, &c);
    }
  });
}

// NULL for a backend without check_model (the ABI's "unknown").
template <class B>
constexpr decltype(nnport_backend::check_model) check_model_fn() {
  if constexpr (HasCheckModel<B>) {
    return &check_model<B>;
  } else {
    return nullptr;
  }
}

template <class B>
concept DeclaresThreadSafe = requires {
  { B::kThreadSafe } -> std::convertible_to<bool>;
};

// nnport_backend::wrapper_thread_safe: 0 unless B says kThreadSafe = true.
template <class B>
constexpr uint32_t wrapper_thread_safe_flag() {
  if constexpr (DeclaresThreadSafe<B>) {
    return B::kThreadSafe ? 1u : 0u;
  } else {
    return 0u;
  }
}

template <class B>
const nnport_backend* make_backend(const nnport_host* h) {
  host() = h;
  static const nnport_backend backend = {
      NNPORT_PLUGIN_ABI_VERSION,
      sizeof(nnport_backend),
      B::kName,
      B::kDescription,
      B::kBackendFileCount,
      [](int with_custom_ops, nnport_sink* why) -> int {
        try {
          std::string reason;
          if (B::is_available(with_custom_ops != 0, reason)) return 1;
          append(why, reason);
          return 0;
        } catch (const std::exception& e) {
          append(why, e.what());
          return 0;
        } catch (...) {
          append(why, "unknown exception in is_available");
          return 0;
        }
      },
      [](nnport_sink* out, nnport_sink* err) {
        return guard(err, [&] { append(out, B::version()); });
      },
      [](nnport_sink* lines, nnport_sink* err) {
        return guard(err, [&] {
          for (const auto& line : B::check_env_extra()) append(lines, line);
        });
      },
      [](const char* const* ir_files, size_t ir_count, const char* work_dir, const char* cfg,
         int log_level, const char* device, nnport_sink* files, nnport_sink* err) {
        return guard(err, [&] {
          ConvertArgs args{to_strings(ir_files, ir_count), work_dir ? work_dir : "",
                           cfg ? cfg : "{}", log_level, device ? device : "cpu"};
          for (const auto& f : B::to_backend(args)) append(files, f);
        });
      },
      [](const char* const* files, size_t file_count, const char* device,
         const char* const* input_names, size_t input_count, const char* const* output_names,
         size_t output_count, const char* cfg, nnport_wrapper** out_wrapper,
         const nnport_wrapper_api** out_api, nnport_sink* err) {
        return guard(err, [&] {
          BuildArgs args{to_strings(files, file_count), device ? device : "cpu",
                         to_strings(input_names, input_count),
                         to_strings(output_names, output_count), cfg ? cfg : "{}"};
          auto b = std::make_unique<WrapperBox>();
          b->impl = B::build_wrapper(args);
          if (!b->impl) throw Error(NNPORT_INTERNAL, "build_wrapper returned no wrapper");
          b->input_dim_names = dim_name_views(b->impl->inputs());
          b->output_dim_names = dim_name_views(b->impl->outputs());
          *out_wrapper = reinterpret_cast<nnport_wrapper*>(b.release());
          *out_api = wrapper_api();
        });
      },
      check_model_fn<B>(),
      wrapper_thread_safe_flag<B>(),
  };
  return &backend;
}

}  // namespace detail

// Log through the host (no-op when the host offers no logger).
inline void log(nnport_log_level level, const std::string& message) {
  const nnport_host* h = detail::host();
  if (h != nullptr && h->log != nullptr) h->log(level, message.c_str());
}

inline size_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case NNPORT_DTYPE_FLOAT32:
    case NNPORT_DTYPE_INT32:
      return 4;
    case NNPORT_DTYPE_UINT8:
    case NNPORT_DTYPE_INT8:
    case NNPORT_DTYPE_BOOL:
      return 1;
    case NNPORT_DTYPE_INT64:
    case NNPORT_DTYPE_FLOAT64:
      return 8;
    case NNPORT_DTYPE_FLOAT16:
      return 2;
    default:
      return 0;
  }
}

// An nnport_output that owns a heap buffer: for plugins whose engine writes
// into memory they allocate themselves.
inline void give_vector(nnport_output* out, const char* name, nnport_dtype dtype,
                        std::vector<int64_t> dims, std::vector<unsigned char> bytes) {
  struct Owned {
    std::vector<int64_t> dims;
    std::vector<unsigned char> bytes;
  };
  auto* owned = new Owned{std::move(dims), std::move(bytes)};
  out->tensor.name = name;
  out->tensor.dtype = dtype;
  out->tensor.rank = static_cast<int32_t>(owned->dims.size());
  out->tensor.dims = owned->dims.data();
  out->tensor.data = owned->bytes.data();
  out->tensor.nbytes = owned->bytes.size();
  out->owner = owned;
  out->release = [](void* p) { delete static_cast<Owned*>(p); };
}

}  // namespace nnport::plugin

// Export backend class B as this library's plugin entry point.
#define NNPORT_DEFINE_PLUGIN(B)                                              \
  extern "C" NNPORT_PLUGIN_EXPORT const nnport_backend* NNPORT_PLUGIN_ENTRY( \
      const nnport_host* host) {                                             \
    return ::nnport::plugin::detail::make_backend<B>(host);                  \
  }

#endif  // NNPORT_PLUGIN_CPP_H_
