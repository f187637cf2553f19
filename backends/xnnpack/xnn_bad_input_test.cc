// What the xnnpack backend refuses, and how: each case names the input,
// the expected status code and words the message must contain.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "xnn_test_util.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

struct BadConvert {
  const char* name;
  const char* onnx;  // in testdata/
  const char* cfg_fields;
  Code code;
  std::vector<const char*> words;
};

class XnnBadConvert : public ::testing::TestWithParam<BadConvert> {};

TEST_P(XnnBadConvert, FailsClearly) {
  const BadConvert& c = GetParam();
  auto files = xnn_test::convert(xnn_test::testdata(c.onnx), xnn_test::xnn_config(c.cfg_fields));
  ASSERT_FALSE(files.ok()) << c.name;
  EXPECT_EQ(files.status().code(), c.code) << files.status().message();
  for (const char* w : c.words) {
    EXPECT_NE(files.status().message().find(w), std::string::npos)
        << "'" << w << "' not in: " << files.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, XnnBadConvert,
    ::testing::Values(BadConvert{"dilations",
                                 "bad_dilations.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "dilations [2, 2]"}},
                      BadConvert{"auto_pad",
                                 "bad_auto_pad.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "auto_pad = SAME_UPPER"}},
                      BadConvert{"dynamic_weight",
                                 "bad_dynamic_weight.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "weight 'w' is not a constant"}},
                      BadConvert{"flatten_hw",
                                 "bad_flatten.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_flatten", "(Flatten)", "transpose"}},
                      BadConvert{"threads_0",
                                 "ops_mix.onnx",
                                 "\"num_threads\": 0",
                                 Code::kInvalidArgument,
                                 {"num_threads = 0", "from 1 to"}},
                      BadConvert{"threads_10000",
                                 "ops_mix.onnx",
                                 "\"num_threads\": 10000",
                                 Code::kInvalidArgument,
                                 {"num_threads = 10000"}},
                      BadConvert{"threads_text",
                                 "ops_mix.onnx",
                                 "\"num_threads\": \"four\"",
                                 Code::kInvalidArgument,
                                 {"num_threads = \"four\""}}),
    [](const auto& info) { return std::string(info.param.name); });

// A good file, converted once, to damage in several ways.
std::string good_file() {
  static const std::string file = [] {
    auto files = xnn_test::convert(xnn_test::testdata("ops_mix.onnx"));
    return files.ok() ? (*files)[0] : std::string();
  }();
  return file;
}

std::string damaged(const std::string& tag, size_t keep_bytes, size_t patch_at, uint32_t patch) {
  const std::string out = xnn_test::temp_dir(tag) + "/ops_mix.xnnpack";
  std::ifstream in(good_file(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(std::min(bytes.size(), keep_bytes));
  if (patch_at != SIZE_MAX && patch_at + 4 <= bytes.size())
    std::memcpy(&bytes[patch_at], &patch, 4);
  std::ofstream(out, std::ios::binary) << bytes;
  return out;
}

struct BadBuild {
  const char* name;
  std::string file;
  const char* cfg_fields;
  Code code;
  std::vector<const char*> words;
};

TEST(XnnBadBuild, FailsClearly) {
  XNN_TEST_REQUIRE_BACKEND(xnn, "xnnpack");
  ASSERT_FALSE(good_file().empty());
  const size_t full = fs::file_size(good_file());
  const std::vector<BadBuild> table = {
      {"truncated",
       damaged("trunc", full - 100, SIZE_MAX, 0),
       "",
       Code::kInvalidArgument,
       {"ops_mix.xnnpack", "truncated", "convert the ONNX model again"}},
      {"truncated_prefix",
       damaged("trunc2", 20, SIZE_MAX, 0),
       "",
       Code::kInvalidArgument,
       {"prefix"}},
      {"other_version",
       damaged("ver", full, 8, 99),
       "",
       Code::kInvalidArgument,
       {"format version is 99", "reads version 1", "convert the ONNX model again"}},
      {"foreign_onnx",
       xnn_test::testdata("ops_mix.onnx"),
       "",
       Code::kInvalidArgument,
       {"ops_mix.onnx", "magic bytes"}},
      {"missing", "/nonexistent/model.xnnpack", "", Code::kNotFound, {"does not exist"}},
      {"threads_0", good_file(), "\"num_threads\": 0", Code::kInvalidArgument, {"num_threads = 0"}},
      {"threads_10000",
       good_file(),
       "\"num_threads\": 10000",
       Code::kInvalidArgument,
       {"num_threads = 10000"}},
  };
  for (const auto& c : table) {
    auto w = xnn->build_wrapper({c.file}, "cpu", {}, {}, xnn_test::xnn_config(c.cfg_fields));
    ASSERT_FALSE(w.ok()) << c.name;
    EXPECT_EQ(w.status().code(), c.code) << c.name << ": " << w.status().message();
    for (const char* word : c.words) {
      EXPECT_NE(w.status().message().find(word), std::string::npos)
          << c.name << ": '" << word << "' not in: " << w.status().message();
    }
  }
}

// More threads than usable CPUs are clamped (the spin-wait guard), not refused.
TEST(XnnBadBuild, ThreadsAboveTheCpuCountStillRun) {
  XNN_TEST_REQUIRE_BACKEND(xnn, "xnnpack");
  auto w = xnn->build_wrapper({good_file()}, "cpu", {}, {},
                              xnn_test::xnn_config("\"num_threads\": 200"));
  ASSERT_TRUE(w.ok()) << w.status().message();
}

}  // namespace
}  // namespace nnport
