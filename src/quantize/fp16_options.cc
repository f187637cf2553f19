// parse_fp16_options: backend_config.common_config of MMDeploy's
// onnxruntime-fp16.py, checked key by key.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "nnport/did_you_mean.h"
#include "nnport/tensor.h"
#include "quantize/fp16_model.h"

namespace nnport::quantize {

const std::vector<std::string>& default_fp16_op_block_list() {
  static const std::vector<std::string> list = {"ArrayFeatureExtractor",
                                                "Binarizer",
                                                "CastMap",
                                                "CategoryMapper",
                                                "DictVectorizer",
                                                "FeatureVectorizer",
                                                "Imputer",
                                                "LabelEncoder",
                                                "LinearClassifier",
                                                "LinearRegressor",
                                                "Normalizer",
                                                "OneHotEncoder",
                                                "RandomUniformLike",
                                                "SVMClassifier",
                                                "SVMRegressor",
                                                "Scaler",
                                                "TreeEnsembleClassifier",
                                                "TreeEnsembleRegressor",
                                                "ZipMap",
                                                "NonMaxSuppression",
                                                "TopK",
                                                "RoiAlign",
                                                "Resize",
                                                "Range",
                                                "CumSum",
                                                "Min",
                                                "Max",
                                                "Upsample"};
  return list;
}

namespace {

constexpr const char* kWhere = "backend_config.common_config";

// Python's spelling of a JSON value's kind, for "got ..." in messages.
std::string kind_of(const Config& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer()) return "int " + v.dump();
  if (v.is_number()) return "float " + v.dump();
  if (v.is_string()) return "str '" + v.get<std::string>() + "'";
  if (v.is_array()) return "a list";
  return "a dict";
}

std::string num(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

Status wrong_type(const std::string& key, const std::string& expected, const Config& v) {
  return invalid_argument(std::string(kWhere) + "." + key + ": expected " + expected + ", got " +
                          kind_of(v));
}

// A positive number (bool is not a number here, unlike in Python).
Result<float> positive_number(const std::string& key, const Config& v) {
  if (!v.is_number()) return wrong_type(key, "a positive number", v);
  const double d = v.get<double>();
  if (!(d > 0) || !std::isfinite(d)) return wrong_type(key, "a positive number", v);
  return static_cast<float>(d);
}

// None (the default list) or a list of strings.
Status name_list(const std::string& key, const Config& v, std::vector<std::string>* out) {
  if (v.is_null()) return Status::ok_status();
  if (!v.is_array()) return wrong_type(key, "a list of names or None", v);
  out->clear();
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string())
      return wrong_type(key + "[" + std::to_string(i) + "]", "a name (str)", v[i]);
    out->push_back(v[i].get<std::string>());
  }
  return Status::ok_status();
}

}  // namespace

Result<Fp16Options> parse_fp16_options(const Config& backend_config) {
  Fp16Options options;
  if (!backend_config.is_object()) return options;  // no backend_config: the defaults
  const auto it = backend_config.find("common_config");
  if (it == backend_config.end() || it->is_null()) return options;
  if (!it->is_object())
    return invalid_argument(std::string(kWhere) + ": expected a dict of fp16 options, got " +
                            kind_of(*it));
  static const std::vector<std::string> keys = {"min_positive_val", "max_finite_val",
                                                "keep_io_types",    "op_block_list",
                                                "node_block_list",  "disable_shape_infer"};
  for (const auto& [key, value] : it->items()) {
    if (key == "min_positive_val" || key == "max_finite_val") {
      NNPORT_ASSIGN_OR_RETURN(float f, positive_number(key, value));
      (key == "min_positive_val" ? options.min_positive_val : options.max_finite_val) = f;
    } else if (key == "keep_io_types" || key == "disable_shape_infer") {
      if (!value.is_boolean()) return wrong_type(key, "True or False", value);
      if (key == "keep_io_types") options.keep_io_types = value.get<bool>();
    } else if (key == "op_block_list") {
      NNPORT_RETURN_IF_ERROR(name_list(key, value, &options.op_block_list));
    } else if (key == "node_block_list") {
      NNPORT_RETURN_IF_ERROR(name_list(key, value, &options.node_block_list));
    } else {
      return invalid_argument(std::string(kWhere) + ": unknown fp16 option '" + key + "'" +
                              did_you_mean(key, keys) + "; the options are min_positive_val, " +
                              "max_finite_val, keep_io_types, op_block_list, node_block_list");
    }
  }
  // The clamps must themselves survive the rounding: a smaller
  // min_positive_val would turn tiny weights into 0, a larger max_finite_val
  // into inf (float16 holds 5.96e-08 .. 65504).
  if (float_to_half(options.min_positive_val) == 0)
    return invalid_argument(std::string(kWhere) +
                            ".min_positive_val: " + num(options.min_positive_val) +
                            " rounds to 0 in float16; use at least 5.96e-08 (the default is 1e-7)");
  if (!std::isfinite(half_to_float(float_to_half(options.max_finite_val))))
    return invalid_argument(std::string(kWhere) +
                            ".max_finite_val: " + num(options.max_finite_val) +
                            " rounds to inf in float16; use at most 65504 (the default is 1e4)");
  if (options.min_positive_val >= options.max_finite_val)
    return invalid_argument(std::string(kWhere) + ": min_positive_val (" +
                            num(options.min_positive_val) + ") must be below max_finite_val (" +
                            num(options.max_finite_val) + ")");
  return options;
}

}  // namespace nnport::quantize
