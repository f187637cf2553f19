#include "ort_test_util.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "backend_test_util.h"
#include "nnport/npy.h"

namespace nnport::ort_test {

namespace fs = std::filesystem;

std::string models_dir() { return backend_test::models_dir(); }

std::string model_dir(const std::string& name) {
  const std::string dir = models_dir() + "/" + name;
  return fs::is_regular_file(dir + "/model.onnx") ? dir : std::string();
}

std::string model_file(const std::string& name) { return model_dir(name) + "/model.onnx"; }

const BackendManager* backend(std::string* why) {
  return backend_test::backend("onnxruntime", why);
}

NamedTensors read_inputs(const std::string& dir, const Wrapper& wrapper) {
  NamedTensors inputs;
  for (const auto& info : wrapper.input_infos()) {
    auto t = read_npy(dir + "/inputs/" + info.name + ".npy");
    if (!t.ok()) throw std::runtime_error(t.status().message());
    inputs.set(info.name, *t);
  }
  return inputs;
}

Tensor read_output(const std::string& dir, const std::string& name) {
  auto t = read_npy(dir + "/outputs/" + name + ".npy");
  if (!t.ok()) throw std::runtime_error(t.status().message());
  return *t;
}

std::vector<std::string> manifest_outputs(const std::string& name) {
  std::ifstream in(models_dir() + "/manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& m : manifest.at("models")) {
    if (m.at("name") != name) continue;
    for (const auto& o : m.at("outputs")) names.push_back(o.at("name").get<std::string>());
  }
  return names;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return kInf;
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double d = 0;
    switch (a.dtype()) {
      case DType::kFloat32:
        d = std::fabs(double(a.data_as<float>()[i]) - b.data_as<float>()[i]);
        break;
      case DType::kInt64:
        d = std::fabs(double(a.data_as<int64_t>()[i] - b.data_as<int64_t>()[i]));
        break;
      default:
        return kInf;
    }
    if (std::isnan(d)) return kInf;
    worst = std::max(worst, d);
  }
  return worst;
}

std::string ort_config(const std::string& fields) {
  return backend_test::backend_config("onnxruntime", fields);
}

}  // namespace nnport::ort_test
