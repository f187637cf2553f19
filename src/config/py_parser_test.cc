// The .py subset: each literal form against a hand-written JSON value.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

Config parse_py(const std::string& src) {
  auto r = parse_config_text(src, "py", "t.py");
  EXPECT_TRUE(r.ok()) << src << "\n -> " << r.status().message();
  return r.ok() ? *r : Config();
}

struct ValueCase {
  const char* expr;
  const char* json;  // expected value of x in "x = <expr>"
};

class PyValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(PyValueTest, EvaluatesToExpectedJson) {
  const ValueCase& c = GetParam();
  const Config got = parse_py(std::string("x = ") + c.expr + "\n");
  const Config want = Config::parse(c.json);
  ASSERT_TRUE(got.contains("x")) << c.expr;
  // dump() compares types (1 vs 1.0) and key order, not only values.
  EXPECT_EQ(got["x"].dump(), want.dump()) << c.expr;
}

INSTANTIATE_TEST_SUITE_P(
    Literals, PyValueTest,
    ::testing::Values(
        // ints
        ValueCase{"1", "1"}, ValueCase{"-1", "-1"}, ValueCase{"0x1F", "31"},
        ValueCase{"0o17", "15"}, ValueCase{"0b101", "5"}, ValueCase{"1_000_000", "1000000"},
        ValueCase{"00", "0"}, ValueCase{"9223372036854775807", "9223372036854775807"},
        ValueCase{"-9223372036854775807 - 1", "-9223372036854775808"},
        // floats
        ValueCase{"1e-7", "1e-07"}, ValueCase{".5", "0.5"}, ValueCase{"1.", "1.0"},
        ValueCase{"1E3", "1000.0"}, ValueCase{"2.5e+2", "250.0"}, ValueCase{"1_0.2_5", "10.25"},
        ValueCase{"-0.125", "-0.125"},
        // arithmetic with Python's precedence and rounding
        ValueCase{"1 << 30", "1073741824"}, ValueCase{"2**10", "1024"}, ValueCase{"-2**2", "-4"},
        ValueCase{"(-2)**2", "4"}, ValueCase{"2 ** 3 ** 2", "512"}, ValueCase{"2 ** -1", "0.5"},
        ValueCase{"7 // 2", "3"}, ValueCase{"-7 // 2", "-4"}, ValueCase{"-7 % 3", "2"},
        ValueCase{"7 % -3", "-2"}, ValueCase{"7.5 // 2", "3.0"}, ValueCase{"-7.5 % 2", "0.5"},
        ValueCase{"7 / 2", "3.5"}, ValueCase{"1 + 2 * 3", "7"}, ValueCase{"(1 + 2) * 3", "9"},
        ValueCase{"10 - 2 - 3", "5"}, ValueCase{"1 << 2 + 1", "8"}, ValueCase{"256 >> 2", "64"},
        ValueCase{"-1 >> 70", "-1"}, ValueCase{"1 + 0.5", "1.5"}, ValueCase{"True + 1", "2"},
        ValueCase{"~0", "-1"}, ValueCase{"+3", "3"}, ValueCase{"--1", "1"},
        ValueCase{"-(1 << 3)", "-8"}, ValueCase{"1024 * 1024 * 4", "4194304"},
        // strings
        ValueCase{"'a'", "\"a\""}, ValueCase{"\"b\"", "\"b\""},
        ValueCase{"'a' \"b\" 'c'", "\"abc\""}, ValueCase{"'it\\'s'", "\"it's\""},
        ValueCase{"\"tab\\there\"", "\"tab\\there\""},
        ValueCase{"'\\x41\\u00e9\\U0001F600'", "\"A\\u00e9\\ud83d\\ude00\""},
        ValueCase{"'\\101'", "\"A\""}, ValueCase{"r'\\d+\\''", "\"\\\\d+\\\\'\""},
        ValueCase{"'keep \\q'", "\"keep \\\\q\""},
        ValueCase{"'''multi\nline'''", "\"multi\\nline\""},
        ValueCase{"\"\"\"q \"inner\" \"\"\"", "\"q \\\"inner\\\" \""},
        ValueCase{"'a\\\nb'", "\"ab\""}, ValueCase{"'a' + 'b'", "\"ab\""},
        ValueCase{"'ab' * 2", "\"abab\""}, ValueCase{"u'x'", "\"x\""},
        ValueCase{"'h\\u00e9' 'llo'", "\"h\\u00e9llo\""}, ValueCase{"''", "\"\""},
        ValueCase{"'# not a comment'", "\"# not a comment\""},
        // constants
        ValueCase{"True", "true"}, ValueCase{"False", "false"}, ValueCase{"None", "null"},
        // lists and tuples (tuples become lists)
        ValueCase{"[]", "[]"}, ValueCase{"[1, 2,]", "[1,2]"},
        ValueCase{"[[1], [2, [3]]]", "[[1],[2,[3]]]"}, ValueCase{"[\n  1,  # one\n  2\n]", "[1,2]"},
        ValueCase{"(1,)", "[1]"}, ValueCase{"(1, 2)", "[1,2]"}, ValueCase{"()", "[]"},
        ValueCase{"(1)", "1"}, ValueCase{"1, 2", "[1,2]"}, ValueCase{"1,", "[1]"},
        ValueCase{"((1, 2), 3)", "[[1,2],3]"}, ValueCase{"[1] + [2]", "[1,2]"},
        ValueCase{"[0] * 3", "[0,0,0]"}, ValueCase{"2 * (1,)", "[1,1]"},
        // dicts
        ValueCase{"dict()", "{}"}, ValueCase{"{}", "{}"},
        ValueCase{"dict(a=1, b='x')", "{\"a\":1,\"b\":\"x\"}"},
        ValueCase{"dict(z=1, a=2)", "{\"z\":1,\"a\":2}"}, ValueCase{"dict({'a': 1})", "{\"a\":1}"},
        ValueCase{"dict({'a': 1, 'b': 1}, b=2,)", "{\"a\":1,\"b\":2}"},
        ValueCase{"{'a': 1, 'b': [1, 2],}", "{\"a\":1,\"b\":[1,2]}"},
        ValueCase{"{0: 'batch', 2: 'height'}", "{\"0\":\"batch\",\"2\":\"height\"}"},
        ValueCase{"{-1: 'x', 0x10: 'y'}", "{\"-1\":\"x\",\"16\":\"y\"}"},
        ValueCase{"{'a': 1, 'a': 2}", "{\"a\":2}"},
        ValueCase{"dict(input=dict(min_shape=[1, 3, 224, 224], opt_shape=[4, 3, 224, 224]))",
                  "{\"input\":{\"min_shape\":[1,3,224,224],\"opt_shape\":[4,3,224,224]}}"},
        ValueCase{"{'input': {0: 'batch', 2: 'height', 3: 'width'}, 'output': {0: 'batch'}}",
                  "{\"input\":{\"0\":\"batch\",\"2\":\"height\",\"3\":\"width\"},\"output\":{\"0\":"
                  "\"batch\"}}"},
        // mmengine's base reference, kept for the loader to resolve
        ValueCase{"{{_base_.onnx_config.input_shape}}", "\"{{_base_.onnx_config.input_shape}}\""},
        ValueCase{"[{{ _base_.a }}]", "[\"{{_base_.a}}\"]"}));

struct ModuleCase {
  const char* src;
  const char* json;  // the whole module, in order
};

class PyModuleTest : public ::testing::TestWithParam<ModuleCase> {};

TEST_P(PyModuleTest, ParsesToExpectedObject) {
  const ModuleCase& c = GetParam();
  EXPECT_EQ(parse_py(c.src).dump(), Config::parse(c.json).dump()) << c.src;
}

INSTANTIATE_TEST_SUITE_P(
    Modules, PyModuleTest,
    ::testing::Values(
        ModuleCase{"", "{}"}, ModuleCase{"# only a comment\n\n", "{}"},
        ModuleCase{"a = 1\nb = 2\n", "{\"a\":1,\"b\":2}"},
        ModuleCase{"a = 1; b = 2", "{\"a\":1,\"b\":2}"},
        ModuleCase{"a = 1\r\nb = [1,\r\n 2]\r\n", "{\"a\":1,\"b\":[1,2]}"},
        ModuleCase{"x = 1 + \\\n    2\n", "{\"x\":3}"},
        ModuleCase{"x = dict(\n    a=1,  # first\n    b=2)  # end\n", "{\"x\":{\"a\":1,\"b\":2}}"},
        // reassignment keeps the first position, as a module dict does
        ModuleCase{"a = 1\nb = 2\na = 3\n", "{\"a\":3,\"b\":2}"},
        // earlier top-level names can be referenced
        ModuleCase{"w = 224\nshape = [1, 3, w, w]\ncfg = dict(s=shape, n=w * 2)\n",
                   "{\"w\":224,\"shape\":[1,3,224,224],\"cfg\":{\"s\":[1,3,224,224],\"n\":448}}"},
        // names starting with __ are private (mmengine drops them)
        ModuleCase{"__w = 8\nx = __w\n", "{\"x\":8}"},
        // a docstring is ignored
        ModuleCase{"\"\"\"Deploy config.\n\nMore.\"\"\"\nx = 1\n", "{\"x\":1}"},
        ModuleCase{"_base_ = ['./a.py', '../b.py']\nx = 1",
                   "{\"_base_\":[\"./a.py\",\"../b.py\"],\"x\":1}"},
        ModuleCase{"x = 1  # trailing comment without newline", "{\"x\":1}"}));

TEST(PyParser, FloatAndIntTypesAreKept) {
  const Config c = parse_py("i = 3\nf = 3.0\ne = 1e-7\nb = True\n");
  EXPECT_TRUE(c["i"].is_number_integer());
  EXPECT_TRUE(c["f"].is_number_float());
  EXPECT_DOUBLE_EQ(c["e"].get<double>(), 1e-7);
  EXPECT_TRUE(c["b"].is_boolean());
}

// Up to kMaxConfigDepth levels counting the module's dict (hostile_input_test.cc has the rest).
TEST(PyParser, DeepButReasonableNestingParses) {
  std::string src = "x = ";
  for (int i = 0; i < kMaxConfigDepth - 1; ++i) src += "[";
  for (int i = 0; i < kMaxConfigDepth - 1; ++i) src += "]";
  const Config c = parse_py(src);
  const Config* node = &c["x"];
  int depth = 0;
  while (node->is_array() && !node->empty()) {
    node = &(*node)[0];
    ++depth;
  }
  EXPECT_EQ(depth, kMaxConfigDepth - 2);
}

}  // namespace
}  // namespace nnport
