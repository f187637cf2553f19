// A bounds-checked reader for the protobuf wire format: just enough to walk
// an ONNX file field by field. Every length is checked against the bytes
// left, so truncated or garbage input throws Error(INVALID_ARGUMENT) instead
// of reading past the end.
#ifndef MINIMAL_PROTO_READER_H_
#define MINIMAL_PROTO_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minimal {

class ProtoReader {
 public:
  enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

  // message names the protobuf message being read, for error messages.
  ProtoReader(std::string_view bytes, std::string_view message) : data_(bytes), message_(message) {}

  // Reads the next field's tag. Returns false at the end of the message.
  bool next();
  uint32_t field() const { return field_; }
  WireType wire_type() const { return wire_type_; }

  // Read the current field's value; each checks the wire type.
  uint64_t varint();
  int64_t int64() { return static_cast<int64_t>(varint()); }
  float f32();
  std::string_view bytes();  // a view into the input (strings, sub-messages)
  std::string string() { return std::string(bytes()); }
  void skip();  // a field this reader does not need

  // Repeated scalars arrive packed (one length-delimited run) or one per tag.
  void append_int64s(std::vector<int64_t>& out);
  void append_floats(std::vector<float>& out);

 private:
  uint64_t read_varint();
  std::string_view take(uint64_t n);
  void expect(WireType type);
  [[noreturn]] void fail(const std::string& why) const;

  std::string_view data_;
  size_t pos_ = 0;
  std::string_view message_;
  uint32_t field_ = 0;
  WireType wire_type_ = kVarint;
};

}  // namespace minimal

#endif  // MINIMAL_PROTO_READER_H_
