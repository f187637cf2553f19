#include "xnn_validate.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace nnport::xnn {
namespace {

using Dims = std::vector<int64_t>;
using nlohmann::json;

constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();
// Any one dim or element count above this is a corrupted file, not a model.
constexpr int64_t kMaxElements = int64_t(1) << 31;

std::string text(const Dims& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

// Element count, or -1 when above kMaxElements.
int64_t count(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) {
    if (x < 1 || x > kMaxElements || n > kMaxElements / x) return -1;
    n *= x;
  }
  return n;
}

// An integer attribute from min to kMaxElements.
bool read_int(const json& attrs, const char* key, int64_t min, int64_t* out) {
  if (!attrs.is_object() || !attrs.contains(key)) return false;
  const json& v = attrs[key];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > kMaxElements)
    return false;
  *out = v.get<int64_t>();
  return true;
}

// A list of exactly `size` such integers.
bool read_list(const json& attrs, const char* key, size_t size, int64_t min, Dims* out) {
  if (!attrs.is_object() || !attrs.contains(key)) return false;
  const json& a = attrs[key];
  if (!a.is_array() || a.size() != size) return false;
  out->assign(size, 0);
  for (size_t i = 0; i < size; ++i) {
    if (!read_int(json{{"v", a[i]}}, "v", min, &(*out)[i])) return false;
  }
  return true;
}

// Output size of a 2-D window; -1 when the window does not fit.
int64_t window_out(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel, int64_t stride,
                   int64_t dilation = 1) {
  const int64_t span = in + pad_begin + pad_end - ((kernel - 1) * dilation + 1);
  return span < 0 ? -1 : span / stride + 1;
}

class Checker {
 public:
  Checker(const Model& m, int64_t batch) : m_(m), batch_(batch) {}

  std::string run() {
    dims_.resize(m_.values.size());
    for (size_t i = 0; i < m_.values.size(); ++i) {
      for (int64_t d : m_.values[i].dims) dims_[i].push_back(d < 0 ? batch_ : d);
      if (count(dims_[i]) < 0)
        return "value #" + std::to_string(i) + " " + text(dims_[i]) +
               " has more than 2^31 elements";
    }
    for (const auto* ports : {&m_.inputs, &m_.outputs}) {
      for (const Port& p : *ports) {
        Dims want = p.dims;  // the value's dims: NHWC for an nchw port
        if (p.nchw && want.size() == 4) want = {p.dims[0], p.dims[2], p.dims[3], p.dims[1]};
        if ((p.nchw && p.dims.size() != 4) || m_.values[p.value].dims != want)
          return "port '" + p.name + "' " + text(p.dims) + " does not match its value #" +
                 std::to_string(p.value) + " " + text(m_.values[p.value].dims);
      }
    }
    std::vector<bool> ready(m_.values.size(), false);
    for (size_t i = 0; i < m_.values.size(); ++i) ready[i] = m_.values[i].offset >= 0;
    for (const Port& p : m_.inputs) {
      if (ready[p.value]) return "input '" + p.name + "' is a weight or another input";
      ready[p.value] = true;
    }
    for (size_t k = 0; k < m_.nodes.size(); ++k) {
      const Node& n = m_.nodes[k];
      where_ = "node #" + std::to_string(k) + " (" + n.op + ")";
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        if (n.inputs[i] != kAbsent && !ready[n.inputs[i]])
          return where_ + " reads value #" + std::to_string(n.inputs[i]) +
                 " before anything produces it";
      }
      const uint32_t out = n.outputs.at(0);
      if (ready[out]) return where_ + " writes value #" + std::to_string(out) + ", already defined";
      const std::string why = check_node(n);
      if (!why.empty()) return where_ + ": " + why;
      ready[out] = true;
    }
    std::vector<bool> read(m_.values.size(), false);
    for (const Port& p : m_.outputs) {
      if (!ready[p.value] || m_.values[p.value].offset >= 0)
        return "output '" + p.name + "' is not produced by any node";
      read[p.value] = true;
    }
    // XNNPACK plans no memory for a value nobody reads, then asserts when
    // the node writing it is set up (found by fuzz_xnn_format).
    for (const Node& n : m_.nodes)
      for (uint32_t v : n.inputs)
        if (v != kAbsent) read[v] = true;
    for (size_t k = 0; k < m_.nodes.size(); ++k) {
      if (!read[m_.nodes[k].outputs[0]])
        return "node #" + std::to_string(k) + " (" + m_.nodes[k].op + ") writes value #" +
               std::to_string(m_.nodes[k].outputs[0]) + ", which nothing reads";
    }
    return "";
  }

 private:
  const Dims& in(const Node& n, size_t i) const { return dims_[n.inputs[i]]; }
  bool is_weight(const Node& n, size_t i) const { return m_.values[n.inputs[i]].offset >= 0; }

  std::string arity(const Node& n, size_t required, size_t optional = 0) const {
    if (n.inputs.size() < required || n.inputs.size() > required + optional)
      return "it has " + std::to_string(n.inputs.size()) + " inputs";
    for (size_t i = 0; i < required; ++i)
      if (n.inputs[i] == kAbsent) return "its input " + std::to_string(i) + " is absent";
    return "";
  }

  static std::string expect(const char* what, const Dims& got, const Dims& want) {
    return got == want ? "" : std::string(what) + " is " + text(got) + ", expected " + text(want);
  }

  // conv2d and dwconv2d: the filter and bias must hold what the op reads.
  std::string check_conv(const Node& n, bool depthwise) const {
    if (auto e = arity(n, 2, 1); !e.empty()) return e;
    if (!is_weight(n, 1) || (n.inputs.size() > 2 && n.inputs[2] != kAbsent && !is_weight(n, 2)))
      return "its filter and bias must be weights";
    Dims pads, kernel, stride;
    if (!read_list(n.attrs, "pads", 4, 0, &pads) || !read_list(n.attrs, "kernel", 2, 1, &kernel) ||
        !read_list(n.attrs, "stride", 2, 1, &stride))
      return "pads, kernel or stride is missing or out of range";
    const Dims& x = in(n, 0);
    if (x.size() != 4) return "its input " + text(x) + " is not 4-D NHWC";
    int64_t out_c = 0;
    Dims filter;
    if (depthwise) {
      int64_t mult = 0, channels = 0;
      if (!read_int(n.attrs, "multiplier", 1, &mult) ||
          !read_int(n.attrs, "channels", 1, &channels))
        return "multiplier or channels is missing or out of range";
      if (x[3] != channels)
        return "its input has " + std::to_string(x[3]) + " channels, not " +
               std::to_string(channels);
      out_c = channels * mult;
      filter = {1, kernel[0], kernel[1], out_c};
    } else {
      int64_t groups = 0, group_in = 0, group_out = 0;
      if (!read_int(n.attrs, "groups", 1, &groups) ||
          !read_int(n.attrs, "group_in", 1, &group_in) ||
          !read_int(n.attrs, "group_out", 1, &group_out))
        return "groups, group_in or group_out is missing or out of range";
      if (x[3] != groups * group_in)
        return "its input has " + std::to_string(x[3]) + " channels, not groups * group_in";
      out_c = groups * group_out;
      filter = {out_c, kernel[0], kernel[1], group_in};
    }
    if (auto e = expect("its filter", in(n, 1), filter); !e.empty()) return e;
    if (n.inputs.size() > 2 && n.inputs[2] != kAbsent) {
      if (auto e = expect("its bias", in(n, 2), {out_c}); !e.empty()) return e;
    }
    // pads: top, right, bottom, left (XNNPACK's order)
    const int64_t oh = window_out(x[1], pads[0], pads[2], kernel[0], stride[0]);
    const int64_t ow = window_out(x[2], pads[3], pads[1], kernel[1], stride[1]);
    if (oh < 1 || ow < 1) return "the kernel is larger than the padded input " + text(x);
    return expect("its output", dims_[n.outputs[0]], {x[0], oh, ow, out_c});
  }

  std::string check_pool(const Node& n, bool max) const {
    if (auto e = arity(n, 1); !e.empty()) return e;
    Dims pads, kernel, stride, dilation = {1, 1};
    if (!read_list(n.attrs, "pads", 4, 0, &pads) || !read_list(n.attrs, "kernel", 2, 1, &kernel) ||
        !read_list(n.attrs, "stride", 2, 1, &stride) ||
        (max && !read_list(n.attrs, "dilation", 2, 1, &dilation)))
      return "pads, kernel, stride or dilation is missing or out of range";
    const Dims& x = in(n, 0);
    if (x.size() != 4) return "its input " + text(x) + " is not 4-D NHWC";
    const int64_t oh = window_out(x[1], pads[0], pads[2], kernel[0], stride[0], dilation[0]);
    const int64_t ow = window_out(x[2], pads[3], pads[1], kernel[1], stride[1], dilation[1]);
    if (oh < 1 || ow < 1) return "the window is larger than the padded input " + text(x);
    return expect("its output", dims_[n.outputs[0]], {x[0], oh, ow, x[3]});
  }

  std::string check_fc(const Node& n) const {
    if (auto e = arity(n, 2, 1); !e.empty()) return e;
    if (!is_weight(n, 1) || (n.inputs.size() > 2 && n.inputs[2] != kAbsent && !is_weight(n, 2)))
      return "its filter and bias must be weights";
    const Dims& x = in(n, 0);
    const Dims& f = in(n, 1);
    if (x.empty() || f.size() != 2 || f[1] != x.back())
      return "its filter " + text(f) + " does not match the input " + text(x);
    if (n.inputs.size() > 2 && n.inputs[2] != kAbsent) {
      if (auto e = expect("its bias", in(n, 2), {f[0]}); !e.empty()) return e;
    }
    const Dims& y = dims_[n.outputs[0]];
    if (y.empty() || y.back() != f[0] || count(y) != count(x) / x.back() * f[0])
      return "its output " + text(y) + " does not hold " + std::to_string(count(x) / x.back()) +
             " rows of " + std::to_string(f[0]);
    return "";
  }

  std::string check_binary(const Node& n) const {
    if (auto e = arity(n, 2); !e.empty()) return e;
    const Dims &a = in(n, 0), &b = in(n, 1);
    Dims out(std::max(a.size(), b.size()));
    for (size_t i = 0; i < out.size(); ++i) {  // right-aligned broadcasting
      const int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
      const int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
      if (da != db && da != 1 && db != 1)
        return "its inputs " + text(a) + " and " + text(b) + " do not broadcast";
      out[i] = da == 1 ? db : da;
    }
    return expect("its output", dims_[n.outputs[0]], out);
  }

  std::string check_node(const Node& n) const {
    const std::string& op = n.op;
    if (op == "conv2d" || op == "dwconv2d") return check_conv(n, op == "dwconv2d");
    if (op == "maxpool2d" || op == "avgpool2d") return check_pool(n, op == "maxpool2d");
    if (op == "fc") return check_fc(n);
    if (op == "add" || op == "mul" || op == "sub" || op == "div") return check_binary(n);
    if (auto e = arity(n, 1); !e.empty()) return e;
    const Dims& x = in(n, 0);
    const Dims& y = dims_[n.outputs[0]];
    if (op == "clamp" || op == "sigmoid" || op == "hardswish" || op == "softmax")
      return expect("its output", y, x);
    if (op == "gavgpool2d") {
      if (x.size() != 4) return "its input " + text(x) + " is not 4-D NHWC";
      return expect("its output", y, {x[0], 1, 1, x[3]});
    }
    if (op == "reshape") {
      return count(x) == count(y) ? "" : "it reshapes " + text(x) + " to " + text(y);
    }
    return "the op '" + op + "' is not one this nnport knows";
  }

  const Model& m_;
  const int64_t batch_;
  std::vector<Dims> dims_;
  std::string where_;
};

}  // namespace

std::string find_inconsistency(const Model& model) {
  for (const int64_t batch : {1, 2}) {
    std::string why = Checker(model, batch).run();
    if (!why.empty()) return why;
  }
  return "";
}

}  // namespace nnport::xnn
