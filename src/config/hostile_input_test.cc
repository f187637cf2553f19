// Untrusted config text: nesting past kMaxConfigDepth, huge scalars and
// huge --cfg-options keys are errors, never a stack overflow.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "nnport/config.h"

namespace nnport {
namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// `levels` nested lists holding 1, e.g. [[1]] for 2.
std::string lists(int levels) { return repeat("[", levels) + "1" + repeat("]", levels); }

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nnport_hostile_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

constexpr int kLimit = kMaxConfigDepth;
constexpr int kHuge = 40000;

struct DepthCase {
  const char* name;
  const char* format;
  std::string text;
  const char* error;  // substring of the error ("ORIGIN:LINE:COL: ..."), nullptr when it parses
};

void PrintTo(const DepthCase& c, std::ostream* os) { *os << c.name; }

class ConfigDepthTest : public ::testing::TestWithParam<DepthCase> {};

TEST_P(ConfigDepthTest, RefusedWithPlaceAndLimit) {
  const DepthCase& c = GetParam();
  auto r = parse_config_text(c.text, c.format, "deep");
  if (c.error == nullptr) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    return;
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
}

// The top-level dict is level 1, so "x = " takes kLimit - 1 more levels.
INSTANTIATE_TEST_SUITE_P(
    Readers, ConfigDepthTest,
    ::testing::Values(
        DepthCase{"json_at_limit", "json", "{\"x\": " + lists(kLimit - 1) + "}", nullptr},
        DepthCase{"json_past_limit", "json", "{\"x\": " + lists(kLimit) + "}",
                  "deep:1:106: lists and dicts nested more than 100 levels deep"},
        DepthCase{"json_huge", "json", "{\"x\":\n" + lists(kHuge) + "}", "deep:2:100: "},
        DepthCase{"json_huge_dicts", "json", repeat("{\"a\":", kHuge) + "1" + repeat("}", kHuge),
                  "deep:1:"},
        DepthCase{"json_brackets_in_strings_not_counted", "json",
                  "{\"s\": \"[[[[{{{{\", \"x\": " + lists(kLimit) + "}", "deep:1:123: "},
        DepthCase{"py_at_limit", "py", "x = " + lists(kLimit - 1), nullptr},
        DepthCase{"py_past_limit", "py", "x = " + lists(kLimit), "deep:1:104: "},
        DepthCase{"py_huge", "py", "x = " + lists(kHuge), "deep:1:104: "},
        DepthCase{"py_huge_dict_calls", "py",
                  "x = " + repeat("dict(a=", kHuge) + "1" + repeat(")", kHuge), "deep:1:698: "},
        DepthCase{"py_huge_parens", "py", "x = " + repeat("(", kHuge) + "1" + repeat(")", kHuge),
                  "deep:1:104: "},
        // Names nest values without brackets: each statement is checked.
        DepthCase{"py_names_past_limit", "py", "a = " + lists(kLimit - 1) + "\nb = [a]\n",
                  "deep:2:1: 'b': lists and dicts nested more than 100 levels deep"},
        DepthCase{"py_power_chain", "py", "x = 1" + repeat(" ** 1", kHuge),
                  "nested too deeply (more than 200 levels)"},
        DepthCase{"py_unary_chain", "py", "x = " + repeat("-", kHuge) + "1",
                  "nested too deeply (more than 200 levels)"},
        DepthCase{"yaml_at_limit", "yaml", "x: " + lists(kLimit - 1), nullptr},
        DepthCase{"yaml_past_limit", "yaml", "x: " + lists(kLimit), "more than 100 levels deep"},
        DepthCase{"yaml_huge_flow", "yaml", "x: " + lists(kHuge), "more than 100 levels deep"},
        DepthCase{"yaml_huge_flow_maps", "yaml",
                  "x: " + repeat("{a: ", kHuge) + "1" + repeat("}", kHuge),
                  "more than 100 levels deep"},
        DepthCase{"yaml_huge_block_sequence", "yaml", "x:\n  " + repeat("- ", kHuge) + "1\n",
                  "more than 100 levels deep"}),
    [](const auto& info) { return std::string(info.param.name); });

// The crash reported: a 40,000-deep .json config reached substitute_base_refs.
TEST(ConfigDepth, LoadConfigRefusesADeepFile) {
  const std::string path = write_temp("deep.json", "{\"x\": " + lists(kHuge) + "}");
  auto r = load_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path + ":1:106: "), std::string::npos)
      << r.status().message();
}

// {{_base_.x}} splices a base's value in: each file is within the limit, the
// result is not.
TEST(ConfigDepth, BaseReferenceCannotNestPastTheLimit) {
  write_temp("deep_base.py", "a = " + lists(kLimit - 1) + "\n");
  const std::string child =
      write_temp("deep_child.py", "_base_ = './deep_base.py'\nb = [['{{_base_.a}}']]\n");
  auto r = load_config(child);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("after substituting {{_base_.*}}: lists and dicts nested "
                                      "more than 100 levels deep"),
            std::string::npos)
      << r.status().message();
  const std::string fine =
      write_temp("fine_child.py", "_base_ = './deep_base.py'\nb = '{{_base_.a}}'\n");
  EXPECT_TRUE(load_config(fine).ok());
}

struct KeyCase {
  const char* name;
  std::string option;
  const char* error;  // nullptr: applies
};

void PrintTo(const KeyCase& c, std::ostream* os) { *os << c.name; }

class CfgOptionDepthTest : public ::testing::TestWithParam<KeyCase> {};

std::string dotted(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

TEST_P(CfgOptionDepthTest, BoundedByTheLimit) {
  const KeyCase& c = GetParam();
  Config cfg = Config::object();
  Status st = apply_cfg_option(cfg, c.option);
  if (c.error == nullptr) {
    EXPECT_TRUE(st.ok()) << st.message();
    return;
  }
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
  EXPECT_LT(st.message().size(), 400u);  // the option is shortened in the message
}

INSTANTIATE_TEST_SUITE_P(
    Keys, CfgOptionDepthTest,
    ::testing::Values(KeyCase{"key_at_limit", dotted(kLimit) + "=1", nullptr},
                      KeyCase{"key_past_limit", dotted(kLimit + 1) + "=1",
                              "the key has more than 100 dotted parts"},
                      KeyCase{"key_huge", dotted(30000) + "=1",
                              "the key has more than 100 dotted parts"},
                      KeyCase{"key_and_value_at_limit", dotted(kLimit - 2) + "=[[1]]", nullptr},
                      KeyCase{"key_and_value_past_limit", dotted(kLimit - 1) + "=[[1]]",
                              "the key (99 parts) with its value (2 levels) would make lists "
                              "and dicts nested more than 100 levels deep"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CfgOptionDepth, LoadConfigWithAHugeKeyIsAnError) {
  const std::string path = write_temp("plain.json", "{\"a\": 1}");
  auto r = load_config(path, {dotted(30000) + "=1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 100 dotted parts"), std::string::npos);
}

struct JsonCase {
  const char* name;
  std::string text;
  std::string want;   // dump of the value, when error is nullptr
  const char* error;  // substring of the error, or nullptr when it parses
};

void PrintTo(const JsonCase& c, std::ostream* os) { *os << c.name; }

class JsonDocumentTest : public ::testing::TestWithParam<JsonCase> {};

TEST_P(JsonDocumentTest, Parses) {
  const JsonCase& c = GetParam();
  auto r = parse_json_document(c.text, "work/detail.json");
  if (c.error == nullptr) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->dump(), c.want);
    return;
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Values, JsonDocumentTest,
    ::testing::Values(
        JsonCase{"object_keeps_order", R"({"b": 1, "a": [true, null]})",
                 R"({"b":1,"a":[true,null]})", nullptr},
        JsonCase{"list", "[1, 2]", "[1,2]", nullptr}, JsonCase{"number", "3", "3", nullptr},
        JsonCase{"null", "null", "null", nullptr},
        JsonCase{"invalid", "{\n  \"a\": }", "", "work/detail.json:2:8: invalid JSON: "},
        JsonCase{"empty", "", "", "work/detail.json:1:1: invalid JSON: "},
        JsonCase{"at_limit", lists(kLimit), lists(kLimit), nullptr},
        JsonCase{"past_limit", "\n" + lists(kLimit + 1), "",
                 "work/detail.json:2:101: lists and dicts nested more than 100 levels deep"},
        JsonCase{"huge", lists(100000), "",
                 "work/detail.json:1:101: lists and dicts nested more than 100 levels deep"}),
    [](const auto& info) { return std::string(info.param.name); });

// A file reached twice through _base_ is loaded once: 40 levels of diamonds
// (each file names the next one twice) would take 2^40 loads otherwise.
TEST(BaseDiamond, FortyLevelsLoadEachFileOnce) {
  constexpr int kLevels = 40;
  write_temp("diamond_" + std::to_string(kLevels) + ".py", "_base_ = []\n");
  for (int i = kLevels - 1; i >= 1; --i) {
    const std::string next = "./diamond_" + std::to_string(i + 1) + ".py";
    write_temp("diamond_" + std::to_string(i) + ".py",
               "_base_ = ['" + next + "', '" + next + "']\n");
  }
  const std::string top =
      write_temp("diamond_top.py", "_base_ = ['./diamond_1.py', './diamond_1.py']\nx = 7\n");
  auto r = load_config(top, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, Config::parse(R"({"x": 7})"));
}

// The same file listed twice as sibling bases still defines its keys twice,
// as mmengine reports, even though it is read only once.
TEST(BaseDiamond, SameFileTwiceWithKeysIsADuplicateKey) {
  write_temp("twice_leaf.py", "a = 1\n");
  const std::string top =
      write_temp("twice_top.py", "_base_ = ['./twice_leaf.py', './twice_leaf.py']\n");
  auto r = load_config(top, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Duplicate key is not allowed among bases: 'a'"),
            std::string::npos)
      << r.status().message();
}

// A file reached through a shared base keeps its value and its {{_base_.x}}
// references: the cached base is merged, not the file's own text.
TEST(BaseDiamond, SharedBaseReachedTwiceKeepsValues) {
  write_temp("shared_root.py", "");
  write_temp("shared_mid.py", "_base_ = './shared_root.py'\nm = dict(a=1, b=2)\n");
  write_temp("shared_left.py", "_base_ = './shared_root.py'\nleft = 3\n");
  const std::string top =
      write_temp("shared_top.py",
                 "_base_ = ['./shared_mid.py', './shared_left.py']\n"
                 "m = dict(_delete_=True, c='{{_base_.left}}')\ny = '{{_base_.m.a}}'\n");
  auto r = load_config(top, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, Config::parse(R"({"m": {"c": 3}, "left": 3, "y": 1})"));
}

// 200,000 keys: the module dict and the merge insert without ordered_map's
// linear search (this took about a minute when each insert searched).
TEST(ManyKeys, TwoHundredThousandKeysLoad) {
  constexpr int kKeys = 200000;
  std::string base, child;
  for (int i = 0; i < kKeys; ++i)
    base += "k_" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  for (int i = 0; i < kKeys; i += 2) child += "k_" + std::to_string(i) + " = -1\n";
  write_temp("many_base.py", base);
  const std::string top =
      write_temp("many_top.py", "_base_ = './many_base.py'\n" + child + "k_5 = 'x'\nk_5 = 'y'\n");
  auto r = load_config(top, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), static_cast<size_t>(kKeys));
  EXPECT_EQ((*r)["k_0"], -1);
  EXPECT_EQ((*r)["k_1"], 1);
  EXPECT_EQ((*r)["k_5"], "y");
  EXPECT_EQ((*r)["k_199999"], 199999);
  EXPECT_EQ(r->begin().key(), "k_0");  // the bases' order
}

// The same for .json and .yaml: each dict indexes its keys while reading
// (ordered_json's parser searched linearly: 200,000 JSON keys took minutes).
// YAML takes 50,000: yaml-cpp's own scanner is linear but slow.
TEST(ManyKeys, JsonAndYamlLoadInLinearTime) {
  for (const auto& [name, keys] : {std::pair{"many.json", 200000}, std::pair{"many.yaml", 50000}}) {
    const bool json = std::string_view(name).ends_with(".json");
    std::string text = json ? "{" : "";
    for (int i = 0; i < keys; ++i) {
      const std::string k = "k_" + std::to_string(i);
      text += json ? (i ? ",\n\"" : "\n\"") + k + "\": " + std::to_string(i)
                   : k + ": " + std::to_string(i) + "\n";
    }
    if (json) text += "}";
    auto r = load_config(write_temp(name, text), {});
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
    ASSERT_EQ(r->size(), static_cast<size_t>(keys)) << name;
    EXPECT_EQ(r->begin().key(), "k_0") << name;
    EXPECT_EQ((*r)["k_" + std::to_string(keys - 1)], keys - 1) << name;
  }
}

// A UTF-8 byte order mark (as Windows editors write) is skipped in every format.
TEST(Bom, SkippedInEveryFormat) {
  const std::string bom = "\xEF\xBB\xBF";
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"bom.py", bom + "x = 1\n"},
                                                        {"bom.json", bom + R"({"x": 1})"},
                                                        {"bom.yaml", bom + "x: 1\n"}}) {
    auto r = load_config(write_temp(name, text), {});
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
    EXPECT_EQ(*r, Config::parse(R"({"x": 1})")) << name;
  }
}

}  // namespace
}  // namespace nnport
