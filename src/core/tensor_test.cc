#include "nnport/tensor.h"

#include <gtest/gtest.h>

#include <cstring>

namespace nnport {
namespace {

TEST(DType, SizesNamesAndParsing) {
  struct Case {
    DType dtype;
    size_t size;
    const char* name;
  };
  const Case cases[] = {{DType::kFloat32, 4, "float32"}, {DType::kFloat16, 2, "float16"},
                        {DType::kFloat64, 8, "float64"}, {DType::kInt8, 1, "int8"},
                        {DType::kUInt8, 1, "uint8"},     {DType::kInt32, 4, "int32"},
                        {DType::kInt64, 8, "int64"},     {DType::kBool, 1, "bool"}};
  for (const auto& c : cases) {
    EXPECT_EQ(dtype_size(c.dtype), c.size) << c.name;
    EXPECT_EQ(dtype_name(c.dtype), c.name);
    auto parsed = parse_dtype(c.name);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, c.dtype);
  }
  EXPECT_EQ(dtype_size(DType::kUndefined), 0u);
  EXPECT_EQ(*parse_dtype("fp16"), DType::kFloat16);
  auto bad = parse_dtype("complex64");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("complex64"), std::string::npos);
  EXPECT_NE(bad.status().message().find("float32"), std::string::npos);
}

TEST(Shape, NumElementsAndToString) {
  EXPECT_EQ(num_elements({}), 1);
  EXPECT_EQ(num_elements({2, 3, 4}), 24);
  EXPECT_EQ(num_elements({2, 0, 4}), 0);
  EXPECT_EQ(num_elements({-1, 3}), -1);
  EXPECT_EQ(num_elements({int64_t{1} << 62, 4}), -1);  // overflow
  EXPECT_EQ(shape_to_string({1, 3, 224, 224}), "1x3x224x224");
  EXPECT_EQ(shape_to_string({-1, 3}), "-1x3");
  EXPECT_EQ(shape_to_string({}), "scalar");
}

TEST(Shape, ParseGoodAndBad) {
  struct Good {
    const char* text;
    Shape shape;
  };
  const Good good[] = {{"1x3x224x224", {1, 3, 224, 224}},
                       {"1,3,224,224", {1, 3, 224, 224}},
                       {" 2 x 5 ", {2, 5}},
                       {"[4, 5]", {4, 5}},
                       {"(7, 8)", {7, 8}},
                       {"0", {0}},
                       {"scalar", {}}};
  for (const auto& g : good) {
    auto s = parse_shape(g.text);
    ASSERT_TRUE(s.ok()) << g.text << ": " << s.status().message();
    EXPECT_EQ(*s, g.shape) << g.text;
  }
  const char* bad[] = {
      "", "x", "1xx2", "1x-3", "a,b", "1.5x2", "3x", "(7,)", "99999999999999999999"};
  for (const char* b : bad) {
    auto s = parse_shape(b);
    ASSERT_FALSE(s.ok()) << "'" << b << "' parsed";
    EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
    EXPECT_NE(s.status().message().find("1x3x224x224"), std::string::npos)
        << "the message shows the expected form: " << s.status().message();
  }
}

TEST(Tensor, EmptyIsZeroFilledAndOwning) {
  Tensor t = Tensor::empty(DType::kInt32, {2, 3});
  ASSERT_TRUE(t.defined());
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.nbytes(), 24u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data_as<int32_t>()[i], 0);
  Tensor copy = t;  // shares storage
  copy.data_as<int32_t>()[4] = 9;
  EXPECT_EQ(t.data_as<int32_t>()[4], 9);
  Tensor scalar = Tensor::empty(DType::kFloat64, {});
  EXPECT_EQ(scalar.nbytes(), 8u);
  EXPECT_NE(Tensor::empty(DType::kFloat32, {0, 3}).data(), nullptr);
  EXPECT_FALSE(Tensor().defined());
  EXPECT_EQ(Tensor::empty(DType::kFloat32, {-1, 3}).nbytes(), 0u);
}

TEST(Tensor, ViewAndClone) {
  float buf[4] = {1, 2, 3, 4};
  Tensor v = Tensor::view(DType::kFloat32, {2, 2}, buf);
  EXPECT_EQ(v.data(), buf);
  Tensor c = v.clone();
  EXPECT_NE(c.data(), buf);
  buf[0] = 100;
  EXPECT_EQ(c.data_as<float>()[0], 1.0f);
  EXPECT_EQ(v.data_as<float>()[0], 100.0f);
  EXPECT_EQ(c.shape(), (Shape{2, 2}));
}

TEST(Tensor, AdoptReleasesOnceWhenTheLastCopyGoes) {
  int released = 0;
  int64_t data[2] = {5, 6};
  {
    Tensor a = Tensor::adopt(DType::kInt64, {2}, data, [&] { ++released; });
    {
      Tensor b = a;
      Tensor c = std::move(b);
      EXPECT_EQ(c.data_as<int64_t>()[1], 6);
    }
    EXPECT_EQ(released, 0);
  }
  EXPECT_EQ(released, 1);
}

TEST(NamedTensors, KeepsInsertionOrderAndReplacesInPlace) {
  NamedTensors nt;
  nt.set("b", Tensor::empty(DType::kFloat32, {1}));
  nt.set("a", Tensor::empty(DType::kFloat32, {2}));
  nt.set("c", Tensor::empty(DType::kFloat32, {3}));
  nt.set("a", Tensor::empty(DType::kInt8, {4}));
  EXPECT_EQ(nt.names(), (std::vector<std::string>{"b", "a", "c"}));
  ASSERT_NE(nt.find("a"), nullptr);
  EXPECT_EQ(nt.find("a")->dtype(), DType::kInt8);
  EXPECT_EQ(nt[1].first, "a");
  EXPECT_FALSE(nt.contains("z"));
  EXPECT_EQ(nt.size(), 3u);
}

TEST(Status, ContextAndCodeNames) {
  Status s = not_found("no such file");
  Status c = s.with_context("read 'x.npy'");
  EXPECT_EQ(c.code(), Code::kNotFound);
  EXPECT_EQ(c.message(), "read 'x.npy': no such file");
  EXPECT_TRUE(Status().with_context("ignored").ok());
  EXPECT_EQ(code_name(Code::kInvalidArgument), "invalid argument");
  EXPECT_EQ(code_name(Code::kUnavailable), "unavailable");
  Result<int> r = unimplemented("x");
  EXPECT_FALSE(r.ok());
  Result<int> v = 3;
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.status().ok());
}

TEST(Status, ValueOfAnErrorThrowsWithItsMessage) {
  Result<int> r = not_found("work dir 'w' has no deploy.json");
  try {
    (void)r.value();
    FAIL() << "value() of an error returned";
  } catch (const BadResultAccess& e) {
    EXPECT_NE(std::string(e.what()).find("work dir 'w' has no deploy.json"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    EXPECT_EQ(e.status().code(), Code::kNotFound);
  }
  const Result<std::string> c = invalid_argument("bad");
  EXPECT_THROW((void)*c, BadResultAccess);
  EXPECT_THROW((void)std::move(r).value(), std::logic_error);
}

}  // namespace
}  // namespace nnport
