// Plain YAML scalars resolve by the YAML 1.2 core schema (docs/configs.md):
// the hand-written scanner accepts exactly the schema's forms, at any length.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

struct ScalarCase {
  std::string scalar;  // the plain scalar as written after "x: "
  std::string want;    // dump of the value, when error is nullptr
  const char* error = nullptr;
};

void PrintTo(const ScalarCase& c, std::ostream* os) { *os << c.scalar.substr(0, 40); }

class YamlScalarTest : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(YamlScalarTest, Resolves) {
  const ScalarCase& c = GetParam();
  auto r = parse_config_text("x: " + c.scalar + "\n", "yaml", "s.yaml");
  if (c.error == nullptr) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ((*r)["x"].dump(), c.want);
    return;
  }
  ASSERT_FALSE(r.ok()) << (*r)["x"].dump();
  EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
}

const std::string kDigits(40000, '7');

INSTANTIATE_TEST_SUITE_P(
    CoreSchema, YamlScalarTest,
    ::testing::Values(
        // null, bool
        ScalarCase{"~", "null"}, ScalarCase{"Null", "null"}, ScalarCase{"TRUE", "true"},
        ScalarCase{"False", "false"}, ScalarCase{"yes", "\"yes\""},
        // int: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+
        ScalarCase{"12", "12"}, ScalarCase{"+12", "12"}, ScalarCase{"-3", "-3"},
        ScalarCase{"007", "7"}, ScalarCase{"0o17", "15"}, ScalarCase{"0x1F", "31"},
        ScalarCase{"0xff", "255"}, ScalarCase{"0o8", "\"0o8\""}, ScalarCase{"0x", "\"0x\""},
        ScalarCase{"0o", "\"0o\""}, ScalarCase{"+0x1", "\"+0x1\""}, ScalarCase{"-0o7", "\"-0o7\""},
        ScalarCase{"0X1F", "\"0X1F\""}, ScalarCase{"1_000", "\"1_000\""},
        ScalarCase{"0b101", "\"0b101\""}, ScalarCase{"+", "\"+\""}, ScalarCase{"--1", "\"--1\""},
        ScalarCase{"9223372036854775807", "9223372036854775807"},
        ScalarCase{"9223372036854775808", "", "out of range (64-bit signed)"},
        // float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        ScalarCase{"1.5", "1.5"}, ScalarCase{"1.", "1.0"}, ScalarCase{".5", "0.5"},
        ScalarCase{"-.5", "-0.5"}, ScalarCase{"1e3", "1000.0"}, ScalarCase{"1E-3", "0.001"},
        ScalarCase{"+2.5e+1", "25.0"}, ScalarCase{".", "\".\""}, ScalarCase{"1e", "\"1e\""},
        ScalarCase{"e3", "\"e3\""}, ScalarCase{".e3", "\".e3\""}, ScalarCase{"1.e3", "1000.0"},
        ScalarCase{"1.5.2", "\"1.5.2\""}, ScalarCase{"1e3.5", "\"1e3.5\""},
        ScalarCase{"1e+", "\"1e+\""},
        // .inf / .nan cannot be represented
        ScalarCase{".inf", "", "infinity and NaN"}, ScalarCase{"-.Inf", "", "infinity and NaN"},
        ScalarCase{"+.INF", "", "infinity and NaN"}, ScalarCase{".NaN", "", "infinity and NaN"},
        ScalarCase{"-.nan", "\"-.nan\""}, ScalarCase{".iNf", "\".iNf\""},
        // 40,000 characters: once a stack overflow in std::regex
        ScalarCase{kDigits, "",
                   "integer 7777777777777777777777777777777777777777... (40000 bytes) "
                   "is out of range (64-bit signed)"},
        ScalarCase{"-" + kDigits, "", "out of range (64-bit signed)"},
        ScalarCase{kDigits + ".5", "", "out of range"},
        ScalarCase{"0." + kDigits, "0.7777777777777778"},
        ScalarCase{"0x" + std::string(40000, 'f'), "", "out of range (64-bit signed)"},
        ScalarCase{std::string(40000, 'a'), "\"" + std::string(40000, 'a') + "\""},
        ScalarCase{kDigits + "x", "\"" + kDigits + "x\""}));

}  // namespace
}  // namespace nnport
