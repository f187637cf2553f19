#include "cv_test_util.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "nnport/npy.h"
#include "nnport/registry.h"

namespace nnport::cv_test {

namespace fs = std::filesystem;

namespace {
std::string plugin_dir() { return std::string(NNPORT_BINARY_DIR) + "/lib/nnport/plugins"; }
}  // namespace

std::string models_dir() {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  if (env != nullptr && env[0] != '\0') return env;
  return std::string(NNPORT_SOURCE_DIR) + "/tests/models/out";
}

std::string model_file(const std::string& name) {
  const std::string file = models_dir() + "/" + name + "/model.onnx";
  return fs::is_regular_file(file) ? file : std::string();
}

const BackendManager* backend(const std::string& name, std::string* why) {
  static Registry registry(/*search_default_dirs=*/false);
  static const bool added = (registry.add_search_dir(plugin_dir()), true);
  (void)added;
  auto found = registry.find(name);
  if (!found.ok()) {
    *why = found.status().message();
    for (const auto& f : registry.failures()) *why += "\n  " + f.path + ": " + f.reason;
    return nullptr;
  }
  return *found;
}

std::string cv_config(const std::string& fields, const std::string& top) {
  return R"({"backend_config": {"type": "opencv")" + (fields.empty() ? "" : ", " + fields) + "}" +
         (top.empty() ? "" : ", " + top) + "}";
}

std::string fresh_work_dir(const std::string& tag) {
  const auto dir = fs::path(NNPORT_BINARY_DIR) / "cv_backend_test" / tag;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

Tensor sample_batch(const std::string& model_name, const std::string& input, int64_t batch) {
  auto t = read_npy(models_dir() + "/" + model_name + "/inputs/" + input + ".npy");
  if (!t.ok()) throw std::runtime_error(t.status().message());
  const Tensor& sample = *t;
  Shape shape = sample.shape();
  const int64_t rows = shape.at(0);
  const size_t row_bytes = sample.nbytes() / static_cast<size_t>(rows);
  shape[0] = batch;
  Tensor out = Tensor::empty(sample.dtype(), shape);
  for (int64_t i = 0; i < batch; ++i) {
    std::memcpy(static_cast<unsigned char*>(out.data()) + i * row_bytes,
                static_cast<const unsigned char*>(sample.data()) + (i % rows) * row_bytes,
                row_bytes);
  }
  return out;
}

Diff compare(const Tensor& a, const Tensor& ref) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (a.dtype() != DType::kFloat32 || ref.dtype() != DType::kFloat32 || a.shape() != ref.shape()) {
    return {kInf, kInf};
  }
  double worst = 0, scale = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double r = ref.data_as<float>()[i];
    const double d = std::fabs(double(a.data_as<float>()[i]) - r);
    if (std::isnan(d)) return {kInf, kInf};
    worst = std::max(worst, d);
    scale = std::max(scale, std::fabs(r));
  }
  return {worst, scale > 0 ? worst / scale : worst};
}

}  // namespace nnport::cv_test
