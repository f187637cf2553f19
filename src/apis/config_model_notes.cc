#include "apis/config_model_notes.h"

#include <charconv>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace nnport::apis {
namespace {

// Names the config expects but the model lacks: MMDeploy passes the config's
// names to build_wrapper; nnport keeps the model's, and says so.
void note_name_mismatch(const Config& onnx, const char* key, const std::vector<TensorInfo>& model,
                        std::vector<std::string>& notes) {
  if (!onnx.contains(key) || !onnx[key].is_array()) return;
  std::unordered_set<std::string_view> names;  // a model may have 100,000 inputs
  names.reserve(model.size());
  for (const auto& m : model) names.insert(m.name);
  for (const auto& n : onnx[key]) {
    if (!n.is_string()) continue;
    if (names.count(n.get<std::string>()) == 0)
      notes.push_back("onnx_config." + std::string(key) + " names '" + n.get<std::string>() +
                      "', which the model does not have; using the model's own names");
  }
}

// The axes one dynamic_axes entry marks: {0: 'batch'} or [0, 2].
std::vector<int64_t> marked_axes(const Config& entry) {
  std::vector<int64_t> axes;
  auto add = [&axes](const std::string& s) {
    int64_t a = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), a);
    if (ec == std::errc() && ptr == s.data() + s.size()) axes.push_back(a);
  };
  if (entry.is_object())
    for (const auto& [key, label] : entry.items()) add(key);
  if (entry.is_array())
    for (const auto& a : entry)
      if (a.is_number_integer()) axes.push_back(a.get<int64_t>());
  return axes;
}

void note_static_axes(const Config& cfg, const OnnxModelInfo& model,
                      std::vector<std::string>& notes) {
  std::vector<std::string> names;
  std::unordered_map<std::string_view, const TensorInfo*> by_name;  // the first of a name
  for (const auto* list : {&model.inputs, &model.outputs})
    for (const auto& v : *list) {
      names.push_back(v.name);
      by_name.emplace(v.name, &v);
    }
  auto axes = get_dynamic_axes(cfg, names);
  if (!axes.ok() || !axes->is_object()) return;
  for (const auto& [name, entry] : axes->items()) {
    auto found = by_name.find(name);
    if (found == by_name.end()) continue;
    const TensorInfo* v = found->second;
    for (int64_t axis : marked_axes(entry)) {
      const int64_t rank = static_cast<int64_t>(v->dims.size());
      const int64_t a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a >= rank || v->dims[a] < 0) continue;
      notes.push_back("onnx_config.dynamic_axes marks axis " + std::to_string(axis) + " of '" +
                      name + "' as dynamic, but the model fixes it to " +
                      std::to_string(v->dims[a]) +
                      "; the work dir takes only that size: use a static config, or re-export "
                      "the model with that axis dynamic");
    }
  }
}

}  // namespace

std::vector<std::string> config_model_disagreements(const Config& cfg, const OnnxModelInfo& model) {
  std::vector<std::string> notes;
  const Config onnx = get_onnx_config(cfg);
  note_name_mismatch(onnx, "input_names", model.inputs, notes);
  note_name_mismatch(onnx, "output_names", model.outputs, notes);
  note_static_axes(cfg, model, notes);
  if (onnx.contains("opset_version") && onnx["opset_version"].is_number_integer() &&
      onnx["opset_version"].get<int64_t>() != model.opset())
    notes.push_back("onnx_config.opset_version is " +
                    std::to_string(onnx["opset_version"].get<int64_t>()) +
                    " but the model was exported at opset " + std::to_string(model.opset()) +
                    "; nnport uses the model as it is (re-export it if the config is right)");
  return notes;
}

}  // namespace nnport::apis
