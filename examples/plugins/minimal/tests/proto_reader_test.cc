// The protobuf reader and ONNX parser on malformed input: every case is a
// clean Error, never a crash, a hang or another exception type.
#include <random>

#include "interpreter.h"
#include "onnx_model.h"
#include "proto_reader.h"
#include "proto_writer.h"
#include "test_util.h"

namespace minimal {
namespace {

namespace t = minimal::testing;

std::string valid_model() {
  return t::model(
      {t::node("Gemm", {"x", "w", "b"}, {"h"}, {t::int_attr("transB", 1)}),
       t::node("Relu", {"h"}, {"y"})},
      {t::tensor_proto("w", {2, 3}, {1, 2, 3, 4, 5, 6}), t::tensor_proto("b", {2}, {0.5f, -100})},
      {t::value_info("x", 1, {-1, 3})}, {t::value_info("y", 1, {-1, 2})});
}

// Parsing bytes, then building an interpreter, may fail only with Error.
void expect_clean(const std::string& bytes) {
  try {
    Interpreter interp(parse_model(bytes));
  } catch (const nnport::plugin::Error& e) {
    EXPECT_NE(e.code(), NNPORT_OK);
    EXPECT_GT(std::string(e.what()).size(), 0u);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception type: " << e.what();
  }
}

std::string bytes_of(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s += static_cast<char>(v);
  return s;
}

struct BadCase {
  const char* label;
  std::string bytes;
  nnport_code code;
  const char* message;
};

TEST(ProtoReader, MalformedModelsGiveCleanErrors) {
  const std::string huge_len =
      bytes_of({0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  const std::vector<BadCase> cases = {
      {"empty file", "", NNPORT_INVALID_ARGUMENT, "no graph"},
      {"text file", "hello, world\n", NNPORT_INVALID_ARGUMENT, "malformed protobuf"},
      {"tag without value", bytes_of({0x08}), NNPORT_INVALID_ARGUMENT, "truncated varint"},
      {"length past the end", bytes_of({0x3a, 0x05, 'a', 'b'}), NNPORT_INVALID_ARGUMENT,
       "needs 5 bytes, 2 left"},
      {"length near 2^64", huge_len, NNPORT_INVALID_ARGUMENT, "bytes, 0 left"},
      {"field number 0", bytes_of({0x00, 0x01}), NNPORT_INVALID_ARGUMENT, "invalid field number 0"},
      {"group wire type", bytes_of({0x0b}), NNPORT_INVALID_ARGUMENT, "unsupported wire type 3"},
      {"eleven-byte varint",
       bytes_of({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}),
       NNPORT_INVALID_ARGUMENT, "varint longer than 10 bytes"},
      {"graph as a varint", bytes_of({0x38, 0x01}), NNPORT_INVALID_ARGUMENT,
       "field 7 has wire type 0, expected 2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_PLUGIN_ERROR(parse_model(c.bytes), c.code, c.message);
  }
}

TEST(ProtoReader, MalformedTensorsGiveCleanErrors) {
  t::Msg short_raw;  // 2x3 float32 with 8 bytes of raw data
  short_raw.packed_ints(1, {2, 3}).varint(2, 1).bytes(8, "w").bytes(9, std::string(8, '\0'));
  t::Msg huge;  // dims whose product passes 2^32, no data
  huge.packed_ints(1, {int64_t{1} << 20, int64_t{1} << 20}).varint(2, 1).bytes(8, "big");
  t::Msg negative;
  negative.packed_ints(1, {-2}).varint(2, 1).bytes(8, "neg");
  t::Msg odd_floats;
  odd_floats.packed_ints(1, {1}).varint(2, 1).bytes(4, "abc");
  t::Msg external;
  external.packed_ints(1, {1}).varint(2, 1).bytes(8, "ext").varint(14, 1);
  t::Msg float64;
  float64.packed_ints(1, {1}).varint(2, 11).bytes(8, "d");
  const std::vector<BadCase> cases = {
      {"raw data too short", short_raw.str(), NNPORT_INVALID_ARGUMENT,
       "tensor 'w' of shape 2x3 needs 6 values, has 2"},
      {"too many elements", huge.str(), NNPORT_INVALID_ARGUMENT, "more than 2^32 elements"},
      {"negative dim", negative.str(), NNPORT_INVALID_ARGUMENT, "negative dim"},
      {"packed floats of 3 bytes", odd_floats.str(), NNPORT_INVALID_ARGUMENT,
       "packed floats of 3 bytes"},
      {"external data", external.str(), NNPORT_UNIMPLEMENTED, "external file"},
      {"float64", float64.str(), NNPORT_UNIMPLEMENTED, "dtype float64"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_PLUGIN_ERROR(parse_tensor(c.bytes), c.code, c.message);
  }
}

TEST(ProtoReader, EveryTruncationIsCleanOrParses) {
  const std::string model = valid_model();
  for (size_t n = 0; n < model.size(); ++n) {
    SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
    expect_clean(model.substr(0, n));
  }
}

TEST(ProtoReader, MutatedAndRandomBytesAreClean) {
  const std::string model = valid_model();
  std::mt19937 rng(12345);  // fixed seed: the same cases every run
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = model;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    expect_clean(bytes);
  }
  for (int round = 0; round < 1000; ++round) {
    std::string bytes(rng() % 200, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    expect_clean(bytes);
  }
}

TEST(ProtoReader, UnpackedRepeatedFieldsAreReadToo) {
  t::Msg m;  // dims and float_data one value per tag, as old writers did
  m.varint(1, 2).varint(2, 1).f32(4, 1.5f).f32(4, -2).bytes(8, "u");
  const NamedTensor nt = parse_tensor(m.str());
  EXPECT_EQ(nt.name, "u");
  EXPECT_EQ(nt.tensor.dims, (Dims{2}));
  EXPECT_EQ(nt.tensor.f32, (std::vector<float>{1.5f, -2}));
}

}  // namespace
}  // namespace minimal
