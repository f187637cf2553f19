// The onnxruntime backend through nnport's registry and wrapper: every test
// model against PyTorch's outputs, dynamic batch, output order and
// selection, and output ownership.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ort_test_util.h"

namespace nnport {
namespace {

using ort_test::max_abs_diff;

constexpr double kTolerance = 1e-4;  // the issue's bound vs PyTorch

TEST(OrtBackend, IsAvailableWithVersionAndCheckEnv) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  std::string why;
  EXPECT_TRUE(ort->is_available(false, &why)) << why;
  auto version = ort->version();
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->rfind("1.", 0), 0u) << *version;
  const auto lines = ort->check_env();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "onnxruntime:\t" + *version);
  // No custom-op library ships with nnport: honest "no".
  EXPECT_FALSE(ort->is_available(true, &why));
  EXPECT_NE(why.find("custom"), std::string::npos) << why;
}

class OrtModel : public ::testing::TestWithParam<const char*> {};

TEST_P(OrtModel, MatchesPyTorchInTheModelsOutputOrder) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, GetParam());
  auto wrapper = ort->build_wrapper({dir + "/model.onnx"}, "cpu", {}, {}, ort_test::ort_config(""));
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  const auto expected_order = ort_test::manifest_outputs(GetParam());
  EXPECT_EQ(wrapper->output_names(), expected_order);

  const NamedTensors inputs = ort_test::read_inputs(dir, *wrapper);
  for (int run = 0; run < 2; ++run) {  // the second run reuses the bindings
    auto outputs = wrapper->forward(inputs);
    ASSERT_TRUE(outputs.ok()) << outputs.status().message();
    EXPECT_EQ(outputs->names(), expected_order);
    for (const auto& [name, tensor] : *outputs) {
      const Tensor ref = ort_test::read_output(dir, name);
      EXPECT_LE(max_abs_diff(tensor, ref), kTolerance) << GetParam() << " output " << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TestModels, OrtModel,
                         ::testing::Values("resnet18", "mobilenet_v2", "transformer_layer",
                                           "two_in_two_out", "int64_input", "tiny_mlp"));

// mobilenet_v2 was exported with batch 2 and a dynamic batch axis. Batches
// of 1 and 3 are built from its two samples; the reference rows follow.
TEST(OrtBackend, DynamicBatchOneAndThree) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "mobilenet_v2");
  auto wrapper = ort->build_wrapper({dir + "/model.onnx"});
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  const TensorInfo& in_info = wrapper->input_infos().at(0);
  ASSERT_EQ(in_info.dims.size(), 4u);
  EXPECT_LT(in_info.dims[0], 0);  // dynamic
  ASSERT_EQ(in_info.dim_names.size(), 4u);
  EXPECT_EQ(in_info.dim_names[0], "batch");

  const Tensor input = ort_test::read_inputs(dir, *wrapper)[0].second;
  const Tensor ref = ort_test::read_output(dir, "output");
  ASSERT_EQ(input.shape()[0], 2);
  const size_t in_row = input.nbytes() / 2, out_row = ref.nbytes() / 2;
  const auto* in_bytes = static_cast<const unsigned char*>(input.data());
  const auto* ref_bytes = static_cast<const unsigned char*>(ref.data());

  for (const std::vector<int>& rows : {std::vector<int>{1}, std::vector<int>{0, 1, 0}}) {
    const int64_t n = static_cast<int64_t>(rows.size());
    Tensor batch = Tensor::empty(DType::kFloat32, {n, 3, 224, 224});
    Tensor expected = Tensor::empty(DType::kFloat32, {n, ref.shape()[1]});
    for (int64_t i = 0; i < n; ++i) {
      std::memcpy(static_cast<unsigned char*>(batch.data()) + i * in_row,
                  in_bytes + rows[i] * in_row, in_row);
      std::memcpy(static_cast<unsigned char*>(expected.data()) + i * out_row,
                  ref_bytes + rows[i] * out_row, out_row);
    }
    NamedTensors inputs;
    inputs.set("input", batch);
    auto outputs = wrapper->forward(inputs);
    ASSERT_TRUE(outputs.ok()) << "batch " << n << ": " << outputs.status().message();
    EXPECT_LE(max_abs_diff((*outputs)[0].second, expected), kTolerance) << "batch " << n;
  }
}

TEST(OrtBackend, OutputNamesSelectAndReorder) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "two_in_two_out");
  for (const std::vector<std::string>& names :
       {std::vector<std::string>{"prod", "sum"}, std::vector<std::string>{"prod"}}) {
    auto wrapper = ort->build_wrapper({dir + "/model.onnx"}, "cpu", {}, names);
    ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
    EXPECT_EQ(wrapper->output_names(), names);
    auto outputs = wrapper->forward(ort_test::read_inputs(dir, *wrapper));
    ASSERT_TRUE(outputs.ok()) << outputs.status().message();
    ASSERT_EQ(outputs->names(), names);
    for (const auto& [name, tensor] : *outputs) {
      EXPECT_LE(max_abs_diff(tensor, ort_test::read_output(dir, name)), kTolerance) << name;
    }
  }
}

TEST(OrtBackend, UnknownOrRepeatedNamesListTheModels) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "two_in_two_out");
  const std::string model = dir + "/model.onnx";
  struct Case {
    std::vector<std::string> inputs, outputs;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{{{}, {"diff"}, "'sum', 'prod'"},
                                         {{}, {"sum", "sum"}, "twice"},
                                         {{"a", "c"}, {}, "'a', 'b'"},
                                         {{"a"}, {}, "leaves out model input 'b'"}}) {
    auto wrapper = ort->build_wrapper({model}, "cpu", c.inputs, c.outputs);
    ASSERT_FALSE(wrapper.ok());
    EXPECT_EQ(wrapper.status().code(), Code::kInvalidArgument);
    EXPECT_NE(wrapper.status().message().find(c.expect), std::string::npos)
        << wrapper.status().message();
  }
}

// Outputs are ORT's own buffers handed over without a copy: they must stay
// unchanged after the next forward (ORT must not write into them again)
// and after the wrapper is gone.
TEST(OrtBackend, OutputsOutliveTheNextRunAndTheWrapper) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "mobilenet_v2");
  Tensor first;
  std::vector<float> first_values;
  {
    auto wrapper = ort->build_wrapper({dir + "/model.onnx"});
    ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
    const NamedTensors inputs = ort_test::read_inputs(dir, *wrapper);
    auto out1 = wrapper->forward(inputs);
    ASSERT_TRUE(out1.ok()) << out1.status().message();
    first = (*out1)[0].second;
    first_values.assign(first.data_as<float>(), first.data_as<float>() + first.numel());

    // Different values and a different batch size.
    Tensor other = Tensor::empty(DType::kFloat32, {1, 3, 224, 224});
    for (int64_t i = 0; i < other.numel(); ++i) other.data_as<float>()[i] = 0.5f;
    NamedTensors inputs2;
    inputs2.set("input", other);
    auto out2 = wrapper->forward(inputs2);
    ASSERT_TRUE(out2.ok()) << out2.status().message();
    EXPECT_EQ((*out2)[0].second.shape(), (Shape{1, 1000}));
    EXPECT_NE((*out2)[0].second.data(), first.data());
  }
  ASSERT_EQ(first.shape(), (Shape{2, 1000}));
  EXPECT_EQ(std::memcmp(first.data(), first_values.data(), first.nbytes()), 0);
  EXPECT_LE(max_abs_diff(first, ort_test::read_output(dir, "output")), kTolerance);
}

TEST(OrtBackend, WrongElementTypeIsReportedBeforeTheRun) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "int64_input");
  auto wrapper = ort->build_wrapper({dir + "/model.onnx"});
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  NamedTensors inputs;
  inputs.set("ids", Tensor::empty(DType::kFloat32, {1, 10}));
  auto outputs = wrapper->forward(inputs);
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), Code::kInvalidArgument);
  EXPECT_NE(outputs.status().message().find("ids"), std::string::npos)
      << outputs.status().message();
}

// A scratch work dir under the build tree, empty.
std::string fresh_work_dir(const std::string& tag) {
  const auto dir = std::filesystem::path(NNPORT_BINARY_DIR) / "ort_backend_test" / tag;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// `convert --device X` must refuse a device the backend cannot use here at
// to_backend, with the reason, not let build_wrapper fail later. Here (no
// CUDA provider library) 'cuda' is unusable; where it works, to_backend
// succeeds and there is nothing to check.
TEST(OrtBackend, ToBackendRefusesAnUnusableDevice) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string work = fresh_work_dir("device");
  for (const bool offline : {false, true}) {
    const std::string cfg = ort_test::ort_config(offline ? R"("optimize_offline": true)" : "");
    for (const std::string device : {"cuda", "cuda:0"}) {
      auto files = ort->to_backend({dir + "/model.onnx"}, work, cfg, NNPORT_LOG_INFO, device);
      if (files.ok()) continue;  // a machine with ONNX Runtime's CUDA provider
      const std::string& msg = files.status().message();
      EXPECT_EQ(files.status().code(), Code::kUnavailable) << msg;
      EXPECT_NE(
          msg.find("onnxruntime: convert failed: device '" + device + "' is not usable here: "),
          std::string::npos)
          << msg;
      EXPECT_NE(msg.find("use device 'cpu'"), std::string::npos) << msg;
      // The reason, not an engine-internal complaint about ORT's logger.
      EXPECT_EQ(msg.find("DefaultLogger"), std::string::npos) << msg;
      EXPECT_NE(msg.find("CUDA provider"), std::string::npos) << msg;
      EXPECT_TRUE(std::filesystem::is_empty(work)) << "offline=" << offline;
    }
  }
  auto cpu = ort->to_backend({dir + "/model.onnx"}, work, ort_test::ort_config(""), NNPORT_LOG_INFO,
                             "cpu");
  EXPECT_TRUE(cpu.ok()) << cpu.status().message();
  std::filesystem::remove_all(work);
}

TEST(OrtBackend, ToBackendNamesTheAcceptedDeviceForms) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string work = fresh_work_dir("device_forms");
  struct Case {
    std::string device;
    Code code;
  };
  for (const Case& c : std::vector<Case>{{"gpu", Code::kUnavailable},
                                         {"vulkan", Code::kUnavailable},
                                         {"CPU", Code::kUnavailable},
                                         {"", Code::kUnavailable},
                                         {"cuda:x", Code::kInvalidArgument},
                                         {"cuda:", Code::kInvalidArgument},
                                         {"cuda:-1", Code::kInvalidArgument}}) {
    auto files = ort->to_backend({dir + "/model.onnx"}, work, ort_test::ort_config(""),
                                 NNPORT_LOG_INFO, c.device);
    ASSERT_FALSE(files.ok()) << "'" << c.device << "'";
    const std::string& msg = files.status().message();
    EXPECT_EQ(files.status().code(), c.code) << msg;
    EXPECT_NE(msg.find("device '" + c.device + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("accepted: 'cpu', 'cuda' (device 0) or 'cuda:<index>'"), std::string::npos)
        << msg;
  }
  std::filesystem::remove_all(work);
}

// ORT's errors say what the plugin was doing: which file, on which device.
TEST(OrtBackend, EngineErrorsNameTheFileAndDevice) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  const std::string work = fresh_work_dir("engine_errors");
  const std::string bad = work + "/garbage.onnx";
  std::ofstream(bad) << "this is not a protobuf";
  const std::string out = work + "/out";
  std::filesystem::create_directory(out);
  auto files = ort->to_backend({bad}, out, ort_test::ort_config(R"("optimize_offline": true)"),
                               NNPORT_LOG_INFO, "cpu");
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("optimizing '" + bad + "'"), std::string::npos)
      << files.status().message();
  EXPECT_NE(files.status().message().find("on device 'cpu'"), std::string::npos)
      << files.status().message();
  EXPECT_EQ(files.status().message().find("DefaultLogger"), std::string::npos)
      << files.status().message();

  auto wrapper = ort->build_wrapper({bad}, "cpu");
  ASSERT_FALSE(wrapper.ok());
  EXPECT_NE(wrapper.status().message().find("loading model '" + bad + "' on device 'cpu'"),
            std::string::npos)
      << wrapper.status().message();

  auto cuda = ort->build_wrapper({bad}, "cuda");
  ASSERT_FALSE(cuda.ok());
  EXPECT_EQ(cuda.status().message().find("DefaultLogger"), std::string::npos)
      << cuda.status().message();
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace nnport
