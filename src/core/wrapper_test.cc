// Manager and wrapper behaviour through the testecho plugin.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core_test_util.h"
#include "nnport/registry.h"

namespace nnport {
namespace {

using testing_util::TempDir;
using testing_util::test_plugin;

class WrapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = registry_.load_plugin(test_plugin("testecho"));
    ASSERT_TRUE(m.ok()) << m.status().message();
    echo_ = *m;
    model_ = dir_ / "model.echo";
    std::ofstream(model_) << "ok\n";
  }

  Wrapper build(const std::vector<std::string>& output_names = {}) {
    auto w = echo_->build_wrapper({model_}, "cpu", {}, output_names);
    EXPECT_TRUE(w.ok()) << w.status().message();
    return std::move(w).value();
  }

  // x: [batch, 3] float32 with values 1..; n: [1] int64.
  NamedTensors good_inputs(int64_t batch = 2) {
    Tensor x = Tensor::empty(DType::kFloat32, {batch, 3});
    for (int64_t i = 0; i < batch * 3; ++i) x.data_as<float>()[i] = static_cast<float>(i + 1);
    Tensor n = Tensor::empty(DType::kInt64, {1});
    n.data_as<int64_t>()[0] = 7;
    NamedTensors in;
    in.set("x", x);
    in.set("n", n);
    return in;
  }

  Registry registry_{false};
  const BackendManager* echo_ = nullptr;
  TempDir dir_;
  std::string model_;
};

TEST_F(WrapperTest, InfosComeFromThePlugin) {
  Wrapper w = build();
  EXPECT_EQ(w.backend_name(), "testecho");
  EXPECT_EQ(w.backend_file_count(), 1u);
  ASSERT_EQ(w.input_infos().size(), 2u);
  const TensorInfo& x = w.input_infos()[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.dtype, DType::kFloat32);
  EXPECT_EQ(x.dims, (Shape{-1, 3}));
  EXPECT_EQ(x.dim_names, (std::vector<std::string>{"batch", ""}));
  EXPECT_TRUE(w.input_infos()[1].dim_names.empty());
  EXPECT_EQ(w.output_names(), (std::vector<std::string>{"doubled", "count"}));
}

TEST_F(WrapperTest, ForwardComputesAndKeepsThePluginsOrder) {
  Wrapper w = build();
  auto out = w.forward(good_inputs());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->names(), (std::vector<std::string>{"doubled", "count"}));
  const Tensor* d = out->find("doubled");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->dtype(), DType::kFloat32);
  EXPECT_EQ(d->shape(), (Shape{2, 3}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(d->data_as<float>()[i], 2.0f * (i + 1));
  const Tensor* c = out->find("count");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->data_as<int64_t>()[0], 1);  // one set_inputs so far
  // The count output has no release: the host copied it, so a later call
  // does not change what we hold.
  auto out2 = w.forward(good_inputs(1));
  ASSERT_TRUE(out2.ok());
  EXPECT_EQ(out2->find("doubled")->shape(), (Shape{1, 3}));
  EXPECT_EQ(out2->find("count")->data_as<int64_t>()[0], 2);
  EXPECT_EQ(c->data_as<int64_t>()[0], 1);
  auto empty = w.forward(good_inputs(0));
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->find("doubled")->shape(), (Shape{0, 3}));
}

TEST_F(WrapperTest, OutputNamesChooseTheOrder) {
  Wrapper w = build({"count", "doubled"});
  EXPECT_EQ(w.output_names(), (std::vector<std::string>{"count", "doubled"}));
  auto out = w.forward(good_inputs());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->names(), (std::vector<std::string>{"count", "doubled"}));
  auto bad = echo_->build_wrapper({model_}, "cpu", {}, {"nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "testecho: build_wrapper failed: no output named 'nope'");
}

TEST_F(WrapperTest, StepsByHand) {
  Wrapper w = build();
  NamedTensors in = good_inputs();
  ASSERT_TRUE(w.check_inputs(in).ok());
  ASSERT_TRUE(w.set_inputs(in).ok());
  ASSERT_TRUE(w.execute().ok());
  auto out = w.get_outputs();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find("doubled")->data_as<float>()[5], 12.0f);
}

TEST_F(WrapperTest, BadInputsNeverReachThePlugin) {
  Wrapper w = build();
  struct Case {
    const char* what;
    std::function<void(NamedTensors&)> edit;
    std::vector<std::string> says;
  };
  const Case cases[] = {
      {"missing",
       [](NamedTensors& in) {
         NamedTensors only;
         only.set("x", *in.find("x"));
         in = only;
       },
       {"missing input 'n' (int64, 1)"}},
      {"unknown",
       [](NamedTensors& in) { in.set("z", Tensor::empty(DType::kFloat32, {1})); },
       {"unknown input 'z'", "the model's inputs are: 'x' (float32, -1x3), 'n' (int64, 1)"}},
      {"dtype",
       [](NamedTensors& in) {
         in.set("x", Tensor::empty(DType::kFloat64, {2, 3}));
       },
       {"input 'x': element type float64 given, the model expects float32"}},
      {"rank",
       [](NamedTensors& in) { in.set("x", Tensor::empty(DType::kFloat32, {6})); },
       {"input 'x': rank 1 given (shape 6), the model expects rank 2 (-1x3)"}},
      {"static dim",
       [](NamedTensors& in) {
         in.set("x", Tensor::empty(DType::kFloat32, {2, 4}));
       },
       {"input 'x': dim 1 is 4, the model expects 3"}},
      {"static dim of n",
       [](NamedTensors& in) { in.set("n", Tensor::empty(DType::kInt64, {2})); },
       {"input 'n': dim 0 is 2, the model expects 1"}},
      {"no data",
       [](NamedTensors& in) {
         in.set("x", Tensor::view(DType::kFloat32, {1, 3}, nullptr));
       },
       {"input 'x' has no data"}},
      {"two problems",
       [](NamedTensors& in) {
         in.set("x", Tensor::empty(DType::kInt8, {2, 3}));
         in.set("n", Tensor::empty(DType::kInt64, {1, 1}));
       },
       {"element type int8", "; input 'n': rank 2 given"}},
  };
  for (const Case& c : cases) {
    NamedTensors in = good_inputs();
    c.edit(in);
    Status check = w.check_inputs(in);
    ASSERT_FALSE(check.ok()) << c.what;
    EXPECT_EQ(check.code(), Code::kInvalidArgument) << c.what;
    EXPECT_HAS(check.message(), "testecho: bad inputs: ");
    for (const auto& s : c.says) EXPECT_HAS(check.message(), s);
    auto out = w.forward(in);
    ASSERT_FALSE(out.ok()) << c.what;
    EXPECT_EQ(out.status().message(), check.message());
    EXPECT_FALSE(w.set_inputs(in).ok());
  }
  // None of those reached set_inputs: the first good call is the first one.
  auto out = w.forward(good_inputs());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find("count")->data_as<int64_t>()[0], 1);
}

// 5,000 stray names: the first 20 problems are told, the rest counted, the
// model's inputs listed once (not once per stray name).
TEST_F(WrapperTest, ManyBadInputsMakeABoundedMessage) {
  Wrapper w = build();
  NamedTensors in = good_inputs();
  for (int i = 0; i < 5000; ++i)
    in.set("stray" + std::to_string(i), Tensor::empty(DType::kFloat32, {1}));
  Status check = w.check_inputs(in);
  ASSERT_FALSE(check.ok());
  const std::string& m = check.message();
  auto count = [&m](const std::string& s) {
    size_t n = 0;
    for (size_t at = m.find(s); at != std::string::npos; at = m.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("unknown input '"), 20u) << m;
  EXPECT_HAS(m, "unknown input 'stray0'; ");
  EXPECT_HAS(m,
             "unknown input 'stray19'; and 4980 more problems; the model's inputs are: "
             "'x' (float32, -1x3), 'n' (int64, 1)");
  EXPECT_EQ(count("the model's inputs are"), 1u);
  EXPECT_LT(m.size(), 2000u);
}

TEST_F(WrapperTest, PluginErrorsArePrefixedAndKeepTheirCode) {
  Wrapper w = build();
  NamedTensors in = good_inputs();
  in.find("x")->data_as<float>()[1] = NAN;
  auto out = w.forward(in);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInternal);
  EXPECT_EQ(out.status().message(), "testecho: execute failed: NaN at element 1");

  std::string broken = dir_ / "broken.echo";
  std::ofstream(broken) << "fail-build\n";
  auto b = echo_->build_wrapper({broken});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kInternal);
  EXPECT_EQ(b.status().message(), "testecho: build_wrapper failed: model is broken");
  auto missing = echo_->build_wrapper({dir_ / "missing.echo"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  auto count = echo_->build_wrapper({model_, model_});
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().code(), Code::kInvalidArgument);
  EXPECT_HAS(count.status().message(), "takes 1 backend file(s), 2 given");
}

TEST_F(WrapperTest, ToBackendWritesIntoTheWorkDir) {
  TempDir work;
  auto files =
      echo_->to_backend({"/models/end2end.onnx"}, work.str(), "{}", NNPORT_LOG_INFO, "cpu");
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0], work / "end2end.echo");
  std::ifstream in((*files)[0]);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "/models/end2end.onnx");

  auto fail = echo_->to_backend({"a.onnx"}, work.str(), R"({"fail": 1})");
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.status().code(), Code::kUnimplemented);
  EXPECT_EQ(fail.status().message(),
            "testecho: convert failed: node 'Conv_12' (Conv): group=3 unsupported");
  auto no_dir = echo_->to_backend({"a.onnx"}, work / "nope", "{}");
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.status().code(), Code::kNotFound);
  EXPECT_HAS(no_dir.status().message(), "nope");
  auto no_files = echo_->to_backend({}, work.str(), "{}");
  EXPECT_EQ(no_files.status().code(), Code::kInvalidArgument);
}

TEST(WrapperLifetime, OutputsOutliveWrapperAndRegistry) {
  NamedTensors kept;
  {
    Registry r(false);
    auto m = r.load_plugin(test_plugin("testecho"));
    ASSERT_TRUE(m.ok());
    TempDir dir;
    std::ofstream(dir / "m.echo") << "ok\n";
    auto w = (*m)->build_wrapper({dir / "m.echo"});
    ASSERT_TRUE(w.ok());
    Tensor x = Tensor::empty(DType::kFloat32, {1, 3});
    x.data_as<float>()[2] = 4.5f;
    NamedTensors in;
    in.set("n", Tensor::empty(DType::kInt64, {1}));
    in.set("x", x);  // order of the given inputs does not matter
    auto out = w->forward(in);
    ASSERT_TRUE(out.ok()) << out.status().message();
    kept = *out;
    Wrapper moved = std::move(*w);
    auto again = w->forward(in);
    ASSERT_FALSE(again.ok());
    EXPECT_HAS(again.status().message(), "moved from");
    EXPECT_TRUE(moved.forward(in).ok());
  }
  // The plugin library stays loaded while its tensors live.
  EXPECT_EQ(kept.find("doubled")->data_as<float>()[2], 9.0f);
}

// check_model crosses the ABI: verdicts in order, errors with the plugin's text.
TEST_F(WrapperTest, CheckModelReportsEachNode) {
  const std::string model = dir_ / "graph.txt";
  std::ofstream(model) << "Double a\nConv b\nDouble c\n";
  ASSERT_TRUE(echo_->has_check_model());
  auto verdicts = echo_->check_model(model);
  ASSERT_TRUE(verdicts.ok()) << verdicts.status().message();
  ASSERT_TRUE(verdicts->has_value());
  const std::vector<NodeSupport>& nodes = **verdicts;
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[1].index, 1);
  EXPECT_EQ(nodes[1].node_name, "b");
  EXPECT_EQ(nodes[1].op_type, "Conv");
  EXPECT_FALSE(nodes[1].supported);
  EXPECT_EQ(nodes[1].reason, "testecho runs only Double");
  EXPECT_TRUE(nodes[0].supported && nodes[2].supported);
  EXPECT_EQ(nodes[2].index, 2);

  auto missing = echo_->check_model(dir_ / "absent.txt");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("absent.txt"), std::string::npos)
      << missing.status().message();
}

// A plugin built before check_model existed declares a smaller struct: the
// host must not read the member past its end, and says "unknown".
TEST(CheckModel, StructSizeDecidesWhetherTheMemberExists) {
  static int calls = 0;
  nnport_backend b{};
  b.abi_version = NNPORT_PLUGIN_ABI_VERSION;
  b.name = "old";
  b.check_model = [](const char*, const char*, nnport_node_sink*, nnport_sink*) {
    ++calls;
    return static_cast<int>(NNPORT_OK);
  };
  b.struct_size = offsetof(nnport_backend, check_model);
  BackendManager old(&b, "old.so");
  EXPECT_FALSE(old.has_check_model());
  auto unknown = old.check_model("m.onnx");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  EXPECT_EQ(calls, 0);

  b.struct_size = sizeof(nnport_backend);
  BackendManager current(&b, "new.so");
  auto empty = current.check_model("m.onnx");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->has_value());
  EXPECT_EQ(calls, 1);

  b.check_model = nullptr;  // a current plugin that cannot tell
  EXPECT_FALSE(BackendManager(&b, "none.so").has_check_model());
}

}  // namespace
}  // namespace nnport
