// The report as JSON (schema "nnport-bench", version kReportSchemaVersion;
// docs/bench.md). Times in keys ending _ms, memory in keys ending _bytes.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "bench/report_fields.h"
#include "nnport/bench.h"

namespace nnport::bench {
namespace {

using Json = nlohmann::ordered_json;

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json stats_json(const LatencyStats& s) {
  Json j;
  j["count"] = s.count;
  j["mean_ms"] = number(s.mean_ms);
  j["min_ms"] = number(s.min_ms);
  j["max_ms"] = number(s.max_ms);
  j["stddev_ms"] = number(s.stddev_ms);
  for (const auto& [p, v] : s.percentiles_ms) j[percentile_key(p)] = number(v);
  j["throughput_per_s"] = number(s.throughput_per_s);
  return j;
}

}  // namespace

std::string report_json(const Report& r) {
  Json doc;
  doc["schema"] = "nnport-bench";
  doc["schema_version"] = r.schema_version;
  doc["target"] = r.target;
  doc["created_utc"] = r.created_utc;
  const Environment& e = r.env;
  doc["environment"] = {{"nnport_version", e.nnport_version},
                        {"nnport_commit", e.nnport_commit},
                        {"backend", e.backend},
                        {"backend_version", e.backend_version},
                        {"cpu_model", e.cpu_model},
                        {"cpu_flags", e.cpu_flags},
                        {"usable_cpus", e.usable_cpus},
                        {"load_average_1m", number(e.load_average_1m)},
                        {"hostname_hash", e.hostname_hash}};
  doc["percentiles"] = r.percentiles;
  Json runs = Json::array();
  for (const Run& run : r.runs) {
    Json j;
    j["backend"] = run.backend;
    j["shape"] = run.shape;
    j["batch"] = run.batch;
    j["threads"] = run.threads;
    j["concurrency"] = run.concurrency;
    j["cold_start"] = {{"convert_ms", run.convert_ms < 0 ? Json(nullptr) : number(run.convert_ms)},
                       {"load_ms", number(run.load_ms)},
                       {"first_inference_ms", number(run.first_inference_ms)}};
    j["execute"] = stats_json(run.execute);
    j["forward"] = stats_json(run.forward);
    j["stable"] = run.stable;
    j["windows"] = run.windows;
    j["memory"] = {{"peak_rss_bytes", run.peak_rss_bytes},
                   {"rss_growth_bytes", run.rss_growth_bytes}};
    Json samples = Json::array();
    for (double v : run.forward_samples_ms) samples.push_back(number(v));
    j["forward_samples_ms"] = std::move(samples);
    runs.push_back(std::move(j));
  }
  doc["runs"] = std::move(runs);
  return doc.dump(2) + "\n";
}

}  // namespace nnport::bench
