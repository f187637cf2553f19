// --cfg-options KEY=VALUE: value parsing, paths, list indexes, merging.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace nnport
