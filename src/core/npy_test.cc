#include "nnport/npy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nnport {
namespace {

namespace fs = std::filesystem;

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nnport_npy_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_bytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  fs::path dir_;
};

// A .npy image: magic, version, header length, header text, data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1,
                      int minor = 0) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  uint32_t n = static_cast<uint32_t>(header.size());
  for (size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string s(values.size() * 4, '\0');
  std::memcpy(s.data(), values.begin(), s.size());
  return s;
}

TEST_F(NpyTest, RoundTripsEveryDType) {
  const DType dtypes[] = {DType::kFloat32, DType::kFloat16, DType::kFloat64, DType::kInt8,
                          DType::kUInt8,   DType::kInt32,   DType::kInt64,   DType::kBool};
  const Shape shapes[] = {{}, {0}, {5}, {2, 3, 4}, {0, 3}};
  for (DType dt : dtypes) {
    for (const Shape& shape : shapes) {
      Tensor t = Tensor::empty(dt, shape);
      auto* b = static_cast<unsigned char*>(t.data());
      for (size_t i = 0; i < t.nbytes(); ++i) {
        b[i] = dt == DType::kBool ? (i % 3 == 0) : static_cast<unsigned char>(i * 37 + 1);
      }
      std::string p = path("t.npy");
      ASSERT_TRUE(write_npy(p, t).ok());
      auto back = read_npy(p);
      ASSERT_TRUE(back.ok()) << back.status().message();
      EXPECT_EQ(back->dtype(), dt);
      EXPECT_EQ(back->shape(), shape) << dtype_name(dt);
      ASSERT_EQ(back->nbytes(), t.nbytes());
      EXPECT_EQ(std::memcmp(back->data(), t.data(), t.nbytes()), 0) << dtype_name(dt);
      EXPECT_EQ((fs::file_size(p) - t.nbytes()) % 64, 0u) << "data starts 64-byte aligned";
    }
  }
  // Nothing but the file itself is left: no temporaries.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(NpyTest, WriteFailsCleanlyIntoAMissingFolder) {
  Tensor t = Tensor::empty(DType::kFloat32, {2});
  Status s = write_npy(path("no/such/dir/x.npy"), t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_NE(s.message().find("no/such/dir/x.npy"), std::string::npos);
  Status u = write_npy(path("u.npy"), Tensor());
  EXPECT_EQ(u.code(), Code::kInvalidArgument);
}

bool have_numpy() { return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0; }

// Files written by NumPy itself, in all three format versions.
TEST_F(NpyTest, ReadsFilesWrittenByNumPy) {
  if (!have_numpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not installed";
  std::string script = R"PY(
import numpy as np, sys
from numpy.lib import format as F
d = sys.argv[1]
np.save(d + '/f4.npy', (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5))
np.save(d + '/f2.npy', np.array([1.0, -2.0, 0.1, 65504, 6e-8, np.inf], dtype=np.float16))
np.save(d + '/f8.npy', np.array([[1e300], [-1e-300]], dtype=np.float64))
np.save(d + '/i1.npy', np.array([-128, -1, 0, 127], dtype=np.int8))
np.save(d + '/u1.npy', np.array([0, 1, 255], dtype=np.uint8))
np.save(d + '/i4.npy', np.array([[-2147483648, 7]], dtype=np.int32))
np.save(d + '/i8.npy', np.array([2**40, -3], dtype=np.int64))
np.save(d + '/b1.npy', np.array([True, False, True]))
np.save(d + '/scalar.npy', np.float32(3.25))
np.save(d + '/empty.npy', np.zeros((0, 3), dtype=np.float32))
np.save(d + '/noncontig.npy', np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2])
for v in [(2, 0), (3, 0)]:
    with open(d + '/v%d.npy' % v[0], 'wb') as f:
        F.write_array(f, np.array([1.5, 2.5], dtype=np.float32), version=v)
np.save(d + '/fortran.npy', np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(d + '/big.npy', np.array([1, 2], dtype='>f4'))
np.save(d + '/c8.npy', np.array([1j], dtype=np.complex64))
)PY";
  std::ofstream(path("gen.py")) << script;
  ASSERT_EQ(std::system(("/usr/bin/python3 " + path("gen.py") + " " + dir_.string()).c_str()), 0);

  auto f4 = read_npy(path("f4.npy"));
  ASSERT_TRUE(f4.ok()) << f4.status().message();
  EXPECT_EQ(f4->shape(), (Shape{2, 3}));
  EXPECT_EQ(f4->data_as<float>()[0], -2.5f);
  EXPECT_EQ(f4->data_as<float>()[5], 2.5f);

  auto f2 = read_npy(path("f2.npy"));
  ASSERT_TRUE(f2.ok()) << f2.status().message();
  const uint16_t want_f2[] = {0x3c00, 0xc000, 0x2e66, 0x7bff, 0x0001, 0x7c00};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(f2->data_as<uint16_t>()[i], want_f2[i]) << i;

  auto f8 = read_npy(path("f8.npy"));
  ASSERT_TRUE(f8.ok());
  EXPECT_EQ(f8->shape(), (Shape{2, 1}));
  EXPECT_EQ(f8->data_as<double>()[0], 1e300);
  EXPECT_EQ(f8->data_as<double>()[1], -1e-300);

  auto i1 = read_npy(path("i1.npy"));
  ASSERT_TRUE(i1.ok());
  EXPECT_EQ(i1->dtype(), DType::kInt8);
  EXPECT_EQ(i1->data_as<int8_t>()[0], -128);
  auto u1 = read_npy(path("u1.npy"));
  ASSERT_TRUE(u1.ok());
  EXPECT_EQ(u1->data_as<uint8_t>()[2], 255);
  auto i4 = read_npy(path("i4.npy"));
  ASSERT_TRUE(i4.ok());
  EXPECT_EQ(i4->data_as<int32_t>()[0], INT32_MIN);
  auto i8 = read_npy(path("i8.npy"));
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(i8->data_as<int64_t>()[0], int64_t{1} << 40);
  EXPECT_EQ(i8->data_as<int64_t>()[1], -3);
  auto b1 = read_npy(path("b1.npy"));
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(b1->dtype(), DType::kBool);
  EXPECT_EQ(b1->data_as<uint8_t>()[1], 0);
  EXPECT_EQ(b1->data_as<uint8_t>()[2], 1);

  auto scalar = read_npy(path("scalar.npy"));
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar->rank(), 0);
  EXPECT_EQ(scalar->data_as<float>()[0], 3.25f);
  auto empty = read_npy(path("empty.npy"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->shape(), (Shape{0, 3}));
  // np.save writes a strided view in C order (it copies): read as such.
  auto nc = read_npy(path("noncontig.npy"));
  ASSERT_TRUE(nc.ok()) << nc.status().message();
  EXPECT_EQ(nc->shape(), (Shape{3, 2}));
  EXPECT_EQ(nc->data_as<int32_t>()[1], 2);
  EXPECT_EQ(nc->data_as<int32_t>()[5], 10);

  for (const char* v : {"v2.npy", "v3.npy"}) {
    auto t = read_npy(path(v));
    ASSERT_TRUE(t.ok()) << v << ": " << t.status().message();
    EXPECT_EQ(t->data_as<float>()[1], 2.5f) << v;
  }

  struct Bad {
    const char* file;
    const char* says;
  };
  for (const Bad& b : {Bad{"fortran.npy", "Fortran"}, Bad{"big.npy", "big-endian"},
                       Bad{"c8.npy", "'<c8' is not supported"}}) {
    auto t = read_npy(path(b.file));
    ASSERT_FALSE(t.ok()) << b.file;
    EXPECT_NE(t.status().message().find(b.says), std::string::npos) << t.status().message();
    EXPECT_NE(t.status().message().find(path(b.file)), std::string::npos);
  }
}

// NumPy reads what we write, and float_to_half agrees with NumPy's rounding.
TEST_F(NpyTest, NumPyReadsOurFilesAndAgreesOnFloat16) {
  if (!have_numpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not installed";
  Tensor t = Tensor::empty(DType::kInt64, {2, 2});
  const int64_t values[] = {1, -2, int64_t{1} << 50, 7};
  std::memcpy(t.data(), values, sizeof values);
  ASSERT_TRUE(write_npy(path("ours.npy"), t).ok());
  Tensor s = Tensor::empty(DType::kFloat64, {});
  *s.data_as<double>() = 0.125;
  ASSERT_TRUE(write_npy(path("scalar.npy"), s).ok());
  std::string check = R"PY(
import numpy as np, sys
d = sys.argv[1]
a = np.load(d + '/ours.npy')
assert a.dtype == np.int64 and a.shape == (2, 2), (a.dtype, a.shape)
assert a.tolist() == [[1, -2], [2**50, 7]], a
s = np.load(d + '/scalar.npy')
assert s.shape == () and s == 0.125
rng = np.random.default_rng(7)
x = np.concatenate([rng.standard_normal(20000).astype(np.float32) * 10.0 ** rng.integers(-9, 6, 20000),
                    np.array([65519.99, 65520, 1e-8, 2.0**-25, 3 * 2.0**-25], dtype=np.float32)]).astype(np.float32)
np.save(d + '/x32.npy', x)
with np.errstate(over='ignore'):
    np.save(d + '/x16.npy', x.astype(np.float16))
)PY";
  std::ofstream(path("check.py")) << check;
  ASSERT_EQ(std::system(("/usr/bin/python3 " + path("check.py") + " " + dir_.string()).c_str()), 0);
  auto x32 = read_npy(path("x32.npy"));
  auto x16 = read_npy(path("x16.npy"));
  ASSERT_TRUE(x32.ok() && x16.ok());
  ASSERT_EQ(x32->numel(), x16->numel());
  int mismatches = 0;
  for (int64_t i = 0; i < x32->numel(); ++i) {
    uint16_t ours = float_to_half(x32->data_as<float>()[i]);
    uint16_t numpy = x16->data_as<uint16_t>()[i];
    if (ours != numpy && ++mismatches < 5) {
      ADD_FAILURE() << "float_to_half(" << x32->data_as<float>()[i] << ") = " << ours
                    << ", numpy gives " << numpy;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_F(NpyTest, MalformedFilesAreClearErrors) {
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string two = floats({1, 2});
  struct Case {
    const char* name;
    std::string bytes;
    const char* says;
  };
  std::string bad_len = npy_bytes(ok_dict, two);
  bad_len[8] = '\xff';
  bad_len[9] = '\x7f';
  const Case cases[] = {
      {"empty", "", "the file is empty"},
      {"text", "hello, world\n", "magic"},
      {"short_magic", "\x93NUM", "magic"},
      {"bad_version", npy_bytes(ok_dict, two, 4), "format version 4.0"},
      {"no_length", std::string("\x93NUMPY\x02\x00\x10", 9), "header length"},
      {"header_too_long", bad_len, "truncated .npy header"},
      {"not_a_dict", npy_bytes("descr: <f4", two), "does not start with '{'"},
      {"unclosed", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", two),
       "expected"},
      {"unknown_key",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", two),
       "unknown key 'x'"},
      {"missing_key", npy_bytes("{'descr': '<f4', 'shape': (2,), }", two), "must have the keys"},
      {"bad_shape", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", two),
       "'shape'"},
      {"shape_list", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", two),
       "'shape'"},
      {"bad_order", npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", two),
       "'fortran_order'"},
      {"structured",
       npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", two),
       "structured"},
      {"trailing", npy_bytes(ok_dict + " junk", two), "after the closing"},
      {"fortran", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", two),
       "Fortran"},
      {"big_endian",
       npy_bytes("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')),
       "big-endian"},
      {"unsupported", npy_bytes("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", "ab"),
       "'<u2' is not supported"},
      {"truncated", npy_bytes(ok_dict, floats({1})), "truncated data"},
      {"extra", npy_bytes(ok_dict, floats({1, 2, 3})), "extra data"},
      {"huge",
       npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                 ""),
       "too large"},
      {"bool_not_01",
       npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", "\x01\x02"),
       "not 0 or 1"},
  };
  for (const Case& c : cases) {
    std::string file = std::string(c.name) + ".npy";
    write_bytes(file, c.bytes);
    auto t = read_npy(path(file));
    ASSERT_FALSE(t.ok()) << c.name << " was accepted";
    const std::string& m = t.status().message();
    EXPECT_NE(m.find(path(file)), std::string::npos) << c.name << ": " << m;
    EXPECT_NE(m.find(c.says), std::string::npos) << c.name << ": " << m;
    EXPECT_NE(t.status().code(), Code::kOk);
  }
  auto missing = read_npy(path("missing.npy"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.npy"), std::string::npos);
  // The well-formed base case of the table does load.
  write_bytes("good.npy", npy_bytes(ok_dict, two));
  auto good = read_npy(path("good.npy"));
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->data_as<float>()[1], 2.0f);
}

}  // namespace
}  // namespace nnport
