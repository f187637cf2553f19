#include "nnport/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core_test_util.h"
#include "nnport/backend_names.h"

namespace nnport {
namespace {

using testing_util::TempDir;
using testing_util::test_plugin;

TEST(Registry, LoadsAWorkingPluginByPath) {
  Registry r(false);
  auto m = r.load_plugin(test_plugin("testecho"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  const BackendManager* echo = *m;
  EXPECT_EQ(echo->name(), "testecho");
  EXPECT_EQ(echo->description(), "test backend: doubles its input");
  EXPECT_EQ(echo->plugin_path(), test_plugin("testecho"));
  EXPECT_EQ(echo->backend_file_count(), 1u);
  EXPECT_TRUE(echo->is_available());
  std::string why;
  EXPECT_FALSE(echo->is_available(true, &why));
  EXPECT_EQ(why, "testecho has no custom ops");
  auto v = echo->version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "1.2.3");
  EXPECT_EQ(echo->check_env(),
            (std::vector<std::string>{"testecho:\t1.2.3", "testecho custom ops:\tNotAvailable"}));
  // Loading the same file again gives the same manager, not a duplicate.
  auto again = r.load_plugin(test_plugin("testecho"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, echo);
  EXPECT_TRUE(r.failures().empty());
  // The plugin's name extends the known names, after the built-in ones.
  auto names = r.known_names();
  ASSERT_EQ(names.size(), backend_names::kBuiltin.size() + 1);
  EXPECT_EQ(names.front(), "tensorrt");
  EXPECT_EQ(names.back(), "testecho");
  EXPECT_TRUE(r.is_known("testecho"));
  EXPECT_TRUE(r.is_known("xnnpack"));
  EXPECT_FALSE(r.is_known("testoff"));
  auto found = r.find("testecho");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, echo);
}

// A plugin's version and check-env lines reach a terminal: escape sequences
// and newlines in them are shown escaped, never sent raw (issue 11).
TEST(Registry, PluginTextIsPrintedEscaped) {
  Registry r(false);
  auto m = r.load_plugin(test_plugin("testecho"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  ::setenv("NNPORT_TESTECHO_VERSION",
           "\x1b]0;owned\x07"
           "1.0\r\nfake:\tok",
           1);
  auto v = (*m)->version();
  auto lines = (*m)->check_env();
  ::unsetenv("NNPORT_TESTECHO_VERSION");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, "\\x1b]0;owned\\x071.0\\x0d\\x0afake:\tok");
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "testecho:\t\\x1b]0;owned\\x071.0\\x0d\\x0afake:\tok",
                       "testecho custom ops:\t\\x1b]0;owned\\x071.0\\x0d\\x0afake:\tok"}));
}

TEST(Registry, RefusesBrokenPluginsNamingFileAndReason) {
  struct Case {
    const char* file;
    Code code;
    std::vector<std::string> says;
  };
  const Case cases[] = {
      {"testabi",
       Code::kUnavailable,
       {"was built for nnport plugin ABI 999; this nnport speaks ABI 1",
        "rebuild the plugin against this nnport"}},
      {"testnoentry", Code::kUnavailable, {"has no entry point 'nnport_backend_entry'"}},
      {"testgarbage", Code::kUnavailable, {"cannot load plugin", "shared library"}},
      {"testnull", Code::kUnavailable, {"required functions NULL: build_wrapper"}},
      {"testsmall", Code::kUnavailable, {"struct_size 16", "needs at least"}},
  };
  Registry r(false);
  for (const Case& c : cases) {
    const std::string path = test_plugin(c.file);
    auto m = r.load_plugin(path);
    ASSERT_FALSE(m.ok()) << c.file << " loaded";
    EXPECT_EQ(m.status().code(), c.code) << c.file;
    EXPECT_HAS(m.status().message(), path);
    for (const auto& s : c.says) EXPECT_HAS(m.status().message(), s);
  }
  ASSERT_EQ(r.failures().size(), std::size(cases));
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(r.failures()[i].name, cases[i].file);
    EXPECT_EQ(r.failures()[i].path, test_plugin(cases[i].file));
    EXPECT_FALSE(r.failures()[i].reason.empty());
  }
  // A second attempt gives the same answer without a second failure record.
  EXPECT_FALSE(r.load_plugin(test_plugin("testabi")).ok());
  EXPECT_EQ(r.failures().size(), std::size(cases));
  // A file that does not exist is not a plugin failure, just an error.
  auto missing = r.load_plugin("/nonexistent/libnnport_backend_x.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_HAS(missing.status().message(), "/nonexistent/libnnport_backend_x.so");
}

TEST(Registry, UnavailableBackendSaysWhyAndUsesDefaults) {
  Registry r(false);
  auto m = r.load_plugin(test_plugin("testoff"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  const BackendManager* off = *m;
  std::string why;
  EXPECT_FALSE(off->is_available(false, &why));
  EXPECT_EQ(why, "libtestoff.so.1: cannot open shared object file");
  EXPECT_EQ(off->check_env(), (std::vector<std::string>{"testoff:\tNone"}));
  auto v = off->version();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kUnavailable);
  EXPECT_EQ(v.status().message(), "testoff: version failed: the runtime is not installed");
  // to_backend is NULL in this plugin: the IR files are the backend files.
  TempDir work;
  auto files = off->to_backend({"/models/a.onnx"}, work.str(), "{}");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{"/models/a.onnx"}));
  auto w = off->build_wrapper({"/models/a.onnx"});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Code::kUnavailable);
  EXPECT_EQ(w.status().message(), "testoff: build_wrapper failed: the runtime is not installed");

  auto bad = r.load_plugin(test_plugin("testbadcheck"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->check_env(), (std::vector<std::string>{"testbadcheck:\tCheckFailed"}));
}

TEST(Registry, FindLoadsOnlyTheMatchingFile) {
  Registry r(false);
  r.add_search_dir(NNPORT_TEST_PLUGIN_DIR);
  auto m = r.find("testecho");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ((*m)->name(), "testecho");
  EXPECT_TRUE(r.failures().empty()) << "find must not touch the broken plugins beside it";
  auto abi = r.find("testabi");
  ASSERT_FALSE(abi.ok());
  EXPECT_EQ(abi.status().code(), Code::kUnavailable);
  EXPECT_HAS(abi.status().message(), "backend 'testabi' is installed but cannot be used");
  EXPECT_HAS(abi.status().message(), "ABI 999");
  EXPECT_EQ(r.failures().size(), 1u);
  // The file testalias registers the backend testrenamed.
  auto alias = r.find("testalias");
  ASSERT_FALSE(alias.ok());
  EXPECT_HAS(alias.status().message(), "registers backend 'testrenamed', not 'testalias'");
  auto renamed = r.find("testrenamed");
  ASSERT_TRUE(renamed.ok()) << renamed.status().message();
  EXPECT_EQ((*renamed)->plugin_path(), test_plugin("testalias"));
}

TEST(Registry, UnknownAndNotInstalledNames) {
  Registry r(false);
  r.add_search_dir(NNPORT_TEST_PLUGIN_DIR);
  auto unknown = r.find("foo");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_HAS(unknown.status().message(),
             "unknown backend 'foo'; known backends: tensorrt, onnxruntime, pplnn, ncnn");
  EXPECT_HAS(unknown.status().message(), "opencv, xnnpack");
  auto slash = r.find("../../etc/passwd");
  ASSERT_FALSE(slash.ok());
  EXPECT_EQ(slash.status().code(), Code::kInvalidArgument);
  auto trt = r.find("tensorrt");
  ASSERT_FALSE(trt.ok());
  EXPECT_EQ(trt.status().code(), Code::kUnavailable);
  EXPECT_HAS(trt.status().message(),
             "backend 'tensorrt' is not installed: no "
             "libnnport_backend_tensorrt.so in ");
  EXPECT_HAS(trt.status().message(), std::filesystem::canonical(NNPORT_TEST_PLUGIN_DIR).string());
  EXPECT_HAS(trt.status().message(), "NNPORT_PLUGIN_PATH");
}

TEST(Registry, ListLoadsEverythingAndRecordsFailures) {
  Registry r(false);
  r.add_search_dir(NNPORT_TEST_PLUGIN_DIR);
  auto all = r.list();
  std::vector<std::string> names;
  for (const auto* m : all) names.push_back(m->name());
  // Known-name order: built-ins first (none here), then names in load order
  // (files sorted: testalias, testbadcheck, testecho, testoff).
  EXPECT_EQ(names,
            (std::vector<std::string>{"testrenamed", "testbadcheck", "testecho", "testoff"}));
  std::vector<std::string> failed;
  for (const auto& f : r.failures()) failed.push_back(f.name);
  EXPECT_EQ(failed, (std::vector<std::string>{"testabi", "testecho_dup", "testgarbage",
                                              "testnoentry", "testnull", "testsmall"}));
  // The duplicate: the first file with the name wins.
  const PluginFailure& dup = r.failures()[1];
  EXPECT_HAS(dup.reason, "duplicate backend name 'testecho'");
  EXPECT_HAS(dup.reason, test_plugin("testecho"));
  auto echo = r.find("testecho");
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ((*echo)->plugin_path(), test_plugin("testecho"));
  EXPECT_TRUE((*echo)->version().ok()) << "the others keep working";
  // Listing again loads nothing new.
  EXPECT_EQ(r.list().size(), 4u);
  EXPECT_EQ(r.failures().size(), 6u);
}

TEST(Registry, DuplicateByPathKeepsTheFirst) {
  Registry r(false);
  ASSERT_TRUE(r.load_plugin(test_plugin("testecho")).ok());
  auto dup = r.load_plugin(test_plugin("testecho_dup"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), Code::kInvalidArgument);
  EXPECT_HAS(dup.status().message(), "duplicate backend name 'testecho'");
  auto m = r.find("testecho");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->plugin_path(), test_plugin("testecho"));
}

TEST(Registry, DefaultFolderThenPluginPath) {
  TempDir other;
  const std::string env = other.str() + "::" + NNPORT_TEST_PLUGIN_DIR;
  ::setenv("NNPORT_PLUGIN_PATH", env.c_str(), 1);
  Registry r;
  ::unsetenv("NNPORT_PLUGIN_PATH");
  auto dirs = r.search_dirs();
  ASSERT_EQ(dirs.size(), 3u);
  // libnnport lives in <build>/lib, so its plugin folder is <build>/lib/nnport/plugins.
  EXPECT_EQ(dirs[0], Registry::default_plugin_dir());
  EXPECT_EQ(
      std::filesystem::path(dirs[0]),
      std::filesystem::weakly_canonical(std::string(NNPORT_BINARY_DIR) + "/lib/nnport/plugins"));
  EXPECT_EQ(dirs[1], std::filesystem::canonical(other.str()).string());
  EXPECT_EQ(dirs[2], std::filesystem::canonical(NNPORT_TEST_PLUGIN_DIR).string());
  auto m = r.find("testecho");
  ASSERT_TRUE(m.ok()) << m.status().message();
}

}  // namespace
}  // namespace nnport
