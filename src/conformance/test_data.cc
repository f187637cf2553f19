// A test's model (op types, inputs, outputs, whether nnport can hold its
// types) and its data sets (TensorProto .pb files), read with Debian's
// onnx_proto.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "nnport/conformance.h"
#include "onnx/onnx_io.h"

namespace nnport::conformance {
namespace fs = std::filesystem;

namespace {

using TP = onnx::TensorProto;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '" + path.string() + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return io_error("cannot read '" + path.string() + "'");
  return std::move(ss).str();
}

// Why `type` cannot be an nnport Tensor ("" when it can; an unset type is
// left to the backend).
std::string unsupported_type(const onnx::TypeProto& type) {
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET) return "";
  if (type.value_case() != onnx::TypeProto::kTensorType)
    return onnx_internal::onnx_type_string(type);
  const int32_t elem = type.tensor_type().elem_type();
  if (elem != TP::UNDEFINED && onnx_internal::dtype_from_onnx(elem) == DType::kUndefined)
    return onnx_internal::onnx_type_string(type);
  return "";
}

template <class T, class Field>
void copy_typed(const Field& field, Tensor& t) {
  T* out = t.data_as<T>();
  for (int64_t i = 0; i < t.numel(); ++i) out[i] = static_cast<T>(field.Get(static_cast<int>(i)));
}

// The typed field a TensorProto keeps its values in when raw_data is empty.
int typed_count(const TP& p) {
  switch (p.data_type()) {
    case TP::FLOAT:
      return p.float_data_size();
    case TP::DOUBLE:
      return p.double_data_size();
    case TP::INT64:
      return p.int64_data_size();
    default:
      return p.int32_data_size();  // int32, (u)int8, bool, float16 (as bits)
  }
}

}  // namespace

Result<Tensor> read_tensor_proto(const std::string& path, std::string* name) {
  NNPORT_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  TP proto;
  if (!proto.ParseFromString(bytes))
    return invalid_argument("'" + path + "' is not a TensorProto (.pb) file");
  if (name != nullptr) *name = proto.name();
  const DType dtype = onnx_internal::dtype_from_onnx(proto.data_type());
  if (dtype == DType::kUndefined)
    return unimplemented("'" + path + "' holds " +
                         onnx_internal::onnx_elem_type_name(proto.data_type()) +
                         " values; nnport's Tensor has no such type");
  if (proto.data_location() == TP::EXTERNAL)
    return unimplemented("'" + path + "' keeps its values in an external file");
  Shape shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape)
    if (d < 0) return invalid_argument("'" + path + "' has a negative dim");
  Tensor t = Tensor::empty(dtype, shape);
  const std::string where =
      "'" + path + "' (" + std::string(dtype_name(dtype)) + ", " + shape_to_string(shape) + ")";
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != t.nbytes())
      return invalid_argument(where + " has " + std::to_string(proto.raw_data().size()) +
                              " bytes of raw data, expected " + std::to_string(t.nbytes()));
    if (t.nbytes() > 0) std::memcpy(t.data(), proto.raw_data().data(), t.nbytes());
    return t;
  }
  if (typed_count(proto) != t.numel())
    return invalid_argument(where + " has " + std::to_string(typed_count(proto)) +
                            " values, expected " + std::to_string(t.numel()));
  switch (dtype) {
    case DType::kFloat32:
      copy_typed<float>(proto.float_data(), t);
      break;
    case DType::kFloat64:
      copy_typed<double>(proto.double_data(), t);
      break;
    case DType::kInt64:
      copy_typed<int64_t>(proto.int64_data(), t);
      break;
    case DType::kInt32:
      copy_typed<int32_t>(proto.int32_data(), t);
      break;
    case DType::kInt8:
      copy_typed<int8_t>(proto.int32_data(), t);
      break;
    case DType::kUInt8:
    case DType::kBool:
      copy_typed<uint8_t>(proto.int32_data(), t);
      break;
    case DType::kFloat16:
      copy_typed<uint16_t>(proto.int32_data(), t);
      break;
    case DType::kUndefined:
      break;
  }
  return t;
}

Result<TestModel> inspect_test(const TestCase& test) {
  const fs::path path = fs::path(test.dir) / "model.onnx";
  NNPORT_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return invalid_argument("'" + path.string() + "' is not an ONNX model");
  const onnx::GraphProto& g = model.graph();
  TestModel m;
  for (const auto& node : g.node())
    if (std::find(m.op_types.begin(), m.op_types.end(), node.op_type()) == m.op_types.end())
      m.op_types.push_back(node.op_type());
  if (test.group == "node") {
    std::vector<std::string> ops;
    for (const auto& op : m.op_types)
      if (op != "Constant") ops.push_back(op);
    m.summary_op = ops.size() == 1 ? ops[0] : ops.empty() ? "Constant" : "expanded";
  } else {
    m.summary_op = "model";
  }
  std::set<std::string> initializers;
  for (const auto& init : g.initializer()) initializers.insert(init.name());
  for (const auto& in : g.input()) {
    if (initializers.count(in.name()) != 0) continue;  // IR < 4 lists them as inputs too
    m.input_names.push_back(in.name());
    const std::string why = unsupported_type(in.type());
    if (m.skip_reason.empty() && !why.empty())
      m.skip_reason = "input '" + in.name() + "' is " + why + ", which nnport's Tensor cannot hold";
  }
  for (const auto& out : g.output()) {
    m.output_names.push_back(out.name());
    const std::string why = unsupported_type(out.type());
    if (m.skip_reason.empty() && !why.empty())
      m.skip_reason =
          "output '" + out.name() + "' is " + why + ", which nnport's Tensor cannot hold";
  }
  return m;
}

Result<std::vector<DataSet>> read_data_sets(const TestCase& test, const TestModel& model) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(test.dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && it->path().filename().string().rfind("test_data_set_", 0) == 0)
      dirs.push_back(it->path());
  // test_data_set_10 after test_data_set_9.
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    const std::string x = a.filename().string(), y = b.filename().string();
    return x.size() != y.size() ? x.size() < y.size() : x < y;
  });
  if (dirs.empty())
    return not_found("test '" + test.name + "' has no test_data_set_N folder in '" + test.dir +
                     "'");
  std::vector<DataSet> sets;
  for (const auto& dir : dirs) {
    DataSet set;
    set.name = dir.filename().string();
    // input_K.pb feeds the K-th input (its own name when it has one the
    // model knows), output_K.pb is the K-th output.
    for (const auto& [prefix, names, into] :
         {std::tuple{"input_", &model.input_names, &set.inputs},
          std::tuple{"output_", &model.output_names, &set.expected}}) {
      for (size_t k = 0;; ++k) {
        const fs::path file = dir / (std::string(prefix) + std::to_string(k) + ".pb");
        if (!fs::exists(file, ec)) break;
        std::string name;
        NNPORT_ASSIGN_OR_RETURN(Tensor t, read_tensor_proto(file.string(), &name));
        const bool known = std::find(names->begin(), names->end(), name) != names->end();
        if (!known) {
          if (k >= names->size())
            return invalid_argument("'" + file.string() + "' has no matching model " +
                                    (into == &set.inputs ? "input" : "output") +
                                    " (the model has " + std::to_string(names->size()) + ")");
          name = (*names)[k];
        }
        into->set(name, std::move(t));
      }
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

Result<Tolerances> stated_tolerances(const TestCase& test, const Tolerances& defaults) {
  const fs::path path = fs::path(test.dir) / "data.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return defaults;
  NNPORT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  NNPORT_ASSIGN_OR_RETURN(Config doc, parse_json_document(text, path.string()));
  Tolerances t = defaults;
  if (!doc.is_object()) return invalid_argument("'" + path.string() + "' is not a JSON object");
  for (auto [key, value] : {std::pair{"rtol", &t.rtol}, std::pair{"atol", &t.atol}}) {
    if (!doc.contains(key)) continue;
    const Config& v = doc[key];
    if (!v.is_number() || !(v.get<double>() >= 0))
      return invalid_argument("'" + path.string() + "': " + key + " must be a number >= 0, not " +
                              v.dump());
    *value = v.get<double>();
  }
  return t;
}

}  // namespace nnport::conformance
