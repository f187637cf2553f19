// libFuzzer target: any bytes through the .py, .json and .yaml readers and,
// when they parse, through merge and a cfg-option; nothing may crash.
// Build: cmake -DNNPORT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ..., then
//   ./fuzz_config -max_len=4096 src/config/testdata
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nnport/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* format : {"py", "json", "yaml"}) {
    auto cfg = nnport::parse_config_text(text, format, "fuzz");
    if (!cfg.ok()) continue;
    auto merged = nnport::merge_config(*cfg, *cfg);
    (void)merged;
    nnport::Config copy = *cfg;
    const size_t cut = text.find('\n');
    (void)nnport::apply_cfg_option(copy, text.substr(0, cut == text.npos ? text.size() : cut));
    (void)copy.dump(-1, ' ', false, nnport::Config::error_handler_t::strict);
    (void)nnport::is_dynamic_shape(*cfg);
  }
  return 0;
}
