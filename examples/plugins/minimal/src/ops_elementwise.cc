// Add, Sub, Mul, Div with numpy broadcasting; Relu, Sigmoid, Tanh.
#include <cmath>
#include <type_traits>

#include "ops.h"

namespace minimal {

namespace {

// out[idx] = f(a[idx broadcast into a], b[idx broadcast into b]), walking the
// output's multi-index one element at a time.
template <class T, class F>
Tensor broadcast_binary(const Node& node, const Tensor& a, const Tensor& b, F f) {
  Tensor out = Tensor::zeros(a.dtype, broadcast_dims(node, a.dims, b.dims));
  const size_t rank = out.dims.size();
  const std::vector<int64_t> sa = broadcast_strides(a.dims, rank);
  const std::vector<int64_t> sb = broadcast_strides(b.dims, rank);
  const std::vector<T>& va = a.values<T>();
  const std::vector<T>& vb = b.values<T>();
  std::vector<T>& vo = out.values<T>();
  std::vector<int64_t> index(rank, 0);
  for (size_t k = 0; k < vo.size(); ++k) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d < rank; ++d) {
      oa += index[d] * sa[d];
      ob += index[d] * sb[d];
    }
    vo[k] = f(va[oa], vb[ob]);
    for (size_t d = rank; d-- > 0;) {  // increment the multi-index, last axis fastest
      if (++index[d] < out.dims[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

template <class F>
Tensor binary(const Node& node, const Inputs& in, F f) {
  require_dtype(node, in, 0, true);
  require_dtype(node, in, 1, true);
  if (in[0]->dtype != in[1]->dtype) {
    op_fail(node, "inputs have dtypes " + dtype_name(in[0]->dtype) + " and " +
                      dtype_name(in[1]->dtype) + "; they must match");
  }
  if (in[0]->dtype == NNPORT_DTYPE_INT64) {
    return broadcast_binary<int64_t>(node, *in[0], *in[1],
                                     [&](int64_t x, int64_t y) { return f(x, y); });
  }
  return broadcast_binary<float>(node, *in[0], *in[1], [&](float x, float y) { return f(x, y); });
}

template <class T, class F>
Tensor unary_typed(const Tensor& x, F f) {
  Tensor out = x;
  for (T& v : out.values<T>()) v = f(v);
  return out;
}

}  // namespace

Tensor op_add(const Node& node, const Inputs& in) {
  return binary(node, in, [](auto x, auto y) { return x + y; });
}

Tensor op_sub(const Node& node, const Inputs& in) {
  return binary(node, in, [](auto x, auto y) { return x - y; });
}

Tensor op_mul(const Node& node, const Inputs& in) {
  return binary(node, in, [](auto x, auto y) { return x * y; });
}

Tensor op_div(const Node& node, const Inputs& in) {
  return binary(node, in, [&](auto x, auto y) {
    if constexpr (std::is_integral_v<decltype(x)>) {
      // Integer division truncates toward zero, as in C and ONNX Runtime.
      if (y == 0) op_fail(node, "integer division by zero");
    }
    return x / y;
  });
}

Tensor op_relu(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  if (in[0]->dtype == NNPORT_DTYPE_INT64) {
    return unary_typed<int64_t>(*in[0], [](int64_t v) { return v > 0 ? v : 0; });
  }
  return unary_typed<float>(*in[0],
                            [](float v) { return v < 0.0f ? 0.0f : v; });  // NaN passes through
}

Tensor op_sigmoid(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, false);
  return unary_typed<float>(*in[0], [](float v) {
    return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(v))));
  });
}

Tensor op_tanh(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, false);
  return unary_typed<float>(
      *in[0], [](float v) { return static_cast<float>(std::tanh(static_cast<double>(v))); });
}

}  // namespace minimal
