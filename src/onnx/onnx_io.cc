// Loading and saving ModelProtos, with errors that say what is wrong with
// the file and what to do about it.
#include "onnx/onnx_io.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/regular_file.h"
#include "onnx/onnx_wire.h"

namespace nnport::onnx_internal {
namespace fs = std::filesystem;
namespace {

constexpr char kLoad[] = "load onnx model: ";
constexpr char kReexport[] = "re-export the model";

std::string quote(std::string_view s) {
  std::string q;
  q.reserve(s.size() + 2);
  q.append(1, '\'').append(s).append(1, '\'');
  return q;
}

Result<std::string> read_bytes(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    return not_found(kLoad + std::string("not found: ") + path + ": check the path");
  if (fs::is_directory(st))
    return invalid_argument(kLoad + path + " is a folder, not a file: pass the .onnx file in it");
  const std::string kind = core_internal::non_regular_kind(path);
  if (!kind.empty())
    return invalid_argument(kLoad + quote(path) + " is " + kind +
                            ", not a regular file: pass the .onnx file itself (save a streamed "
                            "model to a file first)");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return io_error(kLoad + std::string("cannot open ") + path + ": " + std::strerror(errno) +
                    ": check its permissions");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return io_error(kLoad + std::string("cannot read ") + path + ": " + std::strerror(errno));
  return std::move(ss).str();
}

// Why bytes that protobuf rejected, or accepted without a graph, are no model.
// Returns an ok status when the bytes look like a (possibly damaged) model.
Status diagnose_bytes(std::string_view bytes, const std::string& path) {
  const std::string other = sniff_other_format(bytes);
  if (!other.empty())
    return invalid_argument(kLoad + std::string("not an ONNX model: ") + path + " is " + other +
                            ": pass the binary .onnx file, or " + kReexport);
  const WireScan scan = scan_model_wire(bytes);
  switch (scan.verdict) {
    case WireScan::Verdict::kTruncated:
      return invalid_argument(kLoad + std::string("truncated ONNX model: ") + path + ": field " +
                              quote(scan.field) + " at byte " + std::to_string(scan.offset) +
                              " needs " + std::to_string(scan.needed) +
                              " bytes but the file ends at " + std::to_string(bytes.size()) +
                              ": the copy is incomplete; copy it again or " + kReexport);
    case WireScan::Verdict::kGarbage: {
      char tag[16];
      std::snprintf(tag, sizeof tag, "0x%x", scan.tag);
      return invalid_argument(
          kLoad + std::string("not an ONNX model: ") + path + ": byte " +
          std::to_string(scan.offset) + " holds " + scan.field + " (tag " + tag +
          "), which no ONNX ModelProto has: the file is corrupt or another format; " + kReexport);
    }
    case WireScan::Verdict::kClean:
      break;
  }
  return Status::ok_status();
}

}  // namespace

Status validate_model(const onnx::ModelProto& model, std::string_view path) {
  const std::string p(path);
  if (!model.has_graph())
    return invalid_argument(kLoad + std::string("ONNX model without a graph: ") + p +
                            ": the file holds model metadata only; " + kReexport);
  const onnx::GraphProto& g = model.graph();
  if (g.node_size() == 0 && g.output_size() == 0)
    return invalid_argument(kLoad + std::string("ONNX model with an empty graph: ") + p +
                            " has no nodes and no outputs; " + kReexport);
  if (model.ir_version() <= 0)
    return invalid_argument(kLoad + std::string("ONNX model without an ir_version: ") + p + ": " +
                            kReexport);
  bool has_ai_onnx = false;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") has_ai_onnx = true;
  if (!has_ai_onnx)
    return invalid_argument(kLoad + std::string("ONNX model without an ai.onnx opset import: ") +
                            p + " (" + std::to_string(model.opset_import_size()) +
                            " opset imports): the file may be cut short after its graph; " +
                            kReexport +
                            " with an opset (torch.onnx.export(..., opset_version=17))");
  return Status::ok_status();
}

Result<onnx::ModelProto> load_model(const std::string& path) {
  NNPORT_ASSIGN_OR_RETURN(std::string bytes, read_bytes(path));
  if (bytes.empty())
    return invalid_argument(kLoad + std::string("empty file: ") + path +
                            " has 0 bytes: " + kReexport);
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return invalid_argument(
        kLoad + path + " is " + std::to_string(bytes.size()) +
        " bytes, over protobuf's 2 GiB limit: save it with its weights as external "
        "data (onnx.save_model(m, path, save_as_external_data=True))");
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    NNPORT_RETURN_IF_ERROR(diagnose_bytes(bytes, path));
    // The top level is sound, so a nested message is damaged.
    return invalid_argument(
        kLoad + std::string("corrupt ONNX model: ") + path +
        ": protobuf cannot parse it (the damage is inside a field, e.g. the graph): " + kReexport);
  }
  Status valid = validate_model(model, path);
  if (!valid.ok()) {
    // Protobuf accepts many byte strings as a message of unknown fields;
    // say so rather than "no graph" when the bytes are not ONNX at all.
    NNPORT_RETURN_IF_ERROR(diagnose_bytes(bytes, path));
    return valid;
  }
  return model;
}

Status save_model(const onnx::ModelProto& model, const std::string& path) {
  constexpr char kSave[] = "save onnx model: ";
  const size_t size = model.ByteSizeLong();
  if (size > static_cast<size_t>(INT_MAX))
    return invalid_argument(
        kSave + path + ": the model is " + std::to_string(size) +
        " bytes, over protobuf's 2 GiB limit: store its weights as external data");
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path() && !fs::is_directory(target.parent_path(), ec))
    return not_found(kSave + std::string("folder not found: ") + target.parent_path().string() +
                     ": create it first");
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return io_error(kSave + std::string("cannot write ") + tmp + ": " + std::strerror(errno));
    if (!model.SerializeToOstream(&out) || !out.flush()) {
      fs::remove(tmp, ec);
      return io_error(kSave + std::string("writing ") + tmp + " failed: " + std::strerror(errno) +
                      ": check the free disk space");
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return io_error(kSave + std::string("cannot rename ") + tmp + " to " + path + ": " +
                    ec.message());
  }
  return Status::ok_status();
}

int64_t ai_onnx_opset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  return 0;
}

}  // namespace nnport::onnx_internal
