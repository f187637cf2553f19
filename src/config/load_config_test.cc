// load_config on the files in testdata/: _base_ inheritance, base
// references, formats and every error the loader can give.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

std::string data(const std::string& rel) {
  return std::string(NNPORT_SOURCE_DIR) + "/src/config/testdata/" + rel;
}

Config load_ok(const std::string& rel, const std::vector<std::string>& options = {}) {
  auto r = load_config(data(rel), options);
  EXPECT_TRUE(r.ok()) << rel << ": " << r.status().message();
  return r.ok() ? *r : Config();
}

// The example from mmengine's docs as MMDeploy uses it: int8 keeps the base's
// max_workspace_size and everything else of backend_config.
TEST(LoadConfig, TensorRtInt8KeepsBaseKeys) {
  const Config c = load_ok("trt/tensorrt-int8.py");
  const Config want = Config::parse(R"({
    "backend_config": {
      "type": "tensorrt",
      "common_config": {"fp16_mode": true, "max_workspace_size": 1073741824, "int8_mode": true},
      "model_inputs": [{"input_shapes": {"input": {"min_shape": [1,3,224,224], "opt_shape": [4,3,224,224],
                                                    "max_shape": [8,3,224,224]}}}]
    },
    "calib_config": {"create_calib": true, "calib_file": "calib_data.h5"}
  })");
  EXPECT_EQ(c.dump(), want.dump());
  EXPECT_FALSE(c.contains("_base_"));
}

TEST(LoadConfig, NestedRelativeBasesInMixedFormats) {
  const Config c = load_ok("nested/deploy/child.py");
  const Config want = Config::parse(R"({
    "onnx_config": {"type": "onnx", "opset_version": 17, "input_names": ["input"],
                    "dynamic_axes": {"input": {"0": "batch"}}},
    "backend_config": {"type": "onnxruntime", "intra_op_num_threads": 2},
    "codebase_config": {"type": "generic", "task": "Generic"}
  })");
  EXPECT_EQ(c.dump(), want.dump());
}

TEST(LoadConfig, BaseReferencesKeepTypesOrSplice) {
  const Config c = load_ok("baseref/child.py");
  EXPECT_EQ(c["shape"].dump(), "[224,224]");
  EXPECT_EQ(c["first"].dump(), "224");
  EXPECT_EQ(c["quoted"].dump(), "11");  // the whole string: the base's int
  EXPECT_EQ(c["save_file"].dump(), "\"model_resnet_11.onnx\"");
  EXPECT_EQ(c["nested"].dump(), R"({"s":["resnet"]})");
  // the base's own keys are merged in too
  EXPECT_EQ(c["name"].dump(), "\"resnet\"");
}

TEST(LoadConfig, DeleteAndListReplaceInFiles) {
  const Config c = load_ok("delete/child.py");
  EXPECT_EQ(c["backend_config"].dump(), R"({"type":"tensorrt","common_config":{"c":3}})");
  EXPECT_EQ(c["x"].dump(), R"({"l":[9],"k":"v"})");
}

TEST(LoadConfig, JsonAndYaml) {
  const Config j = load_ok("formats/cfg.json");
  EXPECT_EQ(j["onnx_config"]["dynamic_axes"].dump(), R"({"input":{"0":"batch"}})");
  EXPECT_EQ(get_backend_name(j).value(), "onnxruntime");

  const Config y = load_ok("formats/cfg.yaml");
  const Config want = Config::parse(R"({
    "onnx_config": {"type": "onnx", "opset_version": 13, "scale": 1e-7, "ratio": 0.5, "hex": 16,
                    "export_params": true, "input_shape": null, "label": "13", "plain": "end2end.onnx",
                    "names": ["input", "output"]},
    "backend_config": {"type": "onnxruntime"},
    "codebase_config": {"type": "generic", "task": "Generic"}
  })");
  EXPECT_EQ(y.dump(), want.dump());
  EXPECT_TRUE(y["onnx_config"]["opset_version"].is_number_integer());
  EXPECT_TRUE(y["onnx_config"]["scale"].is_number_float());

  const Config child = load_ok("formats/child.yml");
  EXPECT_EQ(child["onnx_config"]["opset_version"], 17);
  EXPECT_EQ(child["onnx_config"]["plain"], "end2end.onnx");

  const Config py_over_json = load_ok("formats/child_of_yaml.py");
  EXPECT_EQ(py_over_json["onnx_config"]["dynamic_axes"].dump(), R"({"output":{"0":"batch"}})");
}

TEST(LoadConfig, CfgOptionsApplyAfterMerging) {
  const Config c =
      load_ok("trt/tensorrt-int8.py",
              {"backend_config.common_config.max_workspace_size=1024",
               "backend_config.model_inputs.0.input_shapes.input.max_shape=[16, 3, 224, 224]",
               "calib_config=None"});
  EXPECT_EQ(c["backend_config"]["common_config"]["max_workspace_size"], 1024);
  EXPECT_EQ(c["backend_config"]["common_config"]["int8_mode"], true);
  EXPECT_EQ(c["backend_config"]["model_inputs"][0]["input_shapes"]["input"]["max_shape"].dump(),
            "[16,3,224,224]");
  EXPECT_TRUE(c["calib_config"].is_null());

  auto bad = load_config(data("trt/tensorrt.py"), {"backend_config.type.x=1"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'backend_config.type' is a str, not a dict"),
            std::string::npos);
}

struct LoadErrorCase {
  const char* file;
  Code code;
  std::vector<std::string> parts;  // substrings of the message
};

void PrintTo(const LoadErrorCase& c, std::ostream* os) { *os << c.file; }

class LoadErrorTest : public ::testing::TestWithParam<LoadErrorCase> {};

TEST_P(LoadErrorTest, NamesTheProblem) {
  const LoadErrorCase& c = GetParam();
  auto r = load_config(data(c.file));
  ASSERT_FALSE(r.ok()) << r->dump();
  EXPECT_EQ(r.status().code(), c.code) << r.status().message();
  for (const auto& part : c.parts) {
    EXPECT_NE(r.status().message().find(part), std::string::npos)
        << "want '" << part << "' in: " << r.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, LoadErrorTest,
    ::testing::Values(
        LoadErrorCase{
            "dup/child.py",
            Code::kInvalidArgument,
            {"Duplicate key is not allowed among bases: 'x' in ", "dup/a.py and ", "dup/b.py"}},
        LoadErrorCase{
            "cycle/a.py",
            Code::kInvalidArgument,
            {"_base_ cycle: ", "cycle/a.py -> ", "cycle/b.py -> ", "cycle/a.py; remove one"}},
        LoadErrorCase{
            "cycle/self.py", Code::kInvalidArgument, {"_base_ cycle: ", "self.py -> ", "self.py;"}},
        LoadErrorCase{"missing/child.py",
                      Code::kNotFound,
                      {"missing/child.py", "_base_ './nope.py' not found", "missing/nope.py"}},
        LoadErrorCase{"baseref/unknown.py",
                      Code::kInvalidArgument,
                      {"baseref/unknown.py", "'{{_base_.nope.deeper}}'", "do not define"}},
        LoadErrorCase{"baseref/nobase.py", Code::kInvalidArgument, {"nobase.py", "'{{_base_.a}}'"}},
        LoadErrorCase{"bad/bad.json", Code::kInvalidArgument, {"bad/bad.json:4:1: invalid JSON"}},
        LoadErrorCase{"bad/bad.yaml", Code::kInvalidArgument, {"bad/bad.yaml:", "invalid YAML"}},
        LoadErrorCase{"bad/bad_indent.yaml",
                      Code::kInvalidArgument,
                      {"bad/bad_indent.yaml:3:", "invalid YAML"}},
        LoadErrorCase{"bad/top_list.json",
                      Code::kInvalidArgument,
                      {"top level of a config must be an object"}},
        LoadErrorCase{"bad/cfg.txt", Code::kInvalidArgument, {"unsupported file type '.txt'"}},
        LoadErrorCase{"bad/uses_broken.py",
                      Code::kInvalidArgument,
                      {"bad/broken.py:3:5: a call to 'open' is not allowed in a config"}},
        LoadErrorCase{"bad/base_int.py",
                      Code::kInvalidArgument,
                      {"_base_ must be a string or a list of strings"}},
        LoadErrorCase{"bad/base_scope.py", Code::kUnimplemented, {"package scope"}},
        LoadErrorCase{
            "bad/does_not_exist.py", Code::kNotFound, {"does_not_exist.py", "cannot open"}},
        LoadErrorCase{"bad", Code::kInvalidArgument, {"is a directory"}}));

TEST(LoadConfig, EmptyPathIsAnError) {
  auto r = load_config("");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no file given"), std::string::npos);
}

}  // namespace
}  // namespace nnport
