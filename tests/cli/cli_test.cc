// The nnport CLI, run as a user runs it: exit codes, messages, files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli_runner.h"
#include "nnport/npy.h"
#include "nnport/tensor.h"

namespace nnport::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path models_dir() {
  if (const char* env = std::getenv("NNPORT_MODELS_DIR")) return env;
  return fs::path(NNPORT_SOURCE_DIR) / "tests/models/out";
}
fs::path model(const std::string& name) { return models_dir() / name / "model.onnx"; }
std::string cfg(const std::string& name) {
  return (fs::path(NNPORT_CLI_TEST_DIR) / "configs" / name).string();
}

// A fresh folder per test with the bad files the table refers to.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    dir_ = fs::temp_directory_path() / ("nnport_cli_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write(dir_ / "empty.onnx", "");
    write(dir_ / "garbage.onnx", std::string(200, 'g') + "this is not an ONNX model\n");
    write(dir_ / "not_npy.npy", "just some text, not an array\n");
    write(dir_ / "afile", "a file, not a folder\n");
    if (fs::exists(model("tiny_mlp"))) {
      std::ifstream in(model("tiny_mlp"), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      write(dir_ / "truncated.onnx", bytes.substr(0, bytes.size() / 2));
    }
    Tensor ints = Tensor::empty(DType::kInt64, {1, 16});
    ASSERT_TRUE(write_npy((dir_ / "int64.npy").string(), ints).ok());
    Tensor flat = Tensor::empty(DType::kFloat32, {16});
    ASSERT_TRUE(write_npy((dir_ / "rank1.npy").string(), flat).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string work() const { return path("work"); }
  // No work dir and no temporary sibling left behind.
  void expect_no_work_dir() const {
    EXPECT_FALSE(fs::exists(dir_ / "work")) << "a work dir was left behind";
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos)
          << "left behind: " << e.path();
  }
  static bool ort_available() {
    CliResult r = run_cli({"check-env", "--json"});
    if (!Json::accept(r.out)) return false;
    Json j = Json::parse(r.out);  // named: a temporary would dangle in the loop
    for (const auto& b : j["backends"])
      if (b["name"] == "onnxruntime") return b["available"] == true;
    return false;
  }
  fs::path dir_;
};

// ---- Bad input: every case exits 1 with a message naming the thing. ----

struct BadCase {
  const char* name;
  std::function<std::vector<std::string>(const CliTest&)> args;
  std::vector<std::string> expect;  // substrings of stderr
  bool needs_tiny = true;           // uses tests/models/out/tiny_mlp
};

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
     [](const CliTest& t) { return convert_args(t, cfg("ort_static.py"), as_bad(t).path("missing.onnx")); },
     {"missing.onnx"}, false},
    {"empty_onnx",
     [](const CliTest& t) { return convert_args(t, cfg("ort_static.py"), as_bad(t).path("empty.onnx")); },
     {"empty.onnx"}, false},
    {"garbage_onnx",
     [](const CliTest& t) { return convert_args(t, cfg("ort_static.py"), as_bad(t).path("garbage.onnx")); },
     {"garbage.onnx"}, false},
    {"truncated_onnx",
     [](const CliTest& t) { return convert_args(t, cfg("ort_static.py"), as_bad(t).path("truncated.onnx")); },
     {"truncated.onnx"}},
    {"run_garbage_onnx",
     [](const CliTest& t) { return std::vector<std::string>{"run", as_bad(t).path("garbage.onnx")}; },
     {"garbage.onnx"}, false},
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
     [](const CliTest&) { return std::vector<std::string>{"config", cfg("syntax_error.py")}; },
     {"syntax_error.py"}, false},
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
     {"/nonexistent/libnnport_backend_x.so"}, false},
    {"dynamic_dims_without_shape",
     [](const CliTest&) {
       return std::vector<std::string>{"run", model("mobilenet_v2").string()};
     },
     {"'input'", "batch", "--shape"}, false},
    {"verify_unknown_reference",
     [](const CliTest& t) {
       return std::vector<std::string>{"verify", as_bad(t).tiny(), "--reference", "nosuchbackend"};
     },
     {"nosuchbackend"}},
    {"run_missing_work_dir_file",
     [](const CliTest& t) { return std::vector<std::string>{"run", as_bad(t).path("nothing_here")}; },
     {"nothing_here"}, false},
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
  for (const auto& s : c.expect) EXPECT_NE(r.err.find(s), std::string::npos) << "want '" << s << "' in: " << r.err;
  expect_no_work_dir();
}

INSTANTIATE_TEST_SUITE_P(Table, CliBadInput, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- Usage ----

TEST_F(CliTest, HelpListsSubcommands) {
  CliResult r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"check-env", "config", "convert", "run", "verify", "inspect", "--plugin"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  CliResult sub = run_cli({"verify", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--atol"), std::string::npos);
  EXPECT_NE(sub.out.find("Examples"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"nosuchcommand"}, {"convert"}, {"run", "x.onnx", "--no-such-flag"},
           {"verify", "x.onnx"}, {"run", "x.onnx", "--seed", "abc"}}) {
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "" : args[0]) << ": " << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
}

// ---- check-env and config ----

TEST_F(CliTest, CheckEnvPrintsMMDeployLines) {
  CliResult r = run_cli({"check-env"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tensorrt:\tNone"), std::string::npos) << r.out;
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available: " << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("(^|\n)onnxruntime:\t[0-9]+\\.[0-9]+\\.[0-9]+")))
      << r.out;
}

TEST_F(CliTest, CheckEnvJsonAndBadPlugins) {
  CliResult r = run_cli({"--plugin", NNPORT_BAD_ABI_PLUGIN, "check-env", "--json"});
  EXPECT_EQ(r.exit_code, 1) << "a --plugin that fails makes check-env fail";
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  bool has_tensorrt = false;
  for (const auto& b : j["backends"]) {
    if (b["name"] == "tensorrt") {
      has_tensorrt = true;
      EXPECT_EQ(b["available"], false);
    }
  }
  EXPECT_TRUE(has_tensorrt);
  bool listed = false;
  for (const auto& f : j["failures"])
    listed = listed || f["path"].get<std::string>().find("badabi") != std::string::npos;
  EXPECT_TRUE(listed) << r.out;
}

TEST_F(CliTest, ConfigPrintsMergedJson) {
  CliResult r = run_cli({"config", cfg("ort_static.py")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["backend_config"]["type"], "onnxruntime");  // from the base
  EXPECT_EQ(j["onnx_config"]["opset_version"], 11);
  EXPECT_EQ(j["codebase_config"]["task"], "Classification");
  EXPECT_NE(r.out.find("\n  \""), std::string::npos) << "2-space indent";

  CliResult o = run_cli({"config", cfg("ort_static.py"), "--cfg-options",
                         "onnx_config.opset_version=13", "backend_config.type=tensorrt"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  Json k = Json::parse(o.out);
  EXPECT_EQ(k["onnx_config"]["opset_version"], 13);
  EXPECT_EQ(k["backend_config"]["type"], "tensorrt");
}

// ---- Happy paths on the real models ----

// The .npy files in two folders agree within tol; returns the max abs diff.
double max_abs_diff(const std::string& a_path, const std::string& b_path) {
  auto a = read_npy(a_path);
  auto b = read_npy(b_path);
  EXPECT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(b.ok()) << b.status().message();
  if (!a.ok() || !b.ok()) return 1e30;
  EXPECT_EQ(a->shape(), b->shape());
  EXPECT_EQ(a->dtype(), DType::kFloat32);
  if (a->shape() != b->shape() || a->dtype() != b->dtype()) return 1e30;
  double m = 0;
  for (int64_t i = 0; i < a->numel(); ++i)
    m = std::max(m, static_cast<double>(std::fabs(a->data_as<float>()[i] - b->data_as<float>()[i])));
  return m;
}

class CliModelTest : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliModelTest, ConvertRunVerifyMatchesPyTorch) {
  std::string name = GetParam();
  if (!fs::exists(model(name))) GTEST_SKIP() << name << " is absent from " << models_dir();
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available (run check-env)";
  fs::path mdir = models_dir() / name;

  CliResult c = run_cli({"convert", cfg("ort_static.py"), model(name).string(), "--work-dir",
                         work(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  ASSERT_TRUE(Json::accept(c.out)) << c.out;
  for (const char* f : {"end2end.onnx", "deploy.json", "detail.json"})
    EXPECT_TRUE(fs::exists(fs::path(work()) / f)) << f;
  std::ifstream dj(fs::path(work()) / "deploy.json");
  Json deploy = Json::parse(dj);
  EXPECT_EQ(deploy["models"][0]["backend"], "onnxruntime");
  EXPECT_EQ(deploy["models"][0]["net"], "end2end.onnx");
  EXPECT_EQ(deploy["models"][0]["weights"], "");
  EXPECT_TRUE(deploy["customs"].is_array());
  std::ifstream tj(fs::path(work()) / "detail.json");
  Json detail = Json::parse(tj);
  EXPECT_EQ(detail["backend_config"]["type"], "onnxruntime");
  EXPECT_EQ(detail["codebase_config"]["type"], "mmpretrain");

  // Fed the model's own inputs, the outputs match PyTorch's within 1e-4.
  std::vector<std::string> run = {"run", work(), "--output-dir", path("out"), "--json"};
  for (const auto& e : fs::directory_iterator(mdir / "inputs")) {
    run.push_back("--input");
    run.push_back(e.path().stem().string() + "=" + e.path().string());
  }
  CliResult r = run_cli(run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json rj = Json::parse(r.out);
  ASSERT_FALSE(rj["outputs"].empty());
  for (const auto& e : fs::directory_iterator(mdir / "outputs")) {
    std::string got = (fs::path(path("out")) / e.path().filename()).string();
    ASSERT_TRUE(fs::exists(got)) << got;
    EXPECT_LE(max_abs_diff(got, e.path().string()), 1e-4) << e.path();
  }

  CliResult v = run_cli({"verify", work(), "--reference", "onnxruntime", "--json"});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  ASSERT_TRUE(Json::accept(v.out)) << v.out;
  Json vj = Json::parse(v.out);
  EXPECT_EQ(vj["pass"], true);
  EXPECT_EQ(vj["outputs"].size(), rj["outputs"].size());

  CliResult text = run_cli({"verify", work(), "--reference", "onnxruntime"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("PASS"), std::string::npos) << text.out;
}

INSTANTIATE_TEST_SUITE_P(Models, CliModelTest, ::testing::Values("tiny_mlp", "resnet18"));

TEST_F(CliTest, ExistingWorkDirNeedsForce) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  fs::create_directories(work());
  write(fs::path(work()) / "keep.txt", "old");
  std::vector<std::string> args = {"convert", cfg("ort_static.py"), model("tiny_mlp").string(),
                                   "--work-dir", work()};
  CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "keep.txt")) << "the old work dir must stay intact";
  args.push_back("--force");
  CliResult f = run_cli(args);
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_FALSE(fs::exists(fs::path(work()) / "keep.txt"));
  EXPECT_TRUE(fs::exists(fs::path(work()) / "deploy.json"));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(CliTest, RunRandomInputsOnModelFiles) {
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  struct Case { const char* name; std::vector<std::string> extra; std::vector<int64_t> first_output_shape; };
  for (const Case& c : {Case{"two_in_two_out", {}, {2, 4}}, Case{"int64_input", {}, {1, 10, 16}},
                        Case{"mobilenet_v2", {"--shape", "input=2x3x224x224"}, {2, 1000}}}) {
    SCOPED_TRACE(c.name);
    if (!fs::exists(model(c.name))) continue;
    std::vector<std::string> args = {"run", model(c.name).string(), "--json", "--seed", "3"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    CliResult r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(Json::accept(r.out)) << r.out;
    Json j = Json::parse(r.out);
    EXPECT_EQ(j["outputs"][0]["shape"].get<std::vector<int64_t>>(), c.first_output_shape);
    // Same seed, same numbers.
    CliResult again = run_cli(args);
    EXPECT_EQ(Json::parse(again.out)["outputs"], j["outputs"]);
  }
}

TEST_F(CliTest, InspectShowsInputsOutputsOpset) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  CliResult r = run_cli({"inspect", model("mobilenet_v2").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["opset"], 11);
  EXPECT_EQ(j["inputs"][0]["name"], "input");
  EXPECT_EQ(j["inputs"][0]["dims"][0], -1);
  EXPECT_EQ(j["inputs"][0]["dim_names"][0], "batch");
  CliResult text = run_cli({"inspect", model("mobilenet_v2").string()});
  EXPECT_NE(text.out.find("[batch, 3, 224, 224]"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace nnport::test
