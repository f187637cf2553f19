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

}  // namespace
}  // namespace nnport
