// "faulty": a test backend whose faults are known exactly, for the tests of
// `nnport debug diverge` / `debug reduce`. Written like a third party's
// plugin: nnport's public headers, libnnport's public API (to run models on
// the onnxruntime backend) and Debian's onnx_proto (to edit the model).
//
// backend_config keys (README.md has examples):
//   perturb_node / perturb_op: add perturb_delta (default 0.5) to the first
//     output of that node / of every node of that op type
//   fail_node / fail_op: to_backend fails naming the node
//   crash_node / crash_op: the wrapper builds, execute raises SIGSEGV
//   fail_output: to_backend fails when that tensor is a graph output (a
//     tensor the backend fuses away cannot be observed: debug diverge must
//     move its cut)
// A model without the named node or op converts and runs exactly like
// onnxruntime: debug tools cut models into prefixes that must behave so.
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nnport/plugin_config.h"
#include "nnport/plugin_cpp.h"
#include "nnport/registry.h"
#include "onnx/onnx_pb.h"

namespace {

using nlohmann::json;
using nnport::plugin::Error;

constexpr const char* kBackend = "faulty";

// One fault: a node name or an op type ("" when not given).
struct Target {
  std::string node, op;
  bool given() const { return !node.empty() || !op.empty(); }
  bool matches(const onnx::NodeProto& n) const {
    return (!node.empty() && n.name() == node) || (!op.empty() && n.op_type() == op);
  }
};

struct Faults {
  Target perturb, fail, crash;
  float perturb_delta = 0.5f;
  std::string fail_output;
};

std::string node_label(const onnx::NodeProto& n) {
  return "'" + n.name() + "' (" + n.op_type() + ")";
}

// The faults in the deploy config's backend_config; none when it is another
// backend's. Unknown keys and wrong types are errors: a typo must not pass
// as "no fault".
Faults parse_faults(const std::string& deploy_cfg_json) {
  Faults f;
  const json cfg = nnport::plugin::parse_deploy_config(kBackend, deploy_cfg_json);
  const json* own = nnport::plugin::own_backend_config(kBackend, cfg);
  if (own == nullptr) return f;
  auto text = [](const std::string& key, const json& v) {
    if (!v.is_string() || v.get<std::string>().empty())
      nnport::plugin::bad_config_value(kBackend, key, v, "expected a non-empty string");
    return v.get<std::string>();
  };
  bool delta_given = false;
  for (const auto& [key, v] : own->items()) {
    if (key == "type") continue;
    if (key == "perturb_node") {
      f.perturb.node = text(key, v);
    } else if (key == "perturb_op") {
      f.perturb.op = text(key, v);
    } else if (key == "fail_node") {
      f.fail.node = text(key, v);
    } else if (key == "fail_op") {
      f.fail.op = text(key, v);
    } else if (key == "crash_node") {
      f.crash.node = text(key, v);
    } else if (key == "crash_op") {
      f.crash.op = text(key, v);
    } else if (key == "fail_output") {
      f.fail_output = text(key, v);
    } else if (key == "perturb_delta") {
      if (!v.is_number() || !std::isfinite(v.get<double>()))
        nnport::plugin::bad_config_value(kBackend, key, v, "expected a finite number such as 0.5");
      f.perturb_delta = v.get<float>();
      delta_given = true;
    } else if (key == "common_config" || key == "model_inputs" || key == "quantization") {
      // Keys nnport's convert applies before to_backend.
    } else {
      throw Error(
          NNPORT_INVALID_ARGUMENT,
          "faulty: unknown backend_config key '" + key +
              "'; the keys are perturb_node, perturb_op, perturb_delta, fail_node, "
              "fail_op, fail_output, crash_node, crash_op (tests/plugins/faulty/README.md)");
    }
  }
  if (delta_given && !f.perturb.given())
    throw Error(NNPORT_INVALID_ARGUMENT,
                "faulty: backend_config.perturb_delta needs perturb_node or perturb_op");
  return f;
}

onnx::ModelProto load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(NNPORT_NOT_FOUND, "faulty: cannot open '" + path + "'");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in))
    throw Error(NNPORT_INVALID_ARGUMENT, "faulty: '" + path + "' is not an ONNX model");
  return model;
}

// The first node of the main graph that target names, or nullptr.
const onnx::NodeProto* find_node(const onnx::GraphProto& g, const Target& target) {
  if (!target.given()) return nullptr;
  for (const auto& n : g.node())
    if (target.matches(n)) return &n;
  return nullptr;
}

// Every tensor name the graph uses, so inserted names cannot collide.
std::set<std::string> tensor_names(const onnx::GraphProto& g) {
  std::set<std::string> names;
  for (const auto& v : g.input()) names.insert(v.name());
  for (const auto& t : g.initializer()) names.insert(t.name());
  for (const auto& n : g.node())
    for (const auto& o : n.output()) names.insert(o);
  return names;
}

std::string fresh_name(std::set<std::string>& taken, const std::string& base) {
  std::string name = base;
  for (int i = 1; taken.count(name) != 0; ++i) name = base + "_" + std::to_string(i);
  taken.insert(name);
  return name;
}

// Each matching node's first output T becomes T_faulty_raw, and a Constant
// plus an Add write T = T_faulty_raw + delta right after it: consumers and
// graph outputs keep reading T, so everything downstream diverges and
// everything upstream stays exact.
void perturb(onnx::GraphProto& g, const Target& target, float delta) {
  if (!target.given()) return;
  std::set<std::string> taken = tensor_names(g);
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (const auto& n : g.node()) {
    onnx::NodeProto* copy = nodes.Add();
    *copy = n;
    if (!target.matches(n)) continue;
    if (n.output_size() == 0 || n.output(0).empty())
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "faulty: cannot perturb node " + node_label(n) + ": it has no first output");
    const std::string out = n.output(0);
    const std::string raw = fresh_name(taken, out + "_faulty_raw");
    const std::string delta_name = fresh_name(taken, out + "_faulty_delta");
    copy->set_output(0, raw);

    onnx::NodeProto* constant = nodes.Add();
    constant->set_name(n.name() + "_faulty_delta");
    constant->set_op_type("Constant");
    constant->add_output(delta_name);
    onnx::AttributeProto* value = constant->add_attribute();
    value->set_name("value");
    value->set_type(onnx::AttributeProto::TENSOR);
    value->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    value->mutable_t()->add_float_data(delta);

    onnx::NodeProto* add = nodes.Add();
    add->set_name(n.name() + "_faulty_perturb");
    add->set_op_type("Add");
    add->add_input(raw);
    add->add_input(delta_name);
    add->add_output(out);
  }
  g.mutable_node()->Swap(&nodes);
}

// libnnport's onnxruntime backend, from a registry of this plugin's own: the
// host's global registry may be locked while it calls us. Never freed, like
// the global one, so ONNX Runtime is not unloaded while its threads run.
const nnport::BackendManager& onnxruntime() {
  static std::mutex mu;
  static nnport::Registry* registry = nullptr;
  std::lock_guard lock(mu);
  if (registry == nullptr) registry = new nnport::Registry();
  auto m = registry->find("onnxruntime");
  if (!m.ok())
    throw Error(NNPORT_UNAVAILABLE,
                "faulty: runs models on the onnxruntime backend, which is not found: " +
                    m.status().message() + " (build nnport_backend_onnxruntime)");
  std::string why;
  if (!(*m)->is_available(false, &why))
    throw Error(NNPORT_UNAVAILABLE, "faulty: the onnxruntime backend is unavailable: " + why);
  return **m;
}

nnport::plugin::TensorInfo to_plugin(const nnport::TensorInfo& t) {
  return {t.name, static_cast<nnport_dtype>(t.dtype), t.dims, t.dim_names};
}

[[noreturn]] void throw_status(const nnport::Status& s) {
  throw Error(static_cast<nnport_code>(s.code()), s.message());
}

// The onnxruntime backend's wrapper; crash_node holds the node that makes
// execute raise SIGSEGV, if the model has one.
class FaultyWrapper : public nnport::plugin::Wrapper {
 public:
  FaultyWrapper(nnport::Wrapper inner, std::optional<std::string> crash_node)
      : inner_(std::move(inner)), crash_node_(std::move(crash_node)) {
    for (const auto& t : inner_.input_infos()) inputs_.push_back(to_plugin(t));
    for (const auto& t : inner_.output_infos()) outputs_.push_back(to_plugin(t));
  }
  const std::vector<nnport::plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<nnport::plugin::TensorInfo>& outputs() const override { return outputs_; }

  void set_inputs(nnport::plugin::InputView in) override {
    in_ = nnport::NamedTensors();
    for (size_t i = 0; i < in.count; ++i) {
      const nnport_tensor& t = in[i];
      in_.set(t.name, nnport::Tensor::view(static_cast<nnport::DType>(t.dtype),
                                           nnport::Shape(t.dims, t.dims + t.rank),
                                           const_cast<void*>(t.data)));
    }
  }
  void execute() override {
    if (crash_node_) {
      nnport::plugin::log(NNPORT_LOG_ERROR,
                          "faulty: crashing on node " + *crash_node_ + " (crash_node/crash_op)");
      std::raise(SIGSEGV);
    }
    auto out = inner_.forward(in_);
    if (!out.ok()) throw_status(out.status());
    out_ = std::move(*out);
  }
  void get_outputs(nnport_output* outputs, size_t count) override {
    for (size_t i = 0; i < count; ++i) {
      const nnport::Tensor* t = out_.find(outputs_.at(i).name);
      if (t == nullptr)
        throw Error(NNPORT_INTERNAL, "faulty: no output '" + outputs_[i].name + "'");
      const auto* bytes = static_cast<const unsigned char*>(t->data());
      nnport::plugin::give_vector(&outputs[i], outputs_[i].name.c_str(),
                                  static_cast<nnport_dtype>(t->dtype()), t->shape(),
                                  std::vector<unsigned char>(bytes, bytes + t->nbytes()));
    }
  }

 private:
  nnport::Wrapper inner_;
  std::optional<std::string> crash_node_;
  std::vector<nnport::plugin::TensorInfo> inputs_, outputs_;
  nnport::NamedTensors in_, out_;
};

struct FaultyBackend : nnport::plugin::BackendDefaults {
  static constexpr const char* kName = kBackend;
  static constexpr const char* kDescription =
      "test backend: onnxruntime with configurable perturb/fail/crash faults";

  static bool is_available(bool with_custom_ops, std::string& why) {
    if (with_custom_ops) {
      why = "faulty has no custom ops";
      return false;
    }
    try {
      onnxruntime();
      return true;
    } catch (const Error& e) {
      why = e.what();
      return false;
    }
  }
  static std::string version() { return "1.0.0"; }

  // faulty.onnx in work_dir: the model with perturb_* applied.
  static std::vector<std::string> to_backend(const nnport::plugin::ConvertArgs& args) {
    const Faults f = parse_faults(args.deploy_cfg_json);
    if (args.ir_files.size() != 1)
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "faulty: expected one ONNX file, got " + std::to_string(args.ir_files.size()));
    onnx::ModelProto model = load_model(args.ir_files[0]);
    if (const onnx::NodeProto* n = find_node(model.graph(), f.fail))
      throw Error(NNPORT_UNIMPLEMENTED, "faulty: cannot convert node " + node_label(*n));
    for (const auto& o : model.graph().output())
      if (!f.fail_output.empty() && o.name() == f.fail_output)
        throw Error(NNPORT_UNIMPLEMENTED,
                    "faulty: tensor '" + o.name() + "' is fused away and cannot be an output");
    perturb(*model.mutable_graph(), f.perturb, f.perturb_delta);

    const std::string path = (std::filesystem::path(args.work_dir) / "faulty.onnx").string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !model.SerializeToOstream(&out) || !out.flush()) {
      out.close();
      std::error_code ec;
      std::filesystem::remove(path, ec);
      throw Error(NNPORT_IO_ERROR, "faulty: cannot write '" + path + "'");
    }
    return {path};
  }

  // fail_* nodes are unsupported, every other node is.
  static std::vector<nnport::plugin::NodeSupport> check_model(
      const nnport::plugin::CheckArgs& args) {
    const Faults f = parse_faults(args.deploy_cfg_json);
    const onnx::ModelProto model = load_model(args.onnx_path);
    std::vector<nnport::plugin::NodeSupport> nodes;
    for (const auto& n : model.graph().node()) {
      std::string reason;
      if (!f.fail.node.empty() && n.name() == f.fail.node)
        reason = "backend_config.fail_node is '" + f.fail.node + "'";
      else if (!f.fail.op.empty() && n.op_type() == f.fail.op)
        reason = "backend_config.fail_op is '" + f.fail.op + "'";
      nodes.push_back({n.name(), n.op_type(), reason.empty(), reason});
    }
    return nodes;
  }

  static std::unique_ptr<nnport::plugin::Wrapper> build_wrapper(
      const nnport::plugin::BuildArgs& args) {
    const Faults f = parse_faults(args.deploy_cfg_json);
    if (args.backend_files.size() != 1)
      throw Error(NNPORT_INVALID_ARGUMENT, "faulty: expected one backend file (faulty.onnx)");
    std::optional<std::string> crash_node;
    if (f.crash.given()) {
      const onnx::ModelProto model = load_model(args.backend_files[0]);
      if (const onnx::NodeProto* n = find_node(model.graph(), f.crash)) crash_node = node_label(*n);
    }
    // The faults live in the model file now; onnxruntime gets no config.
    auto inner = onnxruntime().build_wrapper(args.backend_files, args.device, args.input_names,
                                             args.output_names, "{}");
    if (!inner.ok()) throw_status(inner.status());
    return std::make_unique<FaultyWrapper>(std::move(*inner), std::move(crash_node));
  }
};

}  // namespace

NNPORT_DEFINE_PLUGIN(FaultyBackend)
