// write_calib_hdf5: every sample of a source into MMDeploy's layout
// (calib_data/end2end/<input>/<i>, gzip level 4 as MMDeploy writes it),
// through a temporary sibling file that a failure or a signal removes.
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "apis/signal_cleanup.h"
#include "quantize/calib_data.h"
#include "quantize/hdf5_util.h"

namespace nnport::quantize {
namespace fs = std::filesystem;
namespace {

constexpr unsigned kGzipLevel = 4;
// HDF5 chunks must stay under 4 GiB; larger samples are written unchunked.
constexpr size_t kMaxChunkBytes = size_t{1} << 30;

Status write_dataset(hid_t group, const std::string& name, const Tensor& t,
                     const std::string& where) {
  h5::Handle type = h5::type_for(t.dtype());
  if (!type.valid())
    return invalid_argument(where + ": dtype " + std::string(dtype_name(t.dtype())) +
                            " cannot be written to HDF5");
  std::vector<hsize_t> dims(t.shape().begin(), t.shape().end());
  h5::Handle space(t.rank() == 0
                       ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(t.rank()), dims.data(), nullptr),
                   H5Sclose);
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!space.valid() || !dcpl.valid()) return io_error(where + ": " + h5::last_error());
  if (t.rank() > 0 && t.nbytes() > 0 && t.nbytes() <= kMaxChunkBytes &&
      H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(t.rank()), dims.data()) < 0 ||
        H5Pset_deflate(dcpl.get(), kGzipLevel) < 0)
      return io_error(where + ": " + h5::last_error());
  }
  h5::Handle d(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(),
                          H5P_DEFAULT),
               H5Dclose);
  if (!d.valid()) return io_error(where + ": cannot create the dataset: " + h5::last_error());
  if (t.nbytes() > 0 && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) < 0)
    return io_error(where + ": cannot write the dataset: " + h5::last_error());
  if (!d.reset()) return io_error(where + ": " + h5::last_error());
  return Status();
}

// Writes everything into `tmp` and closes it; the caller renames or removes.
Status write_file(CalibSource& source, const std::vector<TensorInfo>& inputs, const fs::path& tmp,
                  const std::string& out, const std::function<void(size_t, size_t)>& progress) {
  const h5::Quiet quiet;  // errors come back as messages
  const std::string what = "writing '" + out + "'";
  h5::Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid())
    return io_error(what + ": cannot create '" + tmp.string() + "': " + h5::last_error() +
                    "; check that the folder exists and is writable");
  // Input names may hold '/': intermediate groups, as h5py makes them.
  h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!lcpl.valid() || H5Pset_create_intermediate_group(lcpl.get(), 1) < 0)
    return io_error(what + ": " + h5::last_error());
  std::vector<h5::Handle> groups;
  for (const TensorInfo& info : inputs) {
    const std::string path = "calib_data/end2end/" + info.name;
    groups.emplace_back(H5Gcreate2(file.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                        H5Gclose);
    if (!groups.back().valid())
      return io_error(what + ": cannot create group '" + path + "': " + h5::last_error());
  }
  const size_t total = source.size();
  for (size_t i = 0; i < total; ++i) {
    auto sample = source.read(i);
    if (!sample.ok()) return sample.status().with_context(what);
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Tensor* t = sample->find(inputs[k].name);
      const std::string name = std::to_string(i);
      const std::string where =
          what + ", dataset 'calib_data/end2end/" + inputs[k].name + "/" + name + "'";
      if (t == nullptr)
        return internal_error(where + ": " + source.describe() + " gave no tensor for it");
      NNPORT_RETURN_IF_ERROR(write_dataset(groups[k].get(), name, *t, where));
    }
    if (progress) progress(i + 1, total);
  }
  groups.clear();
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0 || !file.reset())
    return io_error(what + ": cannot finish '" + tmp.string() + "': " + h5::last_error() +
                    " (disk full?)");
  return Status();
}

}  // namespace

Status write_calib_hdf5(CalibSource& source, const std::vector<TensorInfo>& inputs,
                        const std::string& path,
                        const std::function<void(size_t, size_t)>& progress) {
  static std::atomic<unsigned> counter{0};
  const fs::path out(path);
  if (out.filename().empty())
    return invalid_argument("writing calibration data: '" + path + "' names no file");
  if (source.size() == 0)
    return invalid_argument("writing '" + path + "': " + source.describe() + " has no samples");
  fs::path tmp = out;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  apis::register_temporary(tmp, /*whole_tree=*/false);  // a Ctrl-C removes it too
  std::error_code ec;
  Status s = write_file(source, inputs, tmp, path, progress);
  if (s.ok()) {
    auto lock = apis::lock_temporaries();  // no signal removes it mid-rename
    fs::rename(tmp, out, ec);
    if (ec)
      s = io_error("writing calibration data '" + path + "': cannot rename '" + tmp.string() +
                   "' into place: " + ec.message());
  }
  if (!s.ok()) fs::remove(tmp, ec);
  apis::unregister_temporary(tmp);
  return s;
}

}  // namespace nnport::quantize
