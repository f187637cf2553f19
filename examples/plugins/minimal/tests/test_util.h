// Shared helpers for the example's tests.
#ifndef MINIMAL_TESTS_TEST_UTIL_H_
#define MINIMAL_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "nnport/plugin_cpp.h"

// Runs expr and expects it to throw nnport::plugin::Error with `code` and a
// message containing `text`.
#define EXPECT_PLUGIN_ERROR(expr, want_code, want_text)                           \
  do {                                                                            \
    try {                                                                         \
      (void)(expr);                                                               \
      ADD_FAILURE() << #expr << " did not throw";                                 \
    } catch (const nnport::plugin::Error& e) {                                    \
      EXPECT_EQ(e.code(), (want_code)) << e.what();                               \
      EXPECT_NE(std::string(e.what()).find(want_text), std::string::npos)         \
          << "message: " << e.what() << "\nexpected to contain: " << (want_text); \
    }                                                                             \
  } while (0)

#endif  // MINIMAL_TESTS_TEST_UTIL_H_
