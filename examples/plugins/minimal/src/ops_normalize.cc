// Softmax, LayerNormalization, ReduceMean: ops that reduce along axes.
// Sums run in double so the results are a tight reference.
#include <algorithm>
#include <cmath>

#include "ops.h"

namespace minimal {

namespace {

int64_t product(const Dims& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t d = begin; d < end; ++d) p *= dims[d];
  return p;
}

}  // namespace

// Opset >= 13: softmax along `axis` (default -1). Before 13: the input is
// read as 2-D [prod(dims[:axis]), prod(dims[axis:])] (default axis 1).
Tensor op_softmax(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, false);
  Tensor out = *in[0];
  const Dims& dims = out.dims;
  if (dims.empty()) op_fail(node, "input must have rank >= 1");
  const bool legacy = node.opset > 0 && node.opset < 13;
  const auto axis =
      static_cast<size_t>(wrap_axis(node, attr_int(node, "axis", legacy ? 1 : -1), dims.size()));
  const int64_t outer = product(dims, 0, axis);
  const int64_t n = legacy ? product(dims, axis, dims.size()) : dims[axis];
  const int64_t inner = legacy ? 1 : product(dims, axis + 1, dims.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      float* x = out.f32.data() + o * n * inner + i;  // elements x[j * inner]
      double max = -INFINITY, sum = 0;
      for (int64_t j = 0; j < n; ++j) max = std::max(max, static_cast<double>(x[j * inner]));
      for (int64_t j = 0; j < n; ++j) sum += std::exp(x[j * inner] - max);
      for (int64_t j = 0; j < n; ++j) {
        x[j * inner] = static_cast<float>(std::exp(x[j * inner] - max) / sum);
      }
    }
  }
  return out;
}

// y = (x - mean) / sqrt(var + epsilon) * scale + bias over dims[axis:];
// scale and bias broadcast to those dims. Also returns Mean and InvStdDev,
// of shape dims[:axis] + [1] * (rank - axis).
std::vector<Tensor> op_layer_normalization(const Node& node, const Inputs& in) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != nullptr) require_dtype(node, in, i, false);
  }
  Tensor out = *in[0];
  const Dims& dims = out.dims;
  if (dims.empty()) op_fail(node, "input must have rank >= 1");
  const auto axis = static_cast<size_t>(wrap_axis(node, attr_int(node, "axis", -1), dims.size()));
  const double epsilon = attr_float(node, "epsilon", 1e-5f);
  const Dims norm_dims(dims.begin() + axis, dims.end());
  const int64_t outer = product(dims, 0, axis), n = product(dims, axis, dims.size());
  std::vector<std::vector<int64_t>> strides;  // of scale and bias over norm_dims
  for (size_t i = 1; i < in.size(); ++i) {
    const Tensor* p = in[i];
    if (p == nullptr) {
      strides.emplace_back();
      continue;
    }
    if (broadcast_dims(node, p->dims, norm_dims) != norm_dims) {
      op_fail(node, "input " + std::to_string(i) + " of shape " + shape_str(p->dims) +
                        " does not broadcast to " + shape_str(norm_dims));
    }
    strides.push_back(broadcast_strides(p->dims, norm_dims.size()));
  }
  // Position of normalized element j in a broadcast parameter.
  auto param = [&](size_t i, int64_t j) {
    int64_t off = 0;
    for (size_t d = norm_dims.size(); d-- > 0;) {
      off += (j % norm_dims[d]) * strides[i][d];
      j /= norm_dims[d];
    }
    return in[i + 1]->f32[off];
  };
  Dims stat_dims(dims.begin(), dims.begin() + axis);
  stat_dims.resize(dims.size(), 1);
  Tensor mean_out = Tensor::zeros(NNPORT_DTYPE_FLOAT32, stat_dims);
  Tensor inv_out = Tensor::zeros(NNPORT_DTYPE_FLOAT32, stat_dims);
  for (int64_t o = 0; o < outer; ++o) {
    float* x = out.f32.data() + o * n;
    double mean = 0, var = 0;
    for (int64_t j = 0; j < n; ++j) mean += x[j];
    mean /= static_cast<double>(n);
    for (int64_t j = 0; j < n; ++j) var += (x[j] - mean) * (x[j] - mean);
    var /= static_cast<double>(n);
    const double inv = 1.0 / std::sqrt(var + epsilon);
    mean_out.f32[o] = static_cast<float>(mean);
    inv_out.f32[o] = static_cast<float>(inv);
    for (int64_t j = 0; j < n; ++j) {
      double y = (x[j] - mean) * inv * param(0, j);
      if (in.size() > 2 && in[2] != nullptr) y += param(1, j);
      x[j] = static_cast<float>(y);
    }
  }
  return {std::move(out), std::move(mean_out), std::move(inv_out)};
}

// Mean over `axes` (attribute; an input from opset 18), keepdims default 1;
// no axes reduces all of them (unless noop_with_empty_axes).
Tensor op_reduce_mean(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, false);
  const Tensor& x = *in[0];
  const size_t rank = x.dims.size();
  std::vector<int64_t> axes = attr_ints(node, "axes", {});
  if (in.size() > 1 && in[1] != nullptr) {
    if (in[1]->dtype != NNPORT_DTYPE_INT64) op_fail(node, "axes must be int64");
    axes = in[1]->i64;
  }
  if (axes.empty() && attr_int(node, "noop_with_empty_axes", 0) != 0) return x;
  std::vector<bool> reduce(rank, axes.empty());
  for (int64_t a : axes) reduce[static_cast<size_t>(wrap_axis(node, a, rank))] = true;
  const bool keep = attr_int(node, "keepdims", 1) != 0;
  Dims kept_dims(rank), out_dims;  // kept_dims: rank preserved, reduced axes 1
  for (size_t d = 0; d < rank; ++d) {
    kept_dims[d] = reduce[d] ? 1 : x.dims[d];
    if (!reduce[d] || keep) out_dims.push_back(kept_dims[d]);
  }
  std::vector<double> sums(static_cast<size_t>(checked_numel(kept_dims)), 0.0);
  const std::vector<int64_t> out_strides = broadcast_strides(kept_dims, rank);
  std::vector<int64_t> index(rank, 0);
  for (size_t k = 0; k < x.f32.size(); ++k) {
    int64_t dst = 0;
    for (size_t d = 0; d < rank; ++d) dst += index[d] * out_strides[d];
    sums[dst] += x.f32[k];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < x.dims[d]) break;
      index[d] = 0;
    }
  }
  const double count = static_cast<double>(x.f32.size()) / static_cast<double>(sums.size());
  Tensor out = Tensor::zeros(NNPORT_DTYPE_FLOAT32, out_dims);
  for (size_t k = 0; k < sums.size(); ++k) out.f32[k] = static_cast<float>(sums[k] / count);
  return out;
}

}  // namespace minimal
