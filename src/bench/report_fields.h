// Names shared by the report's writers, so JSON, CSV and HTML agree.
#ifndef NNPORT_SRC_BENCH_REPORT_FIELDS_H_
#define NNPORT_SRC_BENCH_REPORT_FIELDS_H_

#include <cstdio>
#include <string>

namespace nnport::bench {

// "p50_ms", "p99.9_ms": the percentile as written, without trailing zeros.
inline std::string percentile_key(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%g_ms", p);
  return buf;
}

}  // namespace nnport::bench

#endif  // NNPORT_SRC_BENCH_REPORT_FIELDS_H_
