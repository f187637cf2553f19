// Shape, Gather, Slice: ops that pick elements by index.
#include <algorithm>
#include <limits>

#include "ops.h"

namespace minimal {

namespace {

// Copies out[idx] = x[src(idx)] for every output multi-index.
template <class T, class Src>
void gather_values(const Tensor& x, Tensor& out, Src src) {
  const std::vector<T>& vx = x.values<T>();
  std::vector<T>& vo = out.values<T>();
  std::vector<int64_t> index(out.dims.size(), 0);
  for (size_t k = 0; k < vo.size(); ++k) {
    vo[k] = vx[src(index)];
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < out.dims[d]) break;
      index[d] = 0;
    }
  }
}

template <class Src>
void gather_any(const Tensor& x, Tensor& out, Src src) {
  if (x.dtype == NNPORT_DTYPE_INT64)
    gather_values<int64_t>(x, out, src);
  else
    gather_values<float>(x, out, src);
}

}  // namespace

// The input's dims as int64; opset 15 adds start/end (clamped, negative from
// the back).
Tensor op_shape(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  const auto rank = static_cast<int64_t>(in[0]->dims.size());
  auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(attr_int(node, "start", 0));
  const int64_t end = clamp(attr_int(node, "end", rank));
  Dims dims(in[0]->dims.begin() + start, in[0]->dims.begin() + std::max(start, end));
  return Tensor::ints({static_cast<int64_t>(dims.size())}, dims);
}

// out = data indexed along `axis` by indices (negative counts from the end):
// out.dims = data.dims[:axis] + indices.dims + data.dims[axis+1:].
Tensor op_gather(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  const Tensor& data = *in[0];
  const Tensor& indices = *in[1];
  if (indices.dtype != NNPORT_DTYPE_INT64) {
    op_unimplemented(node,
                     "indices have dtype " + dtype_name(indices.dtype) + "; supported: int64");
  }
  if (data.dims.empty()) op_fail(node, "data must have rank >= 1");
  const auto axis =
      static_cast<size_t>(wrap_axis(node, attr_int(node, "axis", 0), data.dims.size()));
  const int64_t n = data.dims[axis];
  std::vector<int64_t> idx = indices.i64;
  for (int64_t& i : idx) {
    if (i < -n || i >= n) {
      op_fail(node, "index " + std::to_string(i) + " is out of range for axis " +
                        std::to_string(axis) + " of size " + std::to_string(n));
    }
    if (i < 0) i += n;
  }
  Dims dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  Tensor out = Tensor::zeros(data.dtype, dims);
  const std::vector<int64_t> strides = row_major_strides(data.dims);
  const std::vector<int64_t> idx_strides = row_major_strides(indices.dims);
  const size_t q = indices.dims.size();
  gather_any(data, out, [&](const std::vector<int64_t>& o) {
    // o = [outer axes (axis of them)] [index axes (q)] [inner axes]
    int64_t flat = 0;  // position in indices
    for (size_t d = 0; d < q; ++d) flat += o[axis + d] * idx_strides[d];
    int64_t src = idx[flat] * strides[axis];
    for (size_t d = 0; d < axis; ++d) src += o[d] * strides[d];
    for (size_t d = axis + 1; d < data.dims.size(); ++d) src += o[d + q - 1] * strides[d];
    return src;
  });
  return out;
}

// Slice (opset >= 10): inputs data, starts, ends, [axes], [steps]; indices
// are clamped as ONNX specifies, so ends like INT64_MAX mean "to the end".
Tensor op_slice(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  const Tensor& x = *in[0];
  const size_t rank = x.dims.size();
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i] != nullptr && (in[i]->dtype != NNPORT_DTYPE_INT64 || in[i]->dims.size() != 1)) {
      op_fail(node, "input " + std::to_string(i) + " must be a 1-D int64 tensor");
    }
  }
  const std::vector<int64_t>& starts = in[1]->i64;
  const std::vector<int64_t>& ends = in[2]->i64;
  std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
  if (in.size() > 3 && in[3] != nullptr) axes = in[3]->i64;
  if (in.size() > 4 && in[4] != nullptr) steps = in[4]->i64;
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    op_fail(node, "starts, ends, axes and steps must have the same length");
  }
  std::vector<int64_t> first(rank, 0), step(rank, 1);
  Dims dims = x.dims;
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto a = static_cast<size_t>(wrap_axis(node, axes[i], rank));
    if (seen[a]) op_fail(node, "axis " + std::to_string(axes[i]) + " is repeated");
    seen[a] = true;
    const int64_t n = x.dims[a];
    if (steps[i] == 0) op_fail(node, "step must not be 0");
    // Keep -s representable; any step this large takes one element anyway.
    const int64_t s = std::max(steps[i], -std::numeric_limits<int64_t>::max());
    int64_t b = starts[i] < 0 ? starts[i] + n : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + n : ends[i];
    if (s > 0) {
      b = std::clamp(b, int64_t{0}, n);
      e = std::clamp(e, int64_t{0}, n);
      dims[a] = e > b ? (e - b - 1) / s + 1 : 0;
    } else {
      b = std::clamp(b, int64_t{-1}, n - 1);
      e = std::clamp(e, int64_t{-1}, n - 1);
      dims[a] = b > e ? (b - e - 1) / (-s) + 1 : 0;
    }
    first[a] = b;
    step[a] = s;
  }
  Tensor out = Tensor::zeros(x.dtype, dims);
  const std::vector<int64_t> strides = row_major_strides(x.dims);
  gather_any(x, out, [&](const std::vector<int64_t>& o) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d) src += (first[d] + o[d] * step[d]) * strides[d];
    return src;
  });
  return out;
}

}  // namespace minimal
