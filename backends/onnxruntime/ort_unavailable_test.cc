// The onnxruntime backend when the runtime library is missing or is not ONNX
// Runtime: the plugin still loads, and says why it is unavailable. The
// library is loaded once per process, so each case runs in a child process
// (a death test that must exit 0).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ort_test_util.h"

namespace nnport {
namespace {

// In the child: every check prints what failed and exits 1; all good exits 0.
[[noreturn]] void check_unavailable(const char* library, const std::string& expect) {
  setenv("NNPORT_ONNXRUNTIME_LIBRARY", library, 1);
  auto fail = [](const std::string& what) {
    std::fprintf(stderr, "%s\n", what.c_str());
    std::exit(1);
  };
  std::string why;
  const BackendManager* ort = ort_test::backend(&why);
  if (ort == nullptr) fail("the plugin itself failed to load: " + why);
  if (ort->is_available(false, &why)) fail("is_available is true");
  if (why.find(expect) == std::string::npos) fail("why lacks '" + expect + "': " + why);
  auto version = ort->version();
  if (version.ok() || version.status().code() != Code::kUnavailable)
    fail("version() did not fail as unavailable");
  const auto lines = ort->check_env();
  if (lines.empty() || lines[0] != "onnxruntime:\tNone")
    fail("check_env: " + (lines.empty() ? "" : lines[0]));
  auto wrapper = ort->build_wrapper({ort_test::models_dir() + "/tiny_mlp/model.onnx"});
  if (wrapper.ok() || wrapper.status().code() != Code::kUnavailable)
    fail("build_wrapper did not fail as unavailable");
  if (wrapper.status().message().find(expect) == std::string::npos)
    fail("build_wrapper: " + wrapper.status().message());
  std::exit(0);
}

TEST(OrtUnavailable, MissingLibraryIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(check_unavailable("/nonexistent/libonnxruntime.so.1",
                                "cannot load /nonexistent/libonnxruntime.so.1"),
              ::testing::ExitedWithCode(0), "");
}

TEST(OrtUnavailable, ALibraryThatIsNotOnnxRuntimeIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(check_unavailable("libz.so.1", "no OrtGetApiBase"), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace nnport
