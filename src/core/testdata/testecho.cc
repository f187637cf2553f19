// A tiny backend for the core's tests, written with plugin_cpp.h.
//   inputs:  x (float32, [batch, 3]), n (int64, [1])
//   outputs: doubled = x * 2 (heap buffer handed over with a release),
//            count = how many times set_inputs was called (plugin-owned
//            buffer, release NULL: the host copies), so a test can see
//            that bad inputs never reached the plugin
// The "model file" is any file; its first line selects behaviour:
//   "fail-build" makes build_wrapper fail. A NaN in x makes execute fail.
// TESTECHO_NAME sets the backend name, so one source gives several plugins.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "nnport/plugin_cpp.h"

#ifndef TESTECHO_NAME
#define TESTECHO_NAME "testecho"
#endif

namespace {

using nnport::plugin::Error;

class EchoWrapper : public nnport::plugin::Wrapper {
 public:
  explicit EchoWrapper(const std::vector<std::string>& output_names) {
    inputs_ = {{"x", NNPORT_DTYPE_FLOAT32, {-1, 3}, {"batch", ""}},
               {"n", NNPORT_DTYPE_INT64, {1}, {}}};
    std::vector<nnport::plugin::TensorInfo> all = {{"doubled", NNPORT_DTYPE_FLOAT32, {-1, 3}, {}},
                                                   {"count", NNPORT_DTYPE_INT64, {1}, {}}};
    if (output_names.empty()) {
      outputs_ = all;
    } else {
      for (const auto& name : output_names) {
        bool found = false;
        for (const auto& info : all) {
          if (info.name == name) {
            outputs_.push_back(info);
            found = true;
          }
        }
        if (!found) throw Error(NNPORT_INVALID_ARGUMENT, "no output named '" + name + "'");
      }
    }
  }
  const std::vector<nnport::plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<nnport::plugin::TensorInfo>& outputs() const override { return outputs_; }

  void set_inputs(nnport::plugin::InputView in) override {
    if (in.count != 2) throw Error(NNPORT_INTERNAL, "expected 2 inputs");
    x_ = in[0];
    n_ = in[1];
    ++set_calls;
  }
  void execute() override {
    if (x_.data == nullptr && x_.nbytes > 0)
      throw Error(NNPORT_INTERNAL, "execute before set_inputs");
    if (x_.dims == nullptr) throw Error(NNPORT_INTERNAL, "execute before set_inputs");
    const auto* x = static_cast<const float*>(x_.data);
    size_t count = x_.nbytes / sizeof(float);
    doubled_.assign(count, 0.0f);
    for (size_t i = 0; i < count; ++i) {
      if (std::isnan(x[i])) throw Error(NNPORT_INTERNAL, "NaN at element " + std::to_string(i));
      doubled_[i] = x[i] * 2.0f;
    }
    batch_ = x_.dims[0];
    count_ = set_calls;
  }
  void get_outputs(nnport_output* outputs, size_t count) override {
    for (size_t i = 0; i < count; ++i) {
      if (outputs_[i].name == "doubled") {
        std::vector<unsigned char> bytes(doubled_.size() * sizeof(float));
        if (!bytes.empty()) std::memcpy(bytes.data(), doubled_.data(), bytes.size());
        nnport::plugin::give_vector(&outputs[i], "doubled", NNPORT_DTYPE_FLOAT32, {batch_, 3},
                                    std::move(bytes));
      } else {
        count_dims_[0] = 1;
        outputs[i].tensor = {"count", NNPORT_DTYPE_INT64, 1, count_dims_, &count_, sizeof count_};
        outputs[i].owner = nullptr;
        outputs[i].release = nullptr;
      }
    }
  }
  int set_calls = 0;

 private:
  std::vector<nnport::plugin::TensorInfo> inputs_, outputs_;
  nnport_tensor x_{}, n_{};
  std::vector<float> doubled_;
  int64_t batch_ = 0;
  int64_t count_ = 0;
  int64_t count_dims_[1] = {1};
};

struct EchoBackend : nnport::plugin::BackendDefaults {
  static constexpr const char* kName = TESTECHO_NAME;
  static constexpr const char* kDescription = "test backend: doubles its input";
  static bool is_available(bool with_custom_ops, std::string& why) {
    if (with_custom_ops) {
      why = "testecho has no custom ops";
      return false;
    }
    return true;
  }
  // NNPORT_TESTECHO_VERSION replaces the version and check-env line, so a
  // test can hand the host hostile text (escape sequences).
  static std::string version() {
    const char* v = std::getenv("NNPORT_TESTECHO_VERSION");
    return v != nullptr ? v : "1.2.3";
  }
  static std::vector<std::string> check_env_extra() {
    const char* v = std::getenv("NNPORT_TESTECHO_VERSION");
    return {v != nullptr ? std::string("testecho custom ops:\t") + v
                         : "testecho custom ops:\tNotAvailable"};
  }
  // Writes one backend file naming the IR file; "fail" in the config fails.
  static std::vector<std::string> to_backend(const nnport::plugin::ConvertArgs& args) {
    if (args.deploy_cfg_json.find("\"fail\"") != std::string::npos) {
      throw Error(NNPORT_UNIMPLEMENTED, "node 'Conv_12' (Conv): group=3 unsupported");
    }
    std::string out = args.work_dir + "/end2end.echo";
    std::ofstream(out) << args.ir_files.at(0) << "\n" << args.device << "\n";
    return {out};
  }
  // The "model" is a text file of "OpType name" lines; it takes only Double.
  static std::vector<nnport::plugin::NodeSupport> check_model(
      const nnport::plugin::CheckArgs& args) {
    std::ifstream in(args.onnx_path);
    if (!in) throw Error(NNPORT_NOT_FOUND, "cannot open '" + args.onnx_path + "'");
    std::vector<nnport::plugin::NodeSupport> nodes;
    std::string op, name;
    while (in >> op >> name) {
      const bool ok = op == "Double";
      nodes.push_back({name, op, ok, ok ? "" : "testecho runs only Double"});
    }
    return nodes;
  }
  static std::unique_ptr<nnport::plugin::Wrapper> build_wrapper(
      const nnport::plugin::BuildArgs& args) {
    std::ifstream in(args.backend_files.at(0));
    if (!in) throw Error(NNPORT_NOT_FOUND, "cannot open '" + args.backend_files[0] + "'");
    std::string line;
    std::getline(in, line);
    if (line == "fail-build") throw std::runtime_error("model is broken");
    return std::make_unique<EchoWrapper>(args.output_names);
  }
};

}  // namespace

NNPORT_DEFINE_PLUGIN(EchoBackend)
