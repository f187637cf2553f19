// Hostile inputs: a FIFO, a character device, a folder or a socket given
// where a model, a .npy input or a config file belongs must be refused at
// once with an error naming what the path is, never opened (opening a FIFO
// blocks until a writer comes; /dev/zero never ends). Runs under a ctest
// TIMEOUT so that a regression fails instead of hanging.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/printable.h"
#include "core/regular_file.h"
#include "nnport/config.h"
#include "nnport/npy.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace {
namespace fs = std::filesystem;

class SpecialFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nnport_special_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (sock_ >= 0) ::close(sock_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // A FIFO named `name` (with the entry point's extension).
  std::string fifo(const std::string& name) {
    const std::string p = (dir_ / name).string();
    EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
    return p;
  }
  std::string folder(const std::string& name) {
    const fs::path p = dir_ / name;
    fs::create_directory(p);
    return p.string();
  }
  std::string symlink_to(const std::string& target, const std::string& name) {
    const fs::path p = dir_ / name;
    fs::create_symlink(target, p);
    return p.string();
  }
  std::string socket_file(const std::string& name) {
    const std::string p = (dir_ / name).string();
    sock_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    EXPECT_LT(p.size(), sizeof addr.sun_path);
    p.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(sock_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << p;
    return p;
  }
  fs::path dir_;
  int sock_ = -1;
};

struct EntryPoint {
  const char* name;
  const char* ext;  // the file name a user would give
  std::function<Status(const std::string&)> call;
};

std::vector<EntryPoint> entry_points() {
  return {
      {"inspect_onnx (convert/run/inspect/check-model's loader)", ".onnx",
       [](const std::string& p) { return inspect_onnx(p).status(); }},
      {"read_npy (--input name=FILE)", ".npy",
       [](const std::string& p) { return read_npy(p).status(); }},
      {"load_config", ".py", [](const std::string& p) { return load_config(p).status(); }},
  };
}

TEST_F(SpecialFilesTest, EveryEntryPointRefusesNonRegularFiles) {
  for (const EntryPoint& e : entry_points()) {
    SCOPED_TRACE(e.name);
    const std::string stem = std::string("in") + e.ext;
    struct Case {
      std::string path, kind;
    };
    const std::vector<Case> cases = {
        {fifo("fifo_" + stem), "is a FIFO"},
        {symlink_to(dir_ / ("fifo_" + stem), "link_" + stem), "is a FIFO"},
        {symlink_to("/dev/zero", "zero_" + stem), "is a character device"},
        {folder("dir_" + stem), "is a"},  // "a folder" or "a directory"
        {socket_file("sock_" + stem), "is a socket"},
    };
    for (const Case& c : cases) {
      SCOPED_TRACE(c.path);
      const Status st = e.call(c.path);
      ASSERT_FALSE(st.ok());
      EXPECT_NE(st.message().find(c.path), std::string::npos) << st.message();
      EXPECT_NE(st.message().find(c.kind), std::string::npos) << st.message();
    }
    if (sock_ >= 0) ::close(sock_);
    sock_ = -1;
  }
}

TEST_F(SpecialFilesTest, RegularFilesAndMissingOnesAreLeftToTheOpen) {
  EXPECT_EQ(core_internal::non_regular_kind((dir_ / "missing").string()), "");
  const fs::path f = dir_ / "plain";
  {
    std::FILE* out = std::fopen(f.c_str(), "w");
    ASSERT_NE(out, nullptr);
    std::fclose(out);
  }
  EXPECT_EQ(core_internal::non_regular_kind(f.string()), "");
  EXPECT_EQ(core_internal::non_regular_kind(symlink_to(f, "link")), "");
  EXPECT_EQ(core_internal::non_regular_kind("/dev/null"), "a character device");
}

TEST(PrintableTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(core_internal::printable("1.2.3"), "1.2.3");
  EXPECT_EQ(core_internal::printable("a\tb"), "a\tb");
  EXPECT_EQ(core_internal::printable("\x1b]0;pwned\x07"
                                     "1.0\r\nfake: ok\x7f"),
            "\\x1b]0;pwned\\x071.0\\x0d\\x0afake: ok\\x7f");
  EXPECT_EQ(core_internal::printable("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 kept
}

}  // namespace
}  // namespace nnport
