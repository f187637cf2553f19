#include "quantize/hdf5_util.h"

#include <bit>

namespace nnport::quantize::h5 {

// The memory type of every read and write is the little-endian file type.
static_assert(std::endian::native == std::endian::little,
              "calibration HDF5 I/O assumes a little-endian host");

std::string last_error() {
  std::string text;
  // Upward: the innermost (most specific) entry comes first.
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        auto* out = static_cast<std::string*>(data);
        if (out->empty() && e->desc != nullptr && e->desc[0] != '\0') *out = e->desc;
        return 0;
      },
      &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "unknown HDF5 error" : text;
}

namespace {

std::string bits(size_t size) { return std::to_string(size * 8) + "-bit"; }

bool is_half(hid_t type) {
  size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
  if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0) return false;
  return spos == 15 && epos == 10 && esize == 5 && mpos == 0 && msize == 10 &&
         H5Tget_ebias(type) == 15;
}

// h5py's bool: an enum over a 1-byte integer whose members are 0 and 1.
bool is_h5py_bool(hid_t type) {
  if (H5Tget_nmembers(type) != 2) return false;
  Handle base(H5Tget_super(type), H5Tclose);
  if (!base.valid() || H5Tget_class(base.get()) != H5T_INTEGER || H5Tget_size(base.get()) != 1)
    return false;
  for (unsigned i = 0; i < 2; ++i) {
    int8_t v = -1;
    if (H5Tget_member_value(type, i, &v) < 0 || v != static_cast<int8_t>(i)) return false;
  }
  return true;
}

}  // namespace

DType dtype_of(hid_t type, std::string* what) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  const bool little = H5Tget_order(type) == H5T_ORDER_LE || size == 1;
  switch (cls) {
    case H5T_FLOAT:
      *what = bits(size) + " float";
      if (!little) break;
      if (size == 4 && H5Tequal(type, H5T_IEEE_F32LE) > 0) return DType::kFloat32;
      if (size == 8 && H5Tequal(type, H5T_IEEE_F64LE) > 0) return DType::kFloat64;
      if (size == 2 && is_half(type)) return DType::kFloat16;
      break;
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      *what = bits(size) + (is_signed ? " signed" : " unsigned") + " integer";
      if (!little || H5Tget_precision(type) != size * 8) break;
      if (size == 1) return is_signed ? DType::kInt8 : DType::kUInt8;
      if (size == 4 && is_signed) return DType::kInt32;
      if (size == 8 && is_signed) return DType::kInt64;
      break;
    }
    case H5T_ENUM:
      *what = "enum";
      if (is_h5py_bool(type)) return DType::kBool;
      break;
    case H5T_STRING:
      *what = "string";
      break;
    case H5T_COMPOUND:
      *what = "compound";
      break;
    default:
      *what = "HDF5 type class " + std::to_string(static_cast<int>(cls));
      break;
  }
  if (!little) *what += " (big-endian)";
  return DType::kUndefined;
}

Handle type_for(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return Handle(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
    case DType::kFloat64:
      return Handle(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    case DType::kInt8:
      return Handle(H5Tcopy(H5T_STD_I8LE), H5Tclose);
    case DType::kUInt8:
      return Handle(H5Tcopy(H5T_STD_U8LE), H5Tclose);
    case DType::kInt32:
      return Handle(H5Tcopy(H5T_STD_I32LE), H5Tclose);
    case DType::kInt64:
      return Handle(H5Tcopy(H5T_STD_I64LE), H5Tclose);
    case DType::kFloat16: {
      // IEEE binary16 as h5py builds it: F32LE's layout narrowed to 2 bytes.
      Handle t(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
      if (!t.valid() || H5Tset_fields(t.get(), 15, 10, 5, 0, 10) < 0 ||
          H5Tset_size(t.get(), 2) < 0 || H5Tset_ebias(t.get(), 15) < 0)
        return Handle();
      return t;
    }
    case DType::kBool: {
      Handle t(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
      const int8_t no = 0, yes = 1;
      if (!t.valid() || H5Tenum_insert(t.get(), "FALSE", &no) < 0 ||
          H5Tenum_insert(t.get(), "TRUE", &yes) < 0)
        return Handle();
      return t;
    }
    default:
      return Handle();
  }
}

Result<std::vector<std::string>> link_names(hid_t group) {
  std::vector<std::string> names;
  hsize_t index = 0;
  herr_t rc = H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, &index,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  if (rc < 0) return io_error(last_error());
  return names;
}

}  // namespace nnport::quantize::h5
