// Bad calibration data, one row each: the error names the file (and the
// dataset or key) and says what to do. A row with sample >= 0 opens fine
// and fails when that sample is read.
#include <sys/stat.h>

#include <ostream>

#include "quantize/calib_data.h"
#include "quantize/calib_test_util.h"

namespace nnport::quantize::test {
namespace {

enum class Model { kPair, kImage, kImageDynamicHw, kImageBatch4, kImageInt64, kImage4Channels };

std::vector<TensorInfo> inputs_of(Model m) {
  auto one = [](DType t, Shape dims) { return std::vector<TensorInfo>{{"input", t, dims, {}}}; };
  switch (m) {
    case Model::kPair:
      return {{"x", DType::kFloat32, {1, 2, 3}, {}}, {"ids", DType::kInt64, {-1, 4}, {}}};
    case Model::kImage:
      return one(DType::kFloat32, {1, 3, 4, 5});
    case Model::kImageDynamicHw:
      return one(DType::kFloat32, {1, 3, -1, -1});
    case Model::kImageBatch4:
      return one(DType::kFloat32, {4, 3, 4, 5});
    case Model::kImageInt64:
      return one(DType::kInt64, {1, 3, 4, 5});
    case Model::kImage4Channels:
      return one(DType::kFloat32, {1, 4, 4, 5});
  }
  return {};
}

struct BadInput {
  const char* name;
  const char*
      path;  // under the fixtures; "EMPTY": an empty folder of the test's own; "FIFO": a FIFO
  Model model;
  const char* image_keys;           // calib_config.image as JSON, or ""
  std::vector<std::string> expect;  // parts of the message
  int sample = -1;                  // >= 0: fails at read(sample), not at open
};
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

const BadInput kBad[] = {
    // npy folders
    {"npy_missing_input",
     "npy/missing_input",
     Model::kPair,
     "",
     {"npy/missing_input/ids'", "model input 'ids' is missing", "one subfolder per model input"}},
    {"npy_gap",
     "npy/gap",
     Model::kPair,
     "",
     {"npy/gap/x/2.npy' is missing", "'3.npy' exists", "without gaps"}},
    {"npy_wrong_shape",
     "npy/wrong_shape",
     Model::kPair,
     "",
     {"wrong_shape/x/0.npy", "shape 1x2x4", "[1, 2, 3]", "dim 2 is 4", "fixes it at 3",
      "give arrays of that shape"}},
    {"npy_wrong_dtype",
     "npy/wrong_dtype",
     Model::kPair,
     "",
     {"wrong_dtype/x/0.npy", "float64", "convert the data to float32"}},
    {"npy_count_mismatch",
     "npy/count_mismatch",
     Model::kPair,
     "",
     {"count_mismatch/x' holds 3", "count_mismatch/ids' holds 2", "same number of samples"}},
    {"npy_leading_zero",
     "npy/bad_name",
     Model::kPair,
     "",
     {"bad_name/x/00.npy", "name the samples 0.npy, 1.npy"}},
    {"npy_late_wrong_shape",
     "npy/late_wrong_shape",
     Model::kPair,
     "",
     {"late_wrong_shape/x/2.npy", "shape 1x3x3", "dim 1 is 3", "fixes it at 2"},
     2},
    {"empty_folder",
     "EMPTY",
     Model::kPair,
     "",
     {"EMPTY' holds no images", "no subfolder per model input", "give an HDF5 file"}},
    {"fifo",
     "FIFO",
     Model::kPair,
     "",
     {"FIFO' is a FIFO", "not a file or a folder", "pass an HDF5 file"}},
    {"no_such_path",
     "does_not_exist",
     Model::kPair,
     "",
     {"does_not_exist' does not exist", "give"}},
    {"subfolders_named_otherwise",
     "npy",
     Model::kPair,
     "",
     {"npy' has subfolders", "none named after a model input ('x', 'ids')",
      "name each subfolder after its input"}},
    // HDF5
    {"h5_truncated",
     "h5/truncated.h5",
     Model::kPair,
     "",
     {"truncated.h5", "HDF5 cannot open it", "truncated", "write it again"}},
    {"h5_signature_then_junk",
     "h5/signature_garbage.h5",
     Model::kPair,
     "",
     {"signature_garbage.h5", "HDF5 cannot open it", "write it again"}},
    {"h5_garbage",
     "h5/garbage.h5",
     Model::kPair,
     "",
     {"garbage.h5' is not an HDF5 file", "give an HDF5 file"}},
    {"h5_no_root",
     "h5/no_root.h5",
     Model::kPair,
     "",
     {"no_root.h5", "no group 'calib_data/end2end'", "calib_data/end2end/<input name>/0"}},
    {"h5_no_input",
     "h5/no_input.h5",
     Model::kPair,
     "",
     {"no_input.h5", "no group 'calib_data/end2end/ids' for model input 'ids'",
      "MMDeploy's layout"}},
    {"h5_gap",
     "h5/gap.h5",
     Model::kPair,
     "",
     {"gap.h5", "dataset 'calib_data/end2end/x/1' is missing", "without gaps"}},
    {"h5_wrong_dtype",
     "h5/wrong_dtype.h5",
     Model::kPair,
     "",
     {"wrong_dtype.h5', dataset 'calib_data/end2end/x/0'", "float64",
      "convert the data to float32"}},
    {"h5_group_not_dataset",
     "h5/not_dataset.h5",
     Model::kPair,
     "",
     {"not_dataset.h5', dataset 'calib_data/end2end/x/0'", "cannot open it as a dataset",
      "MMDeploy's layout"}},
    {"h5_filter_missing",
     "h5/lzf.h5",
     Model::kPair,
     "",
     {"lzf.h5', dataset 'calib_data/end2end/x/0'", "filter 'lzf'", "compression='gzip'"}},
    // images
    {"img_undecodable",
     "img/bad_first",
     Model::kImage,
     "",
     {"cannot decode image", "bad_first/0_bad.png", "re-save it or remove it"}},
    {"img_undecodable_later",
     "img/bad_second",
     Model::kImage,
     "",
     {"cannot decode image", "bad_second/1_bad.png"},
     1},
    {"img_none", "img/none", Model::kImage, "", {"none' holds no images (.png, .jpg, .jpeg)"}},
    {"img_two_input_model",
     "img/png",
     Model::kPair,
     "",
     {"img/png' (a folder of images)", "it has 2 inputs", "give an npy folder instead"}},
    {"img_int64_model",
     "img/png",
     Model::kImageInt64,
     "",
     {"its input 'input' is int64", "give an npy folder instead"}},
    {"img_four_channels",
     "img/png",
     Model::kImage4Channels,
     "",
     {"C = 1 or 3", "give an npy folder instead"}},
    {"img_fewer_than_batch",
     "img/png",
     Model::kImageBatch4,
     "",
     {"img/png'", "2 images, fewer than the 4", "add images"}},
    {"img_dynamic_hw_without_size",
     "img/resize",
     Model::kImageDynamicHw,
     "",
     {"img/resize'", "dynamic height or width", "set calib_config.image.size=[H, W]"}},
    {"img_size_zero",
     "img/png",
     Model::kImage,
     R"({"size": [0, 5]})",
     {"img/png'", "calib_config.image.size is [0,5]", "give [H, W], two positive integers"}},
    {"img_size_one_number",
     "img/png",
     Model::kImage,
     R"({"size": 224})",
     {"calib_config.image.size is 224", "give [H, W]"}},
    {"img_size_differs_from_model",
     "img/png",
     Model::kImage,
     R"({"size": [8, 8]})",
     {"size [8, 8] differs from model input 'input' [1, 3, 4, 5]", "drop size"}},
    {"img_mean_wrong_length",
     "img/png",
     Model::kImage,
     R"({"mean": [1, 2]})",
     {"img/png'", "calib_config.image.mean is [1,2]", "3 channels", "give a list of 3 numbers"}},
    {"img_std_zero",
     "img/png",
     Model::kImage,
     R"({"std": [1, 0, 1]})",
     {"calib_config.image.std [1,0,1] has a 0", "give nonzero values"}},
    {"img_to_rgb_not_bool",
     "img/png",
     Model::kImage,
     R"({"to_rgb": "yes"})",
     {"calib_config.image.to_rgb is \"yes\"", "give True or False"}},
    {"img_unknown_key",
     "img/png",
     Model::kImage,
     R"({"meen": [1, 2, 3]})",
     {"img/png'", "unknown key calib_config.image.meen", "did you mean 'mean'?",
      "the keys are size, mean, std, to_rgb"}},
    {"img_keys_not_a_dict",
     "img/png",
     Model::kImage,
     R"([224, 224])",
     {"calib_config.image in the deploy config is [224,224]", "make it a dict"}},
};

class CalibBadInputTest : public CalibTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(CalibBadInputTest, ErrorNamesTheFileAndWhatToDo) {
  const BadInput& c = GetParam();
  std::string path = fx(c.path);
  if (std::string(c.path) == "EMPTY") {
    path = tmp("EMPTY");
    fs::create_directories(path);
  }
  if (std::string(c.path) == "FIFO") {  // opening it for reading would block
    path = tmp("FIFO");
    fs::remove(path);
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  }
  Config cfg = Config::object();
  if (*c.image_keys != '\0')
    cfg = Config::parse(std::string(R"({"calib_config": {"image": )") + c.image_keys + "}}");
  // The message, or why there is none; what HDF5 printed of its own (nothing).
  std::string message, unexpected;
  ::testing::internal::CaptureStderr();
  auto source = open_calib_data(path, inputs_of(c.model), cfg);
  if (c.sample < 0) {
    if (source.ok()) unexpected = "opened " + (*source)->describe();
    message = source.status().message();
  } else if (!source.ok()) {
    unexpected = "open failed: " + source.status().message();
  } else {
    for (int i = 0; i < c.sample && unexpected.empty(); ++i)
      if (auto fine = (*source)->read(size_t(i)); !fine.ok())
        unexpected = "sample " + std::to_string(i) + ": " + fine.status().message();
    auto bad = (*source)->read(size_t(c.sample));
    if (bad.ok()) unexpected = "sample " + std::to_string(c.sample) + " was read";
    message = bad.status().message();
  }
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(contains(printed, "HDF5-DIAG")) << printed;
  ASSERT_EQ(unexpected, "");
  for (const auto& part : c.expect)
    EXPECT_TRUE(contains(message, part)) << "want '" << part << "' in: " << message;
}

INSTANTIATE_TEST_SUITE_P(Table, CalibBadInputTest, ::testing::ValuesIn(kBad),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nnport::quantize::test
