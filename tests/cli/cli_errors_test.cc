// Error messages a user meets first: typos, bad numbers, wrong input names,
// engine errors; each case names the exit code and the words it must say.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

// ---- The table: command, exit code, words on stderr / stdout. ----

class CliErrors;

struct ErrorCase {
  const char* name;
  std::function<std::vector<std::string>(const CliErrors&)> args;
  int exit_code;
  std::vector<std::string> err = {};     // substrings of stderr
  std::vector<std::string> out = {};     // substrings of stdout
  std::vector<std::string> models = {};  // under tests/models/out; skipped when absent
  bool needs_ort = false;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class CliErrors : public CliTest, public ::testing::WithParamInterface<ErrorCase> {
 public:
  using CliTest::path;
  using CliTest::work;
};

std::string m(const std::string& name) { return model(name).string(); }
std::string tiny_input() { return (models_dir() / "tiny_mlp/inputs/input.npy").string(); }
std::string two_in(const std::string& input) {
  return (models_dir() / "two_in_two_out/inputs" / (input + ".npy")).string();
}
using Args = std::vector<std::string>;

const ErrorCase kErrorCases[] = {
    // 1. Typos and help.
    {"unknown_command_convert",
     [](const CliErrors&) { return Args{"conver"}; },
     2,
     {"unknown command 'conver'", "did you mean 'convert'?"}},
    {"unknown_command_verify",
     [](const CliErrors&) {
       return Args{"verfy", "work"};
     },
     2,
     {"unknown command 'verfy'", "did you mean 'verify'?"}},
    {"unknown_command_after_global_option",
     [](const CliErrors&) {
       return Args{"-v", "inspct", "x.onnx"};
     },
     2,
     {"unknown command 'inspct'", "did you mean 'inspect'?"}},
    {"command_option_before_the_command",
     [](const CliErrors&) {
       return Args{"--cfg-options", "a=1", "convert", "c.py", "m.onnx"};
     },
     2,
     {"--cfg-options is an option of config, convert, check-model: put it after the command"}},
    {"unknown_command_no_near_one",
     [](const CliErrors&) { return Args{"frobnicate"}; },
     2,
     {"unknown command 'frobnicate'", "check-env", "verify"}},
    {"unknown_option_convert",
     [](const CliErrors& t) {
       return Args{"convert", cfg("ort_static.py"), m("tiny_mlp"), "--work_dir", t.work()};
     },
     2,
     {"unknown option '--work_dir'", "did you mean '--work-dir'?"}},
    {"unknown_option_run",
     [](const CliErrors&) {
       return Args{"run", m("tiny_mlp"), "--output_dir", "out"};
     },
     2,
     {"nnport run: error: unknown option '--output_dir'", "did you mean '--output-dir'?"}},
    {"unknown_option_verify",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--refrence", "onnxruntime"};
     },
     2,
     {"unknown option '--refrence'", "did you mean '--reference'?"}},
    {"unknown_backend_suggests",
     [](const CliErrors&) {
       return Args{"run", m("tiny_mlp"), "--backend", "onnxruntme"};
     },
     1,
     {"unknown backend 'onnxruntme'", "did you mean 'onnxruntime'?"},
     {},
     {"tiny_mlp"}},
    {"version",
     [](const CliErrors&) { return Args{"--version"}; },
     0,
     {},
     {"nnport " NNPORT_TEST_VERSION}},
    {"help_is_dash_dash_help",
     [](const CliErrors&) { return Args{"help"}; },
     0,
     {},
     {"Usage: nnport", "convert", "check-env", "help"}},
    {"help_command",
     [](const CliErrors&) {
       return Args{"help", "verify"};
     },
     0,
     {},
     {"Usage: nnport verify", "--atol"}},
    {"help_unknown_command",
     [](const CliErrors&) {
       return Args{"help", "conver"};
     },
     2,
     {"unknown command 'conver'", "did you mean 'convert'?"}},
    // 2. --cfg-options takes one value per use.
    {"cfg_options_before_positional",
     [](const CliErrors&) {
       return Args{"config",        "--cfg-options", "a=1",
                   "--cfg-options", "b.c=x",         cfg("ort_static.py")};
     },
     0,
     {},
     {"\"a\": 1", "\"c\": \"x\"", "onnxruntime"}},
    {"cfg_options_two_values_in_one_use",
     [](const CliErrors&) {
       return Args{"config", cfg("ort_static.py"), "--cfg-options", "a=1", "b=2"};
     },
     2,
     {"'b=2'", "one KEY=VALUE per use", "--cfg-options b=2"}},
    // 3. Input names first, shapes and sizes.
    {"unknown_input_with_others_given",
     [](const CliErrors&) {
       return Args{"run",     m("two_in_two_out"), "--input", "a=" + two_in("a"),
                   "--input", "bb=" + two_in("b")};
     },
     1,
     {"unknown input 'bb'; the model's inputs are a, b", "did you mean 'b'?"},
     {},
     {"two_in_two_out"},
     true},
    {"unknown_input_before_missing_file",
     [](const CliErrors& t) {
       return Args{"run", m("tiny_mlp"), "--input", "inptu=" + t.path("absent.npy")};
     },
     1,
     {"unknown input 'inptu'; the model's inputs are input", "did you mean 'input'?"},
     {},
     {"tiny_mlp"},
     true},
    {"unknown_input_dynamic_model",
     [](const CliErrors&) {
       return Args{"run", m("mobilenet_v2"), "--input", "inptu=" + tiny_input()};
     },
     1,
     {"unknown input 'inptu'; the model's inputs are input", "did you mean 'input'?"},
     {},
     {"mobilenet_v2", "tiny_mlp"},
     true},
    {"unknown_shape_name",
     [](const CliErrors&) {
       return Args{"run", m("mobilenet_v2"), "--shape", "inptu=1x3x224x224"};
     },
     1,
     {"unknown input 'inptu'; the model's inputs are input", "did you mean 'input'?"},
     {},
     {"mobilenet_v2"},
     true},
    {"shape_and_input_for_one_input",
     [](const CliErrors&) {
       return Args{"run",     m("tiny_mlp"), "--input", "input=" + tiny_input(),
                   "--shape", "input=1x16"};
     },
     1,
     {"'input' is given by both --input", "--shape"},
     {},
     {"tiny_mlp"},
     true},
    {"shape_too_big_for_memory",
     [](const CliErrors&) {
       return Args{"run", m("mobilenet_v2"), "--shape", "input=10000000x3x224x224"};
     },
     1,
     {"input 'input' of shape [10000000, 3, 224, 224] float32 needs 6021.1 GB", "--shape"},
     {},
     {"mobilenet_v2"},
     true},
    {"shape_overflows",
     [](const CliErrors&) {
       return Args{"run", m("mobilenet_v2"), "--shape", "input=9000000000000000000x3x224x224"};
     },
     1,
     {"--shape input=9000000000000000000x3x224x224", "too many elements"},
     {},
     {"mobilenet_v2"},
     true},
    // 4. Bad numbers are usage errors naming the option.
    {"seed_negative",
     [](const CliErrors&) {
       return Args{"run", m("tiny_mlp"), "--seed", "-1"};
     },
     2,
     {"--seed", "-1"}},
    {"seed_not_a_number",
     [](const CliErrors&) {
       return Args{"run", m("tiny_mlp"), "--seed", "1.5"};
     },
     2,
     {"--seed", "1.5"}},
    {"atol_negative",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--atol", "-1"};
     },
     2,
     {"--atol", "-1"}},
    {"rtol_negative",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--rtol=-1"};
     },
     2,
     {"--rtol", "-1"}},
    {"atol_nan",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--atol", "nan"};
     },
     2,
     {"--atol", "nan"}},
    {"rtol_inf",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--rtol", "inf"};
     },
     2,
     {"--rtol", "inf"}},
    // 5. Smaller ones.
    {"verify_shape_mismatch_says_why",
     [](const CliErrors& t) {
       return Args{"verify",     m("tiny_mlp"),     "--input", "input=" + tiny_input(),
                   "--expected", t.path("expected")};
     },
     1,
     {"cannot be compared", "shape [1, 8] vs reference [16]"},
     {"FAIL  (shape [1, 8] vs reference [16])"},
     {"tiny_mlp"},
     true},
    {"bad_plugin_said_once",
     [](const CliErrors&) {
       return Args{"--plugin", NNPORT_BAD_ABI_PLUGIN, "check-env"};
     },
     1,
     {"libnnport_backend_badabi.so"}},
    // 6. --device.
    {"run_unknown_device",
     [](const CliErrors&) {
       return Args{"run", m("tiny_mlp"), "--device", "nosuchdevice"};
     },
     1,
     {"building the wrapper for model", "on backend 'onnxruntime' (device 'nosuchdevice')",
      "try --device cpu"},
     {},
     {"tiny_mlp"},
     true},
    {"verify_unknown_device",
     [](const CliErrors&) {
       return Args{"verify", m("tiny_mlp"), "--reference", "onnxruntime", "--device", "npu:7"};
     },
     1,
     {"building the wrapper for model", "(device 'npu:7')", "try --device cpu"},
     {},
     {"tiny_mlp"},
     true},
};

TEST_P(CliErrors, ExitCodeAndWords) {
  const ErrorCase& c = GetParam();
  for (const auto& name : c.models)
    if (!fs::exists(model(name))) GTEST_SKIP() << name << " is absent from " << models_dir();
  if (c.needs_ort && !ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  // The shape-mismatch case compares with a saved output of the wrong shape.
  fs::create_directories(dir_ / "expected");
  ASSERT_TRUE(write_npy(path("expected/output.npy"), Tensor::empty(DType::kFloat32, {16})).ok());
  CliResult r = run_cli(c.args(*this));
  EXPECT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  if (c.exit_code != 0) {
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
  for (const auto& s : c.err)
    EXPECT_NE(r.err.find(s), std::string::npos) << "want '" << s << "' in stderr: " << r.err;
  for (const auto& s : c.out)
    EXPECT_NE(r.out.find(s), std::string::npos) << "want '" << s << "' in stdout: " << r.out;
  // An error is said once: no log line repeats it.
  EXPECT_EQ(r.err.find("[nnport:"), std::string::npos) << r.err;
  expect_no_work_dir();
}

INSTANTIATE_TEST_SUITE_P(Table, CliErrors, ::testing::ValuesIn(kErrorCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(CliTest, CheckEnvVerboseNamesThePluginFiles) {
  CliResult quiet = run_cli({"check-env"});
  CliResult r = run_cli({"-v", "check-env"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("needs libnnport_backend_tensorrt.so"), std::string::npos) << r.out;
  EXPECT_EQ(quiet.out.find("needs libnnport_backend_tensorrt.so"), std::string::npos) << quiet.out;
}

// ---- Cases that need a model made here (with Debian's python3 + onnx). ----

class CliMadeModels : public CliTest {
 protected:
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
};

TEST_F(CliMadeModels, CollidingOutputFileNamesAreMadeUnique) {
  if (!make_model(
          "collide",
          "g = h.make_graph([h.make_node('Identity', ['x'], ['a/b']),"
          " h.make_node('Neg', ['x'], ['a_b'])], 'g', [io('x')], [io('a/b'), io('a_b')])\n"))
    GTEST_SKIP() << "no python3 with onnx";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  CliResult r = run_cli({"run", path("collide.onnx"), "--output-dir", path("out"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["outputs"].size(), 2u);
  EXPECT_EQ(j["outputs"][0]["name"], "a/b");
  EXPECT_EQ(j["outputs"][0]["file"], path("out/a_b.npy"));
  EXPECT_EQ(j["outputs"][1]["name"], "a_b");
  EXPECT_EQ(j["outputs"][1]["file"], path("out/a_b_1.npy"));
  auto first = read_npy(path("out/a_b.npy"));
  auto second = read_npy(path("out/a_b_1.npy"));
  ASSERT_TRUE(first.ok() && second.ok());
  // a/b is x, a_b is -x: both kept, each in its own file.
  EXPECT_FLOAT_EQ(first->data_as<float>()[0], -second->data_as<float>()[0]);
  CliResult text = run_cli({"run", path("collide.onnx"), "--output-dir", path("out2")});
  EXPECT_NE(text.out.find("wrote " + path("out2/a_b_1.npy")), std::string::npos) << text.out;
}

TEST_F(CliMadeModels, AllNanOutputSaysNan) {
  if (!make_model("nan",
                  "g = h.make_graph([h.make_node('Sub', ['x', 'x'], ['z']),"
                  " h.make_node('Div', ['z', 'z'], ['y'])], 'g', [io('x')], [io('y')])\n"))
    GTEST_SKIP() << "no python3 with onnx";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  CliResult r = run_cli({"run", path("nan.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("min nan  max nan  mean nan"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("-nan"), std::string::npos) << r.out;
  CliResult j = run_cli({"run", path("nan.onnx"), "--json"});
  ASSERT_TRUE(Json::accept(j.out)) << j.out;
  Json out = Json::parse(j.out)["outputs"][0];
  EXPECT_TRUE(out["min"].is_null());
  EXPECT_TRUE(out["max"].is_null());
  EXPECT_TRUE(out["mean"].is_null());
}

TEST_F(CliMadeModels, EngineErrorsAreWrappedAndSaidOnce) {
  if (!make_model("badop",
                  "g = h.make_graph([h.make_node('NoSuchOp', ['x'], ['y'])], 'g', [io('x')],"
                  " [io('y')])\n") ||
      !make_model("reshape",
                  "g = h.make_graph([h.make_node('Reshape', ['x', 's'], ['y'])], 'g',"
                  " [io('x'), io('s', T.INT64, (2,))], [io('y', T.FLOAT, None)])\n"))
    GTEST_SKIP() << "no python3 with onnx";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  // ORT refuses the model while nnport builds the wrapper.
  CliResult load = run_cli({"run", path("badop.onnx")});
  EXPECT_EQ(load.exit_code, 1);
  EXPECT_NE(load.err.find("building the wrapper for model"), std::string::npos) << load.err;
  EXPECT_NE(load.err.find("NoSuchOp"), std::string::npos) << load.err;
  EXPECT_NE(load.err.find("convert it for another backend"), std::string::npos) << load.err;
  // ORT fails while running: random int64 shape values cannot reshape [1, 4].
  CliResult run = run_cli({"run", path("reshape.onnx")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("running model"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("on backend 'onnxruntime'"), std::string::npos) << run.err;
  for (const auto* r : {&load, &run}) {
    EXPECT_EQ(r->err.find("[nnport:"), std::string::npos) << "said twice: " << r->err;
    EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << "one line: " << r->err;
  }
}

TEST_F(CliMadeModels, InspectNamesStringTensors) {
  if (!make_model("strings",
                  "g = h.make_graph([h.make_node('Identity', ['x'], ['y'])], 'g',"
                  " [io('x', T.STRING, (2,))], [io('y', T.STRING, (2,))])\n"))
    GTEST_SKIP() << "no python3 with onnx";
  CliResult r = run_cli({"inspect", path("strings.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("x  string  [2]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("undefined"), std::string::npos) << r.out;
  CliResult j = run_cli({"inspect", path("strings.onnx"), "--json"});
  ASSERT_TRUE(Json::accept(j.out)) << j.out;
  EXPECT_EQ(Json::parse(j.out)["inputs"][0]["dtype"], "string");
}

}  // namespace
}  // namespace nnport::test
