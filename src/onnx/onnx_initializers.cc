// onnx::checker does not compare an initializer's data with its dims, and
// engines read past the end of a short one (or refuse it with their own
// words at run time). nnport checks before it certifies a model.
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <string>

#include "onnx/onnx_io.h"

namespace nnport::onnx_internal {
namespace {

using TP = onnx::TensorProto;

// Bytes per element in raw_data; 0 for types that cannot be raw (string).
int64_t raw_element_bytes(int32_t type) {
  switch (type) {
    case TP::BOOL:
    case TP::INT8:
    case TP::UINT8:
      return 1;
    case TP::INT16:
    case TP::UINT16:
    case TP::FLOAT16:
    case TP::BFLOAT16:
      return 2;
    case TP::FLOAT:
    case TP::INT32:
    case TP::UINT32:
      return 4;
    case TP::DOUBLE:
    case TP::INT64:
    case TP::UINT64:
    case TP::COMPLEX64:
      return 8;
    case TP::COMPLEX128:
      return 16;
    default:
      return 0;
  }
}

// Values in the typed field that holds this type (complex numbers take two).
int64_t typed_values(const TP& t) {
  switch (t.data_type()) {
    case TP::FLOAT:
      return t.float_data_size();
    case TP::COMPLEX64:
      return t.float_data_size() / 2;
    case TP::DOUBLE:
      return t.double_data_size();
    case TP::COMPLEX128:
      return t.double_data_size() / 2;
    case TP::INT64:
      return t.int64_data_size();
    case TP::UINT32:
    case TP::UINT64:
      return t.uint64_data_size();
    case TP::STRING:
      return t.string_data_size();
    default:
      return t.int32_data_size();  // bool, (u)int8/16, int32, float16, bfloat16
  }
}

// Bytes an external initializer has in its file (its "length", else the
// file from "offset" on); -1 when the file is not there to look at.
Result<int64_t> external_bytes(const TP& t, const std::string& model_path) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : t.external_data()) {
    if (kv.key() == "location") location = kv.value();
    if (kv.key() != "offset" && kv.key() != "length") continue;
    const std::string& v = kv.value();
    int64_t n = 0;
    auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (err != std::errc() || end != v.data() + v.size() || n < 0)
      return invalid_argument("external data " + kv.key() + " '" + v +
                              "' is not a byte count: re-save the model");
    (kv.key() == "offset" ? offset : length) = n;
  }
  // Only a location inside the model's folder is looked at (convert refuses
  // the others with its own message; the checker reports a missing file).
  const std::filesystem::path loc(location);
  const auto rel = loc.lexically_normal();
  if (location.empty() || loc.is_absolute() || rel.empty() || *rel.begin() == "..")
    return int64_t{-1};
  std::error_code ec;
  const auto file = std::filesystem::path(model_path).parent_path() / location;
  const auto file_size = std::filesystem::file_size(file, ec);
  if (ec) return int64_t{-1};
  const auto size = static_cast<int64_t>(file_size);
  if (offset < 0 || offset > size || (length >= 0 && length > size - offset))
    return invalid_argument("its data at offset " + std::to_string(offset) +
                            (length >= 0 ? ", length " + std::to_string(length) : "") +
                            " is past the end of '" + location + "' (" + std::to_string(size) +
                            " bytes): the data file is incomplete; copy it again or re-save the "
                            "model");
  return length >= 0 ? length : size - offset;
}

}  // namespace

Status check_initializer_sizes(const onnx::GraphProto& graph, const std::string& path) {
  for (const TP& t : graph.initializer()) {
    const std::string what = "check onnx model: " + path + ": initializer '" + t.name() + "' (" +
                             onnx_elem_type_name(t.data_type()) + ", dims [";
    std::string dims;
    int64_t expected = 1;
    bool overflow = false;
    for (int64_t d : t.dims()) {
      dims += (dims.empty() ? "" : ", ") + std::to_string(d);
      if (d < 0)
        return invalid_argument(what + dims + "]): dim " + std::to_string(d) +
                                " is negative: fix the exporter and re-export");
      overflow = overflow || (d != 0 && expected > INT64_MAX / d);
      if (!overflow) expected *= d;
    }
    if (overflow) return invalid_argument(what + dims + "]): its element count overflows 64 bits");
    int64_t have = 0;
    std::string unit = "values";
    if (t.data_location() == TP::EXTERNAL) {
      const int64_t size = raw_element_bytes(t.data_type());
      if (size == 0) continue;  // strings are never external
      auto bytes = external_bytes(t, path);
      if (!bytes.ok()) return bytes.status().with_context(what + dims + "])");
      if (*bytes < 0) continue;  // no such file: the checker says so
      have = *bytes;
      expected = expected > INT64_MAX / size ? -1 : expected * size;
      unit = "bytes";
    } else if (t.has_raw_data()) {
      const int64_t size = raw_element_bytes(t.data_type());
      if (size == 0)
        return invalid_argument(what + dims + "]): raw_data cannot hold this element type");
      have = static_cast<int64_t>(t.raw_data().size());
      expected = expected > INT64_MAX / size ? -1 : expected * size;
      unit = "bytes";
    } else {
      have = typed_values(t);
    }
    if (have != expected)
      return invalid_argument(
          what + dims + "]): holds " + std::to_string(have) + " " + unit + " but its dims need " +
          (expected < 0 ? std::string("more") : std::to_string(expected)) +
          ": the file is damaged or the exporter is wrong; re-export the model");
  }
  return Status::ok_status();
}

}  // namespace nnport::onnx_internal
