// libFuzzer target: any bytes as a .npy file through read_npy, and when it
// reads, back out through write_npy and in again (the round trip must agree).
// Build and run: scripts/fuzz.sh fuzz_npy. Seeds: tests/fuzz/fuzz_npy/.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "nnport/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/nnport_fuzz_npy_" + std::to_string(::getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  auto t = nnport::read_npy(path);
  if (!t.ok()) return 0;
  const std::string again = path + ".out.npy";
  if (!nnport::write_npy(again, *t).ok()) std::abort();
  auto back = nnport::read_npy(again);
  if (!back.ok() || back->shape() != t->shape() || back->dtype() != t->dtype() ||
      back->nbytes() != t->nbytes() || std::memcmp(back->data(), t->data(), t->nbytes()) != 0)
    std::abort();  // what nnport writes, it must read back unchanged
  return 0;
}
