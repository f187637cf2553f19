// libFuzzer target: a work dir's deploy.json (and, after a NUL byte in the
// input, its detail.json) read the way load_work_dir reads them, in a
// temporary work dir that also holds a tiny end2end.onnx. Nothing may crash,
// every path it accepts must lie inside the work dir, and what it accepts
// must read back the same after make_deploy_json writes it again.
// Build and run: scripts/fuzz.sh fuzz_deploy_json
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "apis/deploy_json.h"

namespace {
namespace fs = std::filesystem;
using nnport::DeployInfo;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    char tmpl[] = "/tmp/nnport_fuzz_work_dir_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) abort();
    std::ofstream(fs::path(tmpl) / "end2end.onnx") << "tiny";
    return fs::path(tmpl);
  }();
  return dir;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(text.data(), text.size());
}

bool inside(const std::string& path, const fs::path& root) {
  const std::string prefix = root.string() + "/";
  return path.compare(0, prefix.size(), prefix) == 0;
}

nnport::Result<DeployInfo> load(const fs::path& root) {
  NNPORT_ASSIGN_OR_RETURN(std::string text,
                          nnport::apis::read_work_dir_file(root, nnport::apis::kDeployJson));
  return nnport::apis::parse_deploy_json(text, root.string(), "deploy.json");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const fs::path& root = work_dir();
  const size_t nul = input.find('\0');
  write(root / "deploy.json", input.substr(0, nul));
  std::error_code ec;
  if (nul == std::string_view::npos) {
    fs::remove(root / "detail.json", ec);
  } else {
    write(root / "detail.json", input.substr(nul + 1));
  }
  auto info = load(root);
  if (!info.ok()) return 0;
  for (const auto* list :
       {&info->ir_files, &info->backend_files, &info->data_files, &info->extra_files})
    for (const auto& p : *list)
      if (!inside(p, root)) abort();  // a work dir made nnport look outside it
  // Written again (as convert writes it) and read back: the same work dir.
  write(root / "deploy.json", nnport::apis::make_deploy_json(*info, root.string()).dump(4));
  auto again = load(root);
  if (!again.ok()) abort();
  if (again->backend != info->backend || again->backend_files != info->backend_files ||
      again->ir_files != info->ir_files || again->data_files != info->data_files ||
      again->extra_files != info->extra_files || again->input_names != info->input_names ||
      again->output_names != info->output_names || again->precision != info->precision ||
      again->batch_size != info->batch_size || again->dynamic_shape != info->dynamic_shape)
    abort();
  return 0;
}
