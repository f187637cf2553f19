#include "xnn_subgraph.h"

#include <mutex>

#include "nnport/plugin_cpp.h"

namespace nnport::xnn {
namespace {

using plugin::Error;

struct InitState {
  xnn_status status = xnn_status_uninitialized;
};

const InitState& init_state() {
  static const InitState state = [] {
    InitState s;
    s.status = xnn_initialize(nullptr);  // default allocator; never deinitialized
    return s;
  }();
  return state;
}

uint32_t u32(const nlohmann::json& a, size_t i) { return a.at(i).get<uint32_t>(); }

}  // namespace

std::string status_text(xnn_status status) {
  static const char* const names[] = {
      "success",       "uninitialized",         "invalid_parameter",
      "invalid_state", "unsupported_parameter", "unsupported_hardware",
      "out_of_memory"};
  const int i = static_cast<int>(status);
  const std::string name = i >= 0 && i < 7 ? names[i] : "unknown";
  return "xnn_status_" + name + " (" + std::to_string(i) + ")";
}

bool initialized(std::string* why) {
  const xnn_status s = init_state().status;
  if (s == xnn_status_success) return true;
  if (why != nullptr) {
    *why = "xnnpack: xnn_initialize failed with " + status_text(s) +
           (s == xnn_status_unsupported_hardware ? "; this CPU lacks what XNNPACK needs" : "");
  }
  return false;
}

void ensure_initialized() {
  std::string why;
  if (!initialized(&why)) throw Error(NNPORT_UNAVAILABLE, why);
}

SubgraphPtr define_subgraph(const Model& model, int64_t batch,
                            const std::function<const float*(uint32_t value)>& weights,
                            const std::string& what) {
  ensure_initialized();
  const uint32_t count = uint32_t(model.values.size());
  xnn_subgraph_t raw = nullptr;
  xnn_status s = xnn_create_subgraph(count, 0, &raw);
  if (s != xnn_status_success) {
    throw Error(NNPORT_INTERNAL, "xnnpack: xnn_create_subgraph failed: " + status_text(s));
  }
  SubgraphPtr sg(raw, &xnn_delete_subgraph);

  std::vector<uint32_t> flags(count, 0);
  for (const Port& p : model.inputs) flags[p.value] |= XNN_VALUE_FLAG_EXTERNAL_INPUT;
  for (const Port& p : model.outputs) flags[p.value] |= XNN_VALUE_FLAG_EXTERNAL_OUTPUT;
  for (uint32_t i = 0; i < count; ++i) {
    const Value& v = model.values[i];
    std::vector<size_t> dims;
    for (int64_t d : v.dims) dims.push_back(size_t(d < 0 ? batch : d));
    const bool is_weight = !v.data.empty() || v.offset >= 0;
    uint32_t id = 0;
    s = xnn_define_tensor_value(raw, xnn_datatype_fp32, dims.size(), dims.data(),
                                is_weight ? weights(i) : nullptr, i, flags[i], &id);
    if (s != xnn_status_success) {
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: " + what + ": XNNPACK refused value #" +
                                               std::to_string(i) + ": " + status_text(s));
    }
  }

  for (size_t k = 0; k < model.nodes.size(); ++k) {
    const Node& n = model.nodes[k];
    const nlohmann::json& a = n.attrs;
    auto in = [&](size_t i) { return i < n.inputs.size() ? n.inputs[i] : XNN_INVALID_VALUE_ID; };
    const uint32_t out = n.outputs.at(0);
    const float lo = n.out_min, hi = n.out_max;
    try {
      if (n.op == "conv2d") {
        s = xnn_define_convolution_2d(
            raw, u32(a.at("pads"), 0), u32(a.at("pads"), 1), u32(a.at("pads"), 2),
            u32(a.at("pads"), 3), u32(a.at("kernel"), 0), u32(a.at("kernel"), 1),
            u32(a.at("stride"), 0), u32(a.at("stride"), 1), 1, 1, a.at("groups").get<uint32_t>(),
            a.at("group_in").get<size_t>(), a.at("group_out").get<size_t>(), lo, hi, in(0), in(1),
            in(2), out, 0);
      } else if (n.op == "dwconv2d") {
        s = xnn_define_depthwise_convolution_2d(
            raw, u32(a.at("pads"), 0), u32(a.at("pads"), 1), u32(a.at("pads"), 2),
            u32(a.at("pads"), 3), u32(a.at("kernel"), 0), u32(a.at("kernel"), 1),
            u32(a.at("stride"), 0), u32(a.at("stride"), 1), 1, 1,
            a.at("multiplier").get<uint32_t>(), a.at("channels").get<size_t>(), lo, hi, in(0),
            in(1), in(2), out, 0);
      } else if (n.op == "fc") {
        s = xnn_define_fully_connected(raw, lo, hi, in(0), in(1), in(2), out, 0);
      } else if (n.op == "add") {
        s = xnn_define_add2(raw, lo, hi, in(0), in(1), out, 0);
      } else if (n.op == "mul") {
        s = xnn_define_multiply2(raw, lo, hi, in(0), in(1), out, 0);
      } else if (n.op == "sub") {
        s = xnn_define_subtract(raw, lo, hi, in(0), in(1), out, 0);
      } else if (n.op == "div") {
        s = xnn_define_divide(raw, lo, hi, in(0), in(1), out, 0);
      } else if (n.op == "clamp") {
        s = xnn_define_clamp(raw, lo, hi, in(0), out, 0);
      } else if (n.op == "sigmoid") {
        s = xnn_define_sigmoid(raw, in(0), out, 0);
      } else if (n.op == "hardswish") {
        s = xnn_define_hardswish(raw, in(0), out, 0);
      } else if (n.op == "softmax") {
        s = xnn_define_softmax(raw, in(0), out, 0);
      } else if (n.op == "maxpool2d") {
        s = xnn_define_max_pooling_2d(
            raw, u32(a.at("pads"), 0), u32(a.at("pads"), 1), u32(a.at("pads"), 2),
            u32(a.at("pads"), 3), u32(a.at("kernel"), 0), u32(a.at("kernel"), 1),
            u32(a.at("stride"), 0), u32(a.at("stride"), 1), u32(a.at("dilation"), 0),
            u32(a.at("dilation"), 1), lo, hi, in(0), out, 0);
      } else if (n.op == "avgpool2d") {
        s = xnn_define_average_pooling_2d(
            raw, u32(a.at("pads"), 0), u32(a.at("pads"), 1), u32(a.at("pads"), 2),
            u32(a.at("pads"), 3), u32(a.at("kernel"), 0), u32(a.at("kernel"), 1),
            u32(a.at("stride"), 0), u32(a.at("stride"), 1), lo, hi, in(0), out, 0);
      } else if (n.op == "gavgpool2d") {
        s = xnn_define_global_average_pooling_2d(raw, lo, hi, in(0), out, 0);
      } else if (n.op == "reshape") {
        std::vector<size_t> shape;
        for (int64_t d : model.values[out].dims) shape.push_back(size_t(d < 0 ? batch : d));
        s = xnn_define_static_reshape(raw, shape.size(), shape.data(), in(0), out, 0);
      } else {
        throw Error(NNPORT_INVALID_ARGUMENT,
                    "xnnpack: " + what + ": node #" + std::to_string(k) + " has the op '" + n.op +
                        "' this nnport does not know; convert the model again with this nnport");
      }
    } catch (const nlohmann::json::exception& e) {
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: " + what + ": node #" + std::to_string(k) +
                                               " (" + n.op + ") has bad attributes (" + e.what() +
                                               "); convert the model again with this nnport");
    }
    if (s != xnn_status_success) {
      throw Error(NNPORT_INVALID_ARGUMENT, "xnnpack: " + what + ": XNNPACK refused node #" +
                                               std::to_string(k) + " (" + n.op +
                                               "): " + status_text(s));
    }
  }
  return sg;
}

}  // namespace nnport::xnn
