// The command line shared by the direct runners (an engine's own API on the
// conformance suite, no nnport backend in between): the same discovery,
// isolation, comparison rule and JSON report as `nnport conformance`.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "nnport/conformance.h"

namespace nnport::conformance_direct {

// direct_runner [--suite DIR] [--filter REGEX] [--jobs N] [--timeout S] [--json FILE]
inline int direct_main(int argc, char** argv, const std::string& name,
                       const conformance::Engine& engine) {
  conformance::Options o;
  std::string json;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::cerr << argv[0] << ": error: " << arg << " needs a value (or is unknown)\n";
      return 2;
    }
    const std::string value = argv[++i];
    if (arg == "--suite") {
      o.suite = value;
    } else if (arg == "--filter") {
      o.filter = value;
    } else if (arg == "--jobs") {
      o.jobs = std::atoi(value.c_str());
    } else if (arg == "--timeout") {
      o.timeout_s = std::atof(value.c_str());
    } else if (arg == "--json") {
      json = value;
    } else {
      std::cerr << argv[0] << ": error: unknown option " << arg
                << " (--suite, --filter, --jobs, --timeout, --json)\n";
      return 2;
    }
  }
  auto report = conformance::run_suite(o, name, engine);
  if (!report.ok()) {
    std::cerr << argv[0] << ": error: " << report.status().message() << "\n";
    return 1;
  }
  const auto& s = report->summary;
  std::cout << name << ": " << s.pass << " pass, " << s.fail << " fail, " << s.error << " error, "
            << s.skip << " skip of " << s.total() << " tests (" << report->seconds << " s)\n";
  if (!json.empty()) {
    std::ofstream out(json, std::ios::trunc);
    out << conformance::report_json(*report).dump(2, ' ', false, Config::error_handler_t::replace)
        << "\n";
    if (!out.flush()) {
      std::cerr << argv[0] << ": error: cannot write '" << json << "'\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace nnport::conformance_direct
