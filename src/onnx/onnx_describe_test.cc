// inspect_onnx on models built here: parameter_count of hostile dims.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nnport/onnx_model.h"
#include "onnx/onnx_pb.h"
#include "onnx_test_util.h"

namespace nnport {
namespace {

// A model whose graph holds one initializer per entry of dims (no data: only
// the dims count) and one Identity node, written to a scratch file.
std::string model_with_initializers(const std::string& name,
                                    const std::vector<std::vector<int64_t>>& dims) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("g");
  for (size_t i = 0; i < dims.size(); ++i) {
    onnx::TensorProto* t = g->add_initializer();
    t->set_name("w" + std::to_string(i));
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims[i]) t->add_dims(d);
  }
  onnx::NodeProto* n = g->add_node();
  n->set_op_type("Identity");
  n->add_input("w0");
  n->add_output("y");
  g->add_output()->set_name("y");
  return onnx_test::write_file(name + ".onnx", model.SerializeAsString());
}

struct CountCase {
  const char* name;
  std::vector<std::vector<int64_t>> dims;
  int64_t want;
};

void PrintTo(const CountCase& c, std::ostream* os) { *os << c.name; }

class ParameterCountTest : public ::testing::TestWithParam<CountCase> {};

TEST_P(ParameterCountTest, CountsOrMarksUnknown) {
  const CountCase& c = GetParam();
  auto info = inspect_onnx(model_with_initializers(c.name, c.dims));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->parameter_count, c.want);
  EXPECT_EQ(info->initializer_count, static_cast<int64_t>(c.dims.size()));
}

constexpr int64_t k2p40 = int64_t{1} << 40;
constexpr int64_t k2p62 = int64_t{1} << 62;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

INSTANTIATE_TEST_SUITE_P(
    Dims, ParameterCountTest,
    ::testing::Values(CountCase{"small", {{2, 3}, {4}}, 10}, CountCase{"scalar", {{}}, 1},
                      CountCase{"zero_dim", {{0, k2p40}, {3}}, 3},
                      CountCase{"fits_exactly", {{kMax}}, kMax},
                      CountCase{"product_overflows", {{k2p40, k2p40}}, -1},
                      CountCase{"product_overflows_later", {{3}, {k2p40, k2p40}, {5}}, -1},
                      CountCase{"sum_overflows", {{k2p62}, {k2p62}}, -1},
                      CountCase{"sum_fits_exactly", {{k2p62}, {k2p62 - 1}}, kMax},
                      CountCase{"unknown_stays_unknown", {{k2p62}, {k2p62}, {1}}, -1},
                      CountCase{"negative_dim", {{-1, 4}}, -1},
                      CountCase{"negative_product_would_hide", {{-2, -3}}, -1}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nnport
