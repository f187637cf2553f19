// The --json report of `nnport conformance` (docs/conformance.md).
#include <cmath>

#include "nnport/conformance.h"

namespace nnport::conformance {

namespace {

Config number(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }

Config counts_json(const Counts& c) {
  Config j = Config::object();
  j["pass"] = c.pass;
  j["fail"] = c.fail;
  j["error"] = c.error;
  j["skip"] = c.skip;
  j["total"] = c.total();
  return j;
}

}  // namespace

Config report_json(const Report& report) {
  Config doc = Config::object();
  doc["backend"] = report.backend;
  doc["suite"] = report.suite;
  doc["filter"] = report.filter;
  doc["rtol"] = report.rtol;
  doc["atol"] = report.atol;
  doc["timeout_s"] = report.timeout_s;
  doc["jobs"] = report.jobs;
  doc["seconds"] = number(report.seconds);
  doc["summary"] = counts_json(report.summary);
  Config tests = Config::array();
  for (const auto& r : report.tests) {
    Config t = Config::object();
    t["name"] = r.name;
    t["group"] = r.group;
    t["op_types"] = r.op_types;
    t["op"] = r.summary_op;
    t["status"] = std::string(status_name(r.status));
    t["detail"] = r.detail;
    t["output"] = r.output;
    t["max_abs_err"] = number(r.max_abs_err);
    t["max_rel_err"] = number(r.max_rel_err);
    t["data_sets"] = r.data_sets;
    t["rtol"] = number(r.rtol);
    t["atol"] = number(r.atol);
    t["seconds"] = number(r.seconds);
    tests.push_back(std::move(t));
  }
  doc["tests"] = std::move(tests);
  Config ops = Config::object();
  for (const auto& [op, c] : report.ops) ops[op] = counts_json(c);
  doc["ops"] = std::move(ops);
  return doc;
}

}  // namespace nnport::conformance
