// Every config shipped in configs/ loads, and the MMDeploy-named ones say
// what MMDeploy's say.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "nnport/config.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

std::string configs_dir() { return std::string(NNPORT_SOURCE_DIR) + "/configs"; }

Config load_ok(const std::string& rel) {
  auto r = load_config(configs_dir() + "/" + rel);
  EXPECT_TRUE(r.ok()) << rel << ": " << r.status().message();
  return r.ok() ? *r : Config();
}

TEST(ShippedConfigs, EveryConfigLoads) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(configs_dir())) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() &&
        (ext == ".py" || ext == ".json" || ext == ".yaml" || ext == ".yml")) {
      files.push_back(e.path().string());
    }
  }
  EXPECT_GE(files.size(), 10u) << "configs/ looks incomplete";
  for (const auto& f : files) {
    auto r = load_config(f);
    EXPECT_TRUE(r.ok()) << f << ": " << r.status().message();
    if (!r.ok()) continue;
    EXPECT_FALSE(r->contains("_base_")) << f;
    // A config with a backend_config must name its backend.
    if (r->contains("backend_config")) {
      EXPECT_TRUE(get_backend_name(*r).ok()) << f;
    }
  }
}

TEST(ShippedConfigs, OnnxBaseMatchesMmdeploy) {
  const Config c = load_ok("_base_/onnx_config.py");
  EXPECT_EQ(c.dump(), Config::parse(R"({"onnx_config": {"type": "onnx", "export_params": true,
      "keep_initializers_as_inputs": false, "opset_version": 11, "save_file": "end2end.onnx",
      "input_names": ["input"], "output_names": ["output"], "input_shape": null, "optimize": true}})")
                          .dump());
}

TEST(ShippedConfigs, ClassificationOnnxRuntime) {
  const Config st = load_ok("classification/classification_onnxruntime_static.py");
  EXPECT_EQ(get_backend_name(st).value(), "onnxruntime");
  EXPECT_EQ(get_task(st), "Classification");
  EXPECT_EQ(get_codebase_config(st)["type"], "mmpretrain");
  EXPECT_FALSE(is_dynamic_shape(st));
  EXPECT_EQ(get_onnx_config(st)["opset_version"], 11);
  EXPECT_TRUE(get_onnx_config(st)["input_shape"].is_null());

  const Config dy = load_ok("classification/classification_onnxruntime_dynamic.py");
  EXPECT_EQ(get_backend_name(dy).value(), "onnxruntime");
  EXPECT_TRUE(is_dynamic_shape(dy));
  EXPECT_EQ(get_onnx_config(dy)["dynamic_axes"].dump(),
            R"({"input":{"0":"batch"},"output":{"0":"batch"}})");
  EXPECT_EQ(get_onnx_config(dy)["save_file"], "end2end.onnx");
  EXPECT_EQ(get_dynamic_axes(dy).value().dump(),
            R"({"input":{"0":"batch"},"output":{"0":"batch"}})");
}

TEST(ShippedConfigs, GenericWorksForAnyModel) {
  const Config st = load_ok("generic/generic_onnxruntime_static.py");
  EXPECT_EQ(get_task(st), "Generic");
  EXPECT_EQ(get_backend_name(st).value(), "onnxruntime");
  EXPECT_TRUE(get_onnx_config(st)["input_names"].is_null());
  EXPECT_TRUE(get_onnx_config(st)["output_names"].is_null());
  EXPECT_FALSE(is_dynamic_shape(st));

  const Config dy = load_ok("generic/generic_onnxruntime_dynamic.py");
  EXPECT_TRUE(is_dynamic_shape(dy));
  // The list form pairs with the model's names, given by the caller.
  EXPECT_FALSE(get_dynamic_axes(dy).ok());
  EXPECT_EQ(get_dynamic_axes(dy, {"x", "y"}).value().dump(), R"({"x":{"0":"batch"}})");
}

TEST(Accessors, MissingPiecesAreEmptyOrErrors) {
  const Config empty = Config::object();
  EXPECT_FALSE(get_backend_name(empty).ok());
  EXPECT_NE(get_backend_name(empty).status().message().find("no backend_config"),
            std::string::npos);
  EXPECT_FALSE(get_backend_name(Config::parse(R"({"backend_config": {"type": 3}})")).ok());
  EXPECT_EQ(get_task(empty), "");
  EXPECT_TRUE(get_onnx_config(empty).empty());
  EXPECT_TRUE(get_model_inputs(empty).is_array());
  EXPECT_FALSE(is_dynamic_shape(empty));
  EXPECT_TRUE(is_dynamic_shape(Config::parse(R"({"backend_config": {"type": "torchscript"}})")));
  const Config ir =
      Config::parse(R"({"ir_config": {"dynamic_axes": {"a": {"0": "b"}}}, "onnx_config": {}})");
  EXPECT_EQ(get_dynamic_axes(ir).value().dump(), R"({"a":{"0":"b"}})");
  EXPECT_FALSE(get_dynamic_axes(Config::parse(R"({"onnx_config": {"dynamic_axes": 3}})")).ok());
}

}  // namespace
}  // namespace nnport
