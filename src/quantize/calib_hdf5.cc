// MMDeploy's calibration file: HDF5 datasets calib_data/end2end/<input>/<i>
// (h5py's layout, any filter HDF5 itself decodes, gzip included). open
// checks the structure and every dataset's type and shape (metadata only);
// read(i) reads sample i's datasets.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>

#include "nnport/did_you_mean.h"
#include "quantize/calib_sources.h"
#include "quantize/hdf5_util.h"

namespace nnport::quantize::detail {
namespace fs = std::filesystem;
namespace {

constexpr const char* kRoot = "calib_data/end2end";
constexpr const char* kLayoutHint =
    "MMDeploy's layout is calib_data/end2end/<input name>/0, 1, ... (one dataset per sample)";

// "12" -> 12; names with leading zeros, signs or other characters -> -1.
int64_t dataset_number(const std::string& name) {
  if (name.empty() || (name.size() > 1 && name[0] == '0')) return -1;
  int64_t n = -1;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  return (ec == std::errc() && end == name.data() + name.size()) ? n : -1;
}

bool has_link(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

// H5Lexists fails on a missing intermediate group: check "a", then "a/b".
bool has_path(hid_t loc, const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (!has_link(loc, path.substr(0, slash))) return false;
  return has_link(loc, path);
}

// A filter this libhdf5 lacks (h5py's lzf, a plugin's) fails only at the
// read, with a message about plugin folders: say which, before reading.
Status check_filters(hid_t dataset, const std::string& where) {
  h5::Handle dcpl(H5Dget_create_plist(dataset), H5Pclose);
  const int n = dcpl.valid() ? H5Pget_nfilters(dcpl.get()) : 0;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    size_t values = 0;
    char name[64] = {};
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), unsigned(i), &flags, &values, nullptr,
                                           sizeof name, name, &config);
    if (id >= 0 && H5Zfilter_avail(id) <= 0)
      return invalid_argument(where + ": compressed with filter '" + name + "' (id " +
                              std::to_string(id) +
                              "), which this HDF5 library cannot decode; "
                              "write the file with compression='gzip' (h5py) or none");
  }
  H5Eclear2(H5E_DEFAULT);
  return Status();
}

class Hdf5Source : public CalibSource {
 public:
  Hdf5Source(fs::path path, std::vector<TensorInfo> inputs, h5::Handle file)
      : path_(std::move(path)), inputs_(std::move(inputs)), file_(std::move(file)) {}

  size_t size() const override { return count_; }
  std::string describe() const override {
    return "HDF5 file " + path_.string() + " (" + std::to_string(count_) + " samples)";
  }

  // Every input's group holds datasets 0 .. n-1, the same n for all.
  Status check_structure() {
    std::string where = "calibration data '" + path_.string() + "'";
    if (!has_path(file_.get(), kRoot)) {
      H5Eclear2(H5E_DEFAULT);
      return invalid_argument(where + ": no group '" + kRoot + "'; " + kLayoutHint);
    }
    h5::Handle root(H5Gopen2(file_.get(), kRoot, H5P_DEFAULT), H5Gclose);
    if (!root.valid())
      return invalid_argument(where + ": '" + kRoot + "' is not a group (" + h5::last_error() +
                              "); " + kLayoutHint);
    auto present = h5::link_names(root.get());
    if (!present.ok()) return present.status().with_context(where + ": listing " + kRoot);
    std::string first;
    for (const TensorInfo& info : inputs_) {
      const std::string group = std::string(kRoot) + "/" + info.name;
      if (!has_path(root.get(), info.name))
        return not_found(where + ": no group '" + group + "' for model input '" + info.name + "'" +
                         did_you_mean(info.name, *present) + "; " + kLayoutHint);
      h5::Handle g(H5Gopen2(root.get(), info.name.c_str(), H5P_DEFAULT), H5Gclose);
      if (!g.valid())
        return invalid_argument(where + ": '" + group + "' is not a group (" + h5::last_error() +
                                "); " + kLayoutHint);
      auto names = h5::link_names(g.get());
      if (!names.ok()) return names.status().with_context(where + ": listing " + group);
      std::vector<int64_t> numbers;
      for (const auto& n : *names) {
        numbers.push_back(dataset_number(n));
        if (numbers.back() < 0)
          return invalid_argument(where + ": unexpected member '" + group + "/" + n +
                                  "'; name the datasets 0, 1, ... (" + kLayoutHint + ")");
      }
      if (numbers.empty())
        return invalid_argument(where + ": group '" + group + "' holds no samples; " + kLayoutHint);
      std::sort(numbers.begin(), numbers.end());
      for (size_t i = 0; i < numbers.size(); ++i)
        if (numbers[i] != static_cast<int64_t>(i))
          return invalid_argument(where + ": dataset '" + group + "/" + std::to_string(i) +
                                  "' is missing, but '" + group + "/" +
                                  std::to_string(numbers.back()) +
                                  "' exists; number the samples 0, 1, ... without gaps");
      if (first.empty()) {
        first = group;
        count_ = numbers.size();
      } else if (numbers.size() != count_) {
        return invalid_argument(where + ": '" + first + "' holds " + std::to_string(count_) +
                                " samples but '" + group + "' holds " +
                                std::to_string(numbers.size()) +
                                "; every input needs the same number of samples");
      }
    }
    // Types and shapes of every dataset, without reading their data.
    for (size_t i = 0; i < count_; ++i)
      for (const TensorInfo& info : inputs_) NNPORT_RETURN_IF_ERROR(read_one(i, info, nullptr));
    return Status();
  }

  Result<NamedTensors> read(size_t index) override {
    if (index >= count_)
      return invalid_argument("calibration data: sample " + std::to_string(index) + " of " +
                              describe());
    const h5::Quiet quiet;  // errors come back as messages
    NamedTensors sample;
    for (const TensorInfo& info : inputs_) {
      Tensor t;
      NNPORT_RETURN_IF_ERROR(read_one(index, info, &t));
      sample.set(info.name, std::move(t));
    }
    return sample;
  }

 private:
  // Checks dataset `index` of `info`'s group against the model; reads it
  // into *out unless out is null.
  Status read_one(size_t index, const TensorInfo& info, Tensor* out) {
    const std::string name = std::string(kRoot) + "/" + info.name + "/" + std::to_string(index);
    const std::string where = "calibration data '" + path_.string() + "', dataset '" + name + "'";
    const std::string rewrite =
        "; the file is damaged: write it again (h5py, or `nnport calibrate`)";
    h5::Handle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid())
      return invalid_argument(where + ": HDF5 cannot open it as a dataset: " + h5::last_error() +
                              "; " + kLayoutHint);
    h5::Handle type(H5Dget_type(d.get()), H5Tclose);
    h5::Handle space(H5Dget_space(d.get()), H5Sclose);
    if (!type.valid() || !space.valid()) return io_error(where + ": " + h5::last_error() + rewrite);
    std::string what;
    const DType dtype = h5::dtype_of(type.get(), &what);
    if (dtype == DType::kUndefined)
      return invalid_argument(where + ": element type " + what +
                              " has no nnport dtype, and model "
                              "input '" +
                              info.name + "' is " + std::string(dtype_name(info.dtype)) +
                              "; write the data as " + std::string(dtype_name(info.dtype)));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || H5Sget_simple_extent_type(space.get()) == H5S_NULL)
      return invalid_argument(where + ": holds no array (" + h5::last_error() + "); " +
                              kLayoutHint);
    NNPORT_RETURN_IF_ERROR(check_filters(d.get(), where));
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Shape shape(dims.begin(), dims.end());
    NNPORT_RETURN_IF_ERROR(check_sample_tensor(Tensor::view(dtype, shape, nullptr), info, where));
    if (out == nullptr) return Status();
    Tensor t = Tensor::empty(dtype, shape);
    if (t.nbytes() > 0 && H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) < 0)
      return io_error(where + ": HDF5 cannot read it: " + h5::last_error() + rewrite);
    *out = std::move(t);
    return Status();
  }

  fs::path path_;
  std::vector<TensorInfo> inputs_;
  h5::Handle file_;
  size_t count_ = 0;
};

}  // namespace

Result<std::unique_ptr<CalibSource>> open_hdf5_file(const fs::path& path,
                                                    const std::vector<TensorInfo>& inputs) {
  const h5::Quiet quiet;  // errors come back as messages
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid())
    return invalid_argument("calibration data '" + path.string() +
                            "': HDF5 cannot open it: " + h5::last_error() +
                            "; the file is damaged or truncated: write it again (h5py, or "
                            "`nnport calibrate`)");
  auto source = std::make_unique<Hdf5Source>(path, inputs, std::move(file));
  NNPORT_RETURN_IF_ERROR(source->check_structure());
  return std::unique_ptr<CalibSource>(std::move(source));
}

}  // namespace nnport::quantize::detail
