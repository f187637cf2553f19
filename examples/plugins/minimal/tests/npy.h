// Test helper: a tiny reader for NumPy .npy files (little-endian, C order),
// so the example's tests need nothing from nnport beyond the plugin headers.
#ifndef MINIMAL_TESTS_NPY_H_
#define MINIMAL_TESTS_NPY_H_

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace minimal::testing {

struct Npy {
  std::string descr;  // "<f4", "<i8", ...
  std::vector<int64_t> shape;
  std::string data;  // raw little-endian bytes
};

inline Npy read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fail = [&](const std::string& why) { throw std::runtime_error(path + ": " + why); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail("not an .npy file");
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, offset = 0;
  auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(bytes[i])); };
  if (major == 1) {
    header_len = byte(8) | (byte(9) << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12) fail("truncated header");
    header_len = byte(8) | (byte(9) << 8) | (byte(10) << 16) | (byte(11) << 24);
    offset = 12;
  }
  if (offset + header_len > bytes.size()) fail("truncated header");
  const std::string header = bytes.substr(offset, header_len);
  Npy npy;
  const size_t d = header.find("'descr':");
  const size_t q1 = header.find('\'', d + 8), q2 = header.find('\'', q1 + 1);
  if (d == std::string::npos || q1 == std::string::npos || q2 == std::string::npos)
    fail("no descr");
  npy.descr = header.substr(q1 + 1, q2 - q1 - 1);
  if (header.find("'fortran_order': False") == std::string::npos) fail("Fortran order");
  const size_t s = header.find("'shape':"), p1 = header.find('(', s), p2 = header.find(')', p1);
  if (s == std::string::npos || p1 == std::string::npos || p2 == std::string::npos)
    fail("no shape");
  const std::string dims = header.substr(p1 + 1, p2 - p1 - 1);
  size_t pos = 0;
  while (pos < dims.size()) {
    while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
    if (pos >= dims.size()) break;
    size_t used = 0;
    npy.shape.push_back(std::stoll(dims.substr(pos), &used));
    pos += used;
  }
  npy.data = bytes.substr(offset + header_len);
  return npy;
}

}  // namespace minimal::testing

#endif  // MINIMAL_TESTS_NPY_H_
