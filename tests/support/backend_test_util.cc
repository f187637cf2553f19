#include "backend_test_util.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "nnport/npy.h"
#include "nnport/registry.h"

namespace nnport::backend_test {

namespace fs = std::filesystem;

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
  static const bool searched =
      (registry.add_search_dir(std::string(NNPORT_BINARY_DIR) + "/lib/nnport/plugins"), true);
  (void)searched;
  auto found = registry.find(name);
  if (!found.ok()) {
    *why = found.status().message();
    for (const auto& f : registry.failures()) *why += "\n  " + f.path + ": " + f.reason;
    return nullptr;
  }
  return *found;
}

std::string backend_config(const std::string& type, const std::string& fields,
                           const std::string& top) {
  return R"({"backend_config": {"type": ")" + type + "\"" + (fields.empty() ? "" : ", " + fields) +
         "}" + (top.empty() ? "" : ", " + top) + "}";
}

std::string fresh_dir(const std::string& tag) {
  static int counter = 0;
  const fs::path dir =
      fs::temp_directory_path() / ("nnport_backend_test_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(counter++) + "_" + tag);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

Tensor read_npy_or_throw(const std::string& path) {
  auto t = read_npy(path);
  if (!t.ok()) throw std::runtime_error(t.status().message());
  return *t;
}

Tensor tile_batch(const Tensor& t, int64_t batch) {
  Shape shape = t.shape();
  const int64_t n = shape.at(0);
  const size_t row = t.nbytes() / size_t(n);
  shape[0] = batch;
  Tensor out = Tensor::empty(t.dtype(), shape);
  for (int64_t i = 0; i < batch; ++i) {
    std::memcpy(static_cast<unsigned char*>(out.data()) + size_t(i) * row,
                static_cast<const unsigned char*>(t.data()) + size_t(i % n) * row, row);
  }
  if (t.dtype() == DType::kFloat32) {
    auto* f = static_cast<float*>(out.data());
    const size_t per = row / sizeof(float);
    for (int64_t i = n; i < batch; ++i)
      for (size_t k = 0; k < per; ++k) f[size_t(i) * per + k] *= 1.0f + float(i) / 8.0f;
  }
  return out;
}

Tensor sample_batch(const std::string& model, const std::string& input, int64_t batch) {
  return tile_batch(read_npy_or_throw(models_dir() + "/" + model + "/inputs/" + input + ".npy"),
                    batch);
}

Errors compare(const Tensor& a, const Tensor& ref) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (a.dtype() != DType::kFloat32 || ref.dtype() != DType::kFloat32 || a.shape() != ref.shape()) {
    return {kInf, kInf};
  }
  Errors e;
  double ref_max = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double x = a.data_as<float>()[i], y = ref.data_as<float>()[i];
    const double d = std::fabs(x - y);
    if (std::isnan(d)) return {kInf, kInf};
    e.max_abs = std::max(e.max_abs, d);
    ref_max = std::max(ref_max, std::fabs(y));
  }
  e.max_rel = ref_max > 0 ? e.max_abs / ref_max : e.max_abs;
  return e;
}

}  // namespace nnport::backend_test
