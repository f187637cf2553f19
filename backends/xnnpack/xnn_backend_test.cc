// The xnnpack backend against ONNX Runtime (both through nnport) on the
// test models, at batch 1 and, for dynamic-batch models, batch 4; the
// Concat refusal; check_model's per-node verdicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "nnport/plugin.h"
#include "xnn_test_util.h"

namespace nnport {
namespace {

constexpr double kMaxAbs = 1e-4;  // the issue's bounds vs ONNX Runtime
constexpr double kMaxRel = 1e-3;
constexpr const char* kOneThread = "\"num_threads\": 1";  // the test machine is shared

TEST(XnnBackend, IsAvailableWithVersion) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  std::string why;
  EXPECT_TRUE(xnn->is_available(false, &why)) << why;
  auto version = xnn->version();
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_NE(version->find("2022-02-16"), std::string::npos) << *version;
  EXPECT_FALSE(xnn->is_available(true, &why));
}

struct Case {
  const char* model;  // tests/models/out/<model>, or testdata/<model>.onnx when in_testdata
  std::vector<int64_t> batches;
  bool in_testdata = false;
};

class XnnModel : public ::testing::TestWithParam<Case> {};

// Runs the converted model and the ONNX model under ONNX Runtime on the
// same inputs and compares every output.
TEST_P(XnnModel, MatchesOnnxRuntime) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  BACKEND_TEST_REQUIRE(ort, "onnxruntime");
  const Case& c = GetParam();
  const std::string onnx = c.in_testdata ? xnn_test::testdata(std::string(c.model) + ".onnx")
                                         : backend_test::model_file(c.model);
  if (onnx.empty())
    GTEST_SKIP() << "test model '" << c.model << "' not found; run tests/models/export.py";
  auto files = xnn_test::convert(onnx, backend_test::backend_config("xnnpack", kOneThread));
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 1u);
  auto xw = xnn->build_wrapper(*files, "cpu", {}, {},
                               backend_test::backend_config("xnnpack", kOneThread));
  ASSERT_TRUE(xw.ok()) << xw.status().message();
  auto ow = ort->build_wrapper({onnx});
  ASSERT_TRUE(ow.ok()) << ow.status().message();
  EXPECT_EQ(xw->output_names(), ow->output_names());

  for (int64_t batch : c.batches) {
    NamedTensors inputs;
    for (const auto& info : xw->input_infos()) {
      Tensor sample;
      if (c.in_testdata) {
        Shape shape = info.dims;
        shape[0] = 1;
        sample = Tensor::empty(DType::kFloat32, shape);
        auto* f = static_cast<float*>(sample.data());
        for (int64_t i = 0; i < sample.numel(); ++i) f[i] = float((i * 37) % 101) / 25.0f - 2.0f;
      } else {
        sample = backend_test::read_npy_or_throw(backend_test::models_dir() + "/" + c.model +
                                                 "/inputs/" + info.name + ".npy");
      }
      inputs.set(info.name, backend_test::tile_batch(sample, batch));
    }
    auto got = xw->forward(inputs);
    ASSERT_TRUE(got.ok()) << "batch " << batch << ": " << got.status().message();
    auto want = ow->forward(inputs);
    ASSERT_TRUE(want.ok()) << want.status().message();
    ASSERT_EQ(got->names(), want->names());
    for (size_t i = 0; i < got->size(); ++i) {
      const auto e = backend_test::compare((*got)[i].second, (*want)[i].second);
      std::printf("[ errors   ] %s batch %lld output %s: max abs %.3g, max rel %.3g\n", c.model,
                  static_cast<long long>(batch), (*got)[i].first.c_str(), e.max_abs, e.max_rel);
      EXPECT_LE(e.max_abs, kMaxAbs) << c.model << " batch " << batch << " " << (*got)[i].first;
      EXPECT_LE(e.max_rel, kMaxRel) << c.model << " batch " << batch << " " << (*got)[i].first;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, XnnModel,
                         ::testing::Values(Case{"resnet18", {1}}, Case{"mobilenet_v2", {1, 4, 1}},
                                           Case{"efficientnet_b0", {1, 4}}, Case{"tiny_mlp", {1}},
                                           Case{"ops_mix", {1, 3}, true},
                                           Case{"flatten_fc", {1, 2}, true},
                                           Case{"seq_ops", {1, 3}, true}),
                         [](const auto& info) { return std::string(info.param.model); });

TEST(XnnBackend, SqueezenetConcatIsAClearConversionError) {
  const std::string onnx = backend_test::model_file("squeezenet1_1");
  if (onnx.empty()) GTEST_SKIP() << "squeezenet1_1 not exported";
  auto files = xnn_test::convert(onnx);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Code::kUnimplemented);
  const std::string& msg = files.status().message();
  EXPECT_NE(msg.find("(Concat)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("node #"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no Concat operator"), std::string::npos) << msg;
}

// check_model through BackendManager (the plugin's optional ABI member).
struct Verdict {
  std::string name, op, reason;
  bool supported;
};

std::vector<Verdict> check_model(const std::string& onnx, std::string* err) {
  std::string why;
  const BackendManager* xnn = backend_test::backend("xnnpack", &why);
  if (xnn == nullptr) {
    *err = why;
    return {};
  }
  auto nodes = xnn->check_model(onnx);
  if (!nodes.ok() || !nodes->has_value()) {
    *err = nodes.ok() ? "no check_model" : nodes.status().message();
    return {};
  }
  std::vector<Verdict> out;
  for (const NodeSupport& n : **nodes)
    out.push_back({n.node_name, n.op_type, n.reason, n.supported});
  return out;
}

TEST(XnnBackend, CheckModelGivesOneVerdictPerNode) {
  const std::string onnx = backend_test::model_file("squeezenet1_1");
  if (onnx.empty()) GTEST_SKIP() << "squeezenet1_1 not exported";
  std::string err;
  const auto verdicts = check_model(onnx, &err);
  ASSERT_TRUE(err.empty()) << err;
  ASSERT_FALSE(verdicts.empty());
  int concats = 0;
  for (const auto& v : verdicts) {
    if (v.op == "Concat") {
      ++concats;
      EXPECT_FALSE(v.supported);
      EXPECT_NE(v.reason.find("no Concat operator"), std::string::npos) << v.reason;
    } else {
      EXPECT_TRUE(v.supported) << v.name << " (" << v.op << "): " << v.reason;
    }
  }
  EXPECT_GT(concats, 0);

  for (const char* name : {"resnet18", "mobilenet_v2", "efficientnet_b0"}) {
    const std::string file = backend_test::model_file(name);
    if (file.empty()) continue;
    for (const auto& v : check_model(file, &err)) {
      EXPECT_TRUE(v.supported) << name << ": " << v.name << " (" << v.op << "): " << v.reason;
    }
    EXPECT_TRUE(err.empty()) << err;
  }

  const auto dil = check_model(xnn_test::testdata("bad_dilations.onnx"), &err);
  ASSERT_EQ(dil.size(), 1u) << err;
  EXPECT_FALSE(dil[0].supported);
  EXPECT_NE(dil[0].reason.find("dilations"), std::string::npos) << dil[0].reason;
}

// Not a check: prints the median forward() time of the converted model.
// Run with --gtest_also_run_disabled_tests --gtest_filter='*Latency*'.
TEST(XnnBackend, DISABLED_Latency) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  for (const char* name : {"resnet18", "mobilenet_v2", "efficientnet_b0"}) {
    const std::string onnx = backend_test::model_file(name);
    if (onnx.empty()) continue;
    auto files = xnn_test::convert(onnx);
    ASSERT_TRUE(files.ok()) << files.status().message();
    for (int threads : {1, 2}) {
      const std::string cfg =
          backend_test::backend_config("xnnpack", "\"num_threads\": " + std::to_string(threads));
      auto w = xnn->build_wrapper(*files, "cpu", {}, {}, cfg);
      ASSERT_TRUE(w.ok()) << w.status().message();
      NamedTensors inputs;
      inputs.set("input", backend_test::tile_batch(
                              backend_test::read_npy_or_throw(backend_test::models_dir() + "/" +
                                                              name + "/inputs/input.npy"),
                              1));
      std::vector<double> ms;
      for (int i = 0; i < 30; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_TRUE(w->forward(inputs).ok());
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
      std::sort(ms.begin(), ms.end());
      std::printf("[ latency  ] %s batch 1, %d thread(s): median %.2f ms, min %.2f ms\n", name,
                  threads, ms[ms.size() / 2], ms[0]);
    }
  }
}

// The runtime cache keeps 4 batch sizes: cycling through 6 evicts the
// least recently used, and a batch seen again is rebuilt with equal results.
TEST(XnnBackend, BatchCacheEvictsAndRebuilds) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  auto files = xnn_test::convert(xnn_test::testdata("ops_mix.onnx"));
  ASSERT_TRUE(files.ok()) << files.status().message();
  auto wrapper = xnn->build_wrapper(*files);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  Tensor one = Tensor::empty(DType::kFloat32, Shape{1, 4, 9, 9});
  for (int64_t i = 0; i < one.numel(); ++i)
    static_cast<float*>(one.data())[i] = float((i * 37) % 101) / 25.0f - 2.0f;
  std::vector<std::vector<float>> first(7);
  for (const int64_t batch : {1, 2, 3, 4, 5, 6, 1, 2, 6}) {
    NamedTensors in;
    in.set("x", backend_test::tile_batch(one, batch));
    auto out = wrapper->forward(in);
    ASSERT_TRUE(out.ok()) << "batch " << batch << ": " << out.status().message();
    const Tensor& prob = (*out)[0].second;
    ASSERT_EQ(prob.shape(), (Shape{batch, 5}));
    const std::vector<float> got(prob.data_as<float>(), prob.data_as<float>() + prob.numel());
    if (first[size_t(batch)].empty()) {
      first[size_t(batch)] = got;
    } else {
      EXPECT_EQ(got, first[size_t(batch)]) << "batch " << batch << " after eviction";
    }
  }
}

}  // namespace
}  // namespace nnport
