#include <gtest/gtest.h>

#include <cstring>

#include "nnport/apis.h"

namespace nnport {
namespace {

TensorInfo info(std::string name, DType dtype, Shape dims,
                std::vector<std::string> dim_names = {}) {
  return {std::move(name), dtype, std::move(dims), std::move(dim_names)};
}

TEST(MakeInputs, ShapesRangesAndSeeds) {
  std::vector<TensorInfo> infos = {info("x", DType::kFloat32, {2, 3}),
                                   info("ids", DType::kInt64, {4}),
                                   info("mask", DType::kBool, {5})};
  auto a = make_inputs(infos, {}, {}, 0);
  ASSERT_TRUE(a.ok()) << a.status().message();
  const Tensor* x = a->find("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->shape(), (Shape{2, 3}));
  for (int i = 0; i < 6; ++i) {
    EXPECT_GE(x->data_as<float>()[i], -1.0f);
    EXPECT_LT(x->data_as<float>()[i], 1.0f);
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_GE(a->find("ids")->data_as<int64_t>()[i], 0);
    EXPECT_LE(a->find("ids")->data_as<int64_t>()[i], 9);
  }
  for (int i = 0; i < 5; ++i) EXPECT_LE(a->find("mask")->data_as<uint8_t>()[i], 1);

  auto same = make_inputs(infos, {}, {}, 0);
  auto other = make_inputs(infos, {}, {}, 1);
  ASSERT_TRUE(same.ok() && other.ok());
  EXPECT_EQ(0, std::memcmp(x->data(), same->find("x")->data(), x->nbytes()));
  EXPECT_NE(0, std::memcmp(x->data(), other->find("x")->data(), x->nbytes()));
}

TEST(MakeInputs, GivenTensorsAreKept) {
  NamedTensors given;
  Tensor t = Tensor::empty(DType::kFloat32, {7});
  given.set("x", t);
  auto r = make_inputs({info("x", DType::kFloat32, {-1})}, given, {}, 0);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->find("x")->data(), t.data());
}

TEST(MakeInputs, DynamicDimsNeedShapes) {
  std::vector<TensorInfo> infos = {
      info("input", DType::kFloat32, {-1, 3, 8, 8}, {"batch", "", "", ""})};
  auto missing = make_inputs(infos, {}, {}, 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'input'"), std::string::npos);
  EXPECT_NE(missing.status().message().find("batch"), std::string::npos);
  EXPECT_NE(missing.status().message().find("--shape input=1x3x8x8"), std::string::npos);

  auto ok = make_inputs(infos, {}, {{"input", {2, 3, 8, 8}}}, 0);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->find("input")->shape(), (Shape{2, 3, 8, 8}));
}

TEST(MakeInputs, BadShapesAreErrors) {
  std::vector<TensorInfo> infos = {info("input", DType::kFloat32, {-1, 3})};
  struct Case {
    std::map<std::string, Shape> shapes;
    const char* expect;
  };
  for (const Case& c : {Case{{{"nope", {1, 3}}}, "'nope'"}, Case{{{"input", {1, 3, 1}}}, "rank"},
                        Case{{{"input", {1, 4}}}, "fixed to 3"}}) {
    auto r = make_inputs(infos, {}, c.shapes, 0);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

TEST(MakeInputs, UnknownNamesComeFirstWithSuggestion) {
  // Two inputs, one dynamic and lacking a shape: the typo is still the error.
  std::vector<TensorInfo> infos = {info("image", DType::kFloat32, {-1, 3}),
                                   info("scale", DType::kFloat32, {1})};
  NamedTensors given;
  given.set("scal", Tensor::empty(DType::kFloat32, {1}));
  auto r = make_inputs(infos, given, {}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown input 'scal'; the model's inputs are image, scale"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("did you mean 'scale'?"), std::string::npos);

  auto shape = make_inputs(infos, {}, {{"imag", {1, 3}}}, 0);
  ASSERT_FALSE(shape.ok());
  EXPECT_NE(shape.status().message().find("unknown input 'imag'"), std::string::npos);
  EXPECT_NE(shape.status().message().find("did you mean 'image'?"), std::string::npos);

  NamedTensors both;
  both.set("scale", Tensor::empty(DType::kFloat32, {1}));
  auto twice = make_inputs(infos, both, {{"scale", {1}}, {"image", {1, 3}}}, 0);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("'scale'"), std::string::npos);
}

TEST(MakeInputs, TooBigForMemorySaysHowBig) {
  std::vector<TensorInfo> infos = {info("x", DType::kFloat32, {-1, 3, 224, 224})};
  auto big = make_inputs(infos, {}, {{"x", {100000000, 3, 224, 224}}}, 0);  // 60 TB
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("input 'x' of shape [100000000, 3, 224, 224] float32 "
                                        "needs 60211.2 GB"),
            std::string::npos)
      << big.status().message();
  // Past 2^64 bytes: checked, not wrapped around to a small size.
  auto wraps =
      make_inputs({info("x", DType::kFloat32, {-1, -1})}, {}, {{"x", {int64_t{1} << 62, 8}}}, 0);
  ASSERT_FALSE(wraps.ok());
  EXPECT_NE(wraps.status().message().find("needs"), std::string::npos) << wraps.status().message();
}

}  // namespace
}  // namespace nnport
