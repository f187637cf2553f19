// nnport bench through the CLI: bad input refused before any work (and no
// report written), the JSON / CSV reports' schema and internal consistency,
// several backends, shapes and concurrency. Nothing here is timed: the
// tests check counts, keys and orderings that hold on any machine.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

using CliBench = CliTest;

struct BadBench {
  const char* name;
  std::vector<std::string> args;  // after `bench <model>`
  std::vector<const char*> words;
};

TEST_F(CliBench, BadInputIsRefusedBeforeAnyWork) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  const std::vector<BadBench> table = {
      {"iters_0", {"--iters", "0"}, {"--iters 0", ">= 1"}},
      {"negative_duration", {"--duration", "-1"}, {"--duration -1", "> 0"}},
      {"zero_duration", {"--duration", "0"}, {"--duration 0"}},
      {"percentile_above_100", {"--percentiles", "50,101"}, {"percentile 101", "up to 100"}},
      {"percentile_not_a_number", {"--percentiles", "50,p99"}, {"'p99' is not a number"}},
      {"stable_0", {"--stable", "0"}, {"--stable 0", "percentage"}},
      {"concurrency_0", {"--concurrency", "0"}, {"--concurrency 0"}},
      {"shape_wrong_rank", {"--shape", "input=1x3x224"}, {"rank 4"}},
      {"shape_does_not_fit",
       {"--shape", "input=1x4x224x224"},
       {"does not fit", "dim 1 is fixed at 3"}},
      {"shape_unknown_input",
       {"--shape", "inptu=1x3x224x224"},
       {"unknown input 'inptu'", "did you mean 'input'"}},
      {"batch_and_shape_disagree",
       {"--batch", "2", "--shape", "input=1x3x224x224"},
       {"disagree on the batch"}},
      {"unknown_backend",
       {"--backends", "onnxruntime,onnxruntme"},
       {"unknown backend 'onnxruntme'"}},
      {"backend_not_installed",
       {"--backends", "onnxruntime,tensorrt"},
       {"'tensorrt'", "not installed"}},
      {"both_backend_flags",
       {"--backend", "onnxruntime", "--backends", "onnxruntime"},
       {"not both"}},
  };
  for (const auto& c : table) {
    std::vector<std::string> args = {"bench", model("mobilenet_v2").string(), "--json",
                                     path("report.json")};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    for (const char* w : c.words)
      EXPECT_NE(r.err.find(w), std::string::npos) << c.name << ": '" << w << "' not in: " << r.err;
    EXPECT_FALSE(fs::exists(path("report.json"))) << c.name << ": a report was written";
  }
}

// The JSON report of a fixed number of calls: schema, counts, and the
// orderings every measurement obeys (execute is inside forward; min <= p50
// <= p90 <= max), and the CSV says the same.
TEST_F(CliBench, JsonAndCsvReportsAgreeAndHoldTogether) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  CliResult r =
      run_cli({"bench", model("tiny_mlp").string(), "--iters", "40", "--warmup", "3",
               "--percentiles", "50,90,99.9", "--json", path("r.json"), "--csv", path("r.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("execute"), std::string::npos) << r.out;
  std::ifstream in(path("r.json"));
  const Json j = Json::parse(in);
  EXPECT_EQ(j["schema"], "nnport-bench");
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_GE(j["environment"]["usable_cpus"].get<int>(), 1);
  EXPECT_FALSE(j["environment"]["cpu_model"].get<std::string>().empty());
  ASSERT_EQ(j["runs"].size(), 1u);
  const Json& run = j["runs"][0];
  EXPECT_EQ(run["backend"], "onnxruntime");
  EXPECT_EQ(run["shape"], "input=1x16");
  EXPECT_TRUE(run["cold_start"]["convert_ms"].is_number());  // a model file is converted
  for (const char* step : {"execute", "forward"}) {
    const Json& s = run[step];
    EXPECT_EQ(s["count"], 40) << step;
    for (const char* k : {"mean_ms", "min_ms", "max_ms", "stddev_ms", "p50_ms", "p90_ms",
                          "p99.9_ms", "throughput_per_s"})
      EXPECT_TRUE(s.contains(k)) << step << " lacks " << k;
    EXPECT_LE(s["min_ms"].get<double>(), s["p50_ms"].get<double>());
    EXPECT_LE(s["p50_ms"].get<double>(), s["p90_ms"].get<double>());
    EXPECT_LE(s["p90_ms"].get<double>(), s["max_ms"].get<double>());
    // One worker: throughput is calls per second of the calls' own time.
    EXPECT_NEAR(s["throughput_per_s"].get<double>(), 1000.0 / s["mean_ms"].get<double>(),
                1e-6 * s["throughput_per_s"].get<double>());
  }
  EXPECT_LE(run["execute"]["mean_ms"].get<double>(), run["forward"]["mean_ms"].get<double>());
  EXPECT_EQ(run["forward_samples_ms"].size(), 40u);
  EXPECT_GT(run["memory"]["peak_rss_bytes"].get<int64_t>(), 0);

  std::ifstream csv(path("r.csv"));
  std::string header, row, extra;
  ASSERT_TRUE(std::getline(csv, header));
  ASSERT_TRUE(std::getline(csv, row));
  EXPECT_FALSE(std::getline(csv, extra)) << "one run, one row";
  EXPECT_EQ(header.rfind("backend,shape,batch,threads,concurrency,", 0), 0u) << header;
  EXPECT_NE(header.find("forward_p99.9_ms"), std::string::npos) << header;
  EXPECT_EQ(row.rfind("onnxruntime,input=1x16,1,0,1,", 0), 0u) << row;
}

// --compare: another work dir measured alternating with TARGET, labelled by
// its folder; a missing one is refused before any work.
TEST_F(CliBench, ComparesWorkDirsSideBySide) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  const std::string config = cfg("ort_base.py");
  for (const char* dir : {"first", "second"})
    ASSERT_EQ(
        run_cli({"convert", config, model("tiny_mlp").string(), "--work-dir", path(dir)}).exit_code,
        0);
  CliResult r = run_cli({"bench", path("first"), "--compare", path("second"), "--iters", "7",
                         "--warmup", "1", "--json", path("r.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(path("r.json"));
  const Json j = Json::parse(in);
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["backend"], "onnxruntime");
  EXPECT_EQ(j["runs"][1]["backend"], "onnxruntime (second)");
  for (const auto& run : j["runs"]) EXPECT_EQ(run["forward"]["count"], 7);
  EXPECT_NE(r.out.find("onnxruntime (second)"), std::string::npos) << r.out;

  CliResult bad = run_cli({"bench", path("first"), "--compare", path("missing"), "--iters", "3",
                           "--json", path("bad.json")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--compare"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("missing"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(path("bad.json")));
}

// Several backends on one model file: each converted, measured, reported.
TEST_F(CliBench, ComparesBackendsSideBySide) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  CliResult env = run_cli({"check-env", "--json"});
  std::vector<std::string> backends;
  const Json listed = Json::parse(env.out);
  for (const auto& b : listed["backends"])
    if (b["available"] == true && b["name"] != "tensorrt") backends.push_back(b["name"]);
  if (backends.size() < 2) GTEST_SKIP() << "fewer than two backends available";
  std::string list;
  for (const auto& b : backends) list += (list.empty() ? "" : ",") + b;
  // 7 calls over 10 alternating chunks: the chunks must still add up to 7.
  CliResult r = run_cli({"bench", model("tiny_mlp").string(), "--backends", list, "--iters", "7",
                         "--warmup", "1", "--json", path("r.json"), "--html", path("r.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(std::ifstream(path("r.json")));
  ASSERT_EQ(j["runs"].size(), backends.size());
  for (size_t i = 0; i < backends.size(); ++i) {
    EXPECT_EQ(j["runs"][i]["backend"], backends[i]);
    EXPECT_EQ(j["runs"][i]["forward"]["count"], 7);
    EXPECT_NE(r.out.find(backends[i]), std::string::npos);
  }
  EXPECT_NE(r.out.find("1.00x"), std::string::npos) << "the first run is the ratios' base";
  std::ifstream html(path("r.html"));
  const std::string page((std::istreambuf_iterator<char>(html)), {});
  EXPECT_NE(page.find("<svg"), std::string::npos);
}

// Two --shape values for one input: two runs, one per shape, in order; and
// concurrency 2 makes two workers, each doing --iters calls.
TEST_F(CliBench, ShapesAreMeasuredOneAfterAnotherAndWorkersAddUp) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  CliResult r = run_cli({"bench", model("mobilenet_v2").string(), "--shape", "input=1x3x224x224",
                         "--shape", "input=2x3x224x224", "--concurrency", "1,2", "--iters", "3",
                         "--warmup", "0", "--json", path("r.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(std::ifstream(path("r.json")));
  ASSERT_EQ(j["runs"].size(), 4u);
  const std::vector<std::pair<std::string, int>> want = {{"input=1x3x224x224", 1},
                                                         {"input=1x3x224x224", 2},
                                                         {"input=2x3x224x224", 1},
                                                         {"input=2x3x224x224", 2}};
  for (size_t i = 0; i < want.size(); ++i) {
    const Json& run = j["runs"][i];
    EXPECT_EQ(run["shape"], want[i].first) << i;
    EXPECT_EQ(run["concurrency"], want[i].second) << i;
    EXPECT_EQ(run["batch"], want[i].first[6] - '0') << i;
    EXPECT_EQ(run["forward"]["count"], 3 * want[i].second) << i;
  }
}

}  // namespace
}  // namespace nnport::test
