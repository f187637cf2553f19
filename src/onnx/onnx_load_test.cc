// Bad files: each gives a non-ok status that names the file and says what
// is wrong, never a crash.
#include <gtest/gtest.h>

#include <random>

#include "nnport/onnx_model.h"
#include "onnx_test_util.h"

namespace nnport {
namespace {

using onnx_test::write_file;

// Remove this process's scratch folder when the tests end.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(onnx_test::scratch_dir(), ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

struct BadFile {
  std::string label;
  std::string path;
  Code code;
  std::vector<std::string> expect;  // substrings of the message
};

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

void expect_error(const BadFile& bad) {
  SCOPED_TRACE(bad.label);
  auto info = inspect_onnx(bad.path);
  ASSERT_FALSE(info.ok());
  const Status& s = info.status();
  EXPECT_EQ(s.code(), bad.code) << s.message();
  EXPECT_NE(s.message().find(bad.path), std::string::npos) << "path not named: " << s.message();
  for (const auto& want : bad.expect)
    EXPECT_NE(s.message().find(want), std::string::npos)
        << "want '" << want << "' in: " << s.message();
  // check_onnx and infer_onnx_shapes load the same way.
  EXPECT_EQ(check_onnx(bad.path).message(), s.message());
  EXPECT_EQ(infer_onnx_shapes(bad.path).status().message(), s.message());
}

TEST(OnnxLoad, BadFilesGiveClearErrors) {
  const auto dir = onnx_test::scratch_dir();
  std::filesystem::create_directories(dir / "a_folder.onnx");
  const std::vector<BadFile> table = {
      {"missing",
       (dir / "no_such_model.onnx").string(),
       Code::kNotFound,
       {"not found", "check the path"}},
      {"folder", (dir / "a_folder.onnx").string(), Code::kInvalidArgument, {"is a folder"}},
      {"empty",
       write_file("empty.onnx", ""),
       Code::kInvalidArgument,
       {"empty file", "re-export the model"}},
      {"random bytes",
       write_file("random.onnx", random_bytes(4096, 7)),
       Code::kInvalidArgument,
       {"not an ONNX model", "re-export the model"}},
      {"random bytes 2",
       write_file("random2.onnx", random_bytes(100, 12345)),
       Code::kInvalidArgument,
       {"not an ONNX model"}},
      {"one zero byte",
       write_file("zero.onnx", std::string(1, '\0')),
       Code::kInvalidArgument,
       {"not an ONNX model"}},
      {"text",
       write_file("text.onnx", "hello world\nthis is not a model\n"),
       Code::kInvalidArgument,
       {"not an ONNX model", "a text file (starts with \"hello world\")"}},
      {"onnx text format",
       write_file("textfmt.onnx", "ir_version: 8\ngraph {\n}\n"),
       Code::kInvalidArgument,
       {"ONNX's text format"}},
      {"git lfs pointer",
       write_file("lfs.onnx",
                  "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 12\n"),
       Code::kInvalidArgument,
       {"Git LFS pointer"}},
      {"zip",
       write_file("ckpt.onnx", std::string("PK\x03\x04", 4) + random_bytes(64, 1)),
       Code::kInvalidArgument,
       {"zip archive"}},
      {"no graph",
       onnx_test::fixture("no_graph.onnx"),
       Code::kInvalidArgument,
       {"without a graph"}},
      {"no opset",
       onnx_test::fixture("no_opset.onnx"),
       Code::kInvalidArgument,
       {"without an ai.onnx opset import", "opset_version"}},
  };
  for (const auto& bad : table) expect_error(bad);
}

TEST(OnnxLoad, TruncatedModelsSayTruncated) {
  int tested = 0;
  for (const char* name : {"tiny_mlp", "resnet18"}) {
    if (!onnx_test::have_model(name)) continue;
    const std::string bytes = onnx_test::read_file(onnx_test::model_path(name));
    ASSERT_GT(bytes.size(), 100u);
    // Inside ir_version, three points inside the graph, inside the last
    // opset_import; the big model at one point (writing it is slow).
    std::vector<size_t> cuts = {1, bytes.size() / 4, bytes.size() / 2, bytes.size() * 3 / 4,
                                bytes.size() - 1};
    if (bytes.size() > (1u << 20)) cuts = {bytes.size() / 2};
    for (size_t cut : cuts) {
      const std::string label = std::string(name) + " cut at " + std::to_string(cut);
      const std::string path = write_file(std::string(name) + "_cut.onnx", bytes.substr(0, cut));
      expect_error(
          {label,
           path,
           Code::kInvalidArgument,
           {"truncated ONNX model", "file ends at " + std::to_string(cut), "copy it again"}});
      std::filesystem::remove(path);
      ++tested;
    }
  }
  if (tested == 0)
    GTEST_SKIP() << "tiny_mlp and resnet18 absent: run /usr/bin/python3 tests/models/export.py";
}

TEST(OnnxLoad, CorruptFirstByteIsNotOnnx) {
  NNPORT_SKIP_WITHOUT_MODEL("tiny_mlp");
  std::string bytes = onnx_test::read_file(onnx_test::model_path("tiny_mlp"));
  bytes[0] = static_cast<char>(0x07);  // field 0, wire type 7: never valid protobuf
  expect_error({"bad tag",
                write_file("bad_tag.onnx", bytes),
                Code::kInvalidArgument,
                {"not an ONNX model"}});
}

}  // namespace
}  // namespace nnport
