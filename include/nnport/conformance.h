// `nnport conformance`: the ONNX backend test suite (a model.onnx plus
// test_data_set_N/{input,output}_K.pb per test) run through a backend's own
// to_backend and wrapper, each test in a child process with a time limit,
// classified pass / fail / error / skip, summarized per operator type.
#ifndef NNPORT_CONFORMANCE_H_
#define NNPORT_CONFORMANCE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/registry.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport::conformance {

// Where Debian's libonnx-testdata puts the suite.
inline constexpr const char* kDefaultSuite = "/usr/share/libonnx-testdata/data";
// The groups of kDefaultSuite that hold test data ("real" holds only URLs).
inline constexpr const char* kDefaultGroups[] = {"node", "simple", "pytorch-operator",
                                                 "pytorch-converted"};

enum class TestStatus : int { kPass, kFail, kError, kSkip };
NNPORT_API std::string_view status_name(TestStatus status);  // "pass", "fail", "error", "skip"

// One test folder: DIR/model.onnx and DIR/test_data_set_N/.
struct TestCase {
  std::string name;   // the folder's name, e.g. "test_add"
  std::string group;  // its parent's name, e.g. "node"
  std::string dir;
};

// The tests under `suite`: the folder itself when it holds model.onnx, its
// subfolders that hold one, and one level deeper (a group per subfolder; for
// kDefaultSuite only kDefaultGroups). Sorted by group, then name. `filter`
// (ECMAScript regex, "" = all) must match part of the name or "group/name".
// An invalid regex, a missing suite or one without tests is an error.
NNPORT_API Result<std::vector<TestCase>> discover(const std::string& suite,
                                                  const std::string& filter = "");

// What a test's model says, read before anything runs.
struct TestModel {
  std::vector<std::string> op_types;  // distinct, in node order
  // The key of the per-operator summary: the node group's op (the type of
  // its one node, besides Constant), "expanded" for a node test made of
  // several ops (ONNX's *_expanded function bodies), "model" for the other
  // groups.
  std::string summary_op;
  std::vector<std::string> input_names;  // graph inputs that are no initializer, in order
  std::vector<std::string> output_names;
  // Non-empty: the test cannot run because an input or output has a type
  // nnport's Tensor has none for (sequence, map, optional, string, bfloat16...).
  std::string skip_reason;
};
NNPORT_API Result<TestModel> inspect_test(const TestCase& test);

// One test_data_set_N: its inputs by the model's input names, its expected
// outputs by the model's output names.
struct DataSet {
  std::string name;  // "test_data_set_0"
  NamedTensors inputs, expected;
};
// Every data set, in order. A .pb file that is no TensorProto, or holds a
// type nnport has no dtype for, is an error naming the file.
NNPORT_API Result<std::vector<DataSet>> read_data_sets(const TestCase& test,
                                                       const TestModel& model);

// The tolerances a test states in DIR/data.json (ONNX's own test layout:
// {"atol": 1e-07, "rtol": 0.001, ...}, the real-model tests have one), each
// key where present, else `defaults`' value. A data.json that is not JSON,
// or whose atol/rtol is not a number >= 0, is an error naming the file.
struct Tolerances {
  double rtol = 1e-3, atol = 1e-5;
};
NNPORT_API Result<Tolerances> stated_tolerances(const TestCase& test, const Tolerances& defaults);

// A TensorProto file as a Tensor (its name in *name when given).
NNPORT_API Result<Tensor> read_tensor_proto(const std::string& path, std::string* name = nullptr);

struct TestResult {
  std::string name, group;
  std::vector<std::string> op_types;
  std::string summary_op;
  TestStatus status = TestStatus::kError;
  // fail: "output 'y': max abs err 0.5 (12 of 60 values off)"; error: the
  // message (a crash: "killed by signal 11 (SIGSEGV)"); skip: the reason.
  std::string detail;
  std::string output;  // the worst output of a fail
  double max_abs_err = std::numeric_limits<double>::quiet_NaN();
  double max_rel_err = std::numeric_limits<double>::quiet_NaN();
  int data_sets = 0;
  double seconds = 0;
  // The tolerances the outputs were compared with (the test's own, else the
  // options'); NaN until the child read them.
  double rtol = std::numeric_limits<double>::quiet_NaN(), atol = rtol;
};

struct Counts {
  int64_t pass = 0, fail = 0, error = 0, skip = 0;
  void add(TestStatus s) {
    switch (s) {
      case TestStatus::kPass:
        ++pass;
        break;
      case TestStatus::kFail:
        ++fail;
        break;
      case TestStatus::kError:
        ++error;
        break;
      case TestStatus::kSkip:
        ++skip;
        break;
    }
  }
  int64_t total() const { return pass + fail + error + skip; }
};

struct Report {
  std::string backend;  // or the engine's name for a direct runner
  std::string suite;
  std::string filter;
  double rtol = 0, atol = 0, timeout_s = 0;
  int jobs = 0;
  double seconds = 0;
  Counts summary;
  std::map<std::string, Counts> ops;  // by TestResult::summary_op
  std::vector<TestResult> tests;      // discover's order
};

struct Options {
  std::string suite = kDefaultSuite;
  std::string filter;
  int jobs = 0;                     // children at a time; 0: the number of cores
  double timeout_s = 60;            // per test (conversion + every data set)
  double rtol = 1e-3, atol = 1e-5;  // unless a test states its own (stated_tolerances)
  std::string scratch_dir;          // where each test's converted files go; "" = the temp folder
};

// Called after each test ends (done of total), from a worker thread, one
// call at a time.
using Progress = std::function<void(size_t done, size_t total, const TestResult& result)>;

// What runs one test inside the child: the engine's outputs per data set
// (in the data sets' order), or an error whose message says what failed
// ("converting: ...", "running test_data_set_0: ..."). scratch_dir exists
// and is removed afterwards.
using Engine = std::function<Result<std::vector<NamedTensors>>(
    const TestCase& test, const TestModel& model, const std::vector<DataSet>& data_sets,
    const std::string& scratch_dir)>;

// Discover, then run every test in a child process (up to options.jobs at
// once, each with options.timeout_s): inspect (skip), read the data sets,
// call `engine`, compare every output with compare_outputs. A crash, a hang
// or an exception in the child is that test's error; it never ends the run.
// `name` is the report's backend field.
NNPORT_API Result<Report> run_suite(const Options& options, const std::string& name,
                                    const Engine& engine, const Progress& progress = {});

// run_suite with the backend's own to_backend (BackendManager, via
// convert_target_for) and wrapper. An unknown or unavailable backend is an
// error before any test runs.
NNPORT_API Result<Report> run_backend(const Options& options, const std::string& backend,
                                      const Progress& progress = {}, Registry* registry = nullptr);

// {"backend", "suite", "filter", "rtol", "atol", "timeout_s", "jobs", "seconds",
//  "summary": {"pass", "fail", "error", "skip", "total"},
//  "tests": [{"name", "group", "op_types", "op", "status", "detail", "output",
//             "max_abs_err", "max_rel_err", "rtol", "atol", "data_sets", "seconds"}],
//  "ops": {"<op>": {"pass", "fail", "error", "skip", "total"}}}
NNPORT_API Config report_json(const Report& report);

}  // namespace nnport::conformance

#endif  // NNPORT_CONFORMANCE_H_
