#include "xnn_wrapper.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "xnn_format.h"
#include "xnn_options.h"
#include "xnn_subgraph.h"

namespace nnport::xnn {
namespace {

using plugin::Error;

// XNNPACK may read XNN_EXTRA_BYTES past a tensor: every boundary buffer has them.
struct Buffer {
  std::vector<float> data;
  size_t count = 0;
  void resize(size_t n) {
    count = n;
    data.assign(n + XNN_EXTRA_BYTES / sizeof(float) + 1, 0.0f);
  }
};

size_t numel(const std::vector<int64_t>& dims, int64_t batch) {
  size_t n = 1;
  for (int64_t d : dims) n *= size_t(d < 0 ? batch : d);
  return n;
}

// One batch size: its runtime and its boundary buffers.
struct Instance {
  std::unique_ptr<xnn_runtime, decltype(&xnn_delete_runtime)> runtime{nullptr, &xnn_delete_runtime};
  std::vector<Buffer> inputs, outputs;  // model order, XNNPACK layout
  uint64_t last_use = 0;                // for evicting the least recently used
};

// Runtimes kept per wrapper: each holds packed weights and activation
// buffers (tens of MB for resnet18), so a caller cycling through many batch
// sizes must not grow memory without bound.
constexpr size_t kMaxCachedBatches = 4;

class XnnWrapper : public plugin::Wrapper {
 public:
  explicit XnnWrapper(const plugin::BuildArgs& args) {
    if (args.device != "cpu" && args.device.rfind("cpu:", 0) != 0) {
      throw Error(NNPORT_UNAVAILABLE, "xnnpack: device '" + args.device +
                                          "' is not one this backend runs on; use 'cpu'");
    }
    if (args.backend_files.size() != 1) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "xnnpack: build_wrapper takes 1 file (<stem>.xnnpack), got " +
                      std::to_string(args.backend_files.size()));
    }
    const int threads = threads_to_use(parse_options(args.deploy_cfg_json));
    ensure_initialized();
    path_ = args.backend_files[0];
    lm_ = read_model(path_);
    const Model& m = lm_.model;
    if (threads > 1) {
      pool_.reset(pthreadpool_create(size_t(threads)));
      if (!pool_) throw Error(NNPORT_INTERNAL, "xnnpack: pthreadpool_create failed");
    }
    // Inputs in the model's order (the host passes them in input_info order).
    if (!args.input_names.empty()) {
      std::vector<std::string> model_names;
      for (const Port& p : m.inputs) model_names.push_back(p.name);
      std::vector<std::string> given = args.input_names, sorted_model = model_names;
      std::sort(given.begin(), given.end());
      std::sort(sorted_model.begin(), sorted_model.end());
      if (given != sorted_model) {
        throw Error(
            NNPORT_INVALID_ARGUMENT,
            "xnnpack: input_names do not match the model's inputs (" + join(model_names) + ")");
      }
    }
    for (const Port& p : m.inputs) inputs_.push_back(info(p));
    if (args.output_names.empty()) {
      for (size_t i = 0; i < m.outputs.size(); ++i) selected_.push_back(i);
    } else {
      for (const auto& name : args.output_names) {
        size_t i = 0;
        while (i < m.outputs.size() && m.outputs[i].name != name) ++i;
        if (i == m.outputs.size() || std::count(selected_.begin(), selected_.end(), i)) {
          std::vector<std::string> names;
          for (const Port& p : m.outputs) names.push_back(p.name);
          throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: output '" + name +
                                                   "' is unknown or repeated; the model's outputs "
                                                   "are " +
                                                   join(names));
        }
        selected_.push_back(i);
      }
    }
    for (size_t i : selected_) outputs_.push_back(info(m.outputs[i]));
    // A static model builds its runtime now, so errors show at build_wrapper.
    if (!dynamic()) instance(1);
  }

  const std::vector<plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<plugin::TensorInfo>& outputs() const override { return outputs_; }

  void set_inputs(plugin::InputView in) override {
    const Model& m = lm_.model;
    if (in.count != m.inputs.size()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: expected " + std::to_string(m.inputs.size()) +
                                               " inputs, got " + std::to_string(in.count));
    }
    int64_t batch = 1;
    bool batch_set = false;
    for (size_t i = 0; i < in.count; ++i) {
      const nnport_tensor& t = in[i];
      const Port& p = m.inputs[i];
      if (t.dtype != NNPORT_DTYPE_FLOAT32 || size_t(t.rank) != p.dims.size()) {
        throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: input '" + p.name +
                                                 "' must be float32 of rank " +
                                                 std::to_string(p.dims.size()));
      }
      for (size_t d = 0; d < p.dims.size(); ++d) {
        if (p.dims[d] >= 0 ? t.dims[d] != p.dims[d] : t.dims[d] < 1) {
          throw Error(NNPORT_INVALID_ARGUMENT,
                      "xnnpack: input '" + p.name + "' dim " + std::to_string(d) + " is " +
                          std::to_string(t.dims[d]) + ", expected " +
                          (p.dims[d] >= 0 ? std::to_string(p.dims[d]) : std::string(">= 1")));
        }
        if (p.dims[d] < 0) {
          if (batch_set && t.dims[d] != batch) {
            throw Error(NNPORT_INVALID_ARGUMENT,
                        "xnnpack: the inputs disagree on the dynamic batch (" +
                            std::to_string(batch) + " vs " + std::to_string(t.dims[d]) + ")");
          }
          batch = t.dims[d];
          batch_set = true;
        }
      }
    }
    current_ = &instance(batch);
    batch_ = batch;
    for (size_t i = 0; i < in.count; ++i) {
      const Port& p = m.inputs[i];
      Buffer& buf = current_->inputs[i];
      if (in[i].nbytes != buf.count * sizeof(float)) {
        throw Error(NNPORT_INVALID_ARGUMENT,
                    "xnnpack: input '" + p.name + "' has " + std::to_string(in[i].nbytes) +
                        " bytes, expected " + std::to_string(buf.count * sizeof(float)));
      }
      const auto* src = static_cast<const float*>(in[i].data);
      if (p.nchw) {
        transpose(src, buf.data.data(), in[i].dims, /*to_nhwc=*/true);
      } else {
        std::memcpy(buf.data.data(), src, in[i].nbytes);
      }
    }
  }

  void execute() override {
    if (current_ == nullptr)
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: execute before set_inputs");
    const xnn_status s = xnn_invoke_runtime(current_->runtime.get());
    if (s != xnn_status_success) {
      throw Error(NNPORT_INTERNAL, "xnnpack: xnn_invoke_runtime failed: " + status_text(s));
    }
  }

  void get_outputs(nnport_output* out, size_t count) override {
    if (current_ == nullptr)
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: no outputs before execute");
    for (size_t k = 0; k < count && k < selected_.size(); ++k) {
      const Port& p = lm_.model.outputs[selected_[k]];
      const Buffer& buf = current_->outputs[selected_[k]];
      std::vector<int64_t> dims = p.dims;
      for (int64_t& d : dims) d = d < 0 ? batch_ : d;
      std::vector<unsigned char> bytes(buf.count * sizeof(float));
      if (p.nchw) {
        const std::vector<int64_t> nhwc = {dims[0], dims[2], dims[3], dims[1]};
        transpose(buf.data.data(), reinterpret_cast<float*>(bytes.data()), nhwc.data(), false);
      } else {
        std::memcpy(bytes.data(), buf.data.data(), bytes.size());
      }
      plugin::give_vector(&out[k], p.name.c_str(), NNPORT_DTYPE_FLOAT32, std::move(dims),
                          std::move(bytes));
    }
  }

 private:
  static std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
    return s;
  }

  static plugin::TensorInfo info(const Port& p) {
    plugin::TensorInfo t;
    t.name = p.name;
    t.dtype = NNPORT_DTYPE_FLOAT32;
    t.dims = p.dims;
    if (p.dim_names.size() == p.dims.size()) t.dim_names = p.dim_names;
    return t;
  }

  bool dynamic() const {
    for (const Port& p : lm_.model.inputs) {
      if (std::any_of(p.dims.begin(), p.dims.end(), [](int64_t d) { return d < 0; })) return true;
    }
    return false;
  }

  // dims: the source's 4-D shape (NCHW when to_nhwc, else NHWC).
  static void transpose(const float* src, float* dst, const int64_t* dims, bool to_nhwc) {
    const int64_t N = dims[0], A = dims[1], B = dims[2] * dims[3];  // A: C (NCHW) or H (NHWC)
    if (to_nhwc) {
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < A; ++c)
          for (int64_t hw = 0; hw < B; ++hw) dst[(n * B + hw) * A + c] = src[(n * A + c) * B + hw];
    } else {
      const int64_t HW = dims[1] * dims[2], C = dims[3];
      for (int64_t n = 0; n < N; ++n)
        for (int64_t hw = 0; hw < HW; ++hw)
          for (int64_t c = 0; c < C; ++c) dst[(n * C + c) * HW + hw] = src[(n * HW + hw) * C + c];
    }
  }

  Instance& instance(int64_t batch) {
    auto it = instances_.find(batch);
    if (it != instances_.end()) {
      it->second->last_use = ++uses_;
      return *it->second;
    }
    if (instances_.size() >= kMaxCachedBatches) {
      auto oldest = std::min_element(instances_.begin(), instances_.end(), [](auto& a, auto& b) {
        return a.second->last_use < b.second->last_use;
      });
      if (current_ == oldest->second.get()) current_ = nullptr;
      instances_.erase(oldest);
    }
    const Model& m = lm_.model;
    const Blob& blob = lm_.blob;
    SubgraphPtr sg = define_subgraph(
        m, batch, [&](uint32_t v) { return blob.at(m.values[v].offset); }, "'" + path_ + "'");
    auto inst = std::make_unique<Instance>();
    xnn_runtime_t rt = nullptr;
    // Yield the workers after each run: idle spinning would steal the CPUs
    // from whatever else runs between two inferences.
    const xnn_status s = xnn_create_runtime_v2(sg.get(), pool_.get(), XNN_FLAG_YIELD_WORKERS, &rt);
    if (s != xnn_status_success) {
      throw Error(NNPORT_INTERNAL, "xnnpack: creating the runtime for '" + path_ + "' (batch " +
                                       std::to_string(batch) + ") failed: " + status_text(s));
    }
    inst->runtime.reset(rt);
    std::vector<xnn_external_value> ext;
    for (const auto* ports : {&m.inputs, &m.outputs}) {
      auto& bufs = ports == &m.inputs ? inst->inputs : inst->outputs;
      for (const Port& p : *ports) {
        bufs.emplace_back();
        bufs.back().resize(numel(p.dims, batch));
        ext.push_back(xnn_external_value{p.value, bufs.back().data.data()});
      }
    }
    const xnn_status ss = xnn_setup_runtime(rt, ext.size(), ext.data());
    if (ss != xnn_status_success) {
      throw Error(NNPORT_INTERNAL,
                  "xnnpack: xnn_setup_runtime for '" + path_ + "' failed: " + status_text(ss));
    }
    // The subgraph may go: the runtime keeps what it needs (weights stay in lm_).
    inst->last_use = ++uses_;
    return *instances_.emplace(batch, std::move(inst)).first->second;
  }

  std::string path_;
  LoadedModel lm_;
  std::unique_ptr<pthreadpool, decltype(&pthreadpool_destroy)> pool_{nullptr, &pthreadpool_destroy};
  std::vector<plugin::TensorInfo> inputs_, outputs_;
  std::vector<size_t> selected_;  // model output index per returned output
  std::map<int64_t, std::unique_ptr<Instance>> instances_;
  Instance* current_ = nullptr;
  uint64_t uses_ = 0;
  int64_t batch_ = 1;
};

}  // namespace

std::unique_ptr<plugin::Wrapper> make_wrapper(const plugin::BuildArgs& args) {
  return std::make_unique<XnnWrapper>(args);
}

}  // namespace nnport::xnn
