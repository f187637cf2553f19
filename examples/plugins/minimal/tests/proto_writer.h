// Test helper: writes the protobuf wire format, so tests can build ONNX
// models (good and deliberately bad) in code without any ONNX library.
#ifndef MINIMAL_TESTS_PROTO_WRITER_H_
#define MINIMAL_TESTS_PROTO_WRITER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace minimal::testing {

class Msg {
 public:
  Msg& varint(uint32_t field, uint64_t v) {
    tag(field, 0);
    raw_varint(v);
    return *this;
  }
  Msg& f32(uint32_t field, float v) {
    tag(field, 5);
    char b[4];
    std::memcpy(b, &v, 4);
    bytes_.append(b, 4);
    return *this;
  }
  Msg& bytes(uint32_t field, const std::string& s) {
    tag(field, 2);
    raw_varint(s.size());
    bytes_ += s;
    return *this;
  }
  Msg& msg(uint32_t field, const Msg& m) { return bytes(field, m.str()); }
  Msg& packed_floats(uint32_t field, const std::vector<float>& v) {
    return bytes(field, std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  }
  Msg& packed_ints(uint32_t field, const std::vector<int64_t>& v) {
    Msg inner;
    for (int64_t x : v) inner.raw_varint(static_cast<uint64_t>(x));
    return bytes(field, inner.str());
  }
  const std::string& str() const { return bytes_; }

 private:
  void tag(uint32_t field, uint32_t wire) { raw_varint((uint64_t{field} << 3) | wire); }
  void raw_varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    bytes_ += static_cast<char>(v);
  }
  std::string bytes_;
};

// ONNX messages, field numbers from onnx.proto.
inline Msg tensor_proto(const std::string& name, const std::vector<int64_t>& dims,
                        const std::vector<float>& values) {
  Msg t;
  t.packed_ints(1, dims).varint(2, 1).packed_floats(4, values).bytes(8, name);
  return t;
}

inline Msg int64_tensor_proto(const std::string& name, const std::vector<int64_t>& dims,
                              const std::vector<int64_t>& values) {
  Msg t;
  t.packed_ints(1, dims).varint(2, 7).packed_ints(7, values).bytes(8, name);
  return t;
}

inline Msg value_info(const std::string& name, int elem_type, const std::vector<int64_t>& dims) {
  Msg shape;
  for (int64_t d : dims) {
    Msg dim;
    if (d >= 0)
      dim.varint(1, static_cast<uint64_t>(d));
    else
      dim.bytes(2, "N");
    shape.msg(1, dim);
  }
  Msg tensor_type;
  tensor_type.varint(1, static_cast<uint64_t>(elem_type)).msg(2, shape);
  Msg type;
  type.msg(1, tensor_type);
  Msg v;
  v.bytes(1, name).msg(2, type);
  return v;
}

inline Msg int_attr(const std::string& name, int64_t v) {
  Msg a;
  a.bytes(1, name).varint(3, static_cast<uint64_t>(v)).varint(20, 2);
  return a;
}

inline Msg float_attr(const std::string& name, float v) {
  Msg a;
  a.bytes(1, name).f32(2, v).varint(20, 1);
  return a;
}

inline Msg ints_attr(const std::string& name, const std::vector<int64_t>& v) {
  Msg a;
  a.bytes(1, name).packed_ints(8, v).varint(20, 7);
  return a;
}

inline Msg node(const std::string& op, const std::vector<std::string>& inputs,
                const std::vector<std::string>& outputs, const std::vector<Msg>& attrs = {},
                const std::string& name = "") {
  Msg n;
  for (const auto& i : inputs) n.bytes(1, i);
  for (const auto& o : outputs) n.bytes(2, o);
  n.bytes(3, name.empty() ? op + "_0" : name).bytes(4, op);
  for (const auto& a : attrs) n.msg(5, a);
  return n;
}

inline std::string model(const std::vector<Msg>& nodes, const std::vector<Msg>& initializers,
                         const std::vector<Msg>& inputs, const std::vector<Msg>& outputs,
                         int64_t opset = 13) {
  Msg g;
  for (const auto& n : nodes) g.msg(1, n);
  g.bytes(2, "test");
  for (const auto& t : initializers) g.msg(5, t);
  for (const auto& i : inputs) g.msg(11, i);
  for (const auto& o : outputs) g.msg(12, o);
  Msg opset_import;
  opset_import.bytes(1, "").varint(2, static_cast<uint64_t>(opset));
  Msg m;
  m.varint(1, 8).bytes(2, "nnport-minimal-test").msg(7, g).msg(8, opset_import);
  return m.str();
}

}  // namespace minimal::testing

#endif  // MINIMAL_TESTS_PROTO_WRITER_H_
