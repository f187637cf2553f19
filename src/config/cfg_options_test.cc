// --cfg-options KEY=VALUE: value parsing, paths, list indexes, merging.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnport/config.h"

namespace nnport {
namespace {

struct OptionCase {
  const char* start;
  std::string option;
  const char* want;   // expected JSON (order checked), or nullptr for an error
  const char* error;  // substring of the error
};

void PrintTo(const OptionCase& c, std::ostream* os) { *os << c.option; }

class CfgOptionTest : public ::testing::TestWithParam<OptionCase> {};

TEST_P(CfgOptionTest, Applies) {
  const OptionCase& c = GetParam();
  Config cfg = Config::parse(c.start);
  Status st = apply_cfg_option(cfg, c.option);
  if (c.want == nullptr) {
    ASSERT_FALSE(st.ok()) << cfg.dump();
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
    return;
  }
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(cfg.dump(), Config::parse(c.want).dump());
}

INSTANTIATE_TEST_SUITE_P(
    Values, CfgOptionTest,
    ::testing::Values(
        OptionCase{"{}", "a.b=1", R"({"a":{"b":1}})", ""},
        OptionCase{"{}", "a.b=1e-3", R"({"a":{"b":0.001}})", ""},
        OptionCase{"{}", "a=-2", R"({"a":-2})", ""},
        OptionCase{"{}", "a=1 << 20", R"({"a":1048576})", ""},
        OptionCase{"{}", "a=True", R"({"a":true})", ""},
        OptionCase{"{}", "a=true", R"({"a":true})", ""},
        OptionCase{"{}", "a=FALSE", R"({"a":false})", ""},
        OptionCase{"{}", "a=None", R"({"a":null})", ""},
        OptionCase{"{}", "a=none", R"({"a":null})", ""},
        OptionCase{"{}", "a=[1, 2]", R"({"a":[1,2]})", ""},
        OptionCase{"{}", "a=(1,2)", R"({"a":[1,2]})", ""},
        OptionCase{"{}", "a=1,2", R"({"a":[1,2]})", ""},
        OptionCase{"{}", "a='x'", R"({"a":"x"})", ""},
        OptionCase{"{}", "a=\"x y\"", R"({"a":"x y"})", ""},
        OptionCase{"{}", "a=hello", R"({"a":"hello"})", ""},
        OptionCase{"{}", "a=hello world", R"({"a":"hello world"})", ""},
        OptionCase{"{}", "a=/tmp/x.onnx", R"({"a":"/tmp/x.onnx"})", ""},
        OptionCase{"{}", "a=1.2.3", R"({"a":"1.2.3"})", ""},
        OptionCase{"{}", "a=foo(1)", R"j({"a":"foo(1)"})j", ""},
        OptionCase{"{}", "a=", R"({"a":""})", ""}, OptionCase{"{}", "a=x=y", R"({"a":"x=y"})", ""},
        OptionCase{"{}", "a={0: 'batch'}", R"({"a":{"0":"batch"}})", ""},
        OptionCase{R"({"a":{"b":"x","c":1}})", "a.b=3", R"({"a":{"b":3,"c":1}})", ""},
        OptionCase{R"({"a":{"b":{"d":1}}})", "a.b=dict(c=2)", R"({"a":{"b":{"d":1,"c":2}}})", ""},
        OptionCase{R"({"a":{"b":{"d":1}}})", "a.b=dict(_delete_=True, c=2)",
                   R"({"a":{"b":{"c":2}}})", ""},
        OptionCase{R"({"a":{"b":[1,2,3]}})", "a.b=[9]", R"({"a":{"b":[9]}})", ""},
        OptionCase{R"({"l":[{"x":1},{"x":2}]})", "l.0.x=5", R"({"l":[{"x":5},{"x":2}]})", ""},
        OptionCase{R"({"l":[1,2]})", "l.1=7", R"({"l":[1,7]})", ""},
        OptionCase{
            R"({"backend_config":{"type":"onnxruntime"}})",
            "backend_config.common_config.fp16_mode=True",
            R"({"backend_config":{"type":"onnxruntime","common_config":{"fp16_mode":true}}})", ""},
        OptionCase{R"({"l":[1,2]})", "l.5=1", nullptr,
                   "index 5 is out of range for list 'l' of length 2"},
        OptionCase{R"({"l":[1,2]})", "l.x=1", nullptr, "'l' is a list; 'x' is not an index"},
        OptionCase{R"({"a":{"b":3}})", "a.b.c=1", nullptr, "'a.b' is a int, not a dict"},
        OptionCase{R"({"a":{"b":3}})", "a=dict(b=dict(c=1))", nullptr,
                   "is a dict in the child config"},
        OptionCase{"{}", "noequals", nullptr, "no '='; expected KEY=VALUE"},
        OptionCase{"{}", "a..b=1", nullptr, "empty key part"},
        OptionCase{"{}", "=1", nullptr, "empty key part"},
        OptionCase{"{}", "a=\xff\xfe", nullptr, "not valid UTF-8"},
        OptionCase{"{}", "\xc3=1", nullptr, "not valid UTF-8"}));

struct WarningCase {
  const char* start;
  const char* option;
  const char* warning;  // the warning expected, "" for none
};

void PrintTo(const WarningCase& c, std::ostream* os) { *os << c.option; }

class CfgOptionWarningTest : public ::testing::TestWithParam<WarningCase> {};

// A key the config lacks is still added (as mmengine does), with a warning.
TEST_P(CfgOptionWarningTest, WarnsOfAMissingKey) {
  const WarningCase& c = GetParam();
  Config cfg = Config::parse(c.start);
  std::vector<std::string> warnings;
  Status st = apply_cfg_option(cfg, c.option, &warnings);
  ASSERT_TRUE(st.ok()) << st.message();
  if (*c.warning == '\0') {
    EXPECT_TRUE(warnings.empty()) << warnings.front();
  } else {
    EXPECT_EQ(warnings, std::vector<std::string>{c.warning});
  }
  Config without = Config::parse(c.start);
  ASSERT_TRUE(apply_cfg_option(without, c.option).ok());
  EXPECT_EQ(cfg.dump(), without.dump());  // the warning changes nothing
}

constexpr const char* kOrt =
    R"({"backend_config":{"type":"onnxruntime","precision":"fp32"},"onnx_config":{"opset_version":11}})";

INSTANTIATE_TEST_SUITE_P(
    Values, CfgOptionWarningTest,
    ::testing::Values(
        WarningCase{kOrt, "backend_config.precison=fp16",
                    "--cfg-options backend_config.precison=fp16: no key 'backend_config.precison' "
                    "in the config; adding it (did you mean 'backend_config.precision'?)"},
        WarningCase{kOrt, "backend_confg.precision=fp16",
                    "--cfg-options backend_confg.precision=fp16: no key 'backend_confg.precision' "
                    "in the config; adding it (did you mean 'backend_config.precision'?)"},
        WarningCase{kOrt, "onnx_config.opset_versoin=13",
                    "--cfg-options onnx_config.opset_versoin=13: no key "
                    "'onnx_config.opset_versoin' in the config; adding it (did you mean "
                    "'onnx_config.opset_version'?)"},
        WarningCase{kOrt, "onnx_confi=1",
                    "--cfg-options onnx_confi=1: no key 'onnx_confi' in the config; adding it "
                    "(did you mean 'onnx_config'?)"},
        WarningCase{kOrt, "codebase_config.task=Classification",
                    "--cfg-options codebase_config.task=Classification: no key "
                    "'codebase_config.task' in the config; adding it"},
        WarningCase{"{}", "a.b=1", "--cfg-options a.b=1: no key 'a.b' in the config; adding it"},
        WarningCase{kOrt, "backend_config.precision=fp16", ""},
        WarningCase{kOrt, "backend_config=dict(precision='fp16')", ""},
        WarningCase{R"({"l":[{"x":1}]})", "l.0.x=5", ""},
        WarningCase{R"({"l":[{"x":1}]})", "l.0.y=5",
                    "--cfg-options l.0.y=5: no key 'l.0.y' in the config; adding it (did you "
                    "mean 'l.0.x'?)"}));

TEST(CfgOptionWarning, NoWarningWhenTheOptionFails) {
  Config cfg = Config::parse(R"({"l":[1,2]})");
  std::vector<std::string> warnings;
  EXPECT_FALSE(apply_cfg_option(cfg, "l.5.x=1", &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST(CfgOptionWarning, LoadConfigPassesWarningsOn) {
  const std::string path =
      std::string(NNPORT_SOURCE_DIR) + "/src/config/testdata/trt/tensorrt-int8.py";
  std::vector<std::string> warnings;
  auto r = load_config(path, {"backend_config.common_config.fp16_mod=False"}, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(warnings, std::vector<std::string>{
                          "--cfg-options backend_config.common_config.fp16_mod=False: no key "
                          "'backend_config.common_config.fp16_mod' in the config; adding it (did "
                          "you mean 'backend_config.common_config.fp16_mode'?)"});
  EXPECT_EQ((*r)["backend_config"]["common_config"]["fp16_mod"], false);
}

}  // namespace
}  // namespace nnport
