// Data safety, confinement and certification: what convert refuses, what
// --force may replace, which paths a work dir may name. Each case checks the
// exit code, the words of the message, and that no user file was touched and
// no work dir half-written. Interrupted conversions: cli_interrupt_test.cc.
#include <sys/stat.h>

#include "safety_fixture.h"

namespace nnport::test {
namespace {

// ---- convert refuses what would not run, and writes nothing ----

struct RefusedModel {
  const char* name;
  const char* model;                // under make_models.py's folder
  std::vector<std::string> extra;   // more convert arguments
  std::vector<std::string> expect;  // words of the error
};
void PrintTo(const RefusedModel& c, std::ostream* os) { *os << c.name; }

const RefusedModel kRefused[] = {
    {"opset_99", "opset99.onnx", {}, {"Opset 99", "do not load", "onnxruntime"}},
    {"unknown_op", "unknown_op.onnx", {}, {"node 'add' (NoSuchOp)", "re-export"}},
    {"custom_domain", "custom_domain.onnx", {}, {"com.example.custom", "do not load"}},
    {"cycle", "cycle.onnx", {}, {"topologically sorted", "node 'matmul'"}},
    {"undefined_input", "undefined_input.onnx", {}, {"nothing_makes_this", "node 'add'"}},
    {"short_initializer", "short_initializer.onnx", {}, {"initializer 'b'", "8 bytes", "16"}},
    {"device_cuda",
     "static.onnx",
     {"--device", "cuda"},
     {"device 'cuda' is not usable here", "--device cpu"}},
    {"data_absolute", "unsafe_abs/model.onnx", {}, {"absolute path", "unsafe"}},
    {"data_leaves_folder", "unsafe_up/model.onnx", {}, {"../outside_secret.bin", "unsafe"}},
    {"data_symlink_out", "unsafe_link/model.onnx", {}, {"symlink", "outside_secret.bin"}},
    {"data_missing", "missing_data/model.onnx", {}, {"weights.bin", "no file"}},
    {"data_cut_short",  // refused by nnport's own check, not only at load
     "external_short/model.onnx",
     {"--no-load-check"},
     {"initializer 'b'", "past the end of 'weights.bin'"}},
};

class RefusedModelTest : public SafetyTest, public ::testing::WithParamInterface<RefusedModel> {};

TEST_P(RefusedModelTest, ConvertFailsNamingWhyAndWritesNothing) {
  const RefusedModel& c = GetParam();
  CliResult r = run_cli(convert(m(c.model), c.extra));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const auto& w : c.expect)
    EXPECT_TRUE(contains(r.err, w)) << "want '" << w << "' in " << r.err;
  expect_no_work_dir();
}

INSTANTIATE_TEST_SUITE_P(Table, RefusedModelTest, ::testing::ValuesIn(kRefused));

TEST_F(SafetyTest, ExternalDataIsCopiedRecordedAndRuns) {
  CliResult c = run_cli(convert(m("external/model.onnx"), {"--json"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "weights.bin"));
  Json j = Json::parse(c.out);
  EXPECT_EQ(j["files"], Json({"end2end.onnx", "weights.bin", "deploy.json", "detail.json"}));
  EXPECT_EQ(j["load_checked"], true);
  std::ifstream in(fs::path(work()) / "deploy.json");
  Json d = Json::parse(in);
  EXPECT_EQ(d["nnport"]["data_files"], Json({"weights.bin"}));
  // The same weights give the same answer as the model with embedded ones.
  CliResult a = run_cli({"run", work(), "--json"});
  CliResult b = run_cli({"run", m("static.onnx"), "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(Json::parse(a.out)["outputs"][0]["first"], Json::parse(b.out)["outputs"][0]["first"]);
  // --force may replace it: every file in it is listed.
  CliResult again = run_cli(convert(m("external/model.onnx"), {"--force"}));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(SafetyTest, NoLoadCheckIsRecorded) {
  CliResult c = run_cli(convert(m("static.onnx"), {"--no-load-check", "--json"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(Json::parse(c.out)["load_checked"], false);
  std::ifstream in(fs::path(work()) / "deploy.json");
  EXPECT_EQ(Json::parse(in)["nnport"]["load_checked"], false);
}

TEST_F(SafetyTest, ConfigAndModelDisagreementsAreWarnings) {
  CliResult c = run_cli(convert(m("static.onnx"), {}, "ort_dynamic_opset17.py"));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(contains(c.err, "warning: onnx_config.dynamic_axes marks axis 0 of 'x'")) << c.err;
  EXPECT_TRUE(contains(c.err, "fixes it to 1")) << c.err;
  EXPECT_TRUE(contains(c.err, "opset_version is 17 but the model was exported at opset 13"))
      << c.err;
  CliResult quiet = run_cli(convert(m("dynamic.onnx"), {"--force"}));
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_FALSE(contains(quiet.err, "warning")) << quiet.err;
}

// ---- --force replaces only what nnport wrote ----

struct ForceCase {
  const char* name;
  // Prepares the folder (and returns the --work-dir to pass, relative to
  // the test folder; "." runs nnport inside it).
  std::function<void(const fs::path& dir)> prepare;
  const char* work_dir;
  std::vector<std::string> expect;
};
void PrintTo(const ForceCase& c, std::ostream* os) { *os << c.name; }

const ForceCase kForce[] = {
    {"project_folder",
     [](const fs::path& d) {
       write_file(d / "proj/src/main.cc", "int main() {}\n");
       write_file(d / "proj/notes.txt", "mine\n");
     },
     "proj",
     {"--force refused", "not a work dir written by nnport", "notes.txt", "src/"}},
    {"current_folder",
     [](const fs::path& d) { write_file(d / "proj/thesis.tex", "years of work\n"); },
     ".",
     {"--force refused", "thesis.tex"}},
    {"mmdeploy_work_dir",  // deploy.json without nnport's marker
     [](const fs::path& d) {
       write_file(d / "proj/deploy.json", R"({"version": "1.3.1", "models": []})");
       write_file(d / "proj/end2end.onnx", "weights\n");
     },
     "proj",
     {"nnport did not write", "\"nnport\" marker"}},
    {"work_dir_with_a_user_file",  // nnport's, then the user added a file
     [](const fs::path& d) {
       CliResult r = run_cli({"convert", cfg("ort_plain.py"), SafetyTest::m("static.onnx"),
                              "--work-dir", (d / "proj").string()});
       ASSERT_EQ(r.exit_code, 0) << r.err;
       write_file(d / "proj/results/accuracy.csv", "top1,0.71\n");
     },
     "proj",
     {"does not list", "results/"}},
};

class ForceTest : public SafetyTest, public ::testing::WithParamInterface<ForceCase> {};

TEST_P(ForceTest, RefusesAndTouchesNothing) {
  const ForceCase& c = GetParam();
  c.prepare(dir_);
  const auto before = snapshot(dir_ / "proj");
  CliEnv in_proj;
  in_proj.cwd = (dir_ / "proj").string();
  const bool here = std::string(c.work_dir) == ".";
  CliResult r = run_cli({"convert", cfg("ort_plain.py"), m("static.onnx"), "--work-dir",
                         here ? "." : (dir_ / c.work_dir).string(), "--force"},
                        here ? in_proj : CliEnv{});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const auto& w : c.expect)
    EXPECT_TRUE(contains(r.err, w)) << "want '" << w << "' in " << r.err;
  EXPECT_EQ(snapshot(dir_ / "proj"), before) << "--force changed the user's folder";
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_FALSE(contains(e.path().filename().string(), ".tmp-")) << e.path();
}

INSTANTIATE_TEST_SUITE_P(Table, ForceTest, ::testing::ValuesIn(kForce));

// ---- work dirs: mode, paths inside them, the plugin they need ----

TEST_F(SafetyTest, WorkDirModeFollowsTheUmask) {
  const mode_t old = ::umask(022);
  CliResult r = run_cli(convert(m("static.onnx")));
  ::umask(old);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(work().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  ASSERT_EQ(::stat((fs::path(work()) / "deploy.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

struct DeployJsonEdit {
  const char* name;
  const char* key;    // in deploy.json's "nnport" object
  std::string value;  // replaces its first entry; {DIR} is the test folder
  std::vector<std::string> expect;
};
void PrintTo(const DeployJsonEdit& c, std::ostream* os) { *os << c.name; }

const DeployJsonEdit kEdits[] = {
    {"backend_file_up", "backend_files", "../../secret.onnx", {"leaves the work dir"}},
    {"backend_file_absolute", "backend_files", "{DIR}/secret.onnx", {"is an absolute path"}},
    {"ir_file_up", "ir_files", "../secret.onnx", {"leaves the work dir"}},
    {"backend_file_symlink", "backend_files", "link.onnx", {"symlink", "outside the work dir"}},
};

class DeployJsonPathTest : public SafetyTest,
                           public ::testing::WithParamInterface<DeployJsonEdit> {};

TEST_P(DeployJsonPathTest, RunAndVerifyRefuseAPathOutOfTheWorkDir) {
  const DeployJsonEdit& c = GetParam();
  ASSERT_EQ(run_cli(convert(m("static.onnx"))).exit_code, 0);
  fs::copy_file(m("static.onnx"), dir_ / "secret.onnx");
  fs::create_symlink(dir_ / "secret.onnx", fs::path(work()) / "link.onnx");
  const fs::path file = fs::path(work()) / "deploy.json";
  Json d;
  {
    std::ifstream in(file);
    d = Json::parse(in);
  }
  std::string value = c.value;
  if (auto p = value.find("{DIR}"); p != std::string::npos) value.replace(p, 5, dir_.string());
  d["nnport"][c.key][0] = value;
  std::ofstream(file) << d.dump(2);
  for (const char* cmd : {"run", "verify"}) {
    std::vector<std::string> args = {cmd, work()};
    if (std::string(cmd) == "verify") args.insert(args.end(), {"--reference", "onnxruntime"});
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << cmd << ": " << r.err;
    for (const auto& w : c.expect) EXPECT_TRUE(contains(r.err, w)) << cmd << ": " << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DeployJsonPathTest, ::testing::ValuesIn(kEdits));

TEST_F(SafetyTest, HostileWorkDirJsonIsAnErrorNotACrash) {
  ASSERT_EQ(run_cli(convert(m("static.onnx"))).exit_code, 0);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const char* file : {"detail.json", "deploy.json"}) {
    const fs::path path = fs::path(work()) / file;
    std::string kept;
    {
      std::ifstream in(path, std::ios::binary);
      kept.assign(std::istreambuf_iterator<char>(in), {});
    }
    write_file(path, std::string(R"({"models": [{"backend": "onnxruntime"}], "x": )") + deep + "}");
    CliResult r = run_cli({"run", work()});
    EXPECT_EQ(r.exit_code, 1) << file << ": signal " << r.signal << ": " << r.err;
    EXPECT_TRUE(contains(r.err, file)) << r.err;
    EXPECT_TRUE(contains(r.err, "nested more than 100")) << r.err;
    write_file(path, kept);
  }
  // --force does not trust a deploy.json it cannot read either.
  write_file(fs::path(work()) / "deploy.json", deep);
  CliResult f = run_cli(convert(m("static.onnx"), {"--force"}));
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_TRUE(contains(f.err, "--force refused")) << f.err;
}

// deploy.json / detail.json replaced by things that are not the work dir's
// own regular files: refused before anything is read from them.
struct WorkDirFileCase {
  const char* name;
  const char* file;  // deploy.json or detail.json
  std::function<void(const fs::path& path, const fs::path& outside)> make;
  std::vector<std::string> expect;
};
void PrintTo(const WorkDirFileCase& c, std::ostream* os) { *os << c.name; }

const WorkDirFileCase kWorkDirFiles[] = {
    {"deploy_symlink_out",
     "deploy.json",
     [](const fs::path& p, const fs::path& outside) {
       fs::copy_file(p, outside);
       fs::remove(p);
       fs::create_symlink(outside, p);
     },
     {"symlink", "outside the work dir"}},
    {"detail_symlink_to_passwd",
     "detail.json",
     [](const fs::path& p, const fs::path&) {
       fs::remove(p);
       fs::create_symlink("/etc/passwd", p);
     },
     {"symlink", "outside the work dir"}},
    {"deploy_dev_zero",
     "deploy.json",
     [](const fs::path& p, const fs::path&) {
       fs::remove(p);
       fs::create_symlink("/dev/zero", p);
     },
     {"symlink"}},
    {"detail_fifo",
     "detail.json",
     [](const fs::path& p, const fs::path&) {
       fs::remove(p);
       ASSERT_EQ(::mkfifo(p.c_str(), 0644), 0);
     },
     {"not a regular file"}},
    {"deploy_symlink_loop",
     "deploy.json",
     [](const fs::path& p, const fs::path&) {
       fs::remove(p);
       fs::create_symlink(p.filename(), p);
     },
     {"cannot be resolved"}},
};

class WorkDirFileTest : public SafetyTest, public ::testing::WithParamInterface<WorkDirFileCase> {};

TEST_P(WorkDirFileTest, RunVerifyAndForceRefuseIt) {
  const WorkDirFileCase& c = GetParam();
  ASSERT_EQ(run_cli(convert(m("static.onnx"))).exit_code, 0);
  c.make(fs::path(work()) / c.file, dir_ / "outside.json");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"run", work()},
        std::vector<std::string>{"verify", work(), "--reference", "onnxruntime"}}) {
    CliResult r = run_cli(args);  // a FIFO or /dev/zero would hang or eat memory if read
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
    for (const auto& w : c.expect) EXPECT_TRUE(contains(r.err, w)) << args[0] << ": " << r.err;
  }
  CliResult f = run_cli(convert(m("static.onnx"), {"--force"}));
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_TRUE(contains(f.err, "--force refused")) << f.err;
}

INSTANTIATE_TEST_SUITE_P(Table, WorkDirFileTest, ::testing::ValuesIn(kWorkDirFiles));

TEST_F(SafetyTest, ADeployJsonThatContradictsItselfIsRefused) {
  ASSERT_EQ(run_cli(convert(m("static.onnx"))).exit_code, 0);
  const fs::path file = fs::path(work()) / "deploy.json";
  Json d;
  {
    std::ifstream in(file);
    d = Json::parse(in);
  }
  d["models"][0]["net"] = "other.onnx";
  std::ofstream(file) << d.dump(2);
  CliResult r = run_cli({"run", work()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "models[0].net is 'other.onnx'")) << r.err;
}

TEST_F(SafetyTest, AThirdPartyWorkDirNamesItsPlugin) {
  const std::string plugin = NNPORT_TESTECHO_PLUGIN;
  // The echo backend's outputs are not the model's, so its load check would
  // (rightly) fail: this test is about the record, not the model.
  CliResult c = run_cli({"--plugin", plugin, "convert", cfg("testecho.py"), m("static.onnx"),
                         "--work-dir", work(), "--no-load-check"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::ifstream in(fs::path(work()) / "deploy.json");
  EXPECT_EQ(Json::parse(in)["nnport"]["plugin_file"], fs::path(plugin).lexically_normal().string());
  CliResult r = run_cli({"run", work()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "testecho")) << r.err;
  EXPECT_TRUE(contains(r.err, "--plugin " + fs::path(plugin).lexically_normal().string())) << r.err;
}

TEST_F(SafetyTest, ACfgOptionsTypoIsAWarningWithTheNearestKey) {
  for (const char* cmd : {"config", "convert"}) {
    std::vector<std::string> args = std::string(cmd) == "config"
                                        ? std::vector<std::string>{"config", cfg("ort_static.py")}
                                        : convert(m("static.onnx"), {"--force"}, "ort_static.py");
    args.insert(args.end(), {"--cfg-options", "onnx_config.opset_versoin=13"});
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "warning: --cfg-options onnx_config.opset_versoin=13")) << r.err;
    EXPECT_TRUE(contains(r.err, "did you mean 'onnx_config.opset_version'?")) << r.err;
  }
}

}  // namespace
}  // namespace nnport::test
