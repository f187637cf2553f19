// The onnxruntime backend's config keys, to_backend and its errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nnport/config.h"
#include "ort_test_util.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;
using ort_test::max_abs_diff;
using ort_test::ort_config;

constexpr double kTolerance = 1e-4;

// A fresh, empty folder under the build tree's temp space.
std::string fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("nnport_ort_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

Status run_and_compare(const BackendManager& ort, const std::string& model_name,
                       const std::string& backend_file, const std::string& cfg) {
  const std::string dir = ort_test::model_dir(model_name);
  auto wrapper = ort.build_wrapper({backend_file}, "cpu", {}, {}, cfg);
  if (!wrapper.ok()) return wrapper.status();
  auto outputs = wrapper->forward(ort_test::read_inputs(dir, *wrapper));
  if (!outputs.ok()) return outputs.status();
  for (const auto& [name, tensor] : *outputs) {
    const double d = max_abs_diff(tensor, ort_test::read_output(dir, name));
    if (!(d <= kTolerance)) return internal_error(name + ": max abs diff " + std::to_string(d));
  }
  return {};
}

TEST(OrtConfig, ValidSettingsRunAndMatch) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "transformer_layer");
  for (const std::string fields :
       {"", R"("intra_op_num_threads": 1, "inter_op_num_threads": 1)",
        R"("intra_op_num_threads": 2, "execution_mode": "parallel")",
        R"("graph_optimization_level": "disable", "enable_cpu_mem_arena": false)",
        R"("graph_optimization_level": 1, "enable_mem_pattern": false)",
        R"("session_config": {"session.intra_op.allow_spinning": "0"})"}) {
    const Status s =
        run_and_compare(*ort, "transformer_layer", dir + "/model.onnx", ort_config(fields));
    EXPECT_TRUE(s.ok()) << fields << ": " << s.message();
  }
  // Another backend's config is not ours to read: defaults apply.
  const Status s =
      run_and_compare(*ort, "transformer_layer", dir + "/model.onnx",
                      R"({"backend_config": {"type": "tensorrt", "intra_op_num_threads": -5}})");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(OrtConfig, InvalidValuesAreErrorsNamingTheKey) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  struct Case {
    std::string fields, key;
  };
  for (const Case& c : std::vector<Case>{
           {R"("intra_op_num_threads": -1)", "intra_op_num_threads"},
           {R"("intra_op_num_threads": "two")", "intra_op_num_threads"},
           {R"("intra_op_num_threads": 1.5)", "intra_op_num_threads"},
           {R"("intra_op_num_threads": true)", "intra_op_num_threads"},
           {R"("inter_op_num_threads": 100000)", "inter_op_num_threads"},
           {R"("graph_optimization_level": "fast")", "graph_optimization_level"},
           {R"("graph_optimization_level": 3)", "graph_optimization_level"},
           {R"("execution_mode": "random")", "execution_mode"},
           {R"("enable_mem_pattern": "yes")", "enable_mem_pattern"},
           {R"("optimize_offline": 1)", "optimize_offline"},
           {R"("session_config": [1, 2])", "session_config"},
           {R"("session_config": {"a": {"b": 1}})", "session_config['a']"},
       }) {
    auto wrapper = ort->build_wrapper({dir + "/model.onnx"}, "cpu", {}, {}, ort_config(c.fields));
    ASSERT_FALSE(wrapper.ok()) << c.fields;
    EXPECT_EQ(wrapper.status().code(), Code::kInvalidArgument) << c.fields;
    EXPECT_NE(wrapper.status().message().find("backend_config." + c.key), std::string::npos)
        << wrapper.status().message();
  }
  // A session config entry ORT itself rejects is ORT's error, with context.
  auto wrapper = ort->build_wrapper(
      {dir + "/model.onnx"}, "cpu", {}, {},
      ort_config(R"("session_config": {"session.intra_op.allow_spinning": "maybe"})"));
  if (!wrapper.ok()) {
    EXPECT_NE(wrapper.status().message().find("onnxruntime"), std::string::npos);
  }
  // Not a dict at all.
  auto bad = ort->build_wrapper({dir + "/model.onnx"}, "cpu", {}, {}, R"({"backend_config": 3})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(OrtConfig, ToBackendReturnsTheOnnxFileByDefault) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string work = fresh_dir("plain");
  auto files = ort->to_backend({dir + "/model.onnx"}, work, ort_config(""));
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, std::vector<std::string>{dir + "/model.onnx"});
  EXPECT_TRUE(fs::is_empty(work));
  fs::remove_all(work);
}

TEST(OrtConfig, ToBackendOptimizesOfflineWhenAsked) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  for (const char* model : {"resnet18", "transformer_layer"}) {
    ORT_TEST_REQUIRE_MODEL(dir, model);
    for (const std::string level : {"extended", "all"}) {
      const std::string work = fresh_dir(std::string("opt_") + model + "_" + level);
      const std::string cfg =
          ort_config(R"("optimize_offline": true, "graph_optimization_level": ")" + level + "\"");
      auto files = ort->to_backend({dir + "/model.onnx"}, work, cfg);
      ASSERT_TRUE(files.ok()) << files.status().message();
      ASSERT_EQ(files->size(), 1u);
      EXPECT_EQ((*files)[0], work + "/model.ort.onnx");
      ASSERT_TRUE(fs::is_regular_file((*files)[0]));
      EXPECT_GT(fs::file_size((*files)[0]), 0u);
      const Status s = run_and_compare(*ort, model, (*files)[0], cfg);
      EXPECT_TRUE(s.ok()) << model << " " << level << ": " << s.message();
      fs::remove_all(work);
    }
  }
}

// The shipped base configs, loaded by nnport's config reader, drive to_backend.
TEST(OrtConfig, ShippedBaseConfigs) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string base = std::string(NNPORT_SOURCE_DIR) + "/configs/_base_/backends/";
  struct Case {
    std::string file;
    bool optimized;
  };
  for (const Case& c :
       std::vector<Case>{{"onnxruntime.py", false}, {"onnxruntime-optimized.py", true}}) {
    auto cfg = load_config(base + c.file);
    ASSERT_TRUE(cfg.ok()) << cfg.status().message();
    const std::string work = fresh_dir("shipped");
    auto files = ort->to_backend({dir + "/model.onnx"}, work, cfg->dump());
    ASSERT_TRUE(files.ok()) << c.file << ": " << files.status().message();
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ((*files)[0], c.optimized ? work + "/model.ort.onnx" : dir + "/model.onnx") << c.file;
    const Status s = run_and_compare(*ort, "tiny_mlp", (*files)[0], cfg->dump());
    EXPECT_TRUE(s.ok()) << c.file << ": " << s.message();
    fs::remove_all(work);
  }
}

TEST(OrtConfig, ToBackendErrors) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string work = fresh_dir("errors");
  const std::string opt = ort_config(R"("optimize_offline": true)");
  struct Case {
    std::vector<std::string> files;
    std::string work_dir, cfg;
    Code code;
  };
  for (const Case& c : std::vector<Case>{
           {{dir + "/model.onnx"},
            work,
            ort_config(R"("precision": "int4")"),
            Code::kUnimplemented},
           {{dir + "/missing.onnx"}, work, opt, Code::kNotFound},
       }) {
    auto files = ort->to_backend(c.files, c.work_dir, c.cfg);
    ASSERT_FALSE(files.ok()) << c.cfg;
    EXPECT_EQ(files.status().code(), c.code) << files.status().message();
    EXPECT_NE(files.status().message().find("onnxruntime"), std::string::npos);
  }
  // A work dir that does not exist (the host may catch it before the plugin).
  auto files = ort->to_backend({dir + "/model.onnx"}, work + "/no/such/dir", opt);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("no/such/dir"), std::string::npos)
      << files.status().message();
  fs::remove_all(work);
}

TEST(OrtConfig, DevicesOtherThanCpuAreCleanErrors) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  struct Case {
    std::string device;
    Code code;
  };
  for (const Case& c : std::vector<Case>{{"vulkan", Code::kUnavailable},
                                         {"cuda:x", Code::kInvalidArgument},
                                         {"", Code::kUnavailable}}) {
    auto wrapper = ort->build_wrapper({dir + "/model.onnx"}, c.device);
    ASSERT_FALSE(wrapper.ok()) << c.device;
    EXPECT_EQ(wrapper.status().code(), c.code) << wrapper.status().message();
    EXPECT_NE(wrapper.status().message().find("'" + c.device + "'"), std::string::npos)
        << wrapper.status().message();
  }
  // CUDA: works only where ONNX Runtime's CUDA provider library and a GPU
  // exist; elsewhere (here) it must be a clean kUnavailable naming 'cpu'.
  auto cuda = ort->build_wrapper({dir + "/model.onnx"}, "cuda:0");
  if (!cuda.ok()) {
    EXPECT_EQ(cuda.status().code(), Code::kUnavailable) << cuda.status().message();
    EXPECT_NE(cuda.status().message().find("'cpu'"), std::string::npos) << cuda.status().message();
  }
}

TEST(OrtConfig, BadModelFilesAreErrors) {
  ORT_TEST_REQUIRE_BACKEND(ort);
  const std::string work = fresh_dir("badfiles");
  std::ofstream(work + "/garbage.onnx") << "this is not a protobuf";
  std::ofstream(work + "/empty.onnx");
  struct Case {
    std::vector<std::string> files;
    Code code;
  };
  for (const Case& c : std::vector<Case>{{{work + "/missing.onnx"}, Code::kNotFound},
                                         {{work + "/garbage.onnx"}, Code::kInvalidArgument},
                                         {{work + "/empty.onnx"}, Code::kInvalidArgument},
                                         {{}, Code::kInvalidArgument}}) {
    auto wrapper = ort->build_wrapper(c.files);
    ASSERT_FALSE(wrapper.ok());
    EXPECT_NE(wrapper.status().code(), Code::kOk);
    if (!c.files.empty()) {
      EXPECT_NE(wrapper.status().message().find(c.files[0]), std::string::npos)
          << wrapper.status().message();
    }
  }
  fs::remove_all(work);
}

}  // namespace
}  // namespace nnport
