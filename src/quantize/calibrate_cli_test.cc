// `nnport calibrate` run as a process: what it writes (read back by h5py),
// that an existing --out is kept without --force, and that a failed run
// leaves no file behind.
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.h"
#include "quantize/calib_test_util.h"

namespace nnport::quantize::test {
namespace {

using nnport::test::CliResult;
using nnport::test::run_cli;

class CalibrateCliTest : public CalibTest {
 protected:
  static std::string model() { return fx("models/image.onnx"); }
  std::string slurp(const std::string& rel) const {
    std::stringstream s;
    s << std::ifstream(tmp(rel), std::ios::binary).rdbuf();
    return s.str();
  }
  // h5py's view of input 'input' of FILE: "n=<samples> <mean of sample 0> <of sample n-1>".
  std::string h5py_summary(const std::string& file) const {
    std::string out;
    const int rc = python(R"(
import h5py, numpy as np
with h5py.File(')" + file + R"(', 'r') as f:
    g = f['calib_data/end2end/input']
    n = len(g)
    a, b = g['0'][()], g[str(n - 1)][()]
    assert a.dtype == np.float32 and a.shape == (1, 3, 4, 5), (a.dtype, a.shape)
    print('n=%d %.4f %.4f' % (n, a.mean(), b.mean()))
)",
                          &out);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }
};

TEST_F(CalibrateCliTest, NpyFolderToHdf5WithJsonSummary) {
  CliResult r = run_cli({"calibrate", model(), "--calib-data", fx("models/npy_image"), "--out",
                         tmp("calib.h5"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["out"], tmp("calib.h5"));
  EXPECT_EQ(j["samples"], 2);
  EXPECT_EQ(j["inputs"], nlohmann::json({"input"}));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;  // one line
  EXPECT_EQ(h5py_summary(tmp("calib.h5")), "n=2 0.5000 1.5000\n");      // full(.., i + 0.5)
  EXPECT_EQ(listing(), "calib.h5 ");
}

TEST_F(CalibrateCliTest, ImagesWithConfigKeysAndHdf5Again) {
  // Images a0.png, a1.png; mean [1, 2, 3], std [2, 4, 8] from the config.
  CliResult r = run_cli({"calibrate", model(), "--calib-data", fx("img/png"), "--out",
                         tmp("img.h5"), "--config", fx("models/image_cfg.py")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      contains(r.out, "wrote " + tmp("img.h5") + ": 2 samples of input 'input' from image folder"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "image folder")) << r.out;
  // Sample 0's mean, by the fixture's pixel formula: channel c holds
  // (40y + 7x + 3c) % 256 over y < 4, x < 5, normalized (v - mean_c) / std_c.
  double total = 0;
  const double mean[] = {1, 2, 3}, std[] = {2, 4, 8};
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) total += ((40 * y + 7 * x + 3 * c) % 256 - mean[c]) / std[c];
  char want[32];
  std::snprintf(want, sizeof want, "n=2 %.4f ", total / 60);
  EXPECT_TRUE(contains(h5py_summary(tmp("img.h5")), want)) << want;
  // An HDF5 file is calibration data too: copied sample for sample.
  r = run_cli({"calibrate", model(), "--calib-data", tmp("img.h5"), "--out", tmp("copy.h5")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(h5py_summary(tmp("copy.h5")), h5py_summary(tmp("img.h5")));
}

TEST_F(CalibrateCliTest, ExistingOutIsKeptWithoutForce) {
  std::ofstream(tmp("calib.h5")) << "precious";
  CliResult r = run_cli(
      {"calibrate", model(), "--calib-data", fx("models/npy_image"), "--out", tmp("calib.h5")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, tmp("calib.h5") + "' exists")) << r.err;
  EXPECT_TRUE(contains(r.err, "pass --force to replace it")) << r.err;
  EXPECT_EQ(slurp("calib.h5"), "precious");
  r = run_cli({"calibrate", model(), "--calib-data", fx("models/npy_image"), "--out",
               tmp("calib.h5"), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(h5py_summary(tmp("calib.h5")), "n=2 0.5000 1.5000\n");
  EXPECT_EQ(listing(), "calib.h5 ");
}

TEST_F(CalibrateCliTest, FailedRunLeavesNoFileAndKeepsTheOldOne) {
  // Sample 1 has the wrong shape: the failure comes while writing.
  CliResult r = run_cli({"calibrate", model(), "--calib-data", fx("models/npy_image_late_bad"),
                         "--out", tmp("calib.h5")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "npy_image_late_bad/input/1.npy")) << r.err;
  EXPECT_TRUE(contains(r.err, "dim 3 is 6")) << r.err;
  EXPECT_EQ(listing(), "");  // neither the file nor its temporary
  std::ofstream(tmp("calib.h5")) << "precious";
  r = run_cli({"calibrate", model(), "--calib-data", fx("models/npy_image_late_bad"), "--out",
               tmp("calib.h5"), "--force"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(slurp("calib.h5"), "precious");
  EXPECT_EQ(listing(), "calib.h5 ");
}

// SIGTERM while the file is being written: the temporary goes, nothing
// appears (the run gzips 30 samples of 3 MiB, seconds of work).
TEST_F(CalibrateCliTest, SignalDuringWriteLeavesNoFile) {
  auto p = nnport::test::start_cli({"calibrate", fx("models/big_image.onnx"), "--calib-data",
                                    fx("models/noise"), "--out", tmp("calib.h5")});
  ASSERT_GT(p.pid, 0);
  bool seen = false;
  for (int i = 0; i < 20000 && !seen; ++i) {
    seen = contains(listing(), ".tmp-");
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(p.pid, SIGTERM);
  CliResult r = nnport::test::wait_cli(p);
  ASSERT_TRUE(seen) << "no temporary file appeared: " << r.err;
  if (r.exit_code == 0) GTEST_SKIP() << "the run finished before the signal";
  EXPECT_EQ(r.signal, SIGTERM) << r.err;
  EXPECT_EQ(listing(), "");
}

struct CliBad {
  const char* name;
  std::vector<std::string> args;    // after MODEL; "@X" is the test's folder + X, "%X" a fixture
  std::vector<std::string> expect;  // parts of stderr
};
void PrintTo(const CliBad& c, std::ostream* os) { *os << c.name; }

const CliBad kCliBad[] = {
    {"unknown_image_key",
     {"--calib-data", "%img/png", "--out", "@o.h5", "--config", "%models/image_bad_cfg.py"},
     {"unknown key calib_config.image.meen", "did you mean 'mean'?"}},
    {"std_zero",
     {"--calib-data", "%img/png", "--out", "@o.h5", "--config", "%models/image_std0_cfg.py"},
     {"calib_config.image.std [0,1,1] has a 0", "give nonzero values"}},
    {"config_missing",
     {"--calib-data", "%img/png", "--out", "@o.h5", "--config", "@none.py"},
     {"none.py"}},
    {"out_is_a_folder", {"--calib-data", "%img/png", "--out", "@"}, {"is a folder", "name a file"}},
    {"out_folder_missing",
     {"--calib-data", "%img/png", "--out", "@no/such/o.h5"},
     {"no/such' first", "does not exist"}},
    {"missing_data", {"--calib-data", "@nothing", "--out", "@o.h5"}, {"nothing' does not exist"}},
};

class CalibrateCliBadTest : public CalibrateCliTest,
                            public ::testing::WithParamInterface<CliBad> {};

TEST_P(CalibrateCliBadTest, FailsNamingWhyAndWritesNothing) {
  std::vector<std::string> args = {"calibrate", model()};
  for (const auto& a : GetParam().args)
    args.push_back(a[0] == '@' ? tmp(a.substr(1)) : a[0] == '%' ? fx(a.substr(1)) : a);
  CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "nnport calibrate: error: ")) << r.err;
  for (const auto& part : GetParam().expect)
    EXPECT_TRUE(contains(r.err, part)) << "want '" << part << "' in: " << r.err;
  EXPECT_EQ(listing(), "");
}

INSTANTIATE_TEST_SUITE_P(Table, CalibrateCliBadTest, ::testing::ValuesIn(kCliBad),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(CalibrateCliTest, HelpShowsAnExample) {
  CliResult r = run_cli({"calibrate", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "--calib-data")) << r.out;
  EXPECT_TRUE(contains(r.out, "Examples:")) << r.out;
  EXPECT_TRUE(contains(r.out, "nnport calibrate model.onnx --calib-data")) << r.out;
}

}  // namespace
}  // namespace nnport::quantize::test
