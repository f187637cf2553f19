#include "quantize/quant_options.h"

#include <algorithm>
#include <cctype>

#include "nnport/did_you_mean.h"

namespace nnport::quantize {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status bad(const std::string& key, const Config& value, const std::string& expected) {
  return invalid_argument("deploy config: " + key + " = " + value.dump() + ": expected " +
                          expected);
}

Result<bool> read_bool(const std::string& key, const Config& v) {
  if (!v.is_boolean()) return bad(key, v, "True or False");
  return v.get<bool>();
}

Result<double> read_number(const std::string& key, const Config& v, double lo, double hi) {
  if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
    return bad(key, v, "a number from " + Config(lo).dump() + " to " + Config(hi).dump());
  return v.get<double>();
}

Result<std::set<std::string>> read_names(const std::string& key, const Config& v) {
  std::set<std::string> names;
  if (v.is_null()) return names;  // MMDeploy writes None for "none"
  if (!v.is_array()) return bad(key, v, "a list of names, e.g. ['Conv'], or None");
  for (const auto& item : v) {
    if (!item.is_string()) return bad(key, v, "a list of names (strings)");
    names.insert(item.get<std::string>());
  }
  return names;
}

Result<MetricGoal> read_goal(const std::string& key, const Config& v) {
  if (!v.is_object() || !v.contains("metric") || !v["metric"].is_string())
    return bad(key, v, "dict(metric='cosine'|'snr'|'topk', min=..., k=1)");
  MetricGoal goal;
  goal.metric = lower(v["metric"].get<std::string>());
  goal.min = default_metric_min(goal.metric);  // NaN for an unknown metric: checked below
  for (const auto& [k, item] : v.items()) {
    if (k == "metric") continue;
    if (k == "min") {
      if (!item.is_number()) return bad(key + ".min", item, "a number");
      goal.min = item.get<double>();
    } else if (k == "k") {
      if (!item.is_number_integer() || item.get<int64_t>() < 1 || item.get<int64_t>() > 1000)
        return bad(key + ".k", item, "an integer from 1 to 1000");
      goal.k = item.get<int>();
    } else {
      return invalid_argument("deploy config: " + key + " has no key '" + k + "'" +
                              did_you_mean(k, {"metric", "min", "k"}));
    }
  }
  Status ok = check_metric_goals({goal});
  if (!ok.ok()) return ok.with_context("deploy config: " + key);
  return goal;
}

}  // namespace

Result<std::string> precision_of(const Config& cfg) {
  const Config b = get_backend_config(cfg);
  if (b.contains("precision") && !b["precision"].is_null()) {
    if (!b["precision"].is_string())
      return bad("backend_config.precision", b["precision"], "'fp32', 'fp16' or 'int8'");
    const std::string p = lower(b["precision"].get<std::string>());
    if (p == "fp32" || p == "fp16" || p == "int8") return p;
    return invalid_argument("deploy config: backend_config.precision = '" +
                            b["precision"].get<std::string>() +
                            "' is not supported: use 'fp32', 'fp16' or 'int8'" +
                            did_you_mean(p, {"fp32", "fp16", "int8"}));
  }
  const Config c = get_common_config(cfg);
  auto on = [&c](const char* key) { return c.contains(key) && c[key] == true; };
  if (on("int8_mode")) return std::string("int8");
  if (on("fp16_mode")) return std::string("fp16");
  return std::string("fp32");
}

Result<QuantOptions> parse_quant_options(const Config& cfg) {
  QuantOptions o;
  const Config b = get_backend_config(cfg);
  const Config q = b.contains("quantization") ? b["quantization"] : Config::object();
  if (!q.is_null() && !q.is_object())
    return bad("backend_config.quantization", q, "a dict (see docs/quantization.md)");
  static const std::vector<std::string> keys = {
      "method",        "percentile",        "per_channel",       "reduce_range",
      "op_block_list", "node_block_list",   "num_samples",       "holdout",
      "accuracy",      "fallback_to_float", "max_fallback_nodes"};
  const std::string at = "backend_config.quantization.";
  const Config quantization = q.is_null() ? Config::object() : q;
  for (const auto& [key, v] : quantization.items()) {
    if (key == "method") {
      if (!v.is_string()) return bad(at + key, v, "'minmax', 'percentile' or 'entropy'");
      NNPORT_ASSIGN_OR_RETURN(o.method, parse_calib_method(v.get<std::string>()));
    } else if (key == "percentile") {
      NNPORT_ASSIGN_OR_RETURN(o.percentile, read_number(at + key, v, 50, 100));
    } else if (key == "per_channel") {
      NNPORT_ASSIGN_OR_RETURN(o.qdq.per_channel, read_bool(at + key, v));
    } else if (key == "reduce_range") {
      NNPORT_ASSIGN_OR_RETURN(o.qdq.reduce_range, read_bool(at + key, v));
    } else if (key == "op_block_list") {
      NNPORT_ASSIGN_OR_RETURN(o.qdq.op_block_list, read_names(at + key, v));
    } else if (key == "node_block_list") {
      NNPORT_ASSIGN_OR_RETURN(o.qdq.node_block_list, read_names(at + key, v));
    } else if (key == "num_samples") {
      if (!v.is_null() && (!v.is_number_integer() || v.get<int64_t>() < 1))
        return bad(at + key, v, "a count >= 1, or None for all");
      o.num_samples = v.is_null() ? 0 : v.get<int64_t>();
    } else if (key == "holdout") {
      NNPORT_ASSIGN_OR_RETURN(o.holdout, read_number(at + key, v, 0, 0.9));
    } else if (key == "accuracy") {
      o.goals.clear();
      if (v.is_array()) {
        for (const auto& item : v) {
          NNPORT_ASSIGN_OR_RETURN(MetricGoal g, read_goal(at + key, item));
          o.goals.push_back(g);
        }
      } else if (!v.is_null()) {
        NNPORT_ASSIGN_OR_RETURN(MetricGoal g, read_goal(at + key, v));
        o.goals.push_back(g);
      }
    } else if (key == "fallback_to_float") {
      NNPORT_ASSIGN_OR_RETURN(o.fallback_to_float, read_bool(at + key, v));
    } else if (key == "max_fallback_nodes") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 10000)
        return bad(at + key, v, "an integer from 1 to 10000");
      o.max_fallback_nodes = v.get<int>();
    } else {
      return invalid_argument("deploy config: " + at + key + " is not a quantization key" +
                              did_you_mean(key, keys) + "; docs/quantization.md lists them");
    }
  }

  const Config c = cfg.contains("calib_config") ? cfg["calib_config"] : Config::object();
  if (!c.is_null() && !c.is_object()) return bad("calib_config", c, "a dict");
  const Config calib = c.is_null() ? Config::object() : c;
  for (const auto& [key, v] : calib.items()) {
    if (key == "create_calib") {
      NNPORT_ASSIGN_OR_RETURN(o.create_calib, read_bool("calib_config.create_calib", v));
    } else if (key == "calib_file") {
      if (!v.is_null() && !v.is_string()) return bad("calib_config.calib_file", v, "a file name");
      o.calib_file = v.is_null() ? "" : v.get<std::string>();
    } else if (key != "image") {  // image: read by the image calibration source
      return invalid_argument("deploy config: calib_config." + key + " is not a key" +
                              did_you_mean(key, {"create_calib", "calib_file", "image"}) +
                              "; docs/quantization.md lists them");
    }
  }
  if (o.create_calib && o.calib_file.empty()) o.calib_file = "calib_data.h5";  // MMDeploy's name
  return o;
}

}  // namespace nnport::quantize
