// Internal to src/quantize: the small part of HDF5's C API that calibration
// files need, with handles closed by RAII and HDF5's errors as text (its own
// printing to stderr switched off).
#ifndef NNPORT_SRC_QUANTIZE_HDF5_UTIL_H_
#define NNPORT_SRC_QUANTIZE_HDF5_UTIL_H_

#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport::quantize::h5 {

// An hid_t and the H5?close that frees it; invalid (< 0) when a call failed.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  bool valid() const { return id_ >= 0; }
  hid_t get() const { return id_; }
  // Closes now; false when HDF5 reports an error (a file's last flush).
  bool reset() {
    bool ok = true;
    if (id_ >= 0 && closer_ != nullptr) ok = closer_(id_) >= 0;
    id_ = -1;
    return ok;
  }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// While alive, HDF5 prints no error stacks to stderr (its default): errors
// come back as Status messages instead. The previous handler (an
// application's own use of HDF5) is restored afterwards.
class Quiet {
 public:
  Quiet() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The most specific description on HDF5's error stack ("truncated file: eof
// = 96, ..."), then clears the stack; "unknown HDF5 error" when empty.
std::string last_error();

// A dataset's element type as a DType; kUndefined when nnport has none for
// it, with `what` describing it ("16-bit unsigned integer", "string").
// Only little-endian layouts map (the memory type is the file type itself).
DType dtype_of(hid_t type, std::string* what);

// The HDF5 type that h5py writes (and reads back) for `dtype`: IEEE floats,
// little-endian integers, float16 as h5py's 2-byte float, bool as h5py's
// enum {FALSE, TRUE} over int8.
Handle type_for(DType dtype);

// The names of a group's links, in name order.
Result<std::vector<std::string>> link_names(hid_t group);

}  // namespace nnport::quantize::h5

#endif  // NNPORT_SRC_QUANTIZE_HDF5_UTIL_H_
