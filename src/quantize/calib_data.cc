// open_calib_data: which of the three kinds PATH is, and the npy-folder kind
// (PATH/<input name>/0.npy, 1.npy, ...), read one sample per read().
#include "quantize/calib_data.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>

#include "core/regular_file.h"
#include "nnport/apis.h"
#include "nnport/did_you_mean.h"
#include "nnport/npy.h"
#include "quantize/calib_sources.h"

namespace nnport::quantize {
namespace fs = std::filesystem;

namespace {

std::string input_names(const std::vector<TensorInfo>& inputs) {
  std::string s;
  for (const auto& i : inputs) s += (s.empty() ? "'" : ", '") + i.name + "'";
  return s;
}

}  // namespace

namespace detail {

Status check_sample_tensor(const Tensor& tensor, const TensorInfo& info, const std::string& where) {
  const std::string got =
      "shape " + shape_to_string(tensor.shape()) + " " + std::string(dtype_name(tensor.dtype()));
  const std::string want = "model input '" + info.name + "' is " +
                           std::string(dtype_name(info.dtype)) + " " + format_dims(info);
  if (tensor.dtype() != info.dtype)
    return invalid_argument(where + ": " + got + ", but " + want + "; convert the data to " +
                            std::string(dtype_name(info.dtype)));
  if (tensor.rank() != static_cast<int64_t>(info.dims.size()))
    return invalid_argument(where + ": " + got + ", but " + want + "; give arrays of rank " +
                            std::to_string(info.dims.size()));
  for (size_t d = 0; d < info.dims.size(); ++d)
    if (info.dims[d] >= 0 && tensor.shape()[d] != info.dims[d])
      return invalid_argument(where + ": " + got + ", but " + want + ": dim " + std::to_string(d) +
                              " is " + std::to_string(tensor.shape()[d]) +
                              ", the model fixes it at " + std::to_string(info.dims[d]) +
                              "; give arrays of that shape");
  return Status();
}

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::string calib_data_forms_hint() {
  return "give an HDF5 file (calib_data/end2end/<input>/<i>, as MMDeploy writes), a folder with "
         "one subfolder per model input holding 0.npy, 1.npy, ..., or a folder of PNG/JPEG "
         "images (docs/calibration-data.md)";
}

namespace {

// "12.npy" -> 12; anything else (leading zeros, signs, other names) -> -1.
int64_t sample_number(const std::string& file_name) {
  if (file_name.size() < 5 || file_name.substr(file_name.size() - 4) != ".npy") return -1;
  const std::string stem = file_name.substr(0, file_name.size() - 4);
  if (stem.empty() || (stem.size() > 1 && stem[0] == '0')) return -1;
  int64_t n = -1;
  auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), n);
  return (ec == std::errc() && end == stem.data() + stem.size()) ? n : -1;
}

// The sample count of one input's folder: 0.npy .. (n-1).npy, no gaps.
Result<size_t> count_npy_samples(const fs::path& dir) {
  std::vector<int64_t> numbers;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") continue;  // README, ...
    const int64_t n = sample_number(name);
    if (n < 0)
      return invalid_argument("calibration data: unexpected file '" + it->path().string() +
                              "': name the samples 0.npy, 1.npy, ... (no leading zeros)");
    numbers.push_back(n);
  }
  if (ec) return io_error("calibration data: cannot list '" + dir.string() + "': " + ec.message());
  if (numbers.empty())
    return invalid_argument("calibration data: folder '" + dir.string() +
                            "' holds no samples; save them there as 0.npy, 1.npy, ...");
  std::sort(numbers.begin(), numbers.end());
  for (size_t i = 0; i < numbers.size(); ++i)
    if (numbers[i] != static_cast<int64_t>(i))
      return invalid_argument("calibration data: '" +
                              (dir / (std::to_string(i) + ".npy")).string() +
                              "' is missing, but '" + std::to_string(numbers.back()) +
                              ".npy' exists; number the samples 0.npy, 1.npy, ... without gaps");
  return numbers.size();
}

class NpyFolderSource : public CalibSource {
 public:
  NpyFolderSource(fs::path path, std::vector<TensorInfo> inputs, size_t count)
      : path_(std::move(path)), inputs_(std::move(inputs)), count_(count) {}
  size_t size() const override { return count_; }
  Result<NamedTensors> read(size_t index) override {
    if (index >= count_)
      return invalid_argument("calibration data: sample " + std::to_string(index) +
                              " of npy folder '" + path_.string() + "' (it has " +
                              std::to_string(count_) + ")");
    NamedTensors sample;
    for (const TensorInfo& info : inputs_) {
      const std::string file = (path_ / info.name / (std::to_string(index) + ".npy")).string();
      auto tensor = read_npy(file);
      if (!tensor.ok()) return tensor.status().with_context("calibration data");
      NNPORT_RETURN_IF_ERROR(check_sample_tensor(*tensor, info, "calibration data '" + file + "'"));
      sample.set(info.name, std::move(*tensor));
    }
    return sample;
  }
  std::string describe() const override {
    return "npy folder " + path_.string() + " (" + std::to_string(count_) + " samples)";
  }

 private:
  fs::path path_;
  std::vector<TensorInfo> inputs_;
  size_t count_;
};

}  // namespace

Result<std::unique_ptr<CalibSource>> open_npy_folder(const fs::path& path,
                                                     const std::vector<TensorInfo>& inputs) {
  std::map<std::string, size_t> counts;  // input name -> samples
  for (const TensorInfo& info : inputs) {
    const fs::path dir = path / info.name;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      return not_found("calibration data: folder '" + dir.string() + "' for model input '" +
                       info.name + "' is missing; an npy folder needs one subfolder per model " +
                       "input (" + input_names(inputs) + "), each with 0.npy, 1.npy, ...");
    NNPORT_ASSIGN_OR_RETURN(counts[info.name], count_npy_samples(dir));
  }
  const TensorInfo& first = inputs.front();
  for (const TensorInfo& info : inputs)
    if (counts[info.name] != counts[first.name])
      return invalid_argument("calibration data: '" + (path / first.name).string() + "' holds " +
                              std::to_string(counts[first.name]) + " samples but '" +
                              (path / info.name).string() + "' holds " +
                              std::to_string(counts[info.name]) +
                              "; every input needs the same number of samples");
  auto source = std::make_unique<NpyFolderSource>(path, inputs, counts[first.name]);
  NNPORT_RETURN_IF_ERROR(source->read(0).status());  // a wrong dtype or shape, early
  return std::unique_ptr<CalibSource>(std::move(source));
}

}  // namespace detail

namespace {

bool has_hdf5_signature(const fs::path& path) {
  static constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  char head[8] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(head, sizeof head) && std::memcmp(head, kSignature, sizeof head) == 0;
}

Result<std::unique_ptr<CalibSource>> open_folder(const fs::path& path,
                                                 const std::vector<TensorInfo>& inputs,
                                                 const Config& deploy_cfg) {
  std::vector<fs::path> images;
  std::vector<std::string> subfolders;
  bool names_an_input = false;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code broken;  // a dangling link is skipped, not a listing error
    if (it->is_directory(broken)) {
      subfolders.push_back(p.filename().string());
      for (const auto& info : inputs)
        names_an_input = names_an_input || info.name == subfolders.back();
    } else if (it->is_regular_file(broken) && detail::is_image_file(p)) {
      images.push_back(p);
    }
  }
  if (ec) return io_error("calibration data: cannot list '" + path.string() + "': " + ec.message());
  if (names_an_input) return detail::open_npy_folder(path, inputs);
  if (!images.empty()) {
    std::sort(images.begin(), images.end());
    return detail::open_image_folder(path, std::move(images), inputs, deploy_cfg);
  }
  std::vector<std::string> names;
  for (const auto& info : inputs) names.push_back(info.name);
  if (!subfolders.empty()) {
    std::sort(subfolders.begin(), subfolders.end());
    std::string hint;
    for (const auto& s : subfolders)
      if (const std::string near = nearest_name(s, names); hint.empty() && !near.empty())
        hint = " (rename subfolder '" + s + "' to '" + near + "'?)";
    return invalid_argument("calibration data: folder '" + path.string() + "' has subfolders ('" +
                            subfolders.front() + "'" + (subfolders.size() > 1 ? ", ..." : "") +
                            ") but none named after a model input (" + input_names(inputs) +
                            ") and no images; name each subfolder after its input" + hint);
  }
  return invalid_argument("calibration data: folder '" + path.string() +
                          "' holds no images (.png, .jpg, .jpeg) and no subfolder per model "
                          "input; " +
                          detail::calib_data_forms_hint());
}

}  // namespace

Result<std::unique_ptr<CalibSource>> open_calib_data(const std::string& path,
                                                     const std::vector<TensorInfo>& inputs,
                                                     const Config& deploy_cfg) {
  if (inputs.empty())
    return invalid_argument("calibration data '" + path + "': the model has no inputs to feed");
  for (const auto& info : inputs)
    if (info.dtype == DType::kUndefined)
      return invalid_argument("calibration data '" + path + "': model input '" + info.name +
                              "' has an element type nnport cannot hold; calibrate it elsewhere");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st))
    return not_found("calibration data '" + path + "' does not exist; " +
                     detail::calib_data_forms_hint());
  if (fs::is_directory(st)) return open_folder(path, inputs, deploy_cfg);
  // A FIFO or a device would block or never end the signature read below.
  if (const std::string kind = core_internal::non_regular_kind(path); !kind.empty())
    return invalid_argument("calibration data '" + path + "' is " + kind +
                            ", not a file or a folder: pass an HDF5 file, an npy folder or an "
                            "image folder");
  if (has_hdf5_signature(path)) return detail::open_hdf5_file(path, inputs);
  const fs::path p(path);
  std::string what = "is not an HDF5 file (no HDF5 signature)";
  if (p.extension() == ".npy")
    what = "is a single .npy file; put the samples in FOLDER/<input name>/0.npy, 1.npy, ...";
  else if (detail::is_image_file(p))
    what = "is a single image; give the folder that holds the images";
  return invalid_argument("calibration data '" + path + "' " + what + "; " +
                          detail::calib_data_forms_hint());
}

}  // namespace nnport::quantize
