// A work dir may come from anyone: a deploy.json or detail.json that is a
// FIFO, a folder, a socket or a link to a device must be refused at once,
// naming what it is, never opened (a FIFO blocks until a writer comes,
// /dev/zero never ends). Runs under a ctest TIMEOUT so that a regression
// fails instead of hanging.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "nnport/apis.h"

namespace nnport {
namespace {
namespace fs = std::filesystem;

// A deploy.json as MMDeploy writes it (models[0].net only): enough for
// load_work_dir to go on to detail.json.
constexpr const char* kDeployJson =
    R"({"version": "1.3.1", "task": "Classification", "customs": [],
        "models": [{"name": "end2end", "net": "end2end.onnx", "weights": "",
                    "backend": "onnxruntime", "precision": "FP32", "batch_size": 1,
                    "dynamic_shape": true}]})";

class WorkDirFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nnport_work_dir_files_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "end2end.onnx") << "not read here";
  }
  void TearDown() override {
    if (sock_ >= 0) ::close(sock_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const char* name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  void fifo(const char* name) { ASSERT_EQ(::mkfifo((dir_ / name).c_str(), 0600), 0); }
  void socket_file(const char* name) {
    const std::string p = (dir_ / name).string();
    sock_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(p.size(), sizeof addr.sun_path);
    p.copy(addr.sun_path, sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(sock_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << p;
  }
  // Loads the work dir; expects invalid_argument whose message holds `want`.
  void expect_refused(const std::string& want) {
    auto r = load_work_dir(dir_.string());
    ASSERT_FALSE(r.ok()) << "loaded a work dir with a special file";
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().message();
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
  }
  fs::path dir_;
  int sock_ = -1;
};

TEST_F(WorkDirFilesTest, RegularFilesLoad) {
  write("deploy.json", kDeployJson);
  auto r = load_work_dir(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->backend, "onnxruntime");
  ASSERT_EQ(r->backend_files.size(), 1u);
  EXPECT_EQ(fs::path(r->backend_files[0]).filename(), "end2end.onnx");
}

TEST_F(WorkDirFilesTest, DeployJsonFifo) {
  fifo("deploy.json");
  expect_refused((dir_ / "deploy.json").string() + " is a FIFO, not a regular file");
}

TEST_F(WorkDirFilesTest, DeployJsonFolder) {
  fs::create_directory(dir_ / "deploy.json");
  expect_refused((dir_ / "deploy.json").string() + " is a folder, not a regular file");
}

TEST_F(WorkDirFilesTest, DeployJsonSocket) {
  socket_file("deploy.json");
  expect_refused((dir_ / "deploy.json").string() + " is a socket, not a regular file");
}

TEST_F(WorkDirFilesTest, DeployJsonLinkToFifoInside) {
  fifo("pipe");
  fs::create_symlink("pipe", dir_ / "deploy.json");
  expect_refused((dir_ / "deploy.json").string() + " is a FIFO, not a regular file");
}

TEST_F(WorkDirFilesTest, DeployJsonLinkToDevZero) {
  fs::create_symlink("/dev/zero", dir_ / "deploy.json");
  expect_refused((dir_ / "deploy.json").string());  // refused as a link out of the work dir
}

TEST_F(WorkDirFilesTest, DetailJsonFifo) {
  write("deploy.json", kDeployJson);
  fifo("detail.json");
  expect_refused((dir_ / "detail.json").string() + " is a FIFO, not a regular file");
}

}  // namespace
}  // namespace nnport
