// parse_fp16_options on MMDeploy's configs, read as nnport reads them
// (parse_config_text of the .py text).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fp16_model.h"
#include "nnport/config.h"

namespace nnport {
namespace {

using quantize::Fp16Options;
using quantize::parse_fp16_options;

Config backend_config(const std::string& common_config) {
  const std::string text = "backend_config = dict(type='onnxruntime', precision='fp16'" +
                           (common_config.empty() ? "" : ", common_config=" + common_config) + ")";
  auto cfg = parse_config_text(text, "py", "fp16.py");
  if (!cfg.ok()) throw std::runtime_error(cfg.status().message());
  return (*cfg)["backend_config"];
}

Result<Fp16Options> parse(const std::string& common_config) {
  return parse_fp16_options(backend_config(common_config));
}

void expect_defaults(const Fp16Options& o) {
  EXPECT_EQ(o.min_positive_val, 1e-7f);
  EXPECT_EQ(o.max_finite_val, 1e4f);
  EXPECT_FALSE(o.keep_io_types);
  EXPECT_EQ(o.op_block_list, quantize::default_fp16_op_block_list());
  EXPECT_TRUE(o.node_block_list.empty());
}

TEST(Fp16Options, MmdeploysOnnxruntimeFp16ConfigGivesTheDefaults) {
  // configs/_base_/backends/onnxruntime-fp16.py, verbatim.
  auto o = parse(
      "dict(min_positive_val=1e-7, max_finite_val=1e4, keep_io_types=False, "
      "op_block_list=None, node_block_list=None)");
  ASSERT_TRUE(o.ok()) << o.status().message();
  expect_defaults(*o);
}

TEST(Fp16Options, NoCommonConfigGivesTheDefaults) {
  for (const char* cc : {"", "None", "dict()"}) {
    auto o = parse(cc);
    ASSERT_TRUE(o.ok()) << cc << ": " << o.status().message();
    expect_defaults(*o);
  }
  auto o = parse_fp16_options(Config::object());
  ASSERT_TRUE(o.ok());
  expect_defaults(*o);
}

TEST(Fp16Options, DefaultOpBlockListIsOnnxconverterCommons) {
  const auto& list = quantize::default_fp16_op_block_list();
  EXPECT_EQ(list.size(), 28u);
  for (const char* op : {"Resize", "Upsample", "TopK", "NonMaxSuppression", "RoiAlign", "Range",
                         "CumSum", "Min", "Max", "TreeEnsembleClassifier", "ZipMap"})
    EXPECT_NE(std::find(list.begin(), list.end(), op), list.end()) << op;
  EXPECT_EQ(std::find(list.begin(), list.end(), "Conv"), list.end());
  EXPECT_EQ(Fp16Options{}.op_block_list, list);  // a default-built one has it too
}

TEST(Fp16Options, EveryKeyIsRead) {
  auto o = parse(
      "dict(min_positive_val=1e-6, max_finite_val=100, keep_io_types=True, "
      "op_block_list=['Gemm', 'Softmax'], node_block_list=('/fc/Gemm',), "
      "disable_shape_infer=True)");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->min_positive_val, 1e-6f);
  EXPECT_EQ(o->max_finite_val, 100.0f);  // an int is a number too
  EXPECT_TRUE(o->keep_io_types);
  EXPECT_EQ(o->op_block_list, (std::vector<std::string>{"Gemm", "Softmax"}));
  EXPECT_EQ(o->node_block_list, std::vector<std::string>{"/fc/Gemm"});
}

TEST(Fp16Options, AnEmptyOpBlockListBlocksNothing) {
  auto o = parse("dict(op_block_list=[])");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->op_block_list.empty());
}

struct BadCase {
  const char* common_config;
  std::vector<std::string> says;
};

TEST(Fp16Options, BadCommonConfigsSayWhatIsWrong) {
  const std::vector<BadCase> cases = {
      {"dict(keep_io_type=True)",
       {"backend_config.common_config", "unknown", "'keep_io_type'",
        "did you mean 'keep_io_types'"}},
      {"dict(min_positve_val=1e-7)", {"'min_positve_val'", "did you mean 'min_positive_val'"}},
      {"dict(precision='fp16')", {"unknown fp16 option 'precision'", "min_positive_val"}},
      {"dict(keep_io_types=1)", {"keep_io_types", "True or False", "int 1"}},
      {"dict(keep_io_types='False')", {"keep_io_types", "True or False", "str 'False'"}},
      {"dict(disable_shape_infer=None)", {"disable_shape_infer", "True or False", "None"}},
      {"dict(min_positive_val='1e-7')", {"min_positive_val", "a positive number", "str"}},
      {"dict(max_finite_val=True)", {"max_finite_val", "a positive number", "True"}},
      {"dict(min_positive_val=-1e-7)", {"min_positive_val", "a positive number"}},
      {"dict(max_finite_val=0)", {"max_finite_val", "a positive number"}},
      {"dict(op_block_list='Resize')", {"op_block_list", "a list of names or None", "str"}},
      {"dict(op_block_list=['Resize', 3])", {"op_block_list[1]", "a name (str)", "int 3"}},
      {"dict(node_block_list=dict(a=1))", {"node_block_list", "a list", "a dict"}},
      {"dict(min_positive_val=1e-9)", {"min_positive_val", "1e-09", "rounds to 0", "5.96e-08"}},
      {"dict(max_finite_val=1e5)", {"max_finite_val", "100000", "rounds to inf", "65504"}},
      {"dict(min_positive_val=0.5, max_finite_val=0.25)",
       {"min_positive_val (0.5) must be below max_finite_val (0.25)"}},
      {"[1e-7]", {"backend_config.common_config", "expected a dict", "a list"}},
  };
  for (const auto& c : cases) {
    auto o = parse(c.common_config);
    ASSERT_FALSE(o.ok()) << c.common_config;
    EXPECT_EQ(o.status().code(), Code::kInvalidArgument);
    for (const auto& s : c.says)
      EXPECT_NE(o.status().message().find(s), std::string::npos)
          << c.common_config << " -> " << o.status().message() << "\nmissing: " << s;
  }
}

}  // namespace
}  // namespace nnport
