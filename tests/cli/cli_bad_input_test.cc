// The bad-input table: each case exits 1 with a message naming the thing
// and leaves no work dir behind.
#include <sys/stat.h>

#include "cli_fixture.h"

namespace nnport::test {
namespace {

// ---- Bad input: every case exits 1 with a message naming the thing. ----

struct BadCase {
  const char* name;
  std::function<std::vector<std::string>(const CliTest&)> args;
  std::vector<std::string> expect;  // substrings of stderr
  bool needs_tiny = true;           // uses tests/models/out/tiny_mlp
};

// gtest prints the case by name, not as bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class CliBadInput : public CliTest, public ::testing::WithParamInterface<BadCase> {
 public:
  std::string tiny() const { return model("tiny_mlp").string(); }
  std::string tiny_input() const { return (models_dir() / "tiny_mlp/inputs/input.npy").string(); }
  using CliTest::path;
  using CliTest::work;
};

std::vector<std::string> convert_args(const CliTest& t, std::string config, std::string onnx,
                                      std::string work_dir = "") {
  const auto& b = static_cast<const CliBadInput&>(t);
  return {"convert", std::move(config), std::move(onnx), "--work-dir",
          work_dir.empty() ? b.work() : work_dir};
}

const CliBadInput& as_bad(const CliTest& t) { return static_cast<const CliBadInput&>(t); }

const BadCase kBadCases[] = {
    {"missing_onnx",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).path("missing.onnx"));
     },
     {"missing.onnx"},
     false},
    {"empty_onnx",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).path("empty.onnx"));
     },
     {"empty.onnx"},
     false},
    // A FIFO would block the open forever (issue 11): refused before it.
    {"fifo_onnx",
     [](const CliTest& t) {
       const std::string fifo = as_bad(t).path("fifo.onnx");
       ::mkfifo(fifo.c_str(), 0600);
       return convert_args(t, cfg("ort_static.py"), fifo);
     },
     {"fifo.onnx' is a FIFO, not a regular file"},
     false},
    {"garbage_onnx",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).path("garbage.onnx"));
     },
     {"garbage.onnx"},
     false},
    {"truncated_onnx",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).path("truncated.onnx"));
     },
     {"truncated.onnx"}},
    {"run_garbage_onnx",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).path("garbage.onnx")};
     },
     {"garbage.onnx"},
     false},
    {"unknown_backend",
     [](const CliTest& t) { return convert_args(t, cfg("unknown_backend.py"), as_bad(t).tiny()); },
     {"nosuchbackend", "onnxruntime"}},  // the known names are listed
    {"run_unknown_backend",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--backend", "nosuchbackend"};
     },
     {"nosuchbackend"}},
    {"unavailable_backend",
     [](const CliTest& t) { return convert_args(t, cfg("tensorrt.py"), as_bad(t).tiny()); },
     {"tensorrt"}},
    {"config_syntax_error",
     [](const CliTest& t) { return convert_args(t, cfg("syntax_error.py"), as_bad(t).tiny()); },
     {"syntax_error.py"}},
    {"config_syntax_error_config_cmd",
     [](const CliTest&) {
       return std::vector<std::string>{"config", cfg("syntax_error.py")};
     },
     {"syntax_error.py"},
     false},
    {"config_imports",
     [](const CliTest& t) { return convert_args(t, cfg("imports.py"), as_bad(t).tiny()); },
     {"imports.py", "import"}},
    {"config_calls",
     [](const CliTest& t) { return convert_args(t, cfg("calls.py"), as_bad(t).tiny()); },
     {"calls.py"}},
    {"config_base_cycle",
     [](const CliTest& t) { return convert_args(t, cfg("cycle_a.py"), as_bad(t).tiny()); },
     {"cycle_a.py", "cycle_b.py"}},
    {"config_missing_base",
     [](const CliTest& t) { return convert_args(t, cfg("missing_base.py"), as_bad(t).tiny()); },
     {"does_not_exist.py"}},
    {"config_sibling_duplicate_keys",
     [](const CliTest& t) { return convert_args(t, cfg("dup_keys.py"), as_bad(t).tiny()); },
     {"backend_config"}},
    {"wrong_input_name",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--input",
                                       "wrong_name=" + as_bad(t).tiny_input()};
     },
     {"wrong_name"}},
    {"wrong_element_type",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--input",
                                       "input=" + as_bad(t).path("int64.npy")};
     },
     {"int64"}},
    {"wrong_rank",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--input",
                                       "input=" + as_bad(t).path("rank1.npy")};
     },
     {"rank"}},
    {"npy_that_is_not_one",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--input",
                                       "input=" + as_bad(t).path("not_npy.npy")};
     },
     {"not_npy.npy"}},
    {"missing_npy",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).tiny(), "--input",
                                       "input=" + as_bad(t).path("absent.npy")};
     },
     {"absent.npy"}},
    {"work_dir_under_a_file",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).tiny(), as_bad(t).path("afile/work"));
     },
     {"afile"}},
    {"work_dir_in_proc",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).tiny(), "/proc/nnport_cli_test_work");
     },
     {"/proc/nnport_cli_test_work"}},
    {"work_dir_is_a_file",
     [](const CliTest& t) {
       return convert_args(t, cfg("ort_static.py"), as_bad(t).tiny(), as_bad(t).path("afile"));
     },
     {"afile"}},
    {"plugin_wrong_abi",
     [](const CliTest& t) {
       auto a = convert_args(t, cfg("ort_static.py"), as_bad(t).tiny());
       a.insert(a.begin(), {"--plugin", NNPORT_BAD_ABI_PLUGIN});
       return a;
     },
     {"libnnport_backend_badabi.so", "999"}},
    {"plugin_no_entry_point",
     [](const CliTest& t) {
       auto a = convert_args(t, cfg("ort_static.py"), as_bad(t).tiny());
       a.insert(a.begin(), {"--plugin", NNPORT_NO_ENTRY_PLUGIN});
       return a;
     },
     {"libnnport_backend_noentry.so", "nnport_backend_entry"}},
    {"plugin_missing_file",
     [](const CliTest&) {
       return std::vector<std::string>{"--plugin", "/nonexistent/libnnport_backend_x.so",
                                       "check-env"};
     },
     {"/nonexistent/libnnport_backend_x.so"},
     false},
    {"dynamic_dims_without_shape",
     [](const CliTest&) {
       return std::vector<std::string>{"run", model("mobilenet_v2").string()};
     },
     {"'input'", "batch", "--shape"},
     false},
    {"verify_unknown_reference",
     [](const CliTest& t) {
       return std::vector<std::string>{"verify", as_bad(t).tiny(), "--reference", "nosuchbackend"};
     },
     {"nosuchbackend"}},
    {"run_missing_work_dir_file",
     [](const CliTest& t) {
       return std::vector<std::string>{"run", as_bad(t).path("nothing_here")};
     },
     {"nothing_here"},
     false},
};

TEST_P(CliBadInput, ExitsWithAMessageAndLeavesNothing) {
  const BadCase& c = GetParam();
  if (c.needs_tiny && !fs::exists(model("tiny_mlp")))
    GTEST_SKIP() << "tiny_mlp is absent from " << models_dir();
  if (std::string(c.name) == "dynamic_dims_without_shape" && !fs::exists(model("mobilenet_v2")))
    GTEST_SKIP() << "mobilenet_v2 is absent from " << models_dir();
  CliResult r = run_cli(c.args(*this));
  EXPECT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  for (const auto& s : c.expect)
    EXPECT_NE(r.err.find(s), std::string::npos) << "want '" << s << "' in: " << r.err;
  expect_no_work_dir();
}

INSTANTIATE_TEST_SUITE_P(Table, CliBadInput, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nnport::test
