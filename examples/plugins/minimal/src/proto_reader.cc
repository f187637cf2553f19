#include "proto_reader.h"

#include <cstring>

#include "nnport/plugin_cpp.h"

namespace minimal {

void ProtoReader::fail(const std::string& why) const {
  throw nnport::plugin::Error(NNPORT_INVALID_ARGUMENT, "malformed protobuf: " + why + " in " +
                                                           std::string(message_) + " at byte " +
                                                           std::to_string(pos_) + " of " +
                                                           std::to_string(data_.size()));
}

uint64_t ProtoReader::read_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) fail("truncated varint");
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail("varint longer than 10 bytes");
}

std::string_view ProtoReader::take(uint64_t n) {
  if (n > data_.size() - pos_) {
    fail("field " + std::to_string(field_) + " needs " + std::to_string(n) + " bytes, " +
         std::to_string(data_.size() - pos_) + " left");
  }
  std::string_view out = data_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return out;
}

bool ProtoReader::next() {
  if (pos_ >= data_.size()) return false;
  const uint64_t tag = read_varint();
  const uint64_t field = tag >> 3;
  const auto type = static_cast<uint32_t>(tag & 7);
  if (field == 0 || field > 0x1fffffff) fail("invalid field number " + std::to_string(field));
  if (type != kVarint && type != kFixed64 && type != kLen && type != kFixed32) {
    fail("unsupported wire type " + std::to_string(type) + " for field " + std::to_string(field));
  }
  field_ = static_cast<uint32_t>(field);
  wire_type_ = static_cast<WireType>(type);
  return true;
}

void ProtoReader::expect(WireType type) {
  if (wire_type_ != type) {
    fail("field " + std::to_string(field_) + " has wire type " + std::to_string(wire_type_) +
         ", expected " + std::to_string(type));
  }
}

uint64_t ProtoReader::varint() {
  expect(kVarint);
  return read_varint();
}

float ProtoReader::f32() {
  expect(kFixed32);
  std::string_view b = take(4);
  float v;  // the wire format is little-endian, like every host this builds on
  std::memcpy(&v, b.data(), 4);
  return v;
}

std::string_view ProtoReader::bytes() {
  expect(kLen);
  return take(read_varint());
}

void ProtoReader::skip() {
  switch (wire_type_) {
    case kVarint:
      read_varint();
      break;
    case kFixed64:
      take(8);
      break;
    case kFixed32:
      take(4);
      break;
    case kLen:
      take(read_varint());
      break;
  }
}

void ProtoReader::append_int64s(std::vector<int64_t>& out) {
  if (wire_type_ == kVarint) {
    out.push_back(int64());
    return;
  }
  ProtoReader packed(bytes(), message_);
  while (packed.pos_ < packed.data_.size()) {
    out.push_back(static_cast<int64_t>(packed.read_varint()));
  }
}

void ProtoReader::append_floats(std::vector<float>& out) {
  if (wire_type_ == kFixed32) {
    out.push_back(f32());
    return;
  }
  std::string_view b = bytes();
  if (b.size() % 4 != 0) fail("packed floats of " + std::to_string(b.size()) + " bytes");
  const size_t old = out.size();
  out.resize(old + b.size() / 4);
  std::memcpy(out.data() + old, b.data(), b.size());
}

}  // namespace minimal
