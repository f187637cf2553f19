// Each kind of calibration data read back against the values that numpy,
// h5py and PIL wrote (testdata/make_calib_fixtures.py states the formulas,
// recomputed here), and write_calib_hdf5's file read back by h5py.
#include "quantize/calib_data.h"

#include <cstring>

#include "nnport/npy.h"
#include "quantize/calib_test_util.h"

namespace nnport::quantize::test {
namespace {

TensorInfo info(const std::string& name, DType dtype, Shape dims) {
  return TensorInfo{name, dtype, std::move(dims), {}};
}
// x: float32 [1, 2, 3], ids: int64 [batch, 4].
std::vector<TensorInfo> pair_inputs() {
  return {info("x", DType::kFloat32, {1, 2, 3}), info("ids", DType::kInt64, {-1, 4})};
}
float x_value(size_t sample, size_t j) { return float(j + 10 * sample) / 4.0f; }
int64_t ids_value(size_t j) { return int64_t(j) * 3 - 5; }
// Pixel (y, x) of RGB channel c of fixture image k.
int pixel(int k, int y, int x, int c) { return (40 * y + 7 * x + 3 * c + 11 * k) % 256; }

Config image_cfg(const std::string& image_json) {
  return Config::parse(R"({"calib_config": {"image": )" + image_json + "}}");
}

std::unique_ptr<CalibSource> open_ok(const std::string& path, const std::vector<TensorInfo>& in,
                                     const Config& cfg = Config::object()) {
  auto s = open_calib_data(path, in, cfg);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

// The pair model's three samples, as the fixture script wrote them.
void expect_pair_samples(CalibSource& source) {
  ASSERT_EQ(source.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    auto sample = source.read(i);
    ASSERT_TRUE(sample.ok()) << sample.status().message();
    EXPECT_EQ(sample->names(), (std::vector<std::string>{"x", "ids"}));
    const Tensor& x = *sample->find("x");
    ASSERT_EQ(x.shape(), (Shape{1, 2, 3}));
    for (size_t j = 0; j < 6; ++j) EXPECT_EQ(x.data_as<float>()[j], x_value(i, j)) << i << "," << j;
    const Tensor& ids = *sample->find("ids");
    ASSERT_EQ(ids.dtype(), DType::kInt64);
    ASSERT_EQ(ids.shape(), (Shape{int64_t(i) + 1, 4}));  // the dynamic dim differs per sample
    for (size_t j = 0; j < (i + 1) * 4; ++j) EXPECT_EQ(ids.data_as<int64_t>()[j], ids_value(j));
  }
}

using CalibReadTest = CalibTest;

TEST_F(CalibReadTest, NpyFolderReadsEverySampleInModelOrder) {
  auto source = open_ok(fx("npy/good"), pair_inputs());
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(contains(source->describe(), "npy folder")) << source->describe();
  EXPECT_TRUE(contains(source->describe(), "3 samples")) << source->describe();
  expect_pair_samples(*source);
}

TEST_F(CalibReadTest, Hdf5WrittenByH5pyWithGzip) {
  auto source = open_ok(fx("h5/good_gzip.h5"), pair_inputs());
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(contains(source->describe(), "HDF5 file")) << source->describe();
  expect_pair_samples(*source);
}

std::vector<TensorInfo> typed_inputs() {
  return {info("b", DType::kBool, {2, 3}), info("h", DType::kFloat16, {4}),
          info("u", DType::kUInt8, {5}),   info("d", DType::kFloat64, {2}),
          info("i", DType::kInt32, {3}),   info("s", DType::kInt8, {3})};
}

// The values of types.h5, written out by hand.
void expect_typed_sample(const NamedTensors& t) {
  const bool b[] = {true, false, true, false, false, true};
  for (int j = 0; j < 6; ++j) EXPECT_EQ(t.find("b")->data_as<bool>()[j], b[j]) << j;
  const uint16_t h[] = {0x3800, 0xC000, 0x7BFF, 0x1419};  // 0.5, -2, 65504, 1e-3 as binary16
  for (int j = 0; j < 4; ++j) EXPECT_EQ(t.find("h")->data_as<uint16_t>()[j], h[j]) << j;
  const uint8_t u[] = {0, 1, 127, 200, 255};
  for (int j = 0; j < 5; ++j) EXPECT_EQ(t.find("u")->data_as<uint8_t>()[j], u[j]) << j;
  EXPECT_EQ(t.find("d")->data_as<double>()[0], 1.0 / 3);
  EXPECT_EQ(t.find("d")->data_as<double>()[1], -1e300);
  const int32_t i[] = {INT32_MIN, 0, INT32_MAX};
  for (int j = 0; j < 3; ++j) EXPECT_EQ(t.find("i")->data_as<int32_t>()[j], i[j]) << j;
  const int8_t s[] = {-128, 0, 127};
  for (int j = 0; j < 3; ++j) EXPECT_EQ(t.find("s")->data_as<int8_t>()[j], s[j]) << j;
}

TEST_F(CalibReadTest, Hdf5EveryDtypeH5pyWrites) {
  auto source = open_ok(fx("h5/types.h5"), typed_inputs());
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->size(), 1u);
  auto sample = source->read(0);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  expect_typed_sample(*sample);
}

TEST_F(CalibReadTest, PngNormalizedPerChannelInRgbOrder) {
  const Config cfg = image_cfg(R"({"mean": [10, 20, 30], "std": [2, 4, 5]})");
  auto source = open_ok(fx("img/png"), {info("input", DType::kFloat32, {1, 3, 4, 5})}, cfg);
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->size(), 2u);  // notes.txt is not an image
  const double mean[] = {10, 20, 30}, std[] = {2, 4, 5};
  for (int k = 0; k < 2; ++k) {
    auto sample = source->read(size_t(k));
    ASSERT_TRUE(sample.ok()) << sample.status().message();
    const float* v = sample->find("input")->data_as<float>();
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 5; ++x)
          EXPECT_FLOAT_EQ(v[(c * 4 + y) * 5 + x], float((pixel(k, y, x, c) - mean[c]) / std[c]))
              << "image " << k << " c" << c << " y" << y << " x" << x;
    if (k == 0) {
      EXPECT_FLOAT_EQ(v[(0 * 4 + 1) * 5 + 2], 22.0f);  // R(1,2) = 54: (54-10)/2
    } else {
      EXPECT_FLOAT_EQ(v[(2 * 4 + 3) * 5 + 4], 27.0f);  // B(3,4) = 165: (165-30)/5
    }
  }
}

TEST_F(CalibReadTest, PngDefaultsKeep0To255AndToRgbFalseKeepsBgr) {
  const std::vector<TensorInfo> in = {info("input", DType::kFloat32, {1, 3, 4, 5})};
  auto plain = open_ok(fx("img/png"), in);
  auto bgr = open_ok(fx("img/png"), in, image_cfg(R"({"to_rgb": false})"));
  ASSERT_TRUE(plain && bgr);
  auto a = plain->read(0), b = bgr->read(0);
  ASSERT_TRUE(a.ok() && b.ok());
  const float* rgb = a->find("input")->data_as<float>();
  const float* swapped = b->find("input")->data_as<float>();
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 20; ++p) {
      EXPECT_EQ(rgb[c * 20 + p], float(pixel(0, p / 5, p % 5, c)));
      EXPECT_EQ(swapped[c * 20 + p], float(pixel(0, p / 5, p % 5, 2 - c)));  // B, G, R
    }
}

// JPEG is lossy and decoders may round the inverse DCT differently, so the
// pixels must lie within 2 levels of PIL's decode of the same file, and
// within 4 of the pattern before compression.
TEST_F(CalibReadTest, JpegWithinTwoLevelsOfPil) {
  auto source = open_ok(fx("img/jpeg"), {info("input", DType::kFloat32, {1, 3, 4, 5})},
                        image_cfg(R"({"mean": [1, 2, 3], "std": [0.5, 0.5, 0.5]})"));
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->size(), 1u);  // a0_pil.npy is not an image
  auto sample = source->read(0);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  auto pil = read_npy(fx("img/jpeg/a0_pil.npy"));  // (H, W, 3) uint8, RGB
  ASSERT_TRUE(pil.ok()) << pil.status().message();
  const uint8_t* ref = pil->data_as<uint8_t>();
  const float* v = sample->find("input")->data_as<float>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) {
        const float level = v[(c * 4 + y) * 5 + x] * 0.5f + float(c + 1);  // undo the normalization
        EXPECT_NEAR(level, ref[(y * 5 + x) * 3 + c], 2.0) << c << "," << y << "," << x;
        EXPECT_NEAR(level, pixel(0, y, x, c), 4.0) << c << "," << y << "," << x;
      }
}

TEST_F(CalibReadTest, GrayImageForOneChannelModel) {
  auto source = open_ok(fx("img/gray"), {info("input", DType::kFloat32, {1, 1, 4, 5})});
  ASSERT_NE(source, nullptr);
  auto sample = source->read(0);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  for (int p = 0; p < 20; ++p)
    EXPECT_EQ(sample->find("input")->data_as<float>()[p], float(pixel(0, p / 5, p % 5, 0)));
}

// Bilinear with pixel centres at +0.5: a 2-wide row [0, 100] stretched to 4
// samples at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
TEST_F(CalibReadTest, BilinearResizeToSizeByHand) {
  auto source = open_ok(fx("img/resize"), {info("input", DType::kFloat32, {1, 3, -1, -1})},
                        image_cfg(R"({"size": [2, 4]})"));
  ASSERT_NE(source, nullptr);
  auto sample = source->read(0);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  ASSERT_EQ(sample->find("input")->shape(), (Shape{1, 3, 2, 4}));
  const float want[] = {0, 25, 75, 100};
  for (int p = 0; p < 24; ++p)
    EXPECT_NEAR(sample->find("input")->data_as<float>()[p], want[p % 4], 1e-4) << p;
}

TEST_F(CalibReadTest, StaticBatchTakesConsecutiveImagesAndSaysWhatIsDropped) {
  ::testing::internal::CaptureStderr();
  auto source = open_ok(fx("img/batch"), {info("input", DType::kFloat32, {2, 3, 4, 5})});
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->size(), 2u);  // 5 images, batch 2
  EXPECT_TRUE(contains(log, "the last 1")) << log;
  EXPECT_TRUE(contains(log, "img_4.png")) << log;
  EXPECT_TRUE(contains(log, "not used")) << log;
  auto sample = source->read(1);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  const float* v = sample->find("input")->data_as<float>();
  for (int b = 0; b < 2; ++b)  // images 2 and 3
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(v[((b * 3 + c) * 4 + 3) * 5 + 1], float(pixel(2 + b, 3, 1, c))) << b << c;
}

TEST_F(CalibReadTest, DynamicBatchIsOneImagePerSample) {
  auto source = open_ok(fx("img/png"), {info("input", DType::kFloat32, {-1, 3, 4, 5})});
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->size(), 2u);
  auto sample = source->read(1);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  EXPECT_EQ(sample->find("input")->shape(), (Shape{1, 3, 4, 5}));
}

// ---- write_calib_hdf5 ----

TEST_F(CalibReadTest, WrittenFileReadsBackInH5pyWithGzip) {
  auto source = open_ok(fx("npy/good"), pair_inputs());
  ASSERT_NE(source, nullptr);
  std::vector<std::pair<size_t, size_t>> calls;
  Status s = write_calib_hdf5(*source, pair_inputs(), tmp("out.h5"),
                              [&](size_t done, size_t total) { calls.emplace_back(done, total); });
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(calls, (std::vector<std::pair<size_t, size_t>>{{1, 3}, {2, 3}, {3, 3}}));
  EXPECT_EQ(listing(), "out.h5 ");  // no temporary left
  std::string out;
  const int rc = python(R"(
import h5py, numpy as np
with h5py.File(')" + tmp("out.h5") +
                            R"(', 'r') as f:
    g = f['calib_data/end2end']
    assert sorted(g.keys()) == ['ids', 'x'], list(g.keys())
    assert sorted(g['x'].keys()) == ['0', '1', '2'], list(g['x'].keys())
    for i in range(3):
        x, ids = g['x'][str(i)], g['ids'][str(i)]
        assert x.dtype == np.float32 and ids.dtype == np.int64, (x.dtype, ids.dtype)
        assert x.compression == 'gzip', x.compression
        want = (np.arange(6, dtype=np.float32).reshape(1, 2, 3) + 10 * i) / 4
        assert np.array_equal(x[()], want), x[()]
        assert np.array_equal(ids[()], np.arange((i + 1) * 4).reshape(i + 1, 4) * 3 - 5), ids[()]
print('ok')
)",
                        &out);
  EXPECT_EQ(rc, 0) << out;
}

TEST_F(CalibReadTest, EveryDtypeRoundTripsThroughH5py) {
  auto source = open_ok(fx("h5/types.h5"), typed_inputs());
  ASSERT_NE(source, nullptr);
  Status s = write_calib_hdf5(*source, typed_inputs(), tmp("types.h5"));
  ASSERT_TRUE(s.ok()) << s.message();
  std::string out;
  const int rc = python(R"(
import h5py, numpy as np
with h5py.File(')" + tmp("types.h5") +
                            R"(', 'r') as f, h5py.File(')" + fx("h5/types.h5") + R"(', 'r') as ref:
    for name in ['b', 'h', 'u', 'd', 'i', 's']:
        a, r = f['calib_data/end2end/' + name + '/0'], ref['calib_data/end2end/' + name + '/0']
        assert a.dtype == r.dtype, (name, a.dtype, r.dtype)
        assert np.array_equal(a[()], r[()]), (name, a[()], r[()])
print('ok')
)",
                        &out);
  EXPECT_EQ(rc, 0) << out;
  auto again = open_ok(tmp("types.h5"), typed_inputs());  // and nnport reads its own file
  ASSERT_NE(again, nullptr);
  auto sample = again->read(0);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  expect_typed_sample(*sample);
}

TEST_F(CalibReadTest, FailedWriteLeavesNothingAndKeepsAnExistingFile) {
  auto source = open_ok(fx("npy/late_wrong_shape"), pair_inputs());  // sample 2 is bad
  ASSERT_NE(source, nullptr);
  Status s = write_calib_hdf5(*source, pair_inputs(), tmp("new.h5"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "late_wrong_shape/x/2.npy")) << s.message();
  EXPECT_EQ(listing(), "");
  std::ofstream(tmp("old.h5")) << "precious";
  s = write_calib_hdf5(*source, pair_inputs(), tmp("old.h5"));
  ASSERT_FALSE(s.ok());
  std::string kept;
  std::getline(std::ifstream(tmp("old.h5")), kept);
  EXPECT_EQ(kept, "precious");
  EXPECT_EQ(listing(), "old.h5 ");
}

}  // namespace
}  // namespace nnport::quantize::test
