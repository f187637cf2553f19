#include "quantize/qdq_emit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "onnx/rewrites/graph_names.h"

namespace nnport::quantize {
namespace {

namespace ce = onnx_internal::constant_eval;

TP make_tensor(const std::string& name, int32_t type, const std::vector<int64_t>& dims,
               const void* data, size_t bytes) {
  TP t;
  t.set_name(name);
  t.set_data_type(type);
  for (int64_t d : dims) t.add_dims(d);
  t.set_raw_data(std::string(static_cast<const char*>(data), bytes));  // little-endian hosts
  return t;
}

onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::string& output, const std::string& name, int axis) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (const auto& in : inputs) n.add_input(in);
  n.add_output(output);
  if (axis >= 0) {
    auto* a = n.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(axis);
  }
  return n;
}

template <class T>
T saturate(double v) {
  const double lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(std::clamp(std::nearbyint(v), lo, hi));
}

}  // namespace

std::string QdqEmitter::add_scalar(const std::string& base, int32_t type, const void* value,
                                   size_t bytes) {
  const std::string name = index_.fresh(base);
  initializers_.push_back(make_tensor(name, type, {}, value, bytes));
  return name;
}

std::string QdqEmitter::add_dequantize(const std::string& base, const std::string& data,
                                       const std::string& scale, const std::string& zero_point,
                                       int axis) {
  const std::string out = index_.fresh(base + "_dequantized");
  nodes_.push_back(make_node("DequantizeLinear", {data, scale, zero_point}, out,
                             index_.fresh(base + "_DequantizeLinear"), axis));
  return out;
}

void QdqEmitter::quantize_tensor(const std::string& tensor) {
  const QuantParams& p = params_.at(tensor);
  const uint8_t zp = static_cast<uint8_t>(p.zero_point);
  const std::string scale = add_scalar(tensor + "_scale", TP::FLOAT, &p.scale, sizeof p.scale);
  const std::string zero = add_scalar(tensor + "_zero_point", TP::UINT8, &zp, 1);
  const std::string q = index_.fresh(tensor + "_quantized");
  nodes_.push_back(make_node("QuantizeLinear", {tensor, scale, zero}, q,
                             index_.fresh(tensor + "_QuantizeLinear"), -1));
  dequantized_[tensor] = add_dequantize(tensor, q, scale, zero, -1);
}

void QdqEmitter::quantize_constant(const std::string& tensor) {
  const QuantParams& p = params_.at(tensor);
  const auto value = float_constant(index_.initializer(tensor));
  std::vector<uint8_t> q(value->f.size());
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = saturate<uint8_t>(value->f[i] / p.scale + p.zero_point);
  const uint8_t zp = static_cast<uint8_t>(p.zero_point);
  const std::string data = index_.fresh(tensor + "_quantized");
  initializers_.push_back(make_tensor(data, TP::UINT8, value->dims, q.data(), q.size()));
  const std::string scale = add_scalar(tensor + "_scale", TP::FLOAT, &p.scale, sizeof p.scale);
  const std::string zero = add_scalar(tensor + "_zero_point", TP::UINT8, &zp, 1);
  dequantized_[tensor] = add_dequantize(tensor, data, scale, zero, -1);
}

Status QdqEmitter::quantize_weights(onnx::NodeProto& node, const Slots& slots) {
  if (slots.weight < 0) return Status::ok_status();
  const std::string w_name = node.input(slots.weight);
  const auto w = float_constant(index_.initializer(w_name));
  const int axis = options_.per_channel ? slots.weight_axis : -1;
  const int64_t channels = axis >= 0 ? w->dims[axis] : 1;
  int64_t inner = 1;  // elements after the channel axis
  if (axis >= 0)
    for (size_t d = axis + 1; d < w->dims.size(); ++d) inner *= w->dims[d];
  auto channel_of = [&](size_t i) { return axis >= 0 ? (int64_t(i) / inner) % channels : 0; };

  // int8 symmetric: [-127, 127] (7 bits, [-63, 63], with reduce_range).
  const float qmax = options_.reduce_range ? 63.f : 127.f;
  std::vector<float> absmax(channels, 0.f), scales(channels);
  for (size_t i = 0; i < w->f.size(); ++i)
    if (std::isfinite(w->f[i]))
      absmax[channel_of(i)] = std::max(absmax[channel_of(i)], std::fabs(w->f[i]));
  for (int64_t c = 0; c < channels; ++c) scales[c] = absmax[c] > 0 ? absmax[c] / qmax : 1.f;
  std::vector<int8_t> q(w->f.size());
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = static_cast<int8_t>(
        std::clamp(std::nearbyint(w->f[i] / scales[channel_of(i)]), -qmax, qmax));

  const std::vector<int64_t> vec_dims =
      axis >= 0 ? std::vector<int64_t>{channels} : std::vector<int64_t>{};
  const std::string base = node.name().empty() ? w_name : node.name() + "_" + w_name;
  const std::string data = index_.fresh(base + "_quantized");
  const std::string scale = index_.fresh(base + "_scale");
  const std::string zero = index_.fresh(base + "_zero_point");
  const std::vector<int8_t> zeros(channels, 0);
  initializers_.push_back(make_tensor(data, TP::INT8, w->dims, q.data(), q.size()));
  initializers_.push_back(
      make_tensor(scale, TP::FLOAT, vec_dims, scales.data(), scales.size() * sizeof(float)));
  initializers_.push_back(make_tensor(zero, TP::INT8, vec_dims, zeros.data(), zeros.size()));
  node.set_input(slots.weight, add_dequantize(base, data, scale, zero, axis >= 0 ? axis : -1));

  if (slots.bias < 0) return Status::ok_status();
  const std::string b_name = node.input(slots.bias);
  const auto b = float_constant(index_.initializer(b_name));
  if (!b || (channels > 1 && int64_t(b->f.size()) != channels))
    return invalid_argument("node '" + node.name() + "': bias '" + b_name + "' has " +
                            std::to_string(b ? b->f.size() : 0) + " values for " +
                            std::to_string(channels) + " output channels");
  const float x_scale = params_.at(node.input(slots.activations.at(0))).scale;
  std::vector<float> b_scales(channels);
  for (int64_t c = 0; c < channels; ++c) b_scales[c] = x_scale * scales[c];
  std::vector<int32_t> bq(b->f.size());
  for (size_t i = 0; i < bq.size(); ++i)
    bq[i] = saturate<int32_t>(double(b->f[i]) / b_scales[channels > 1 ? i : 0]);
  const std::vector<int32_t> bzeros(channels, 0);
  const std::string bbase = node.name().empty() ? b_name : node.name() + "_" + b_name;
  const std::string bdata = index_.fresh(bbase + "_quantized");
  const std::string bscale = index_.fresh(bbase + "_scale");
  const std::string bzero = index_.fresh(bbase + "_zero_point");
  initializers_.push_back(make_tensor(bdata, TP::INT32, b->dims, bq.data(), bq.size() * 4));
  initializers_.push_back(
      make_tensor(bscale, TP::FLOAT, vec_dims, b_scales.data(), b_scales.size() * sizeof(float)));
  initializers_.push_back(
      make_tensor(bzero, TP::INT32, vec_dims, bzeros.data(), bzeros.size() * 4));
  node.set_input(slots.bias, add_dequantize(bbase, bdata, bscale, bzero, axis >= 0 ? 0 : -1));
  return Status::ok_status();
}

const std::string& QdqEmitter::reader_name(const std::string& tensor) const {
  auto it = dequantized_.find(tensor);
  return it == dequantized_.end() ? tensor : it->second;
}

void QdqEmitter::finish() {
  graph_.clear_node();
  for (auto& n : nodes_) *graph_.add_node() = std::move(n);
  for (auto& t : initializers_) *graph_.add_initializer() = std::move(t);

  // Drop what nothing reads any more: the float weights, Clip's bounds.
  std::unordered_set<std::string> inputs;
  for (const auto& v : graph_.input()) inputs.insert(v.name());
  auto& nodes = *graph_.mutable_node();
  for (int i = nodes.size() - 1; i >= 0; --i)
    if (onnx_internal::is_onnx_op(nodes[i], "Constant") && nodes[i].output_size() == 1 &&
        !onnx_internal::is_used(graph_, nodes[i].output(0)))
      nodes.DeleteSubrange(i, 1);
  auto& inits = *graph_.mutable_initializer();
  for (int i = inits.size() - 1; i >= 0; --i)
    if (!inputs.contains(inits[i].name()) && !onnx_internal::is_used(graph_, inits[i].name()))
      inits.DeleteSubrange(i, 1);
}

}  // namespace nnport::quantize
