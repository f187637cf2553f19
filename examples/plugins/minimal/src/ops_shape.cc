// Identity, Flatten, Reshape, Transpose, Constant: ops that move or relabel
// values without arithmetic.
#include "ops.h"

namespace minimal {

namespace {

template <class T>
void transpose_values(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) {
  const size_t rank = x.dims.size();
  const std::vector<int64_t> in_strides = row_major_strides(x.dims);
  const std::vector<T>& vx = x.values<T>();
  std::vector<T>& vo = out.values<T>();
  std::vector<int64_t> index(rank, 0);  // multi-index into the output
  for (size_t k = 0; k < vo.size(); ++k) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d) src += index[d] * in_strides[perm[d]];
    vo[k] = vx[src];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out.dims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

Tensor op_identity(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  return *in[0];
}

// Flatten to 2-D: (prod(dims[:axis]), prod(dims[axis:])); axis in [-r, r].
Tensor op_flatten(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  Tensor out = *in[0];
  const auto rank = static_cast<int64_t>(out.dims.size());
  const int64_t axis = wrap_axis(node, attr_int(node, "axis", 1), static_cast<size_t>(rank), 1);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= out.dims[d];
  out.dims = {outer, inner};
  return out;
}

// The new shape comes from input 1 (int64): 0 copies the input's dim at that
// position (unless allowzero=1), one -1 is inferred from the element count.
Tensor op_reshape(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  const Tensor& shape = *in[1];
  if (shape.dtype != NNPORT_DTYPE_INT64 || shape.dims.size() != 1) {
    op_fail(node, "the shape input must be a 1-D int64 tensor, got " + dtype_name(shape.dtype) +
                      " of shape " + shape_str(shape.dims));
  }
  const bool allow_zero = attr_int(node, "allowzero", 0) != 0;
  Tensor out = *in[0];
  const int64_t count = out.numel();
  Dims dims = shape.i64;
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && !allow_zero) {
      if (i >= out.dims.size())
        op_fail(node, "shape has 0 at axis " + std::to_string(i) + " past the input's rank");
      dims[i] = out.dims[i];
    }
    if (dims[i] == -1) {
      if (inferred >= 0) op_fail(node, "shape " + shape_str(shape.i64) + " has two -1 dims");
      inferred = static_cast<int64_t>(i);
    } else if (dims[i] < 0) {
      op_fail(node, "shape " + shape_str(shape.i64) + " has a negative dim");
    } else {
      if (dims[i] > 0 && known > kMaxElements / dims[i]) {
        op_fail(node, "shape " + shape_str(shape.i64) + " has more than 2^32 elements");
      }
      known *= dims[i];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || count % known != 0) {
      op_fail(node, "cannot infer -1 in shape " + shape_str(shape.i64) + " for " +
                        std::to_string(count) + " elements");
    }
    dims[inferred] = count / known;
  } else if (known != count) {
    op_fail(node, "cannot reshape " + shape_str(out.dims) + " (" + std::to_string(count) +
                      " elements) to " + shape_str(dims));
  }
  out.dims = dims;
  return out;
}

// out.dims[i] = in.dims[perm[i]]; perm defaults to reversing the axes.
Tensor op_transpose(const Node& node, const Inputs& in) {
  require_dtype(node, in, 0, true);
  const Tensor& x = *in[0];
  const size_t rank = x.dims.size();
  std::vector<int64_t> reversed(rank);
  for (size_t d = 0; d < rank; ++d) reversed[d] = static_cast<int64_t>(rank - 1 - d);
  const std::vector<int64_t> perm = attr_ints(node, "perm", reversed);
  std::vector<bool> seen(rank, false);
  bool ok = perm.size() == rank;
  for (size_t d = 0; ok && d < rank; ++d) {
    ok = perm[d] >= 0 && perm[d] < static_cast<int64_t>(rank) && !seen[perm[d]];
    if (ok) seen[perm[d]] = true;
  }
  if (!ok)
    op_fail(node, "perm " + shape_str(perm) + " is not a permutation of " + std::to_string(rank) +
                      " axes");
  Dims dims(rank);
  for (size_t d = 0; d < rank; ++d) dims[d] = x.dims[perm[d]];
  Tensor out = Tensor::zeros(x.dtype, dims);
  if (x.dtype == NNPORT_DTYPE_INT64)
    transpose_values<int64_t>(x, perm, out);
  else
    transpose_values<float>(x, perm, out);
  return out;
}

// The value is an attribute: value (a tensor), value_float(s), value_int(s).
Tensor op_constant(const Node& node, const Inputs&) {
  if (node.attributes.size() != 1) {
    op_fail(node,
            "needs exactly one value attribute, has " + std::to_string(node.attributes.size()));
  }
  const Attribute& a = node.attributes[0];
  if (a.name == "value" && a.t.has_value()) return *a.t;
  if (a.name == "value_float" && a.type == Attribute::kFloat) return Tensor::floats({}, {a.f});
  if (a.name == "value_int" && a.type == Attribute::kInt) return Tensor::ints({}, {a.i});
  if (a.name == "value_floats" && a.type == Attribute::kFloats) {
    return Tensor::floats({static_cast<int64_t>(a.floats.size())}, a.floats);
  }
  if (a.name == "value_ints" && a.type == Attribute::kInts) {
    return Tensor::ints({static_cast<int64_t>(a.ints.size())}, a.ints);
  }
  op_unimplemented(node, "attribute '" + a.name +
                             "' is not supported; supported: value, "
                             "value_float, value_floats, value_int, value_ints");
}

}  // namespace minimal
