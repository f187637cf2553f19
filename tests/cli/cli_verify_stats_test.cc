// `nnport verify`'s error statistics and per-output tolerances, and
// `--save-inputs DIR` / `--input-dir DIR` (run and verify).
//
// The comparison model copies x (all ones, [2, 3, 4]) to two outputs,
// 'scores:0' (a name with ':', as TensorFlow exports) and 'b'. The
// "expected" files are made by hand:
//   scores:0 = 1 except 0.75 at flat 14 = [1, 0, 2] and 1.125 at flat 5:
//     abs errors: 22 zeros, 0.125, 0.25 -> max 0.25, mean 0.375 / 24 = 0.015625,
//     median 0, np.quantile(err, 0.99) = 0.125 + 0.77 * 0.125 = 0.22125;
//     rel errors 0.25 / 0.75 = 1/3 and 0.125 / 1.125 = 1/9: mean (4/9) / 24,
//     np.quantile(rel, 0.99) = 1/9 + 0.77 * (1/3 - 1/9) = 0.282222...
//   b = 1.01 everywhere: |1 - 1.01f| ~ 0.01 > 1e-5 + 1e-3 * 1.01.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

class CliVerifyStatsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
    if (!make_model("copy",
                    "g = h.make_graph([h.make_node('Identity', ['x'], ['scores:0']),"
                    " h.make_node('Identity', ['x'], ['b'])], 'g', [io('x', s=(2, 3, 4))],"
                    " [io('scores:0', s=(2, 3, 4)), io('b', s=(2, 3, 4))])\n"))
      GTEST_SKIP() << "no python3 with onnx";
    std::vector<float> ones(24, 1.0f), scores = ones, b(24, 1.01f);
    scores[14] = 0.75f;
    scores[5] = 1.125f;
    save("ones.npy", ones);
    fs::create_directories(path("expected"));
    save("expected/scores:0.npy", scores);
    save("expected/b.npy", b);
  }
  // Writes DIR/<name>.onnx from a few lines of onnx.helper; false when
  // python3 or its onnx package is missing.
  bool make_model(const std::string& name, const std::string& graph) {
    std::string script = path(name + ".py");
    write(script,
          "import onnx\n"
          "from onnx import helper as h, TensorProto as T\n"
          "def io(n, t=T.FLOAT, s=(1, 4)): return h.make_tensor_value_info(n, t, s)\n" +
              graph +
              "m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])\n"
              "m.ir_version = 8\n"
              "onnx.save(m, '" +
              path(name + ".onnx") + "')\n");
    std::string cmd = "/usr/bin/python3 " + script + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0 && fs::exists(path(name + ".onnx"));
  }
  void save(const std::string& name, const std::vector<float>& values) {
    Tensor t = Tensor::empty(DType::kFloat32, {2, 3, 4});
    for (size_t i = 0; i < values.size(); ++i) t.data_as<float>()[i] = values[i];
    ASSERT_TRUE(write_npy(path(name), t).ok());
  }
  CliResult verify(std::vector<std::string> more) {
    std::vector<std::string> args = {"verify",         path("copy.onnx"), "--input",
                                     path("ones.npy"), "--expected",      path("expected")};
    args.insert(args.end(), more.begin(), more.end());
    return run_cli(args);
  }
  static const Json& output(const Json& doc, const std::string& name) {
    for (const auto& o : doc["outputs"])
      if (o["name"] == name) return o;
    ADD_FAILURE() << "no output " << name;
    return doc;
  }
};

TEST_F(CliVerifyStatsTest, JsonStatisticsMatchNumpy) {
  CliResult r = verify({"--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["quantile"], 0.99);
  const Json& s = output(doc, "scores:0");
  EXPECT_DOUBLE_EQ(s["abs_err"]["max"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(s["abs_err"]["mean"].get<double>(), 0.015625);
  EXPECT_DOUBLE_EQ(s["abs_err"]["median"].get<double>(), 0);
  EXPECT_NEAR(s["abs_err"]["quantile"].get<double>(), 0.22125, 1e-12);
  EXPECT_NEAR(s["rel_err"]["max"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(s["rel_err"]["mean"].get<double>(), 4.0 / 9 / 24, 1e-12);
  EXPECT_NEAR(s["rel_err"]["quantile"].get<double>(), 1.0 / 9 + 0.77 * (1.0 / 3 - 1.0 / 9), 1e-12);
  EXPECT_EQ(s["worst"]["index"], 14);
  EXPECT_EQ(s["worst"]["position"], Json::array({1, 0, 2}));
  EXPECT_EQ(s["worst"]["value"], 1.0);
  EXPECT_EQ(s["worst"]["reference"], 0.75);
  EXPECT_EQ(s["mismatches"], 2);
  EXPECT_EQ(s["atol"], 1e-5);
  EXPECT_EQ(s["rtol"], 1e-3);
  // b: every element off by 1.01f - 1; the first is the worst.
  const Json& b = output(doc, "b");
  EXPECT_NEAR(b["abs_err"]["median"].get<double>(), 0.01, 1e-6);
  EXPECT_EQ(b["worst"]["index"], 0);
  EXPECT_EQ(b["mismatches"], 24);

  CliResult half = verify({"--json", "--quantile", "0.5"});
  Json h = Json::parse(half.out);
  EXPECT_EQ(output(h, "scores:0")["abs_err"]["quantile"], 0.0) << "q 0.5 is the median";
}

TEST_F(CliVerifyStatsTest, TableShowsMedianQuantileAndWorstElement) {
  CliResult r = verify({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("median abs err  p99 abs err"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("worst of scores:0: [1, 0, 2] (flat 14): 1 vs reference 0.75"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("'scores:0' (2/24 elements beyond atol 1e-05 / rtol 0.001; worst at "
                       "[1, 0, 2] (flat 14): 1 vs reference 0.75)"),
            std::string::npos)
      << r.err;
  CliResult stats = verify({"--stats", "--quantile", "0.99"});
  EXPECT_NE(stats.out.find("abs err  max 0.25  mean 0.015625  median 0  p99 0.22125"),
            std::string::npos)
      << stats.out;
  EXPECT_NE(stats.out.find("rel err  max 0.333333  mean 0.0185185  median 0  p99 0.282222"),
            std::string::npos)
      << stats.out;
}

// One output's own tolerance passes it while the other still fails; the
// bare value is the default for the rest.
TEST_F(CliVerifyStatsTest, PerOutputToleranceSplitsAtTheLastColon) {
  CliResult one = verify({"--atol", "scores:0:0.3", "--json"});
  EXPECT_EQ(one.exit_code, 1) << one.err;
  Json j = Json::parse(one.out);
  EXPECT_EQ(output(j, "scores:0")["pass"], true);
  EXPECT_EQ(output(j, "scores:0")["atol"], 0.3);
  EXPECT_EQ(output(j, "b")["pass"], false);
  EXPECT_EQ(output(j, "b")["atol"], 1e-5);
  EXPECT_EQ(one.err.find("'scores:0'"), std::string::npos) << "it passed: " << one.err;

  CliResult both = verify({"--atol", "scores:0:0.3", "--atol", "b:0.02"});
  EXPECT_EQ(both.exit_code, 0) << both.err << both.out;
  EXPECT_NE(both.out.find("(atol 1e-05, rtol 0.001; b: atol 0.02; scores:0: atol 0.3)"),
            std::string::npos)
      << both.out;
  CliResult fallback = verify({"--atol", "b:0", "--atol", "0.3"});
  EXPECT_EQ(fallback.exit_code, 1) << "b keeps its own 0";
  EXPECT_NE(fallback.err.find("'b' (24/24"), std::string::npos) << fallback.err;
  EXPECT_EQ(verify({"--atol", "0.3"}).exit_code, 0) << "the bare value is everyone's";
  // rtol: 0.25 <= 0.4 * 0.75 for scores:0.
  EXPECT_EQ(verify({"--rtol", "scores:0:0.4", "--atol", "b:0.02"}).exit_code, 0);
}

TEST_F(CliVerifyStatsTest, UnknownOutputNameListsTheOutputs) {
  // "scores:0" alone splits into output 'scores' and 0: there is no 'scores'.
  CliResult r = verify({"--atol", "scores:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("atol for unknown output 'scores' (did you mean 'scores:0'?); the "
                       "outputs are 'scores:0', 'b'"),
            std::string::npos)
      << r.err;
  CliResult typo = verify({"--rtol", "bb:1"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("rtol for unknown output 'bb' (did you mean 'b'?)"), std::string::npos)
      << typo.err;
}

TEST_F(CliVerifyStatsTest, BadToleranceEntriesAreUsageErrors) {
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--atol", "b:x"}, "'b:x' is not a tolerance"},
           {{"--atol", "b:-1"}, "'b:-1' is not a tolerance"},
           {{"--rtol", ":1"}, "':1' is not a tolerance"},
           {{"--atol", "1", "--atol", "2"}, "the default is given twice"},
           {{"--atol", "b:1", "--atol", "b:2"}, "output 'b' is given twice"},
           {{"--quantile", "1.5"}, "--quantile: expected a number from 0 to 1"},
           {{"--quantile", "nan"}, "--quantile: expected a number from 0 to 1"}}) {
    CliResult r = verify(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  }
}

// ---- --save-inputs / --input-dir ----

class CliSavedInputsTest : public CliVerifyStatsTest {
 protected:
  // Two inputs whose names collide as files: 'in/x' -> in_x.npy, 'in_x' -> in_x_1.npy.
  void SetUp() override {
    CliVerifyStatsTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(make_model("two",
                           "g = h.make_graph([h.make_node('Mul', ['in/x', 'in_x'], ['y'])], 'g',"
                           " [io('in/x'), io('in_x')], [io('y')])\n"));
  }
  static std::string bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  CliResult run(std::vector<std::string> more) {
    std::vector<std::string> args = {"run", path("two.onnx")};
    args.insert(args.end(), more.begin(), more.end());
    return run_cli(args);
  }
};

TEST_F(CliSavedInputsTest, RoundTripGivesBitIdenticalOutputs) {
  CliResult first = run({"--seed", "7", "--save-inputs", path("pinned"), "-o", path("o1")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("saved the inputs in " + path("pinned")), std::string::npos);
  EXPECT_TRUE(fs::exists(path("pinned/in_x.npy")));
  EXPECT_TRUE(fs::exists(path("pinned/in_x_1.npy")));
  Json manifest = Json::parse(bytes(path("pinned/inputs.json")));
  EXPECT_EQ(manifest["inputs"][0]["name"], "in/x");
  EXPECT_EQ(manifest["inputs"][0]["file"], "in_x.npy");
  EXPECT_EQ(manifest["inputs"][1]["name"], "in_x");
  EXPECT_EQ(manifest["inputs"][1]["file"], "in_x_1.npy");

  // Another seed: the dir's data wins, so the output is the same bytes.
  CliResult again = run({"--seed", "8", "--input-dir", path("pinned"), "-o", path("o2"), "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(bytes(path("o2/y.npy")), bytes(path("o1/y.npy")));
  Json j = Json::parse(again.out);
  EXPECT_EQ(j["inputs"][0]["source"], path("pinned/in_x.npy"));
  // A control: seed 8 without the dir gives other values, so the check above can fail.
  ASSERT_EQ(run({"--seed", "8", "-o", path("o3")}).exit_code, 0);
  EXPECT_NE(bytes(path("o3/y.npy")), bytes(path("o1/y.npy")));

  // verify saves too, and the saved inputs match what run saved for the same seed.
  CliResult v = run_cli({"verify", path("two.onnx"), "--reference", "onnxruntime", "--seed", "7",
                         "--save-inputs", path("from_verify")});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(bytes(path("from_verify/in_x.npy")), bytes(path("pinned/in_x.npy")));
  CliResult vin = run_cli(
      {"verify", path("two.onnx"), "--reference", "onnxruntime", "--input-dir", path("pinned")});
  EXPECT_EQ(vin.exit_code, 0) << vin.err;
  // Saving again into an earlier save replaces it.
  EXPECT_EQ(run({"--seed", "9", "--save-inputs", path("pinned")}).exit_code, 0);
  EXPECT_NE(bytes(path("pinned/in_x.npy")), bytes(path("from_verify/in_x.npy")));
}

TEST_F(CliSavedInputsTest, RefusesAFolderWithOtherFiles) {
  fs::create_directories(path("mine"));
  write(path("mine/notes.txt"), "keep me\n");
  CliResult r = run({"--save-inputs", path("mine")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not empty and is not an earlier --save-inputs ('notes.txt')"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(bytes(path("mine/notes.txt")), "keep me\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(path("mine")), fs::directory_iterator()), 1)
      << "nothing was written";
  // A file in the place of the folder.
  CliResult file = run({"--save-inputs", path("afile")});
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_NE(file.err.find("exists and is not a folder"), std::string::npos) << file.err;
}

TEST_F(CliSavedInputsTest, BadInputDirsAreClearErrors) {
  ASSERT_EQ(run({"--save-inputs", path("pinned")}).exit_code, 0);
  // A saved file that is no .npy: the error names it.
  write(path("pinned/in_x_1.npy"), "not an array\n");
  CliResult bad = run({"--input-dir", path("pinned")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(path("pinned/in_x_1.npy")), std::string::npos) << bad.err;

  // An unfinished save (the marker is still there).
  ASSERT_EQ(run({"--save-inputs", path("half")}).exit_code, 0);
  write(path("half/.nnport_saving_inputs"), "");
  CliResult half = run({"--input-dir", path("half")});
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.err.find("an unfinished --save-inputs"), std::string::npos) << half.err;
  EXPECT_EQ(run({"--save-inputs", path("half")}).exit_code, 0) << "an unfinished save is replaced";
  EXPECT_EQ(run({"--input-dir", path("half")}).exit_code, 0);

  // A manifest for another model.
  Json other = Json::parse(bytes(path("half/inputs.json")));
  other["inputs"][0]["name"] = "in/y";
  write(path("half/inputs.json"), other.dump());
  CliResult wrong = run({"--input-dir", path("half")});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("input 'in/y' of inputs.json names no input of the model (did you "
                           "mean 'in/x'?); the model's inputs are in/x, in_x"),
            std::string::npos)
      << wrong.err;

  // A plain folder: NAME.npy by the output-file rule; a stray .npy is named.
  fs::create_directories(path("plain"));
  fs::copy_file(path("ones.npy"), path("plain/x.npy"));
  CliResult copy = run_cli({"run", path("copy.onnx"), "--input-dir", path("plain")});
  EXPECT_EQ(copy.exit_code, 0) << copy.err;
  CliResult twice = run_cli(
      {"run", path("copy.onnx"), "--input-dir", path("plain"), "--input", "x=" + path("ones.npy")});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("input 'x' is given by both --input (" + path("ones.npy") +
                           ") and --input-dir (" + path("plain/x.npy") + "): drop one of them"),
            std::string::npos)
      << twice.err;
  fs::copy_file(path("ones.npy"), path("plain/xx.npy"));
  CliResult stray = run_cli({"run", path("copy.onnx"), "--input-dir", path("plain")});
  EXPECT_EQ(stray.exit_code, 1);
  EXPECT_NE(stray.err.find("file 'xx.npy' names no input of the model (did you mean 'x'?)"),
            std::string::npos)
      << stray.err;

  // A folder that is missing.
  CliResult none = run({"--input-dir", path("nowhere")});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("--input-dir '" + path("nowhere") + "': no such folder"),
            std::string::npos)
      << none.err;
}

TEST_F(CliSavedInputsTest, InputDirMustCoverEveryInput) {
  fs::create_directories(path("some"));
  ASSERT_EQ(run({"--save-inputs", path("full")}).exit_code, 0);
  fs::copy_file(path("full/in_x.npy"), path("some/in_x.npy"));  // 'in/x' only
  CliResult r = run({"--input-dir", path("some")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has no file for input 'in_x': add --input in_x=FILE.npy"),
            std::string::npos)
      << r.err;
  CliResult with = run({"--input-dir", path("some"), "--input", "in_x=" + path("full/in_x_1.npy")});
  EXPECT_EQ(with.exit_code, 0) << with.err;
}

}  // namespace
}  // namespace nnport::test
