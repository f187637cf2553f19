// .npy reader and writer. The header is a Python dict literal; we parse the
// three keys NumPy writes (descr, fortran_order, shape) and nothing else.
#include "nnport/npy.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "core/regular_file.h"

namespace nnport {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr std::string_view kFix = "save it with numpy.save(path, np.ascontiguousarray(a))";

struct Descr {
  std::string_view descr;  // as written
  DType dtype;
};
constexpr Descr kDescrs[] = {
    {"<f4", DType::kFloat32}, {"<f2", DType::kFloat16}, {"<f8", DType::kFloat64},
    {"|i1", DType::kInt8},    {"|u1", DType::kUInt8},   {"<i4", DType::kInt32},
    {"<i8", DType::kInt64},   {"|b1", DType::kBool},
};

std::string supported_descrs() {
  std::string s;
  for (const auto& d : kDescrs) {
    if (!s.empty()) s += ", ";
    s += "'" + std::string(d.descr) + "' (" + std::string(dtype_name(d.dtype)) + ")";
  }
  return s;
}

// A small cursor over the header text.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : s_(text) {}

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return i_ >= s_.size();
  }
  std::optional<std::string> string() {
    skip_space();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) return std::nullopt;
    char q = s_[i_++];
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != q) ++i_;
    if (i_ >= s_.size()) return std::nullopt;
    return std::string(s_.substr(start, i_++ - start));
  }
  std::optional<bool> boolean() {
    skip_space();
    if (s_.substr(i_, 4) == "True") {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_, 5) == "False") {
      i_ += 5;
      return false;
    }
    return std::nullopt;
  }
  std::optional<int64_t> integer() {
    skip_space();
    size_t start = i_;
    int64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      if (v > (INT64_MAX - 9) / 10) return std::nullopt;
      v = v * 10 + (s_[i_++] - '0');
    }
    if (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 longs
    if (i_ == start) return std::nullopt;
    return v;
  }
  // "(2, 3)", "(3,)" or "()".
  std::optional<Shape> tuple() {
    if (!eat('(')) return std::nullopt;
    Shape shape;
    if (eat(')')) return shape;
    while (true) {
      auto v = integer();
      if (!v) return std::nullopt;
      shape.push_back(*v);
      if (eat(')')) return shape;
      if (!eat(',')) return std::nullopt;
      if (eat(')')) return shape;
    }
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

Result<Header> parse_header(std::string_view text, const std::string& path) {
  auto bad = [&](const std::string& why) {
    return invalid_argument("cannot read '" + path + "': malformed .npy header (" + why +
                            "): " + std::string(kFix));
  };
  HeaderParser p(text);
  Header h;
  bool has_descr = false, has_order = false, has_shape = false;
  if (!p.eat('{')) return bad("it does not start with '{'");
  while (!p.eat('}')) {
    auto key = p.string();
    if (!key) return bad("expected a quoted key");
    if (!p.eat(':')) return bad("expected ':' after '" + *key + "'");
    if (*key == "descr") {
      auto v = p.string();
      if (!v) return bad("'descr' is not a string (structured dtypes are not supported)");
      h.descr = *v;
      has_descr = true;
    } else if (*key == "fortran_order") {
      auto v = p.boolean();
      if (!v) return bad("'fortran_order' is not True or False");
      h.fortran_order = *v;
      has_order = true;
    } else if (*key == "shape") {
      auto v = p.tuple();
      if (!v) return bad("'shape' is not a tuple of non-negative integers");
      h.shape = std::move(*v);
      has_shape = true;
    } else {
      return bad("unknown key '" + *key + "'");
    }
    if (!p.eat(',')) {
      if (!p.eat('}')) return bad("expected ',' or '}'");
      break;
    }
  }
  if (!p.at_end()) return bad("text after the closing '}'");
  if (!has_descr || !has_order || !has_shape) {
    return bad("it must have the keys 'descr', 'fortran_order' and 'shape'");
  }
  return h;
}

Result<DType> descr_to_dtype(const std::string& descr, const std::string& path) {
  if (descr.size() == 3) {
    char order = descr[0];
    std::string rest = descr.substr(1);
    if (order == '>' && rest[1] != '1') {
      return invalid_argument("cannot read '" + path + "': big-endian data ('" + descr +
                              "') is not supported: convert it with "
                              "a.astype(a.dtype.newbyteorder('<')) and save again");
    }
    // One-byte types have no byte order; NumPy writes '|' but '<', '>' and
    // '=' mean the same. '=' is native, which is little-endian here.
    bool one_byte = rest[1] == '1';
    for (const auto& d : kDescrs) {
      if (d.descr.substr(1) != rest) continue;
      if (one_byte || order == '<' || order == '=') return d.dtype;
    }
  }
  return unimplemented("cannot read '" + path + "': element type '" + descr +
                       "' is not supported; supported: " + supported_descrs() +
                       ": convert the array with a.astype(...) and save again");
}

std::string_view to_descr(DType dtype) {
  for (const auto& d : kDescrs) {
    if (d.dtype == dtype) return d.descr;
  }
  return {};
}

uint32_t read_le(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

Result<Tensor> read_npy(const std::string& path) {
  const std::string kind = core_internal::non_regular_kind(path);
  if (!kind.empty()) {
    return invalid_argument("cannot read '" + path + "': it is " + kind +
                            ", not a regular file: pass a .npy file (save streamed data to a "
                            "file first)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return not_found("cannot read '" + path + "': " + std::strerror(errno) + ": check the path");
  }
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  auto not_npy = [&](const std::string& why) {
    return invalid_argument("cannot read '" + path + "': not a .npy file (" + why +
                            "): " + std::string(kFix));
  };
  unsigned char pre[12];
  size_t pre_size = file_size < sizeof pre ? file_size : sizeof pre;
  in.read(reinterpret_cast<char*>(pre), static_cast<std::streamsize>(pre_size));
  if (pre_size < kMagicSize + 2 || std::memcmp(pre, kMagic, kMagicSize) != 0) {
    return not_npy(file_size == 0 ? "the file is empty"
                                  : "it does not start with the magic \\x93NUMPY");
  }
  const int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0) {
    return invalid_argument("cannot read '" + path + "': .npy format version " +
                            std::to_string(major) + "." + std::to_string(minor) +
                            " is not supported (1.0, 2.0 and 3.0 are): " + std::string(kFix));
  }
  const size_t len_size = major == 1 ? 2 : 4;
  const size_t prefix = kMagicSize + 2 + len_size;
  if (pre_size < prefix) return not_npy("the file ends inside the header length");
  const uint64_t header_len = read_le(pre + 8, len_size);
  if (prefix + header_len > file_size) {
    return invalid_argument("cannot read '" + path + "': truncated .npy header (header says " +
                            std::to_string(header_len) + " bytes, the file has " +
                            std::to_string(file_size - prefix) +
                            " after the prefix): " + std::string(kFix));
  }
  std::string header(header_len, '\0');
  in.seekg(static_cast<std::streamoff>(prefix));
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) return io_error("cannot read '" + path + "': reading the header failed");
  NNPORT_ASSIGN_OR_RETURN(Header h, parse_header(header, path));
  if (h.fortran_order) {
    return invalid_argument("cannot read '" + path +
                            "': Fortran-order arrays are not supported: " + std::string(kFix));
  }
  NNPORT_ASSIGN_OR_RETURN(DType dtype, descr_to_dtype(h.descr, path));
  const int64_t numel = num_elements(h.shape);
  if (numel < 0 || static_cast<uint64_t>(numel) > UINT64_MAX / dtype_size(dtype)) {
    return invalid_argument("cannot read '" + path + "': shape " + shape_to_string(h.shape) +
                            " is too large");
  }
  const uint64_t data_bytes = static_cast<uint64_t>(numel) * dtype_size(dtype);
  const uint64_t have = file_size - prefix - header_len;
  if (have != data_bytes) {
    return invalid_argument(
        "cannot read '" + path + "': " + (have < data_bytes ? "truncated data" : "extra data") +
        ": a " + std::string(dtype_name(dtype)) + " array of shape " + shape_to_string(h.shape) +
        " needs " + std::to_string(data_bytes) + " bytes, the file holds " + std::to_string(have) +
        ": " + std::string(kFix));
  }
  Tensor t = Tensor::empty(dtype, h.shape);
  if (data_bytes > 0) {
    in.read(static_cast<char*>(t.data()), static_cast<std::streamsize>(data_bytes));
    if (!in) return io_error("cannot read '" + path + "': reading the data failed");
  }
  if (dtype == DType::kBool) {
    // NumPy bools are 0 or 1; anything else would surprise the engine.
    auto* b = t.data_as<uint8_t>();
    for (int64_t i = 0; i < numel; ++i) {
      if (b[i] > 1) {
        return invalid_argument("cannot read '" + path + "': bool element " + std::to_string(i) +
                                " is " + std::to_string(b[i]) + ", not 0 or 1");
      }
    }
  }
  return t;
}

Status write_npy(const std::string& path, const Tensor& tensor) {
  std::string_view descr = to_descr(tensor.dtype());
  if (descr.empty()) {
    return invalid_argument("cannot write '" + path + "': element type " +
                            std::string(dtype_name(tensor.dtype())) + " has no .npy form");
  }
  if (num_elements(tensor.shape()) < 0) {
    return invalid_argument("cannot write '" + path + "': shape " +
                            shape_to_string(tensor.shape()) + " has a negative dim");
  }
  if (tensor.nbytes() > 0 && tensor.data() == nullptr) {
    return invalid_argument("cannot write '" + path + "': the tensor has no data");
  }
  std::string dict = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.shape().size(); ++i) {
    dict += std::to_string(tensor.shape()[i]);
    dict += (tensor.shape().size() == 1 || i + 1 < tensor.shape().size()) ? "," : "";
    if (i + 1 < tensor.shape().size()) dict += ' ';
  }
  dict += "), }";
  // Pad with spaces and end with '\n' so the data starts on a 64-byte boundary.
  int major = 1;
  size_t prefix = kMagicSize + 2 + 2;
  size_t total = prefix + dict.size() + 1;
  if (total + 63 > 65535 + prefix) {
    major = 2;
    prefix = kMagicSize + 2 + 4;
    total = prefix + dict.size() + 1;
  }
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  const uint32_t hlen = static_cast<uint32_t>(dict.size());
  std::string head(kMagic, kMagicSize);
  head += static_cast<char>(major);
  head += '\0';
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i)
    head += static_cast<char>((hlen >> (8 * i)) & 0xff);
  head += dict;

  static std::atomic<unsigned> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return io_error("cannot write '" + path + "': " + std::strerror(errno) +
                    ": check that the folder exists and is writable");
  }
  bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
  if (ok && tensor.nbytes() > 0) {
    ok = std::fwrite(tensor.data(), 1, tensor.nbytes(), f) == tensor.nbytes();
  }
  int saved = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    return io_error("cannot write '" + path + "': " + std::strerror(saved) +
                    ": check the free space");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    saved = errno;
    std::remove(tmp.c_str());
    return io_error("cannot write '" + path + "': rename from '" + tmp +
                    "' failed: " + std::strerror(saved));
  }
  return {};
}

}  // namespace nnport
