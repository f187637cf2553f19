#include "xnn_format.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>

#include "nnport/plugin_cpp.h"
#include "xnn_validate.h"

namespace nnport::xnn {
namespace {

using nlohmann::json;
using plugin::Error;

constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();

uint64_t align_up(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Element count of a weight; -1 for a dynamic dim or a count past 2^31 (no
// weight is that large, and the check keeps n * 4 from overflowing).
int64_t weight_numel(const std::vector<int64_t>& dims) {
  constexpr int64_t kMax = int64_t(1) << 31;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 1 || n > kMax / d) return -1;
    n *= d;
  }
  return n;
}

json ids_to_json(const std::vector<uint32_t>& ids) {
  json a = json::array();
  for (uint32_t id : ids) a.push_back(id == kAbsent ? json(-1) : json(id));
  return a;
}

json port_to_json(const Port& p) {
  return {{"name", p.name},
          {"value", p.value},
          {"dims", p.dims},
          {"dim_names", p.dim_names},
          {"nchw", p.nchw}};
}

// The reader's errors all name the file and end with what to do.
[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw Error(NNPORT_INVALID_ARGUMENT,
              "xnnpack: '" + path + "' is not a usable nnport XNNPACK model file: " + what +
                  "; convert the ONNX model again with this nnport (nnport convert / to_backend "
                  "with backend xnnpack)");
}

template <class T>
T read_le(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // x86/ARM little-endian hosts only (as XNNPACK itself)
  return v;
}

}  // namespace

void write_model(const Model& model, const std::string& path) {
  json values = json::array();
  uint64_t blob_size = 0;
  std::vector<uint64_t> offsets(model.values.size(), 0);
  for (size_t i = 0; i < model.values.size(); ++i) {
    const Value& v = model.values[i];
    json jv = {{"dims", v.dims}};
    if (!v.data.empty()) {
      offsets[i] = blob_size;
      jv["offset"] = blob_size;
      blob_size = align_up(blob_size + v.data.size() * sizeof(float));
    }
    values.push_back(std::move(jv));
  }
  json nodes = json::array();
  for (const Node& n : model.nodes) {
    json jn = {{"op", n.op},
               {"in", ids_to_json(n.inputs)},
               {"out", ids_to_json(n.outputs)},
               {"attrs", n.attrs}};
    if (std::isfinite(n.out_min)) jn["min"] = n.out_min;  // JSON has no infinity
    if (std::isfinite(n.out_max)) jn["max"] = n.out_max;
    nodes.push_back(std::move(jn));
  }
  json inputs = json::array(), outputs = json::array();
  for (const Port& p : model.inputs) inputs.push_back(port_to_json(p));
  for (const Port& p : model.outputs) outputs.push_back(port_to_json(p));
  const std::string header = json{
      {"format", "nnport-xnnpack"},
      {"producer", "nnport onnx2xnnpack"},
      {"source", model.source},
      {"values", values},
      {"nodes", nodes},
      {"inputs", inputs},
      {"outputs", outputs}}.dump();
  const uint64_t header_size = header.size();
  const uint64_t blob_offset = align_up(kPrefixSize + header_size);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(NNPORT_IO_ERROR, "xnnpack: cannot open '" + path + "' for writing");
  const uint32_t version = kFormatVersion, reserved = 0;
  out.write(kMagic, sizeof kMagic);
  out.write(reinterpret_cast<const char*>(&version), 4);
  out.write(reinterpret_cast<const char*>(&reserved), 4);
  out.write(reinterpret_cast<const char*>(&header_size), 8);
  out.write(reinterpret_cast<const char*>(&blob_offset), 8);
  out.write(reinterpret_cast<const char*>(&blob_size), 8);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  const std::string zeros(kAlign, '\0');
  out.write(zeros.data(), static_cast<std::streamsize>(blob_offset - kPrefixSize - header_size));
  uint64_t written = 0;
  for (size_t i = 0; i < model.values.size(); ++i) {
    const auto& data = model.values[i].data;
    if (data.empty()) continue;
    out.write(zeros.data(), static_cast<std::streamsize>(offsets[i] - written));
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size() * sizeof(float)));
    written = offsets[i] + data.size() * sizeof(float);
  }
  out.write(zeros.data(), static_cast<std::streamsize>(blob_size - written));
  out.close();
  if (!out) throw Error(NNPORT_IO_ERROR, "xnnpack: writing '" + path + "' failed (disk full?)");
}

LoadedModel read_model(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(NNPORT_NOT_FOUND, "xnnpack: model file '" + path + "' does not exist");
  }
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(NNPORT_IO_ERROR, "xnnpack: cannot stat '" + path + "': " + ec.message());
  if (file_size < kPrefixSize) {
    bad(path, "it has " + std::to_string(file_size) + " bytes, fewer than the " +
                  std::to_string(kPrefixSize) + "-byte prefix (truncated or foreign)");
  }
  // Aligned storage: XNNPACK reads static weights in place (the blob offset
  // is a multiple of 64, so each weight stays 64-byte aligned).
  const uint64_t alloc =
      file_size + kAlign;  // slack: XNNPACK may read XNN_EXTRA_BYTES past a weight
  std::shared_ptr<unsigned char> bytes(
      static_cast<unsigned char*>(::operator new(alloc, std::align_val_t(kAlign))),
      [](unsigned char* p) { ::operator delete(p, std::align_val_t(kAlign)); });
  std::memset(bytes.get() + file_size, 0, kAlign);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes.get()), static_cast<std::streamsize>(file_size))) {
    throw Error(NNPORT_IO_ERROR, "xnnpack: reading '" + path + "' failed");
  }
  const unsigned char* p = bytes.get();
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0) {
    bad(path,
        "it does not start with the magic bytes 'NNPXNNPK' (is it an .onnx or another "
        "backend's file?)");
  }
  const auto version = read_le<uint32_t>(p + 8);
  if (version != kFormatVersion) {
    bad(path, "its format version is " + std::to_string(version) +
                  " but this nnport reads version " + std::to_string(kFormatVersion));
  }
  const auto header_size = read_le<uint64_t>(p + 16);
  const auto blob_offset = read_le<uint64_t>(p + 24);
  const auto blob_size = read_le<uint64_t>(p + 32);
  if (header_size > file_size - kPrefixSize || blob_offset < kPrefixSize + header_size ||
      blob_offset % kAlign != 0 || blob_offset > file_size || blob_size > file_size - blob_offset) {
    bad(path, "its header (" + std::to_string(header_size) + " bytes) or weights (" +
                  std::to_string(blob_size) + " bytes at offset " + std::to_string(blob_offset) +
                  ") extend past its " + std::to_string(file_size) + " bytes (truncated?)");
  }
  const json h = json::parse(p + kPrefixSize, p + kPrefixSize + header_size, nullptr, false);
  if (h.is_discarded() || !h.is_object()) bad(path, "its header is not valid JSON");

  LoadedModel lm;
  lm.blob = Blob{bytes, blob_offset, blob_size};
  Model& m = lm.model;
  try {
    m.source = h.value("source", "");
    for (const json& jv : h.at("values")) {
      Value v;
      v.dims = jv.at("dims").get<std::vector<int64_t>>();
      if (v.dims.size() > 6)
        bad(path, "a value has rank " + std::to_string(v.dims.size()) + " > 6");
      for (int64_t d : v.dims) {
        if (d < -1 || d == 0) bad(path, "a value has the invalid dim " + std::to_string(d));
      }
      if (jv.contains("offset")) {
        v.offset = jv.at("offset").get<int64_t>();
        const int64_t n = weight_numel(v.dims);
        if (n <= 0 || v.offset < 0 || v.offset % 4 != 0 ||
            uint64_t(v.offset) + uint64_t(n) * 4 > blob_size) {
          bad(path, "weight value #" + std::to_string(m.values.size()) +
                        " lies outside the weight blob (truncated?)");
        }
      }
      m.values.push_back(std::move(v));
    }
    const size_t nv = m.values.size();
    auto ids = [&](const json& a, bool allow_absent) {
      std::vector<uint32_t> out;
      for (const json& j : a) {
        const int64_t id = j.get<int64_t>();
        if (id == -1 && allow_absent) {
          out.push_back(kAbsent);
        } else if (id < 0 || uint64_t(id) >= nv) {
          bad(path, "a node refers to value " + std::to_string(id) + " of " + std::to_string(nv));
        } else {
          out.push_back(uint32_t(id));
        }
      }
      return out;
    };
    for (const json& jn : h.at("nodes")) {
      Node n;
      n.op = jn.at("op").get<std::string>();
      n.inputs = ids(jn.at("in"), true);
      n.outputs = ids(jn.at("out"), false);
      if (n.outputs.size() != 1) {
        bad(path, "node #" + std::to_string(m.nodes.size()) + " has " +
                      std::to_string(n.outputs.size()) + " outputs, expected 1");
      }
      n.attrs = jn.at("attrs");
      if (jn.contains("min")) n.out_min = jn.at("min").get<float>();
      if (jn.contains("max")) n.out_max = jn.at("max").get<float>();
      m.nodes.push_back(std::move(n));
    }
    for (const char* key : {"inputs", "outputs"}) {
      for (const json& jp : h.at(key)) {
        Port port;
        port.name = jp.at("name").get<std::string>();
        port.value = ids(json::array({jp.at("value")}), false)[0];
        port.dims = jp.at("dims").get<std::vector<int64_t>>();
        port.dim_names = jp.at("dim_names").get<std::vector<std::string>>();
        port.nchw = jp.at("nchw").get<bool>();
        (std::string(key) == "inputs" ? m.inputs : m.outputs).push_back(std::move(port));
      }
    }
  } catch (const json::exception& e) {
    bad(path, std::string("its header misses or mistypes a field (") + e.what() + ")");
  }
  if (m.inputs.empty() || m.outputs.empty()) bad(path, "it declares no inputs or no outputs");
  if (const std::string why = find_inconsistency(m); !why.empty()) bad(path, why);
  return lm;
}

}  // namespace nnport::xnn
