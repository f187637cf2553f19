// MatMul (numpy semantics: 1-D operands, broadcast batch dims) and Gemm.
// Float sums are accumulated in double, so the result is a reference that
// other backends' float32 sums should approach.
#include <type_traits>

#include "ops.h"

namespace minimal {

namespace {

template <class T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;

template <class T>
Tensor matmul_typed(const Node& node, const Tensor& a, const Tensor& b) {
  Dims ad = a.dims, bd = b.dims;
  if (ad.empty() || bd.empty()) op_fail(node, "MatMul needs inputs of rank >= 1");
  const bool a_vector = ad.size() == 1, b_vector = bd.size() == 1;
  if (a_vector) ad.insert(ad.begin(), 1);  // [K] -> [1, K]
  if (b_vector) bd.push_back(1);           // [K] -> [K, 1]
  const int64_t m = ad[ad.size() - 2], k = ad.back();
  const int64_t n = bd.back();
  if (bd[bd.size() - 2] != k) {
    op_fail(node, "shapes " + shape_str(a.dims) + " and " + shape_str(b.dims) +
                      " do not multiply: " + std::to_string(k) +
                      " != " + std::to_string(bd[bd.size() - 2]));
  }
  const Dims a_batch(ad.begin(), ad.end() - 2), b_batch(bd.begin(), bd.end() - 2);
  const Dims batch = broadcast_dims(node, a_batch, b_batch);
  Dims out_dims = batch;
  if (!a_vector) out_dims.push_back(m);
  if (!b_vector) out_dims.push_back(n);
  Tensor out = Tensor::zeros(a.dtype, out_dims);

  // Batch strides counted in whole matrices.
  const std::vector<int64_t> sa = broadcast_strides(a_batch, batch.size());
  const std::vector<int64_t> sb = broadcast_strides(b_batch, batch.size());
  const int64_t batches = checked_numel(batch);
  const std::vector<T>& va = a.values<T>();
  const std::vector<T>& vb = b.values<T>();
  std::vector<T>& vo = out.values<T>();
  std::vector<int64_t> index(batch.size(), 0);
  for (int64_t p = 0; p < batches; ++p) {
    int64_t ma = 0, mb = 0;
    for (size_t d = 0; d < batch.size(); ++d) {
      ma += index[d] * sa[d];
      mb += index[d] * sb[d];
    }
    const T* pa = va.data() + ma * m * k;
    const T* pb = vb.data() + mb * k * n;
    T* po = vo.data() + p * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        Acc<T> sum = 0;
        for (int64_t q = 0; q < k; ++q) sum += static_cast<Acc<T>>(pa[i * k + q]) * pb[q * n + j];
        po[i * n + j] = static_cast<T>(sum);
      }
    }
    for (size_t d = batch.size(); d-- > 0;) {
      if (++index[d] < batch[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace

Tensor op_matmul(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  require_dtype(node, in, 1, true);
  if (in[0]->dtype != in[1]->dtype) {
    op_fail(node, "inputs have dtypes " + dtype_name(in[0]->dtype) + " and " +
                      dtype_name(in[1]->dtype) + "; they must match");
  }
  if (in[0]->dtype == NNPORT_DTYPE_INT64) return matmul_typed<int64_t>(node, *in[0], *in[1]);
  return matmul_typed<float>(node, *in[0], *in[1]);
}

// Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (M x K), B' likewise
// (K x N); C (optional) broadcasts one way to M x N.
Tensor op_gemm(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, false);
  require_dtype(node, in, 1, false);
  const Tensor& a = *in[0];
  const Tensor& b = *in[1];
  const Tensor* c = in.size() > 2 ? in[2] : nullptr;
  if (c != nullptr) require_dtype(node, in, 2, false);
  if (a.dims.size() != 2 || b.dims.size() != 2) {
    op_fail(node,
            "A and B must be matrices, got " + shape_str(a.dims) + " and " + shape_str(b.dims));
  }
  const float alpha = attr_float(node, "alpha", 1.0f);
  const float beta = attr_float(node, "beta", 1.0f);
  const bool trans_a = attr_int(node, "transA", 0) != 0;
  const bool trans_b = attr_int(node, "transB", 0) != 0;
  const int64_t m = trans_a ? a.dims[1] : a.dims[0];
  const int64_t k = trans_a ? a.dims[0] : a.dims[1];
  const int64_t kb = trans_b ? b.dims[1] : b.dims[0];
  const int64_t n = trans_b ? b.dims[0] : b.dims[1];
  if (k != kb) {
    op_fail(node, "A' is " + std::to_string(m) + "x" + std::to_string(k) + " but B' is " +
                      std::to_string(kb) + "x" + std::to_string(n) + " (transA=" +
                      std::to_string(trans_a) + ", transB=" + std::to_string(trans_b) + ")");
  }
  std::vector<int64_t> sc;  // C's strides over (M, N); 0 along broadcast axes
  if (c != nullptr) {
    const Dims& cd = c->dims;
    const Dims target{m, n};
    bool ok = cd.size() <= 2;
    for (size_t i = 0; ok && i < cd.size(); ++i) {
      const int64_t t = target[2 - cd.size() + i];
      ok = cd[i] == 1 || cd[i] == t;
    }
    if (!ok) {
      op_fail(node, "C of shape " + shape_str(cd) + " does not broadcast to " + shape_str(target));
    }
    sc = broadcast_strides(cd, 2);
  }
  Tensor out = Tensor::zeros(NNPORT_DTYPE_FLOAT32, {m, n});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t q = 0; q < k; ++q) {
        const float av = trans_a ? a.f32[q * m + i] : a.f32[i * k + q];
        const float bv = trans_b ? b.f32[j * k + q] : b.f32[q * n + j];
        sum += static_cast<double>(av) * bv;
      }
      double y = alpha * sum;
      if (c != nullptr) y += static_cast<double>(beta) * c->f32[i * sc[0] + j * sc[1]];
      out.f32[i * n + j] = static_cast<float>(y);
    }
  }
  return out;
}

}  // namespace minimal
