// Test helper: loads the built plugin with dlopen and drives it through the
// C ABI exactly as nnport's host does (build_wrapper, set_inputs, execute,
// get_outputs, release, destroy).
#ifndef MINIMAL_TESTS_PLUGIN_HOST_H_
#define MINIMAL_TESTS_PLUGIN_HOST_H_

#include <dlfcn.h>

#include <cstring>
#include <string>
#include <vector>

#include "nnport/plugin.h"

namespace minimal::testing {

struct HostTensor {
  std::string name;
  int32_t dtype = NNPORT_DTYPE_FLOAT32;
  std::vector<int64_t> dims;
  std::string data;  // raw bytes
};

inline nnport_sink string_sink(std::string* s) {
  return {s, [](void* ctx, const char* data, size_t size) {
            static_cast<std::string*>(ctx)->append(data, size);
          }};
}

// The plugin's backend, loaded once per process; nullptr plus why() when not.
inline const nnport_backend* load_backend(std::string* why) {
  static std::string error;
  static const nnport_backend* backend = []() -> const nnport_backend* {
    void* handle = dlopen(MINIMAL_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      error = dlerror();
      return nullptr;
    }
    auto entry = reinterpret_cast<nnport_backend_entry_fn>(dlsym(handle, NNPORT_PLUGIN_ENTRY_NAME));
    if (entry == nullptr) {
      error = "no entry point";
      return nullptr;
    }
    static const nnport_host host = {NNPORT_PLUGIN_ABI_VERSION, sizeof(nnport_host), nullptr};
    return entry(&host);
  }();
  if (why != nullptr) *why = error;
  return backend;
}

// A copy of an nnport_tensor_info that outlives the wrapper.
struct Info {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> dims;
  std::vector<std::string> dim_names;  // empty when the plugin gave none
};

inline Info copy_info(const nnport_tensor_info& in) {
  Info out{in.name, in.dtype, std::vector<int64_t>(in.dims, in.dims + in.rank), {}};
  if (in.dim_names != nullptr) out.dim_names.assign(in.dim_names, in.dim_names + in.rank);
  return out;
}

// One build_wrapper + forward. code/error tell the first failing call.
struct RunResult {
  int code = NNPORT_OK;
  std::string error;
  std::vector<Info> input_infos, output_infos;
  std::vector<HostTensor> outputs;
};

// inputs in the wrapper's input order; when run is false, stops after
// build_wrapper and the infos.
inline RunResult run_model(const std::string& model_path, const std::vector<HostTensor>& inputs,
                           const std::vector<std::string>& output_names = {},
                           const std::string& device = "cpu", bool run = true) {
  RunResult r;
  const nnport_backend* b = load_backend(nullptr);
  nnport_sink err = string_sink(&r.error);
  const char* file = model_path.c_str();
  std::vector<const char*> outs;
  for (const auto& n : output_names) outs.push_back(n.c_str());
  nnport_wrapper* w = nullptr;
  const nnport_wrapper_api* api = nullptr;
  r.code = b->build_wrapper(&file, 1, device.c_str(), nullptr, 0, outs.data(), outs.size(), "{}",
                            &w, &api, &err);
  if (r.code != NNPORT_OK) return r;
  for (size_t i = 0; i < api->num_inputs(w); ++i) {
    nnport_tensor_info info{};
    api->input_info(w, i, &info);
    r.input_infos.push_back(copy_info(info));
  }
  for (size_t i = 0; i < api->num_outputs(w); ++i) {
    nnport_tensor_info info{};
    api->output_info(w, i, &info);
    r.output_infos.push_back(copy_info(info));
  }
  std::vector<nnport_tensor> args;
  for (const auto& t : inputs) {
    args.push_back({t.name.c_str(), t.dtype, static_cast<int32_t>(t.dims.size()), t.dims.data(),
                    const_cast<char*>(t.data.data()), t.data.size()});
  }
  std::vector<nnport_output> outputs(api->num_outputs(w));
  if (run && (r.code = api->set_inputs(w, args.data(), args.size(), &err)) == NNPORT_OK &&
      (r.code = api->execute(w, &err)) == NNPORT_OK &&
      (r.code = api->get_outputs(w, outputs.data(), outputs.size(), &err)) == NNPORT_OK) {
    for (auto& o : outputs) {
      HostTensor t;
      t.name = o.tensor.name;
      t.dtype = o.tensor.dtype;
      t.dims.assign(o.tensor.dims, o.tensor.dims + o.tensor.rank);
      t.data.assign(static_cast<const char*>(o.tensor.data), o.tensor.nbytes);
      r.outputs.push_back(std::move(t));
      if (o.release != nullptr) o.release(o.owner);
    }
  }
  api->destroy(w);
  return r;
}

}  // namespace minimal::testing

#endif  // MINIMAL_TESTS_PLUGIN_HOST_H_
