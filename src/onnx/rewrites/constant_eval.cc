// The evaluator of constant_eval.h: one function per op type, numpy's
// broadcasting, ONNX's rules for negative axes, Slice clamping, Gather's
// negative indices and Reshape's 0 / -1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "onnx/onnx_io.h"
#include "onnx/rewrites/constant_eval.h"

namespace nnport::onnx_internal::constant_eval {

int64_t element_count(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return -1;
    // Saturate: a product past the cap is refused anyway.
    n = (d != 0 && n > (int64_t{1} << 40) / d) ? (int64_t{1} << 40) : n * d;
  }
  return n;
}

int64_t element_bytes(int32_t type) {
  switch (type) {
    case TP::FLOAT:
    case TP::INT32:
      return 4;
    case TP::INT64:
      return 8;
    case TP::BOOL:
      return 1;
    default:
      return 0;
  }
}

bool supported(int32_t type) { return element_bytes(type) != 0; }
bool is_int(int32_t type) { return type == TP::INT64 || type == TP::INT32; }

// Whether `count` elements of `type` fit under the cap (checked before any
// allocation, so ConstantOfShape/Range cannot ask for gigabytes).
bool fits(int64_t count, int32_t type) {
  return count >= 0 && count <= kMaxFoldedBytes / std::max<int64_t>(element_bytes(type), 1);
}

Value make_value(int32_t type, Dims dims) {
  Value v;
  v.type = type;
  v.dims = std::move(dims);
  const int64_t n = element_count(v.dims);
  if (type == TP::FLOAT)
    v.f.resize(n);
  else
    v.i.resize(n);
  return v;
}

int64_t size_of(const Value& v) { return static_cast<int64_t>(v.f.size() + v.i.size()); }

template <class T>
bool read_raw(const std::string& raw, int64_t n, std::vector<int64_t>& out) {
  if (raw.size() != static_cast<size_t>(n) * sizeof(T)) return false;
  out.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    T x;
    std::memcpy(&x, raw.data() + k * sizeof(T), sizeof(T));  // little-endian hosts only
    out[k] = x;
  }
  return true;
}

// The tensor's data, or nullopt for types, external data or byte counts this
// pass does not read (the node using it then stays).
std::optional<Value> decode(const TP& t) {
  if (!supported(t.data_type()) || t.data_location() == TP::EXTERNAL || t.has_segment())
    return std::nullopt;
  Dims dims(t.dims().begin(), t.dims().end());
  const int64_t n = element_count(dims);
  if (!fits(n, t.data_type())) return std::nullopt;
  Value v;
  v.type = t.data_type();
  v.dims = std::move(dims);
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case TP::FLOAT:
      if (raw) {
        if (t.raw_data().size() != static_cast<size_t>(n) * 4) return std::nullopt;
        v.f.resize(n);
        if (n > 0) std::memcpy(v.f.data(), t.raw_data().data(), n * 4);
      } else {
        if (t.float_data_size() != n) return std::nullopt;
        v.f.assign(t.float_data().begin(), t.float_data().end());
      }
      return v;
    case TP::INT64:
      if (raw) return read_raw<int64_t>(t.raw_data(), n, v.i) ? std::optional(v) : std::nullopt;
      if (t.int64_data_size() != n) return std::nullopt;
      v.i.assign(t.int64_data().begin(), t.int64_data().end());
      return v;
    case TP::INT32:
    case TP::BOOL:  // bool's typed field is int32_data
      if (raw)
        return (t.data_type() == TP::INT32 ? read_raw<int32_t>(t.raw_data(), n, v.i)
                                           : read_raw<uint8_t>(t.raw_data(), n, v.i))
                   ? std::optional(v)
                   : std::nullopt;
      if (t.int32_data_size() != n) return std::nullopt;
      v.i.assign(t.int32_data().begin(), t.int32_data().end());
      if (t.data_type() == TP::BOOL)
        for (int64_t& x : v.i) x = x != 0;
      return v;
    default:
      return std::nullopt;
  }
}

TP encode(const Value& v, const std::string& name) {
  TP t;
  t.set_name(name);
  t.set_data_type(v.type);
  for (int64_t d : v.dims) t.add_dims(d);
  std::string raw;
  if (v.type == TP::FLOAT) {
    raw.assign(reinterpret_cast<const char*>(v.f.data()), v.f.size() * sizeof(float));
  } else {
    raw.resize(v.i.size() * element_bytes(v.type));
    for (size_t k = 0; k < v.i.size(); ++k) {
      if (v.type == TP::INT64) {
        std::memcpy(&raw[k * 8], &v.i[k], 8);
      } else if (v.type == TP::INT32) {
        const auto x = static_cast<int32_t>(v.i[k]);
        std::memcpy(&raw[k * 4], &x, 4);
      } else {
        raw[k] = static_cast<char>(v.i[k] != 0);
      }
    }
  }
  t.set_raw_data(std::move(raw));
  return t;
}

// ---- attributes -----------------------------------------------------------

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t int_attr(const onnx::NodeProto& n, const char* name, int64_t fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : fallback;
}

std::optional<Dims> ints_attr(const onnx::NodeProto& n, const char* name) {
  const auto* a = find_attr(n, name);
  if (!a) return std::nullopt;
  return Dims(a->ints().begin(), a->ints().end());
}

bool has_subgraph(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute())
    if (a.has_g() || a.graphs_size() > 0) return true;
  return false;
}

// An axis in [-rank, rank) made non-negative; nullopt when out of range.
std::optional<int64_t> norm_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

// A 1-D (or scalar) int64 input as a list; nullopt otherwise.
std::optional<Dims> int_list(const Value* v) {
  if (!v || !is_int(v->type) || v->partial || v->dims.size() > 1) return std::nullopt;
  return v->i;
}

// ---- data movement: results are source indices, so any type works ----------

Value take(const Value& src, const std::vector<int64_t>& index, Dims dims) {
  Value out;
  out.type = src.type;
  out.dims = std::move(dims);
  out.partial = src.partial;
  if (src.type == TP::FLOAT) {
    out.f.resize(index.size());
    for (size_t k = 0; k < index.size(); ++k) out.f[k] = src.f[index[k]];
  } else {
    out.i.resize(index.size());
    for (size_t k = 0; k < index.size(); ++k) out.i[k] = src.i[index[k]];
  }
  return out;
}

Dims strides_of(const Dims& dims) {
  Dims s(dims.size(), 1);
  for (int64_t d = static_cast<int64_t>(dims.size()) - 2; d >= 0; --d)
    s[d] = s[d + 1] * dims[d + 1];
  return s;
}

// The source offset of every element of an output of `out_dims`, where an
// output step along dim d moves the source by step[d] (from `base`).
std::vector<int64_t> walk(const Dims& out_dims, const Dims& step, int64_t base) {
  const int64_t n = element_count(out_dims);
  std::vector<int64_t> index(n);
  Dims counter(out_dims.size(), 0);
  int64_t offset = base;
  for (int64_t k = 0; k < n; ++k) {
    index[k] = offset;
    for (int64_t d = static_cast<int64_t>(out_dims.size()) - 1; d >= 0; --d) {
      offset += step[d];
      if (++counter[d] < out_dims[d]) break;
      offset -= step[d] * out_dims[d];
      counter[d] = 0;
    }
  }
  return index;
}

std::optional<Value> eval_identity(const onnx::NodeProto&, In in, const Ctx&) {
  if (!in[0]) return std::nullopt;
  return *in[0];
}

std::optional<Value> eval_gather(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.size() != 2 || !in[0] || !in[1] || !is_int(in[1]->type) || in[1]->partial)
    return std::nullopt;
  const Value& data = *in[0];
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  const auto axis = norm_axis(int_attr(n, "axis", 0), rank);
  if (!axis) return std::nullopt;
  const int64_t dim = data.dims[*axis];
  Dims out_dims(data.dims.begin(), data.dims.begin() + *axis);
  out_dims.insert(out_dims.end(), in[1]->dims.begin(), in[1]->dims.end());
  out_dims.insert(out_dims.end(), data.dims.begin() + *axis + 1, data.dims.end());
  if (!fits(element_count(out_dims), data.type)) return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < *axis; ++d) outer *= data.dims[d];
  for (int64_t d = *axis + 1; d < rank; ++d) inner *= data.dims[d];
  std::vector<int64_t> index;
  index.reserve(element_count(out_dims));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : in[1]->i) {
      if (idx < -dim || idx >= dim) return std::nullopt;  // out of range: the runtime's error
      const int64_t row = idx < 0 ? idx + dim : idx;
      for (int64_t k = 0; k < inner; ++k) index.push_back((o * dim + row) * inner + k);
    }
  return take(data, index, std::move(out_dims));
}

std::optional<Value> eval_slice(const onnx::NodeProto& n, In in, const Ctx& ctx) {
  if (in.empty() || !in[0]) return std::nullopt;
  const Value& data = *in[0];
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  std::optional<Dims> starts, ends, axes, steps;
  if (ctx.opset < 10) {  // attributes before opset 10
    starts = ints_attr(n, "starts");
    ends = ints_attr(n, "ends");
    axes = ints_attr(n, "axes");
  } else {
    if (in.size() < 3) return std::nullopt;
    starts = int_list(in[1]);
    ends = int_list(in[2]);
    if (in.size() > 3 && in[3]) {
      axes = int_list(in[3]);
      if (!axes) return std::nullopt;
    }
    if (in.size() > 4 && in[4]) {
      steps = int_list(in[4]);
      if (!steps) return std::nullopt;
    }
  }
  if (!starts || !ends || starts->size() != ends->size()) return std::nullopt;
  if (!axes) {
    axes.emplace(starts->size());
    for (size_t k = 0; k < axes->size(); ++k) (*axes)[k] = static_cast<int64_t>(k);
  }
  if (!steps) steps = Dims(starts->size(), 1);
  if (axes->size() != starts->size() || steps->size() != starts->size()) return std::nullopt;

  Dims first(rank, 0), step(rank, 1), out_dims = data.dims;
  std::set<int64_t> seen;
  for (size_t k = 0; k < starts->size(); ++k) {
    const auto axis = norm_axis((*axes)[k], rank);
    if (!axis || !seen.insert(*axis).second || (*steps)[k] == 0 ||
        (*steps)[k] == std::numeric_limits<int64_t>::min())
      return std::nullopt;
    const int64_t dim = data.dims[*axis], st = (*steps)[k];
    if (dim == 0) {
      out_dims[*axis] = 0;
      continue;
    }
    int64_t b = (*starts)[k], e = (*ends)[k];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    // Clamping as in Slice-13: [0, dim] going forward, [-1, dim - 1] backward.
    if (st > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out_dims[*axis] = e > b ? (e - b - 1) / st + 1 : 0;  // ceil, without overflow
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      out_dims[*axis] = b > e ? (b - e - 1) / -st + 1 : 0;
    }
    first[*axis] = b;
    step[*axis] = st;
  }
  const Dims strides = strides_of(data.dims);
  int64_t base = 0;
  Dims src_step(rank);
  for (int64_t d = 0; d < rank; ++d) {
    if (out_dims[d] > 0) base += first[d] * strides[d];
    src_step[d] = step[d] * strides[d];
  }
  const std::vector<int64_t> index = walk(out_dims, src_step, base);
  return take(data, index, std::move(out_dims));
}

std::optional<Value> eval_transpose(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.size() != 1 || !in[0]) return std::nullopt;
  const Value& data = *in[0];
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  Dims perm = ints_attr(n, "perm").value_or(Dims{});
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d) perm.push_back(d);  // default: reverse
  if (static_cast<int64_t>(perm.size()) != rank) return std::nullopt;
  std::set<int64_t> seen(perm.begin(), perm.end());
  if (static_cast<int64_t>(seen.size()) != rank || *seen.begin() < 0 || *seen.rbegin() >= rank)
    return std::nullopt;
  const Dims strides = strides_of(data.dims);
  Dims out_dims(rank), step(rank);
  for (int64_t d = 0; d < rank; ++d) {
    out_dims[d] = data.dims[perm[d]];
    step[d] = strides[perm[d]];
  }
  const std::vector<int64_t> index = walk(out_dims, step, 0);  // before out_dims moves
  return take(data, index, std::move(out_dims));
}

std::optional<Value> reshaped(const Value& v, Dims dims) {
  if (element_count(dims) != size_of(v)) return std::nullopt;
  Value out = v;
  out.dims = std::move(dims);
  return out;
}

std::optional<Value> eval_reshape(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.size() != 2 || !in[0]) return std::nullopt;  // opset 1's `shape` attribute: left
  const auto shape = int_list(in[1]);
  if (!shape) return std::nullopt;
  const bool allowzero = int_attr(n, "allowzero", 0) != 0;
  Dims dims = *shape;
  int64_t infer = -1, known = 1;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 0 && !allowzero) {  // 0 copies the input's dim
      if (d >= in[0]->dims.size()) return std::nullopt;
      dims[d] = in[0]->dims[d];
    }
    if (dims[d] == -1) {
      if (infer >= 0) return std::nullopt;
      infer = static_cast<int64_t>(d);
    } else if (dims[d] < 0 || (dims[d] > 0 && known > (int64_t{1} << 40) / dims[d])) {
      return std::nullopt;  // invalid, or far more elements than any input has
    } else {
      known *= dims[d];
    }
  }
  if (infer >= 0) {
    if (known == 0 || size_of(*in[0]) % known != 0) return std::nullopt;
    dims[infer] = size_of(*in[0]) / known;
  }
  return reshaped(*in[0], std::move(dims));
}

std::optional<Value> eval_unsqueeze(const onnx::NodeProto& n, In in, const Ctx& ctx) {
  if (in.empty() || !in[0]) return std::nullopt;
  // Axes: an attribute before opset 13, an input since.
  const auto axes =
      ctx.opset < 13 ? ints_attr(n, "axes") : int_list(in.size() > 1 ? in[1] : nullptr);
  if (!axes) return std::nullopt;
  const int64_t out_rank = static_cast<int64_t>(in[0]->dims.size() + axes->size());
  std::vector<bool> is_new(out_rank, false);
  for (int64_t a : *axes) {
    const auto axis = norm_axis(a, out_rank);
    if (!axis || is_new[*axis]) return std::nullopt;
    is_new[*axis] = true;
  }
  Dims dims;
  size_t next = 0;
  for (int64_t d = 0; d < out_rank; ++d) dims.push_back(is_new[d] ? 1 : in[0]->dims[next++]);
  return reshaped(*in[0], std::move(dims));
}

std::optional<Value> eval_squeeze(const onnx::NodeProto& n, In in, const Ctx& ctx) {
  if (in.empty() || !in[0]) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(in[0]->dims.size());
  std::optional<Dims> axes;
  if (ctx.opset < 13) {
    axes = ints_attr(n, "axes");
  } else if (in.size() > 1 && in[1]) {
    axes = int_list(in[1]);
    if (!axes) return std::nullopt;
  }
  std::vector<bool> drop(rank, false);
  if (!axes) {  // no axes: every dim of size 1
    for (int64_t d = 0; d < rank; ++d) drop[d] = in[0]->dims[d] == 1;
  } else {
    for (int64_t a : *axes) {
      const auto axis = norm_axis(a, rank);
      if (!axis || in[0]->dims[*axis] != 1) return std::nullopt;
      drop[*axis] = true;
    }
  }
  Dims dims;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d]) dims.push_back(in[0]->dims[d]);
  return reshaped(*in[0], std::move(dims));
}

std::optional<Value> eval_concat(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.empty()) return std::nullopt;
  for (const Value* v : in)
    if (!v || v->type != in[0]->type || v->dims.size() != in[0]->dims.size()) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(in[0]->dims.size());
  const auto axis = norm_axis(int_attr(n, "axis", 0), rank);
  if (!axis) return std::nullopt;
  Dims dims = in[0]->dims;
  dims[*axis] = 0;
  for (const Value* v : in) {
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && v->dims[d] != dims[d]) return std::nullopt;
    dims[*axis] += v->dims[*axis];
  }
  if (!fits(element_count(dims), in[0]->type)) return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < *axis; ++d) outer *= dims[d];
  for (int64_t d = *axis + 1; d < rank; ++d) inner *= dims[d];
  Value out = make_value(in[0]->type, dims);
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const Value* v : in) {
      const int64_t block = v->dims[*axis] * inner;
      for (int64_t j = o * block; j < (o + 1) * block; ++j, ++k) {
        if (out.type == TP::FLOAT)
          out.f[k] = v->f[j];
        else
          out.i[k] = v->i[j];
      }
      out.partial = out.partial || v->partial;
    }
  return out;
}

// ---- elementwise, with numpy broadcasting --------------------------------

// The output dims of broadcasting `ins` and, for each input, the offset of
// each output element in it.
std::optional<std::pair<Dims, std::vector<std::vector<int64_t>>>> broadcast(
    std::initializer_list<const Value*> ins) {
  size_t rank = 0;
  for (const Value* v : ins) rank = std::max(rank, v->dims.size());
  Dims out(rank, 1);
  for (const Value* v : ins)
    for (size_t d = 0; d < v->dims.size(); ++d) {
      const int64_t x = v->dims[d];
      int64_t& o = out[rank - v->dims.size() + d];
      if (x == o || x == 1) continue;
      if (o != 1) return std::nullopt;  // incompatible dims
      o = x;
    }
  if (!fits(element_count(out), TP::INT64)) return std::nullopt;
  std::vector<std::vector<int64_t>> index;
  for (const Value* v : ins) {
    Dims padded(rank - v->dims.size(), 1);
    padded.insert(padded.end(), v->dims.begin(), v->dims.end());
    Dims step = strides_of(padded);
    for (size_t d = 0; d < rank; ++d)
      if (padded[d] == 1) step[d] = 0;  // a broadcast dim repeats the same element
    index.push_back(walk(out, step, 0));
  }
  return std::pair(std::move(out), std::move(index));
}

int64_t wrap(int64_t x, int32_t type) { return type == TP::INT32 ? static_cast<int32_t>(x) : x; }

template <char Op>
std::optional<Value> eval_arith(const onnx::NodeProto&, In in, const Ctx&) {
  if (in.size() != 2 || !in[0] || !in[1]) return std::nullopt;
  const Value &a = *in[0], &b = *in[1];
  if (a.type != b.type || (a.type != TP::FLOAT && !is_int(a.type))) return std::nullopt;
  auto bc = broadcast({&a, &b});
  if (!bc) return std::nullopt;
  const std::vector<int64_t>& ia = bc->second[0];
  const std::vector<int64_t>& ib = bc->second[1];
  Value out = make_value(a.type, bc->first);
  for (size_t k = 0; k < ia.size(); ++k) {
    if (a.type == TP::FLOAT) {
      const float x = a.f[ia[k]], y = b.f[ib[k]];
      out.f[k] = Op == '+' ? x + y : Op == '-' ? x - y : Op == '*' ? x * y : x / y;
      continue;
    }
    // Two's-complement wrap as the runtimes do, without signed overflow.
    const int64_t x = a.i[ia[k]], y = b.i[ib[k]];
    const auto ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
    int64_t r;
    if (Op == '/') {
      // Integer Div truncates toward zero (as ONNX Runtime's); a zero
      // divisor is left for the runtime to report.
      if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1)) return std::nullopt;
      r = x / y;
    } else {
      r = static_cast<int64_t>(Op == '+' ? ux + uy : Op == '-' ? ux - uy : ux * uy);
    }
    out.i[k] = wrap(r, a.type);
  }
  return out;
}

std::optional<Value> eval_equal(const onnx::NodeProto&, In in, const Ctx&) {
  if (in.size() != 2 || !in[0] || !in[1] || in[0]->type != in[1]->type) return std::nullopt;
  auto bc = broadcast({in[0], in[1]});
  if (!bc) return std::nullopt;
  Value out = make_value(TP::BOOL, bc->first);
  for (size_t k = 0; k < out.i.size(); ++k)
    out.i[k] = in[0]->type == TP::FLOAT ? in[0]->f[bc->second[0][k]] == in[1]->f[bc->second[1][k]]
                                        : in[0]->i[bc->second[0][k]] == in[1]->i[bc->second[1][k]];
  return out;
}

std::optional<Value> eval_where(const onnx::NodeProto&, In in, const Ctx&) {
  if (in.size() != 3 || !in[0] || !in[1] || !in[2] || in[0]->type != TP::BOOL ||
      in[1]->type != in[2]->type)
    return std::nullopt;
  auto bc = broadcast({in[0], in[1], in[2]});
  if (!bc) return std::nullopt;
  const auto& idx = bc->second;
  Value out = make_value(in[1]->type, bc->first);
  for (size_t k = 0; k < idx[0].size(); ++k) {
    const Value& pick = in[0]->i[idx[0][k]] ? *in[1] : *in[2];
    const int64_t j = in[0]->i[idx[0][k]] ? idx[1][k] : idx[2][k];
    if (out.type == TP::FLOAT)
      out.f[k] = pick.f[j];
    else
      out.i[k] = pick.i[j];
  }
  return out;
}

std::optional<Value> eval_cast(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.size() != 1 || !in[0]) return std::nullopt;
  const auto to = static_cast<int32_t>(int_attr(n, "to", 0));
  if (!supported(to)) return std::nullopt;
  const Value& x = *in[0];
  Value out = make_value(to, x.dims);
  for (int64_t k = 0; k < size_of(x); ++k) {
    if (x.type == TP::FLOAT) {
      const float v = x.f[k];
      if (to == TP::FLOAT) {
        out.f[k] = v;
      } else if (to == TP::BOOL) {
        out.i[k] = v != 0;
      } else {
        // Out-of-range float -> int is undefined in C++ and differs between
        // runtimes: leave it to the runtime.
        const double limit = to == TP::INT32 ? 2147483648.0 : 9223372036854775808.0;
        if (!(std::fabs(v) < limit)) return std::nullopt;
        out.i[k] = static_cast<int64_t>(v);  // truncates toward zero
      }
    } else if (to == TP::FLOAT) {
      out.f[k] = static_cast<float>(x.i[k]);
    } else if (to == TP::BOOL) {
      out.i[k] = x.i[k] != 0;
    } else {
      out.i[k] = wrap(x.i[k], to);
    }
  }
  return out;
}

std::optional<Value> eval_constant_of_shape(const onnx::NodeProto& n, In in, const Ctx&) {
  if (in.size() != 1) return std::nullopt;
  const auto shape = int_list(in[0]);
  if (!shape || in[0]->dims.size() != 1) return std::nullopt;
  Value fill = make_value(TP::FLOAT, {1});  // default: one float 0
  if (const auto* a = find_attr(n, "value")) {
    auto v = decode(a->t());
    if (!v || size_of(*v) != 1) return std::nullopt;
    fill = std::move(*v);
  }
  for (int64_t d : *shape)
    if (d < 0) return std::nullopt;
  if (!fits(element_count(*shape), fill.type)) return std::nullopt;
  Value out = make_value(fill.type, *shape);
  std::fill(out.f.begin(), out.f.end(), fill.f.empty() ? 0.f : fill.f[0]);
  std::fill(out.i.begin(), out.i.end(), fill.i.empty() ? 0 : fill.i[0]);
  return out;
}

std::optional<Value> eval_range(const onnx::NodeProto&, In in, const Ctx&) {
  if (in.size() != 3) return std::nullopt;
  for (const Value* v : in)
    if (!v || v->type != in[0]->type || size_of(*v) != 1 || !v->dims.empty()) return std::nullopt;
  const int32_t type = in[0]->type;
  if (type == TP::FLOAT) {
    const float start = in[0]->f[0], limit = in[1]->f[0], delta = in[2]->f[0];
    if (delta == 0) return std::nullopt;
    const double count = std::ceil((double{limit} - start) / delta);
    if (!(count < 1e12)) return std::nullopt;  // NaN or huge
    const auto n = static_cast<int64_t>(std::max(count, 0.0));
    if (!fits(n, type)) return std::nullopt;
    Value out = make_value(type, {n});
    // The spec's start + i * delta (some runtimes accumulate instead).
    for (int64_t k = 0; k < n; ++k) out.f[k] = start + static_cast<float>(k) * delta;
    return out;
  }
  if (!is_int(type)) return std::nullopt;
  const int64_t start = in[0]->i[0], limit = in[1]->i[0], delta = in[2]->i[0];
  if (delta == 0) return std::nullopt;
  // ceil((limit - start) / delta) in exact integers (int32/int64 inputs are
  // bounded, the difference is within __int128).
  const __int128 span = static_cast<__int128>(limit) - start;
  __int128 count = span / delta;
  if (count >= 0 && count * delta != span) ++count;
  if (count < 0) count = 0;
  if (!fits(count > (int64_t{1} << 40) ? (int64_t{1} << 40) : static_cast<int64_t>(count), type))
    return std::nullopt;
  Value out = make_value(type, {static_cast<int64_t>(count)});
  for (int64_t k = 0; k < static_cast<int64_t>(count); ++k) out.i[k] = start + k * delta;
  return out;
}

constexpr Op kOps[] = {
    {"Identity", &eval_identity, true},
    {"Gather", &eval_gather, true},
    {"Slice", &eval_slice, true},
    {"Squeeze", &eval_squeeze, true},
    {"Unsqueeze", &eval_unsqueeze, true},
    {"Reshape", &eval_reshape, true},
    {"Concat", &eval_concat, true},  // every input, not only the first
    {"Transpose", &eval_transpose, false},
    {"Add", &eval_arith<'+'>, false},
    {"Sub", &eval_arith<'-'>, false},
    {"Mul", &eval_arith<'*'>, false},
    {"Div", &eval_arith<'/'>, false},
    {"Equal", &eval_equal, false},
    {"Where", &eval_where, false},
    {"Cast", &eval_cast, false},
    {"ConstantOfShape", &eval_constant_of_shape, false},
    {"Range", &eval_range, false},
};

const Op* find_op(const onnx::NodeProto& n) {
  for (const Op& op : kOps)
    if (n.op_type() == op.type) return &op;
  return nullptr;
}

}  // namespace nnport::onnx_internal::constant_eval
