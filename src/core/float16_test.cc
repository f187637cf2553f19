// float16 conversions against hand-computed bit patterns (IEEE 754 binary16).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "nnport/tensor.h"

namespace nnport {
namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

TEST(Float16, HalfToFloatExactValues) {
  struct Case {
    uint16_t h;
    float f;
  };
  const Case cases[] = {
      {0x3c00, 1.0f},
      {0xc000, -2.0f},
      {0x3e00, 1.5f},
      {0x3555, 0.333251953125f},
      {0x7bff, 65504.0f},                 // largest finite
      {0x0400, 6.103515625e-05f},         // smallest normal, 2^-14
      {0x03ff, 6.097555160522461e-05f},   // largest subnormal, 1023 * 2^-24
      {0x0001, 5.9604644775390625e-08f},  // smallest subnormal, 2^-24
      {0x8001, -5.9604644775390625e-08f},
      {0x0200, 3.0517578125e-05f},  // 2^-15, a subnormal
  };
  for (const auto& c : cases) {
    EXPECT_EQ(half_to_float(c.h), c.f) << std::hex << c.h;
    EXPECT_EQ(float_to_half(c.f), c.h) << c.f;
  }
  EXPECT_EQ(bits(half_to_float(0x0000)), 0u);
  EXPECT_EQ(bits(half_to_float(0x8000)), 0x80000000u);  // -0 keeps its sign
  EXPECT_EQ(half_to_float(0x7c00), INFINITY);
  EXPECT_EQ(half_to_float(0xfc00), -INFINITY);
  EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
  EXPECT_TRUE(std::isnan(half_to_float(0x7c01)));  // signalling-nan pattern stays nan
}

TEST(Float16, FloatToHalfRoundsToNearestEven) {
  struct Case {
    float f;
    uint16_t h;
    const char* why;
  };
  const Case cases[] = {
      {1.0f + 0x1p-11f, 0x3c00, "halfway, 1.0 is even"},
      {1.0f + 3 * 0x1p-11f, 0x3c02, "halfway, 0x3c02 is even"},
      {1.0f + 0x1p-11f + 0x1p-20f, 0x3c01, "above halfway"},
      {1.0f + 0x1p-12f, 0x3c00, "below halfway"},
      {65519.0f, 0x7bff, "just below the overflow threshold"},
      {65520.0f, 0x7c00, "halfway to 2^16 rounds to inf"},
      {1e10f, 0x7c00, "overflow"},
      {-1e10f, 0xfc00, "negative overflow"},
      {0x1p-25f, 0x0000, "halfway between 0 and 2^-24: 0 is even"},
      {0x1p-25f * 1.0001f, 0x0001, "just above halfway"},
      {3 * 0x1p-25f, 0x0002, "halfway between 1 and 2 ulps: 2 is even"},
      {0x1p-26f, 0x0000, "underflow"},
      {0x1p-14f - 0x1p-25f, 0x0400, "rounds up into the smallest normal"},
      {0.1f, 0x2e66, "0.1"},
      {-0.0f, 0x8000, "negative zero"},
      {INFINITY, 0x7c00, "inf"},
      {-INFINITY, 0xfc00, "-inf"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(float_to_half(c.f), c.h) << c.why << " (" << c.f << ")";
  }
  uint16_t nan = float_to_half(NAN);
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x03ff, 0) << "nan must not become inf";
}

TEST(Float16, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    float f = half_to_float(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    ASSERT_EQ(float_to_half(f), h) << std::hex << h;
  }
}

}  // namespace
}  // namespace nnport
